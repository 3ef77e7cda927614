package track

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// OpenPoseOptions tells ReadOpenPose what OpenPose's files do not record.
type OpenPoseOptions struct {
	FPS           float64 // frame rate of the source video (default 30)
	Width, Height int     // picture size in pixels, if known (for normalised coordinates)
	Source        string  // description of the source for the track's metadata
}

// openPoseFrame is the part of an OpenPose --write_json file we read.
type openPoseFrame struct {
	People []struct {
		Pose []float64 `json:"pose_keypoints_2d"`
	} `json:"people"`
}

var openPoseNumber = regexp.MustCompile(`(\d+)_keypoints\.json$`)

// ReadOpenPose reads a folder of OpenPose per-frame JSON files (the output of
// --write_json with the BODY_25 model: NAME_000000000123_keypoints.json) into
// a Body25 track. Frames are ordered by the number in the file name and timed
// as number/FPS. When several people are in a frame, the lifter is taken to
// be the largest person in the first frame that has anyone, and afterwards
// the person nearest to the one chosen in the previous frame, so the track
// never jumps to a passer-by who happens to be detected first.
func ReadOpenPose(fsys fs.FS, opt OpenPoseOptions) (*Track, error) {
	if opt.FPS <= 0 {
		opt.FPS = 30
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("reading OpenPose folder: %w", err)
	}
	type file struct {
		name string
		num  int
	}
	var files []file
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		m := openPoseNumber.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			continue
		}
		files = append(files, file{e.Name(), n})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("reading OpenPose folder %s: no *_keypoints.json files (run OpenPose with --write_json)", opt.Source)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].num < files[j].num })

	sk := Body25()
	t := New(sk, len(files))
	t.Video = Video{Source: opt.Source, Width: opt.Width, Height: opt.Height, FPS: opt.FPS}
	var prev []Point
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f.name)
		if err != nil {
			return nil, fmt.Errorf("reading OpenPose file %s: %w", f.name, err)
		}
		var fr openPoseFrame
		if err := json.Unmarshal(data, &fr); err != nil {
			return nil, fmt.Errorf("reading OpenPose file %s: not OpenPose JSON (%w)", f.name, err)
		}
		var people [][]Point
		for _, p := range fr.People {
			if len(p.Pose) == 0 {
				continue
			}
			if len(p.Pose) != 3*len(sk.Keypoints) {
				return nil, fmt.Errorf("reading OpenPose file %s: a person has %d values, want %d (BODY_25: 25 keypoints of x, y, confidence); other OpenPose models are not supported",
					f.name, len(p.Pose), 3*len(sk.Keypoints))
			}
			pts := make([]Point, len(sk.Keypoints))
			for k := range pts {
				x, y, c := p.Pose[3*k], p.Pose[3*k+1], p.Pose[3*k+2]
				if c > 0 && finite(x) && finite(y) {
					pts[k] = Point{X: x, Y: y, Conf: math.Min(c, 1)}
				}
			}
			people = append(people, pts)
		}
		frame := Frame{Index: f.num, Time: float64(f.num) / opt.FPS, Points: make([]Point, len(sk.Keypoints))}
		if pick := pickPerson(people, prev); pick != nil {
			frame.Points = pick
			prev = pick
		}
		t.Frames = append(t.Frames, frame)
	}
	t.FillNormalised()
	if n := len(t.Frames); n > 0 {
		t.Video.DurationS = t.Frames[n-1].Time - t.Frames[0].Time + 1/opt.FPS
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("reading OpenPose folder %s: %w", opt.Source, err)
	}
	return t, nil
}

// pickPerson chooses the lifter among the people of one frame: the one
// nearest to prev (mean distance over keypoints found in both), or without
// prev the one with the largest bounding box.
func pickPerson(people [][]Point, prev []Point) []Point {
	if len(people) == 0 {
		return nil
	}
	best, bestScore := -1, math.Inf(1)
	for i, pts := range people {
		var score float64
		if prev != nil {
			sum, n := 0.0, 0
			for k := range pts {
				if pts[k].Valid() && prev[k].Valid() {
					sum += math.Hypot(pts[k].X-prev[k].X, pts[k].Y-prev[k].Y)
					n++
				}
			}
			if n == 0 {
				continue
			}
			score = sum / float64(n)
		} else {
			minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, p := range pts {
				if p.Valid() {
					minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
					minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
				}
			}
			if maxX < minX {
				continue
			}
			score = -(maxX - minX) * (maxY - minY)
		}
		if score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return nil
	}
	return people[best]
}

// IsOpenPoseName reports whether a file name looks like OpenPose output.
func IsOpenPoseName(name string) bool {
	return openPoseNumber.MatchString(path.Base(strings.TrimSpace(name)))
}
