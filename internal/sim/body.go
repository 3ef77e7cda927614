package sim

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim/render"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Vec3 is a scene position in metres (X forward, Y left, Z up).
type Vec3 = track.Vec3

// dims are the lifter's segment lengths, from height with adult proportions
// (Winter's anthropometric table, rounded).
type dims struct {
	thigh, shank, ankleH      float64 // hip–knee, knee–ankle, ankle joint above the floor
	hipW, shoulderW           float64 // between joint centres
	trunk, neckHead           float64 // hip centre to neck base, neck base to head centre
	upperArm, forearm, hand   float64 // shoulder–elbow, elbow–wrist, wrist–knuckles
	heelBack, toeFront, footZ float64 // heel and toe landmarks from the ankle, and their height
}

func newDims(h float64) dims {
	k := h / 1.75
	return dims{
		thigh: 0.43 * k, shank: 0.43 * k, ankleH: 0.075 * k,
		hipW: 0.19 * k, shoulderW: 0.37 * k,
		trunk: 0.50 * k, neckHead: 0.20 * k,
		upperArm: 0.30 * k, forearm: 0.26 * k, hand: 0.09 * k,
		heelBack: 0.065 * k, toeFront: 0.185 * k, footZ: 0.02,
	}
}

// standFrac is the hip-to-ankle distance standing, as a fraction of the
// leg's length: knees unlocked by about 9°.
const standFrac = 0.997

// tempo is the set's reps in the shared form.
func (s Set) tempo() tempo {
	return tempo{reps: s.Reps, leadS: s.LeadS, descentS: s.DescentS, bottomS: s.BottomS, pauseS: s.PauseS,
		ascentS: s.AscentS, velocityLoss: s.VelocityLoss}
}

// bump is the valgus turn's time course within a rep: 0 before onset, a
// half-cosine up to 1 at the peak, a half-cosine back to 0 at release.
func (s Set) bump(clock float64) float64 {
	on, pk, off := float64(s.Onset), float64(s.Peak), float64(s.Release)
	switch {
	case clock <= on || clock >= off:
		return 0
	case clock < pk:
		return (1 - math.Cos(math.Pi*(clock-on)/(pk-on))) / 2
	default:
		return (1 + math.Cos(math.Pi*(clock-pk)/(off-pk))) / 2
	}
}

// skeleton is the whole body at one moment.
type skeleton struct {
	pose render.Pose
	// Landmarks in BlazePose's 33-point order.
	points [33]Vec3
}

