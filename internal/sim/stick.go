package sim

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

// StickSet describes a set performed by the stick figure: two-link legs
// (thigh and shank) under a rigid trunk, with the 13 keypoints of a
// motion-capture track. Zero fields take the defaults noted. A leg whose
// hip is further from its ankle than thigh and shank reach (the split
// squat's front leg, standing) is drawn straight with a stretched thigh.
//
// Unlike Set, valgus here is an input of the body, not of the camera:
// LeftValgusDeg and RightValgusDeg turn each knee's bending plane inwards
// by that many degrees, and what a camera then sees is left to the
// analysis under test (film the set with track.Project).
type StickSet struct {
	// Movement is any of body.MoveBilateralSquat (the default),
	// MoveSingleLegSquat, MoveSplitSquat and MoveJumpLanding (a drop jump).
	Movement body.Movement
	// StandOnLeft makes a single-leg squat stand on the left leg instead of
	// the right.
	StandOnLeft bool
	Reps        int     // default 5
	FPS         float64 // default 30
	LeadS       float64 // standing still before the first rep and after the last (default 1 s)
	PauseS      float64 // standing between reps (default 0.6 s)
	DescentS    float64 // default 1.2 s
	BottomS     float64 // pause at the bottom (default 0.2 s)
	// AscentS gives each rep's ascent before velocity loss (default 1.0 s
	// for every rep; a short slice repeats its last value).
	AscentS []float64
	// VelocityLoss slows the ascents over the set as Set.VelocityLoss does
	// (default none).
	VelocityLoss float64
	DepthM       float64 // hip drop at the bottom (default 0.40 m)

	ThighM, ShankM float64 // segment lengths (default 0.43, 0.42)
	HipWidthM      float64 // between hip joint centres (default 0.20)
	ShoulderWidthM float64 // default 0.36
	StanceM        float64 // between the ankles (default 0.30)
	ToeOutDeg      float64 // default 12
	// KneesOutDeg turns the plane in which the knees bend outwards, as
	// lifters who push the knees out do (default 10).
	KneesOutDeg float64
	// LeftValgusDeg and RightValgusDeg turn each knee's bending plane
	// inwards by this many degrees at the bottom of each rep (per-rep
	// values; nil means none). The turn follows the hip's descent, so the
	// knee caves most at the bottom.
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

func (l StickSet) withDefaults() StickSet {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if l.Reps == 0 {
		l.Reps = 5
	}
	if l.Movement == body.MoveAuto {
		l.Movement = body.MoveBilateralSquat
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

// tempo is the set's reps in the shared form.
func (l StickSet) tempo() tempo {
	return tempo{reps: l.Reps, leadS: l.LeadS, descentS: l.DescentS, bottomS: l.BottomS, pauseS: l.PauseS,
		ascentS: l.AscentS, velocityLoss: l.VelocityLoss}
}

// WorkingLeg is the leg a single-leg squat stands on.
func (l StickSet) WorkingLeg() body.Side {
	if l.StandOnLeft {
		return body.Left
	}
	return body.Right
}

// Timings returns the true start, bottom and end of every rep.
func (l StickSet) Timings() []RepTiming {
	l = l.withDefaults()
	return l.tempo().timings()
}

// Duration returns the set's length in seconds.
func (l StickSet) Duration() float64 {
	l = l.withDefaults()
	tp := l.tempo()
	return tp.duration(tp.timings())
}

// Track3D returns the set as a 3D track (world positions only, WorldUp "+z";
// X forward, Y to the lifter's left, Z up, metres, the floor at Z = 0) with
// the mocap keypoints: nose, shoulders, hips, knees, ankles, heels and toes.
func (l StickSet) Track3D() *track.Track {
	l = l.withDefaults()
	kps := []string{track.Nose, track.LeftShoulder, track.RightShoulder, track.LeftHip, track.RightHip,
		track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle,
		track.LeftHeel, track.RightHeel, track.LeftFootIndex, track.RightFootIndex}
	t := &track.Track{Skeleton: track.SkeletonMocap, Keypoints: kps, WorldUp: "+z",
		Video: track.Video{Source: "synthetic", FPS: l.FPS}}
	tp := l.tempo()
	ts := tp.timings()
	n := int(math.Round(tp.duration(ts)*l.FPS)) + 1
	t.Video.DurationS = float64(n) / l.FPS
	const ankleH = 0.07
	out := [2]float64{1, -1} // outward sign per side (left +y)
	work, free := l.WorkingLeg(), 1-l.WorkingLeg()
	legLen := l.ThighM + l.ShankM
	// A variable, not the constant rad: 40·degree is then rounded as it
	// always has been, keeping every position bit for bit.
	degree := math.Pi / 180
	for i := range n {
		tm := float64(i) / l.FPS
		st := stateAt(tm, ts)
		frac := st.frac
		vst := stateAt(tm-l.PeakLagS, ts)
		drop := frac * l.DepthM
		var ank [2]Vec3
		hipC := Vec3{X: -0.45 * drop}
		standH := ankleH + 0.985*legLen
		switch l.Movement {
		case body.MoveSplitSquat:
			ank[body.Left] = Vec3{X: 0.40, Y: l.HipWidthM / 2, Z: ankleH}
			ank[body.Right] = Vec3{X: -0.45, Y: -l.HipWidthM / 2, Z: ankleH + 0.10}
			hipC = Vec3{X: -0.05}
		case body.MoveSingleLegSquat:
			ank[work] = Vec3{Y: out[work] * l.HipWidthM / 2, Z: ankleH}
			hipC.Y = out[work] * 0.06
		default:
			ank[body.Left] = Vec3{Y: l.StanceM / 2, Z: ankleH}
			ank[body.Right] = Vec3{Y: -l.StanceM / 2, Z: ankleH}
		}
		hipC.Y -= l.LateralShiftM * frac
		hipC.Z = standH - drop
		if l.Movement == body.MoveSplitSquat {
			hipC.Z = 0.90*legLen + ankleH - drop
		}
		if l.Movement == body.MoveJumpLanding && st.rep >= 0 {
			// The whole body airborne in the middle of each rep.
			lift := 0.25 * math.Sin(math.Pi*frac)
			hipC.Z += lift
			ank[body.Left].Z += lift
			ank[body.Right].Z += lift
		}
		var hip, knee, heel, toe [2]Vec3
		for sd := range 2 {
			hip[sd] = hipC.Add(Vec3{Y: out[sd] * l.HipWidthM / 2})
		}
		if l.Movement == body.MoveSingleLegSquat {
			// The free foot held forward, off the floor, moving with the body.
			ank[free] = Vec3{X: 0.30, Y: out[free] * l.HipWidthM / 2, Z: math.Max(hip[free].Z-0.55, 0.12)}
		}
		valgus := [2][]float64{l.LeftValgusDeg, l.RightValgusDeg}
		for sd := range 2 {
			v := l.BaselineValgusDeg
			if vst.rep >= 0 {
				v = perRep(valgus[sd], vst.rep)*vst.frac + l.BaselineValgusDeg
			}
			// The bending plane: forward, turned outwards by KneesOutDeg and
			// inwards by the valgus angle.
			knee[sd] = bendKnee(hip[sd], ank[sd], l.ThighM, l.ShankM, horiz(l.KneesOutDeg-v, out[sd]), 1e-4)
			foot := horiz(l.ToeOutDeg, out[sd])
			heel[sd] = ank[sd].Add(foot.Scale(-0.06).Add(Vec3{Z: -0.05}))
			toe[sd] = ank[sd].Add(foot.Scale(0.17).Add(Vec3{Z: -0.05}))
		}
		lean := 40 * degree * frac
		trunk := Vec3{X: 0.52 * math.Sin(lean), Z: 0.52 * math.Cos(lean)}
		shC := hipC.Add(trunk)
		pts := []Vec3{
			shC.Add(Vec3{Z: 0.25}),
			shC.Add(Vec3{Y: l.ShoulderWidthM / 2}), shC.Add(Vec3{Y: -l.ShoulderWidthM / 2}),
			hip[body.Left], hip[body.Right], knee[body.Left], knee[body.Right], ank[body.Left], ank[body.Right],
			heel[body.Left], heel[body.Right], toe[body.Left], toe[body.Right],
		}
		f := track.Frame{Index: i, Time: tm, Points: make([]track.Point, len(kps))}
		for j, p := range pts {
			f.Points[j] = track.Point{World: p, HasWorld: true}
		}
		t.Frames = append(t.Frames, f)
	}
	return t
}
