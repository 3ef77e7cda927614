package pose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/kneetrack/kneetrack/internal/video"
)

// Person is someone found in the frames sampled over a video, linked from
// sample to sample by position.
type Person struct {
	// ID numbers people 1, 2, ... in order of first appearance, then left
	// to right.
	ID        int
	Sightings []Sighting
	// Likeness is how much the person looks like the lifter the video is
	// about, 0..1: seen in many samples, large, central, and moving up and
	// down (squatting). The highest is followed unless the user picks.
	Likeness float64
}

// First returns the person's first sighting.
func (p Person) First() Sighting { return p.Sightings[0] }

// nearest returns the sighting closest in time to t.
func (p Person) nearest(t float64) Sighting {
	best := p.Sightings[0]
	for _, s := range p.Sightings[1:] {
		if math.Abs(s.Time-t) < math.Abs(best.Time-t) {
			best = s
		}
	}
	return best
}

// Scan is what a quick look over a video found: the people, and when the
// sampled frames were taken.
type Scan struct {
	People        []Person // by Likeness, best first
	SampleTimes   []float64
	Width, Height int // the video's displayed size, pixels
}

// scanPeople looks for people in samples frames spread evenly over the
// first frames frames of the video and links them into people. The frames
// are decoded small (the detector sees 224 pixels anyway, the landmark
// model 256) and positions scaled back to full size.
func scanPeople(ctx context.Context, path string, info *video.Info, fd finder, samples, frames int) (*Scan, error) {
	if frames <= 0 {
		frames = info.FrameCount
	}
	samples = max(1, min(samples, frames))
	want := make([]int, samples)
	for k := range want {
		if samples > 1 {
			want[k] = int(math.Round(float64(k) * float64(frames-1) / float64(samples-1)))
		}
	}
	dec, err := video.Decode(ctx, path, video.DecodeOptions{MaxSide: 640, Info: info})
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	sx := float64(info.Width) / float64(dec.Width())
	sy := float64(info.Height) / float64(dec.Height())
	scan := &Scan{Width: info.Width, Height: info.Height}
	var perSample [][]Sighting
	next := 0
	for next < len(want) {
		f, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if f.Index != want[next] {
			continue
		}
		for next < len(want) && want[next] == f.Index {
			next++
		}
		row, err := fd.find(ctx, Image{Pix: f.Pix, W: f.Width, H: f.Height}, f.Index, f.Time)
		if err != nil {
			return nil, err
		}
		for i := range row {
			row[i] = scaleSighting(row[i], sx, sy)
		}
		perSample = append(perSample, row)
		scan.SampleTimes = append(scan.SampleTimes, f.Time)
	}
	scan.People = linkPeople(perSample)
	scorePeople(scan.People, len(perSample), info.Width, info.Height)
	return scan, nil
}

// scaleSighting scales a sighting's coordinates by (sx, sy) (nearly equal:
// the decoder keeps the aspect ratio).
func scaleSighting(s Sighting, sx, sy float64) Sighting {
	s.X, s.Y, s.R = s.X*sx, s.Y*sy, s.R*math.Sqrt(sx*sy)
	s.Box = Box{s.Box.X0 * sx, s.Box.Y0 * sy, s.Box.X1 * sx, s.Box.Y1 * sy}
	s.pose = Pose{}
	return s
}

// linkPeople links the detections of successive samples into people: each
// detection joins the person whose last sighting is nearest, if its hip
// centre lies within a body radius of it (more when the samples are far
// apart in time, up to 2.5) and its size within a factor 2 (squatting
// shrinks the body); otherwise it starts a new person.
func linkPeople(samples [][]Sighting) []Person {
	var people []Person
	for _, row := range samples {
		type pair struct {
			p, d int
			dist float64
		}
		var cands []pair
		for pi := range people {
			last := people[pi].Sightings[len(people[pi].Sightings)-1]
			for di, s := range row {
				dt := s.Time - last.Time
				tol := math.Min(1+0.5*dt, 2.5) * last.R
				if s.R > 2*last.R || s.R < last.R/2 { // a deep lunge or squat shrinks the body
					continue
				}
				if dist := math.Hypot(s.X-last.X, s.Y-last.Y); dist <= tol {
					cands = append(cands, pair{pi, di, dist / last.R})
				}
			}
		}
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].dist < cands[b].dist })
		usedP := make(map[int]bool)
		usedD := make(map[int]bool)
		for _, c := range cands {
			if usedP[c.p] || usedD[c.d] {
				continue
			}
			usedP[c.p], usedD[c.d] = true, true
			people[c.p].Sightings = append(people[c.p].Sightings, row[c.d])
		}
		// New people, left to right.
		var fresh []Sighting
		for di, s := range row {
			if !usedD[di] {
				fresh = append(fresh, s)
			}
		}
		slices.SortStableFunc(fresh, func(a, b Sighting) int {
			return cmpFloat(a.X, b.X)
		})
		for _, s := range fresh {
			people = append(people, Person{ID: len(people) + 1, Sightings: []Sighting{s}})
		}
	}
	return people
}

