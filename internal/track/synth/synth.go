// Package synth builds synthetic 3D lifters for tests: a simple two-link leg
// model performing squats, single-leg squats or split squats with chosen
// depth, tempo, stance and knee valgus per rep. Filmed with track.Project, it
// gives 2D tracks whose true geometry is known exactly, so analysis tests can
// assert numbers rather than impressions.
//
// World axes are right-handed: x forward (the way the lifter faces), y to the
// lifter's left, z up, in metres; the floor is z = 0.
package synth

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Movement selects the synthetic exercise.
type Movement int

// Movements.
const (
	BilateralSquat Movement = iota
	SingleLegSquat          // standing on the right leg, left foot held off the floor
	SplitSquat              // left foot forward, right foot back on its toes
	DropJump                // both feet leave the floor
)

// Lifter describes a synthetic set. Zero fields take the defaults noted.
type Lifter struct {
	Movement Movement
	Reps     int     // default 5
	FPS      float64 // default 30
	LeadS    float64 // standing still before the first rep (default 1 s)
	PauseS   float64 // standing between reps (default 0.6 s)
	DescentS float64 // default 1.2 s
	BottomS  float64 // pause at the bottom (default 0.2 s)
	// AscentS gives each rep's ascent duration (default 1.0 s for every rep;
	// a shorter slice repeats its last value).
	AscentS []float64
	DepthM  float64 // hip drop at the bottom (default 0.40 m)

	ThighM, ShankM float64 // segment lengths (default 0.43, 0.42)
	HipWidthM      float64 // between hip joint centres (default 0.20)
	ShoulderWidthM float64 // default 0.36
	StanceM        float64 // between the ankles (default 0.30)
	ToeOutDeg      float64 // default 12
	// KneesOutDeg turns the plane in which the knees bend outwards, as
	// lifters who push the knees out do (default 10).
	KneesOutDeg float64
	// LeftValgusDeg and RightValgusDeg turn each knee's bending plane inwards
	// by this many degrees at the bottom of each rep (a shorter slice repeats
	// its last value; nil means none). The turn follows the hip's descent, so
	// the knee caves most at the bottom.
	LeftValgusDeg, RightValgusDeg []float64
	// PeakLagS delays the valgus turn relative to the hip's descent, so that
	// it peaks after the bottom, out of the hole (default 0).
	PeakLagS float64
	// LateralShiftM moves the pelvis towards the lifter's right at the bottom.
	LateralShiftM float64
	// BaselineValgusDeg turns the bending planes inwards all the time (a
	// lifter who stands slightly knock-kneed).
	BaselineValgusDeg float64
}

func (l Lifter) withDefaults() Lifter {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if l.Reps == 0 {
		l.Reps = 5
	}
	def(&l.FPS, 30)
	def(&l.LeadS, 1)
	def(&l.PauseS, 0.6)
	def(&l.DescentS, 1.2)
	def(&l.BottomS, 0.2)
	if len(l.AscentS) == 0 {
		l.AscentS = []float64{1.0}
	}
	def(&l.DepthM, 0.40)
	def(&l.ThighM, 0.43)
	def(&l.ShankM, 0.42)
	def(&l.HipWidthM, 0.20)
	def(&l.ShoulderWidthM, 0.36)
	def(&l.StanceM, 0.30)
	def(&l.ToeOutDeg, 12)
	def(&l.KneesOutDeg, 10)
	return l
}

func at(s []float64, i int) float64 {
	switch {
	case len(s) == 0 || i < 0:
		return 0
	case i < len(s):
		return s[i]
	default:
		return s[len(s)-1]
	}
}

// RepTiming is the true timing of one synthetic rep, in seconds.
type RepTiming struct {
	Start, BottomStart, BottomEnd, End float64
}

// Timings returns the true start, bottom and end of every rep.
func (l Lifter) Timings() []RepTiming {
	l = l.withDefaults()
	var out []RepTiming
	t := l.LeadS
	for r := 0; r < l.Reps; r++ {
		rt := RepTiming{Start: t, BottomStart: t + l.DescentS}
		rt.BottomEnd = rt.BottomStart + l.BottomS
		rt.End = rt.BottomEnd + at(l.AscentS, r)
		out = append(out, rt)
		t = rt.End + l.PauseS
	}
	return out
}

// Duration returns the set's length in seconds.
func (l Lifter) Duration() float64 {
	l = l.withDefaults()
	ts := l.Timings()
	return ts[len(ts)-1].End + l.LeadS
}

// descentFraction returns how far down the hips are at time t (0 standing,
// 1 at the bottom) and the rep index it belongs to (-1 between reps).
func (l Lifter) descentFraction(t float64, ts []RepTiming) (float64, int) {
	for i, r := range ts {
		switch {
		case t < r.Start || t > r.End:
			continue
		case t < r.BottomStart:
			u := (t - r.Start) / (r.BottomStart - r.Start)
			return (1 - math.Cos(math.Pi*u)) / 2, i
		case t <= r.BottomEnd:
			return 1, i
		default:
			u := (t - r.BottomEnd) / (r.End - r.BottomEnd)
			return (1 + math.Cos(math.Pi*u)) / 2, i
		}
	}
	return 0, -1
}

// v3 is a point in the body's coordinates: forward, left, up (metres).
type v3 = track.Vec3

func add(a, b v3) v3           { return a.Add(b) }
func scale(a v3, s float64) v3 { return a.Scale(s) }

