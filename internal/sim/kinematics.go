package sim

import "math"

// This file is the kinematic core both synthetic lifters share: reps laid
// out in time, where the hips are at a moment of the set, and a two-segment
// chain (thigh and shank, upper arm and forearm) bent in a chosen plane.

// rad converts degrees to radians.
const rad = math.Pi / 180

// RepTiming is one rep's true timing in seconds from the start of the
// video: the hips start down at Start, reach the bottom at BottomStart,
// leave it at BottomEnd and are standing again at End.
type RepTiming struct {
	Start, BottomStart, BottomEnd, End float64
}

// at returns the time of phase-clock value c (see Moment) within the rep.
func (r RepTiming) at(c float64) float64 {
	switch {
	case c <= 1:
		return r.Start + c*(r.BottomStart-r.Start)
	case c <= 2:
		return r.BottomStart + (c-1)*(r.BottomEnd-r.BottomStart)
	}
	return r.BottomEnd + (c-2)*(r.End-r.BottomEnd)
}

// tempo is how both models specify reps: reps reps after leadS standing,
// each a descent of descentS, a pause of bottomS at the bottom and an
// ascent, with pauseS standing between reps. Rep i's ascent lasts
// perRep(ascentS, i), stretched by velocity loss: the last rep's ascent
// velocity is (1 − velocityLoss) times the first's, the reps between
// slowing in equal steps.
type tempo struct {
	reps                             int
	leadS, descentS, bottomS, pauseS float64
	ascentS                          []float64
	velocityLoss                     float64
}

// timings lays the reps out in time.
func (tp tempo) timings() []RepTiming {
	out := make([]RepTiming, tp.reps)
	t := tp.leadS
	for i := range out {
		asc := perRep(tp.ascentS, i)
		if tp.reps > 1 {
			asc /= 1 - tp.velocityLoss*float64(i)/float64(tp.reps-1)
		}
		r := RepTiming{Start: t, BottomStart: t + tp.descentS}
		r.BottomEnd = r.BottomStart + tp.bottomS
		r.End = r.BottomEnd + asc
		out[i] = r
		t = r.End + tp.pauseS
	}
	return out
}

// duration is the set's length: the reps with leadS standing at both ends.
func (tp tempo) duration(ts []RepTiming) float64 { return ts[len(ts)-1].End + tp.leadS }

// state is where a moment of the set falls: which rep (−1 standing between
// reps), the rep's phase clock (0..3) and how far down the hips are (0..1).
type state struct {
	rep   int
	clock float64
	frac  float64
}

// stateAt places time t in the set timed by ts. The hips ease down and up
// along half-cosines and hold still at the bottom.
func stateAt(t float64, ts []RepTiming) state {
	for i, r := range ts {
		switch {
		case t < r.Start || t > r.End:
			continue
		case t < r.BottomStart:
			u := (t - r.Start) / (r.BottomStart - r.Start)
			return state{i, u, (1 - math.Cos(math.Pi*u)) / 2}
		case t <= r.BottomEnd:
			u := 1.0
			if r.BottomEnd > r.BottomStart {
				u = (t - r.BottomStart) / (r.BottomEnd - r.BottomStart)
			}
			return state{i, 1 + u, 1}
		default:
			u := (t - r.BottomEnd) / (r.End - r.BottomEnd)
			return state{i, 2 + u, (1 + math.Cos(math.Pi*u)) / 2}
		}
	}
	return state{-1, 0, 0}
}

// bendJoint returns the middle joint of a two-segment chain from root r to
// end e, with segment lengths lr (root side) and le, bending towards dir.
// Out of reach (r and e further apart than lr+le−margin), the chain
// straightens towards e, that margin short of full length.
func bendJoint(r, e Vec3, lr, le float64, dir Vec3, margin float64) Vec3 {
	axis := e.Sub(r)
	d := axis.Norm()
	u := axis.Scale(1 / d)
	d = math.Min(d, lr+le-margin)
	d = math.Max(d, math.Abs(lr-le)+1e-6)
	along := (lr*lr - le*le + d*d) / (2 * d)
	off := math.Sqrt(math.Max(lr*lr-along*along, 0))
	n := dir.Sub(u.Scale(dir.Dot(u)))
	if nn := n.Norm(); nn > 1e-9 {
		n = n.Scale(1 / nn)
	}
	return r.Add(u.Scale(along)).Add(n.Scale(off))
}

// bendKnee places the knee between hip h and ankle a for segment lengths
// thigh and shank, on the side of the hip–ankle line given by the
// horizontal direction bend. The chain is solved from the ankle.
func bendKnee(h, a Vec3, thigh, shank float64, bend Vec3, margin float64) Vec3 {
	return bendJoint(a, h, shank, thigh, bend, margin)
}

// horiz is a horizontal unit direction turned deg degrees from forward
// towards a side's outside (out +1 for the left, −1 for the right).
func horiz(deg float64, out float64) Vec3 {
	return Vec3{X: math.Cos(deg * rad), Y: out * math.Sin(deg*rad)}
}