// scorePeople sets each person's Likeness and sorts them, best first.
func scorePeople(people []Person, samples, w, h int) {
	side := float64(max(w, h))
	for i := range people {
		p := &people[i]
		var rs, xs, ys, scores []float64
		for _, s := range p.Sightings {
			rs = append(rs, s.R)
			xs = append(xs, s.X)
			ys = append(ys, s.Y)
			scores = append(scores, s.Score)
		}
		r := median(rs)
		presence := float64(len(p.Sightings)) / float64(max(1, samples))
		size := math.Min(1, r/(0.5*side))
		dx := (median(xs) - float64(w)/2) / float64(w)
		dy := (median(ys) - float64(h)/2) / float64(h)
		central := math.Max(0, 1-2*math.Hypot(dx, dy))
		motion := 0.0
		if len(ys) > 1 && r > 0 {
			motion = math.Min(1, (slices.Max(ys)-slices.Min(ys))/r)
		}
		p.Likeness = presence * size * (0.5 + 0.5*central) * (0.5 + 0.5*motion) * mean(scores)
	}
	slices.SortStableFunc(people, func(a, b Person) int { return cmpFloat(b.Likeness, a.Likeness) })
}

// ErrPickMissed is returned when --pick points at nobody.
var ErrPickMissed = errors.New("nobody at the picked point")

// PickPoint is the point that picks p, as --list-people prints it: the hip
// centre on p's first sighting, normalised to the picture and rounded to
// two decimals.
func (s *Scan) PickPoint(p Person) (nx, ny float64) {
	f := p.First()
	return math.Round(100*f.X/float64(s.Width)) / 100, math.Round(100*f.Y/float64(s.Height)) / 100
}

// pickPerson returns the person at the normalised point (nx, ny), wherever
// and whenever they were seen: the one whose first sighting holds the point
// (the point --list-people prints for someone is on their first sighting),
// else the one with any sighting holding it. A sighting holds the point
// when it lies inside its keypoint box or within half a body radius of its
// hip centre; of several, the nearest hip centre wins.
func pickPerson(scan *Scan, nx, ny float64) (Person, error) {
	x, y := nx*float64(scan.Width), ny*float64(scan.Height)
	for _, firstOnly := range []bool{true, false} {
		best, bestD := -1, math.Inf(1)
		for i, p := range scan.People {
			seen := p.Sightings
			if firstOnly {
				seen = seen[:1]
			}
			for _, s := range seen {
				d := math.Hypot(s.X-x, s.Y-y)
				if (s.Box.Contains(x, y) || d <= 0.5*s.R) && d < bestD {
					best, bestD = i, d
				}
			}
		}
		if best >= 0 {
			return scan.People[best], nil
		}
	}
	return Person{}, pickMissed(scan, nx, ny)
}

// pickMissed explains a pick that holds nobody: where each person was
// first seen and the point that picks them, in order of appearance.
func pickMissed(scan *Scan, nx, ny float64) error {
	if len(scan.People) == 0 {
		return fmt.Errorf("%w (%.2f,%.2f): the detector found nobody in the %d frames sampled over the video",
			ErrPickMissed, nx, ny, len(scan.SampleTimes))
	}
	people := slices.Clone(scan.People)
	slices.SortFunc(people, func(a, b Person) int { return a.ID - b.ID })
	const most = 6
	var where []string
	for _, p := range people[:min(len(people), most)] {
		s := p.First()
		px, py := scan.PickPoint(p)
		where = append(where, fmt.Sprintf("person %d was first seen at %.2f s in %.0f,%.0f - %.0f,%.0f px (--pick %.2f,%.2f)",
			p.ID, s.Time, s.Box.X0, s.Box.Y0, s.Box.X1, s.Box.Y1, px, py))
	}
	if len(people) > most {
		where = append(where, fmt.Sprintf("%d more", len(people)-most))
	}
	return fmt.Errorf("%w (%.2f,%.2f) in any of the %d frames sampled over the video (%dx%d px): %s; "+
		"give one of these points, or run with --list-people", ErrPickMissed, nx, ny, len(scan.SampleTimes),
		scan.Width, scan.Height, strings.Join(where, "; "))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