// knee places the knee between hip h and ankle a for segment lengths
// thigh/shank, bending towards the horizontal direction bend (unit).
func knee(h, a v3, thigh, shank float64, bend v3) v3 {
	axis := h.Sub(a)
	d := axis.Norm()
	u := scale(axis, 1/d)
	if d > thigh+shank-1e-4 {
		d = thigh + shank - 1e-4
	}
	along := (shank*shank - thigh*thigh + d*d) / (2 * d)
	off := math.Sqrt(math.Max(shank*shank-along*along, 0))
	// bending direction: bend made perpendicular to the leg's axis.
	n := bend.Sub(scale(u, bend.Dot(u)))
	if nn := n.Norm(); nn > 1e-9 {
		n = scale(n, 1/nn)
	}
	return add(add(a, scale(u, along)), scale(n, off))
}

// Track3D returns the set as a 3D track (world positions only, WorldUp "+z")
// with the mocap keypoints: shoulders, hips, knees, ankles, heels, toes and
// nose.
func (l Lifter) Track3D() *track.Track {
	l = l.withDefaults()
	kps := []string{track.Nose, track.LeftShoulder, track.RightShoulder, track.LeftHip, track.RightHip,
		track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle,
		track.LeftHeel, track.RightHeel, track.LeftFootIndex, track.RightFootIndex}
	t := &track.Track{Skeleton: track.SkeletonMocap, Keypoints: kps, WorldUp: "+z",
		Video: track.Video{Source: "synthetic", FPS: l.FPS}}
	ts := l.Timings()
	dur := l.Duration()
	n := int(math.Round(dur*l.FPS)) + 1
	t.Video.DurationS = float64(n) / l.FPS
	const ankleH = 0.07
	rad := math.Pi / 180
	legLen := l.ThighM + l.ShankM
	for i := 0; i < n; i++ {
		tm := float64(i) / l.FPS
		frac, rep := l.descentFraction(tm, ts)
		vfrac, vrep := l.descentFraction(tm-l.PeakLagS, ts)
		drop := frac * l.DepthM
		var ankL, ankR v3
		hipFwd := -0.45 * drop
		hipC := v3{X: hipFwd, Y: 0, Z: 0}
		standH := ankleH + 0.985*legLen
		switch l.Movement {
		case SplitSquat:
			ankL = v3{X: 0.40, Y: l.HipWidthM / 2, Z: ankleH}
			ankR = v3{X: -0.45, Y: -l.HipWidthM / 2, Z: ankleH + 0.10}
			hipC = v3{X: -0.05, Y: 0, Z: 0}
		case SingleLegSquat:
			ankR = v3{X: 0, Y: -l.HipWidthM / 2, Z: ankleH}
			hipC.Y = -0.06
		default:
			ankL = v3{X: 0, Y: l.StanceM / 2, Z: ankleH}
			ankR = v3{X: 0, Y: -l.StanceM / 2, Z: ankleH}
		}
		hipC.Y -= l.LateralShiftM * frac
		hipC.Z = standH - drop
		if l.Movement == SplitSquat {
			hipC.Z = 0.90*legLen + ankleH - drop
		}
		if l.Movement == DropJump && rep >= 0 {
			// whole body airborne in the middle of each "rep"
			lift := 0.25 * math.Sin(math.Pi*frac)
			hipC.Z += lift
			ankL.Z += lift
			ankR.Z += lift
		}
		hipL := add(hipC, v3{Y: l.HipWidthM / 2})
		hipR := add(hipC, v3{Y: -l.HipWidthM / 2})
		if l.Movement == SingleLegSquat {
			// free left foot held forward, off the floor, moving with the body
			ankL = v3{X: 0.30, Y: l.HipWidthM / 2, Z: math.Max(hipL.Z-0.55, 0.12)}
		}
		vL := at(l.LeftValgusDeg, vrep)*vfrac + l.BaselineValgusDeg
		vR := at(l.RightValgusDeg, vrep)*vfrac + l.BaselineValgusDeg
		if vrep < 0 {
			vL, vR = l.BaselineValgusDeg, l.BaselineValgusDeg
		}
		// Bending planes: forward, turned outwards by KneesOutDeg and inwards
		// by the valgus angle. Left is +y, so "out" is +y for the left leg.
		bendL := v3{X: math.Cos((l.KneesOutDeg - vL) * rad), Y: math.Sin((l.KneesOutDeg - vL) * rad)}
		bendR := v3{X: math.Cos((l.KneesOutDeg - vR) * rad), Y: -math.Sin((l.KneesOutDeg - vR) * rad)}
		kneeL := knee(hipL, ankL, l.ThighM, l.ShankM, bendL)
		kneeR := knee(hipR, ankR, l.ThighM, l.ShankM, bendR)
		footL := v3{X: math.Cos(l.ToeOutDeg * rad), Y: math.Sin(l.ToeOutDeg * rad)}
		footR := v3{X: math.Cos(l.ToeOutDeg * rad), Y: -math.Sin(l.ToeOutDeg * rad)}
		heel := func(a, dir v3) v3 { return add(a, add(scale(dir, -0.06), v3{Z: -0.05})) }
		toe := func(a, dir v3) v3 { return add(a, add(scale(dir, 0.17), v3{Z: -0.05})) }
		lean := 40 * rad * frac
		trunk := v3{X: 0.52 * math.Sin(lean), Z: 0.52 * math.Cos(lean)}
		shC := add(hipC, trunk)
		pts := []v3{
			add(shC, v3{Z: 0.25}),
			add(shC, v3{Y: l.ShoulderWidthM / 2}), add(shC, v3{Y: -l.ShoulderWidthM / 2}),
			hipL, hipR, kneeL, kneeR, ankL, ankR,
			heel(ankL, footL), heel(ankR, footR), toe(ankL, footL), toe(ankR, footR),
		}
		f := track.Frame{Index: i, Time: tm, Points: make([]track.Point, len(kps))}
		for j, p := range pts {
			f.Points[j] = track.Point{World: p, HasWorld: true}
		}
		t.Frames = append(t.Frames, f)
	}
	return t
}