// pose builds the skeleton for a set at hip-descent fraction frac with
// each knee's inward turn (degrees) given.
func (s Set) pose(d dims, frac float64, turn [2]float64) skeleton {
	single := s.Movement == body.MoveSingleLegSquat
	out := [2]float64{1, -1} // outward sign per side (left +y)
	drop := frac * s.DepthM
	leg := d.thigh + d.shank

	var ank [2]Vec3
	hipC := Vec3{X: -0.45 * drop}
	work := s.WorkingLeg()
	if single {
		// The standing foot under its hip, the pelvis shifted over it.
		ank[work] = Vec3{Y: out[work] * (d.hipW/2 + 0.01), Z: d.ankleH}
		hipC.Y = out[work] * 0.045 * (d.hipW / 0.19)
		hipC.X = -0.3 * drop
	} else {
		ank[body.Left] = Vec3{Y: s.StanceM / 2, Z: d.ankleH}
		ank[body.Right] = Vec3{Y: -s.StanceM / 2, Z: d.ankleH}
	}
	// Standing, the (working) hip is standFrac of a leg from its ankle.
	ref := work
	if !single {
		ref = body.Left
	}
	dy := hipC.Y + out[ref]*d.hipW/2 - ank[ref].Y
	standH := d.ankleH + math.Sqrt(math.Pow(standFrac*leg, 2)-dy*dy)
	hipC.Z = standH - drop
	hipC.Y -= s.LateralShiftM * frac
	var hip [2]Vec3
	for sd := range 2 {
		hip[sd] = hipC.Add(Vec3{Y: out[sd] * d.hipW / 2})
	}

	var sk skeleton
	var knee [2]Vec3
	var heel, toe [2]Vec3
	for sd := range 2 {
		foot := horiz(s.ToeOutDeg, out[sd])
		if single && body.Side(sd) != work {
			// Free leg: thigh a little forward of vertical, knee bent
			// about 80° (more as the body goes down), foot lifted behind.
			ta, sa := (15+20*frac)*rad, (65+25*frac)*rad
			th := Vec3{X: math.Sin(ta), Z: -math.Cos(ta)}
			knee[sd] = hip[sd].Add(th.Scale(d.thigh))
			sh := Vec3{X: -math.Sin(sa), Z: -math.Cos(sa)}
			ank[sd] = knee[sd].Add(sh.Scale(d.shank))
			// The foot hangs, toes pointing down and back.
			fd := Vec3{X: 0.45, Y: out[sd] * 0.1, Z: -0.89}
			fd = fd.Scale(1 / fd.Norm())
			up := Vec3{X: 0.89, Z: 0.45}
			heel[sd] = ank[sd].Sub(fd.Scale(d.heelBack)).Sub(up.Scale(0.05))
			toe[sd] = ank[sd].Add(fd.Scale(d.toeFront)).Sub(up.Scale(0.05))
			continue
		}
		bend := horiz(s.KneesOutDeg-turn[sd], out[sd])
		knee[sd] = bendKnee(hip[sd], ank[sd], d.thigh, d.shank, bend, 1e-6)
		heel[sd] = ank[sd].Add(foot.Scale(-d.heelBack)).Add(Vec3{Z: d.footZ - d.ankleH})
		toe[sd] = ank[sd].Add(foot.Scale(d.toeFront)).Add(Vec3{Z: d.footZ - d.ankleH})
	}

	// Trunk: leaning forward with depth, tilting sideways with the pelvis's
	// shift so the shoulders stay over the feet.
	lean := s.TrunkLeanDeg * rad * frac
	trunkUp := Vec3{X: math.Sin(lean), Z: math.Cos(lean)}
	neck := hipC.Add(trunkUp.Scale(d.trunk))
	neck.Y -= 0.5 * (hipC.Y - 0)
	trunkUp = neck.Sub(hipC).Scale(1 / neck.Sub(hipC).Norm())
	leftDir := Vec3{Y: 1}
	fwd := leftDir.Cross(trunkUp)
	var shoulder [2]Vec3
	for sd := range 2 {
		shoulder[sd] = neck.Add(Vec3{Y: out[sd] * d.shoulderW / 2}).Sub(trunkUp.Scale(0.01))
	}

	// Head: mostly upright, looking ahead and a little down.
	headDir := trunkUp.Scale(0.35).Add(Vec3{Z: 0.65})
	headDir = headDir.Scale(1 / headDir.Norm())
	head := neck.Add(headDir.Scale(d.neckHead)).Add(Vec3{X: 0.01})
	gaze := 8 * rad
	face := Vec3{X: math.Cos(gaze), Z: -math.Sin(gaze)}
	headUp := Vec3{X: math.Sin(gaze), Z: math.Cos(gaze)}

	// Arms.
	var arms [2]render.Arm
	for sd := range 2 {
		var wrist, knuck, pole Vec3
		o := out[sd]
		switch s.Arms {
		case ArmsHips:
			wrist = hipC.Add(Vec3{Y: o * 0.16 * d.hipW / 0.19}).Add(trunkUp.Scale(0.13)).Add(fwd.Scale(0.0))
			knuck = wrist.Add(fwd.Scale(0.06)).Sub(trunkUp.Scale(0.05)).Add(Vec3{Y: -o * 0.02})
			pole = Vec3{Y: o}.Sub(fwd.Scale(0.6))
		case ArmsForward:
			a := (30 + 55*frac) * rad // from hanging forward to horizontal
			reach := Vec3{X: math.Sin(a), Z: -math.Cos(a)}
			wrist = shoulder[sd].Add(reach.Scale(0.97 * (d.upperArm + d.forearm))).Add(Vec3{Y: -o * 0.06})
			knuck = wrist.Add(reach.Scale(d.hand))
			pole = Vec3{Z: -1, Y: o * 0.3}
		default: // chest
			c := neck.Add(fwd.Scale(0.21)).Sub(trunkUp.Scale(0.25))
			wrist = c.Add(Vec3{Y: o * 0.06})
			knuck = wrist.Add(Vec3{Y: -o * 0.07}).Add(trunkUp.Scale(0.045)).Add(fwd.Scale(0.02))
			pole = Vec3{Z: -1, Y: o * 0.5}.Sub(fwd.Scale(0.3))
		}
		elbow := bendJoint(shoulder[sd], wrist, d.upperArm, d.forearm, pole, 1e-6)
		// Keep the hand its true length.
		hv := knuck.Sub(wrist)
		knuck = wrist.Add(hv.Scale(d.hand / hv.Norm()))
		arms[sd] = render.Arm{Shoulder: shoulder[sd], Elbow: elbow, Wrist: wrist, Knuckles: knuck}
	}
	var legs [2]render.Leg
	for sd := range 2 {
		legs[sd] = render.Leg{Hip: hip[sd], Knee: knee[sd], Ankle: ank[sd], Heel: heel[sd], Toe: toe[sd]}
	}
	sk.pose = render.Pose{Head: head, Face: face, HeadUp: headUp, Neck: neck, Arms: arms, Legs: legs}
	sk.points = landmarks(&sk.pose)
	return sk
}

