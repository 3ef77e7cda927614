package evalset

import (
	"errors"
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/track"
)

// This file holds the evaluation set's own 3D geometry: the truth of every
// case is computed here from 3D joint positions, never by the analysis code
// under test.

type vec = track.Vec3

// unit returns v scaled to length 1 (v itself when it is nearly zero).
func unit(v vec) vec {
	n := v.Norm()
	if n < 1e-12 {
		return v
	}
	return v.Scale(1 / n)
}

// perp returns the part of v perpendicular to the unit vector u.
func perp(v, u vec) vec { return v.Sub(u.Scale(v.Dot(u))) }

// legPose is one leg in one frame, in world coordinates.
type legPose struct{ hip, knee, ankle vec }

// kneeOffset returns the knee's perpendicular offset from the hip-ankle
// line and the line's unit direction (ankle to hip).
func kneeOffset(l legPose) (off, axis vec) {
	axis = unit(l.hip.Sub(l.ankle))
	return perp(l.knee.Sub(l.ankle), axis), axis
}

// caveAngle returns how far, in degrees, the knee is turned about its
// hip-ankle axis towards the midline, measured from "straight ahead": the
// lifter's forward direction made perpendicular to that axis. medial is the
// horizontal unit vector from this leg towards the body's midline. It
// returns NaN when the leg is so straight that the knee has no direction.
func caveAngle(l legPose, forward, medial vec) float64 {
	off, axis := kneeOffset(l)
	if off.Norm() < 1e-3 {
		return math.NaN()
	}
	f := unit(perp(forward, axis))
	m := unit(perp(perp(medial, axis), f))
	return math.Atan2(off.Dot(m), off.Dot(f)) * 180 / math.Pi
}

// medialOffset returns the knee's displacement from the hip-ankle line
// along the horizontal medial direction, in metres (+ towards the midline).
func medialOffset(l legPose, medial vec) float64 {
	off, _ := kneeOffset(l)
	return off.Dot(medial)
}

// rotateAbout rotates p about the line through o with unit direction u by
// angle a (radians, right-handed about u), by Rodrigues' formula.
func rotateAbout(p, o, u vec, a float64) vec {
	v := p.Sub(o)
	c, s := math.Cos(a), math.Sin(a)
	r := v.Scale(c).Add(u.Cross(v).Scale(s)).Add(u.Scale(u.Dot(v) * (1 - c)))
	return o.Add(r)
}

// turnKneeMedially moves the knee by angle deg about its leg's hip-ankle
// axis towards the midline (the side medial points to): a knee cave added to
// real motion capture. The thigh and shank keep their lengths.
func turnKneeMedially(l legPose, medial vec, deg float64) vec {
	off, axis := kneeOffset(l)
	if off.Norm() < 1e-9 || deg == 0 {
		return l.knee
	}
	a := deg * math.Pi / 180
	// Rotating off by +a about axis gives axis×off; pick the sign that moves
	// the knee medially.
	if axis.Cross(off).Dot(medial) < 0 {
		a = -a
	}
	return rotateAbout(l.knee, l.ankle, axis, a)
}

// bodyAxes gives the lifter's horizontal right and forward directions in
// one frame, from the hips: right from the left to the right hip, forward
// completing a right-handed frame with up (flipped when the whole take's
// feet point the other way, as in a left-handed lab frame).
func bodyAxes(hipL, hipR, up vec, flip bool) (right, forward vec, ok bool) {
	right = perp(hipR.Sub(hipL), up)
	if right.Norm() < 1e-6 {
		return vec{}, vec{}, false
	}
	right = unit(right)
	forward = up.Cross(right)
	if flip {
		forward = forward.Scale(-1)
	}
	return right, forward, true
}

// skeleton3D is a 3D take reduced to what the truth needs, one entry per
// frame.
type skeleton3D struct {
	up     vec
	time   []float64
	leg    [2][]legPose // 0 = the person's left, 1 = right
	flipFw bool         // forward = -(up × right): left-handed lab axes
}

// newSkeleton3D extracts hips, knees and ankles from a 3D track. Frames
// missing one of them are dropped.
func newSkeleton3D(t *track.Track) (*skeleton3D, error) {
	up, err := upOf(t.WorldUp)
	if err != nil {
		return nil, err
	}
	idx := func(n string) int { return t.Index(n) }
	ids := [2][3]int{
		{idx(track.LeftHip), idx(track.LeftKnee), idx(track.LeftAnkle)},
		{idx(track.RightHip), idx(track.RightKnee), idx(track.RightAnkle)},
	}
	for _, s := range ids {
		for _, i := range s {
			if i < 0 {
				return nil, errors.New("3D take lacks a hip, knee or ankle")
			}
		}
	}
	s := &skeleton3D{up: up}
	var feet vec
	heelL, heelR, toeL, toeR := idx(track.LeftHeel), idx(track.RightHeel), idx(track.LeftFootIndex), idx(track.RightFootIndex)
	for _, f := range t.Frames {
		okAll := true
		var legs [2]legPose
		for side := 0; side < 2; side++ {
			p := [3]track.Point{f.Points[ids[side][0]], f.Points[ids[side][1]], f.Points[ids[side][2]]}
			if !p[0].HasWorld || !p[1].HasWorld || !p[2].HasWorld {
				okAll = false
				break
			}
			legs[side] = legPose{p[0].World, p[1].World, p[2].World}
		}
		if !okAll {
			continue
		}
		s.time = append(s.time, f.Time)
		s.leg[0] = append(s.leg[0], legs[0])
		s.leg[1] = append(s.leg[1], legs[1])
		for _, pr := range [][2]int{{heelL, toeL}, {heelR, toeR}} {
			if pr[0] >= 0 && pr[1] >= 0 && f.Points[pr[0]].HasWorld && f.Points[pr[1]].HasWorld {
				feet = feet.Add(f.Points[pr[1]].World.Sub(f.Points[pr[0]].World))
			}
		}
	}
	if len(s.time) < 2 {
		return nil, errors.New("3D take has fewer than two complete frames")
	}
	// Toes ahead of heels: if they point against up×right, the lab axes are
	// left-handed relative to our construction.
	var fsum vec
	for i := range s.time {
		_, fw, ok := bodyAxes(s.leg[0][i].hip, s.leg[1][i].hip, up, false)
		if ok {
			fsum = fsum.Add(fw)
		}
	}
	s.flipFw = feet.Norm() > 0 && feet.Dot(fsum) < 0
	return s, nil
}

func upOf(w string) (vec, error) {
	if len(w) != 2 {
		return vec{}, errors.New("3D take has no usable world up axis")
	}
	s := 1.0
	if w[0] == '-' {
		s = -1
	}
	switch w[1] {
	case 'x':
		return vec{X: s}, nil
	case 'y':
		return vec{Y: s}, nil
	case 'z':
		return vec{Z: s}, nil
	}
	return vec{}, errors.New("3D take has no usable world up axis")
}

// hipHeight returns the height of the hips' midpoint in frame i.
func (s *skeleton3D) hipHeight(i int) float64 {
	return s.leg[0][i].hip.Add(s.leg[1][i].hip).Scale(0.5).Dot(s.up)
}

// medialDir returns the horizontal medial direction of a side in frame i.
func (s *skeleton3D) medialDir(i, side int) (medial, forward vec, ok bool) {
	right, fw, ok := bodyAxes(s.leg[0][i].hip, s.leg[1][i].hip, s.up, s.flipFw)
	if !ok {
		return vec{}, vec{}, false
	}
	if side == 1 {
		return right.Scale(-1), fw, true
	}
	return right, fw, true
}

// rep is one repetition found in a 3D take: frame indices of its start,
// deepest point and end.
type rep struct{ start, bottom, end int }

// findReps finds the reps of a squat-like take from the hips' height: a rep
// is a dip below standing height of more than minDropM, from where the hips
// leave standing to where they return. standing is the take's upper hip
// height (90th percentile), so a take that starts or ends mid-rep still
// finds its standing level.
func (s *skeleton3D) findReps(minDropM float64) (reps []rep, standing float64) {
	n := len(s.time)
	h := make([]float64, n)
	for i := range h {
		h[i] = s.hipHeight(i)
	}
	standing = percentile(h, 0.9)
	leave := 0.25 * minDropM // "left standing" threshold
	i := 0
	for i < n {
		if standing-h[i] < minDropM {
			i++
			continue
		}
		// a dip: widen to where the hips are near standing on both sides
		a := i
		for a > 0 && standing-h[a-1] > leave {
			a--
		}
		b := i
		for b < n-1 && standing-h[b+1] > leave {
			b++
		}
		bot := a
		for k := a; k <= b; k++ {
			if h[k] < h[bot] {
				bot = k
			}
		}
		reps = append(reps, rep{a, bot, b})
		i = b + 1
	}
	return reps, standing
}

// standingFrames returns the frames whose hips are within tolM of standing.
func (s *skeleton3D) standingFrames(standing, tolM float64) []int {
	var out []int
	for i := range s.time {
		if standing-s.hipHeight(i) < tolM {
			out = append(out, i)
		}
	}
	return out
}

// legLength returns the side's mean thigh plus shank length.
func (s *skeleton3D) legLength(side int) float64 {
	var sum float64
	for _, l := range s.leg[side] {
		sum += l.hip.Sub(l.knee).Norm() + l.knee.Sub(l.ankle).Norm()
	}
	return sum / float64(len(s.leg[side]))
}

// kneeMeasures is the geometric truth of one knee over a take.
type kneeMeasures struct {
	RepCaveDeg []float64 // cave angle at each rep's deepest frame
	Worst      int       // rep with the largest cave angle
	MedialLeg  float64   // medial offset at the worst rep's bottom minus standing, in leg lengths
}

// measureKnee computes a knee's cave angle at every rep's deepest frame and
// the medial displacement (change from standing, in leg lengths) at the
// worst rep's deepest frame.
func (s *skeleton3D) measureKnee(side int, reps []rep, standingIdx []int) kneeMeasures {
	var km kneeMeasures
	km.Worst = -1
	for r, rp := range reps {
		med, fw, ok := s.medialDir(rp.bottom, side)
		a := math.NaN()
		if ok {
			a = caveAngle(s.leg[side][rp.bottom], fw, med)
		}
		km.RepCaveDeg = append(km.RepCaveDeg, a)
		if !math.IsNaN(a) && (km.Worst < 0 || a > km.RepCaveDeg[km.Worst]) {
			km.Worst = r
		}
	}
	if km.Worst < 0 {
		return km
	}
	var base float64
	nb := 0
	for _, i := range standingIdx {
		if med, _, ok := s.medialDir(i, side); ok {
			base += medialOffset(s.leg[side][i], med)
			nb++
		}
	}
	if nb > 0 {
		base /= float64(nb)
	}
	b := reps[km.Worst].bottom
	med, _, _ := s.medialDir(b, side)
	km.MedialLeg = (medialOffset(s.leg[side][b], med) - base) / s.legLength(side)
	return km
}

func percentile(x []float64, q float64) float64 {
	c := append([]float64(nil), x...)
	slices.Sort(c)
	k := int(math.Round(q * float64(len(c)-1)))
	return c[k]
}