// landmarks places BlazePose's 33 points on the skeleton: face points on
// the head, hand points around the knuckles, the rest at joint centres.
func landmarks(p *render.Pose) [33]Vec3 {
	var pts [33]Vec3
	h, f, u := p.Head, p.Face, p.HeadUp
	l := u.Cross(f) // the head's left
	at := func(df, dl, du float64) Vec3 { return h.Add(f.Scale(df)).Add(l.Scale(dl)).Add(u.Scale(du)) }
	pts[0] = at(0.1, 0, -0.012) // nose
	// Eyes: inner, centre, outer; left then right.
	for i, dl := range []float64{0.018, 0.031, 0.044} {
		pts[1+i] = at(0.08, dl, 0.011)
		pts[4+i] = at(0.08, -dl, 0.011)
	}
	pts[7], pts[8] = at(-0.008, 0.075, -0.004), at(-0.008, -0.075, -0.004) // ears
	pts[9], pts[10] = at(0.083, 0.022, -0.047), at(0.083, -0.022, -0.047)  // mouth corners
	for sd := range 2 {
		a := p.Arms[sd]
		pts[11+sd] = a.Shoulder
		pts[13+sd] = a.Elbow
		pts[15+sd] = a.Wrist
		hd := a.Knuckles.Sub(a.Wrist)
		hd = hd.Scale(1 / hd.Norm())
		// Across the hand: perpendicular to it, roughly horizontal.
		across := hd.Cross(Vec3{Z: 1})
		if across.Norm() < 0.2 {
			across = hd.Cross(Vec3{X: 1})
		}
		across = across.Scale(1 / across.Norm())
		pts[17+sd] = a.Knuckles.Add(across.Scale(0.03))                     // pinky
		pts[19+sd] = a.Knuckles.Sub(across.Scale(0.01)).Add(hd.Scale(0.02)) // index
		pts[21+sd] = a.Wrist.Add(hd.Scale(0.04)).Sub(across.Scale(0.035))   // thumb
		lg := p.Legs[sd]
		pts[23+sd] = lg.Hip
		pts[25+sd] = lg.Knee
		pts[27+sd] = lg.Ankle
		pts[29+sd] = lg.Heel
		pts[31+sd] = lg.Toe
	}
	return pts
}
