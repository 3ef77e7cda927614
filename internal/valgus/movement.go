package valgus

import (
	"fmt"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
)

// ParseMovement reads a --movement value.
func ParseMovement(s string) (body.Movement, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return body.MoveAuto, nil
	case "squat", "bilateral", "bilateral-squat", "back-squat", "front-squat", "goblet-squat", "overhead-squat":
		return body.MoveBilateralSquat, nil
	case "single-leg", "single-leg-squat", "step-down", "pistol", "pistol-squat":
		return body.MoveSingleLegSquat, nil
	case "split-squat", "split", "lunge", "bulgarian-split-squat":
		return body.MoveSplitSquat, nil
	}
	return body.MoveAuto, fmt.Errorf("unknown movement %q (use auto, squat, single-leg or split-squat)", s)
}

// Working legs of a rep.
const (
	WorkingBoth  = "both"
	WorkingLeft  = "left"
	WorkingRight = "right"
)

// movementEvidence is what recognition measured, for its explanation.
type movementEvidence struct {
	movement body.Movement
	working  []string // per rep
	// planted is, per rep, the leg whose ankle travelled less: the
	// standing leg when the movement is a single-leg squat.
	planted []string
	reason  MovementReason
}

// floorWindowS is how far either side of a frame (seconds) an ankle's floor
// level is looked for.
const floorWindowS = 1.0

// recognise tells the movement from the keypoints: whether the feet stay put
// during the reps (a foot that moves with the body is a free leg: single-leg
// squat), whether they stand at different distances from the camera or the
// knees reach very different heights at the bottom (split stance), whether
// both feet leave the floor (jumps), or whether the lifter shifts far over
// one leg from a very wide stance (lateral lunge).
func recognise(b *lifter, reps []motion.Rep, depth []float64, times []float64, bl Baseline) movementEvidence {
	if len(reps) == 0 {
		return movementEvidence{movement: body.MoveNone, reason: MovementReason{Kind: MovementNoReps}}
	}
	L := bl.LegPx
	n := b.n
	// Each ankle's floor level at frame i: the lower (in the picture) of
	// its lowest positions in the second before and in the second after.
	// A foot off the floor in a jump lies above both (take-off before,
	// landing after); a camera drifting up or down, or a lifter stepping
	// nearer, moves the feet one way only, so one of the two stays level
	// with the foot and no lift is seen.
	floorAt := func(s, i int) float64 {
		var before, after []float64
		for j := i; j >= 0 && times[i]-times[j] <= floorWindowS; j-- {
			if b.ankle[s].ok[j] {
				before = append(before, b.ankle[s].pos[j].Y)
			}
		}
		for j := i; j < n && times[j]-times[i] <= floorWindowS; j++ {
			if b.ankle[s].ok[j] {
				after = append(after, b.ankle[s].pos[j].Y)
			}
		}
		fb, fa := percentile(before, 0.95), percentile(after, 0.95)
		switch {
		case math.IsNaN(fb):
			return fa
		case math.IsNaN(fa):
			return fb
		}
		return math.Min(fb, fa)
	}
	// The hips' standing height for the flight test: over frames near the
	// top with both feet on their floor (not the highest frames, which in a
	// set of jumps are flights).
	var hs []float64
	for _, maxDepth := range []float64{0.1, math.Inf(1)} {
		// without enough such frames (a clip that starts on a box and ends
		// in the air), any frame with both feet down
		for i := 0; i < n; i++ {
			if depth[i] > maxDepth || !b.ankle[0].ok[i] || !b.ankle[1].ok[i] {
				continue
			}
			if (floorAt(0, i)-b.ankle[0].pos[i].Y)/L < 0.03 && (floorAt(1, i)-b.ankle[1].pos[i].Y)/L < 0.03 {
				if h := hipAboveFloor(b, i, floorAt); !math.IsNaN(h) {
					hs = append(hs, h)
				}
			}
		}
		if len(hs) >= 5 {
			break
		}
		hs = hs[:0]
	}
	standHip := percentile(hs, 0.9)
	ev := movementEvidence{working: make([]string, len(reps)), planted: make([]string, len(reps))}
	var nBil, nSingle, nSplit, nJump, nLateral int
	for k, r := range reps {
		// How far each ankle travels up and down in the picture during the
		// rep (5th to 95th percentile, so one stray frame does not count),
		// and the ankles' and knees' difference in height around the
		// bottom (median over the frames within a fifth of the depth of
		// the bottom, never one frame).
		var travel [2]float64
		for s := 0; s < 2; s++ {
			var ys []float64
			for i := r.Start; i <= r.End; i++ {
				if b.ankle[s].ok[i] {
					ys = append(ys, b.ankle[s].pos[i].Y)
				}
			}
			travel[s] = (percentile(ys, 0.95) - percentile(ys, 0.05)) / L
		}
		var ankleDiffs, kneeDiffs []float64
		for i := r.Start; i <= r.End; i++ {
			if depth[i] < 0.8*r.Depth {
				continue
			}
			if b.ankle[0].ok[i] && b.ankle[1].ok[i] {
				ankleDiffs = append(ankleDiffs, (b.ankle[1].pos[i].Y-b.ankle[0].pos[i].Y)/L) // + right ankle lower
			}
			if b.knee[0].ok[i] && b.knee[1].ok[i] {
				kneeDiffs = append(kneeDiffs, (b.knee[1].pos[i].Y-b.knee[0].pos[i].Y)/L)
			}
		}
		ankleDiff, kneeDiff := median(ankleDiffs), median(kneeDiffs)

		ev.planted[k] = WorkingLeft
		if travel[1] < travel[0] {
			ev.planted[k] = WorkingRight
		}
		// A foot that moves with the body while the other stays put is a
		// free leg (a pistol's foot held out in front). Both ankles of a
		// squat seem to move a little: the pose model's ankle sinks at
		// depth (by up to a tenth of the leg), so a free foot must travel
		// more than freeTravel and more than freeRatio times the other
		// (the bilateral clips of ../shared/media: at most 0.15 and 1.3 times).
		// This comes before the jump test: the free foot passing the
		// standing ankle's raised point can look like both feet off the
		// floor, while in a jump both feet move alike.
		const (
			freeTravel     = 0.15
			freeRatio      = 2
			heldStillRatio = 1.3 // with a foot off the floor: the free one travelled further
			// ... by enough to tell: in a rep cut short by the video's
			// end both feet barely move (0.06-0.08 leg lengths on the
			// shared single-leg clip), and their ratio is noise; a free
			// foot moving with the body travels 0.15-0.5
			heldStillTravel = 0.12
		)
		switch {
		case travel[0] > freeTravel && travel[0] > freeRatio*travel[1]:
			nSingle++
			ev.working[k] = WorkingRight
			continue
		case travel[1] > freeTravel && travel[1] > freeRatio*travel[0]:
			nSingle++
			ev.working[k] = WorkingLeft
			continue
		}
		// a jump's flight comes before the landing or after the push-off,
		// outside the rep's dip: look from the previous rep to the next
		from, to := 0, n-1
		if k > 0 {
			from = reps[k-1].End
		}
		if k+1 < len(reps) {
			to = reps[k+1].Start
		}
		if flight(b, from, to, times, floorAt, L, standHip) {
			nJump++
			ev.working[k] = WorkingBoth
			continue
		}
		// feet planted: split stance or bilateral
		bi := r.Bottom
		switch footUp, split := splitOrFootUp(ankleDiff, kneeDiff); {
		case footUp:
			// One foot is off the floor. The free foot moves with the body
			// (even when the lifter drifts and both points move): when one
			// ankle travelled clearly further, the other is the standing
			// leg. Otherwise the free foot is held still, raised behind or
			// beside the body, and the standing leg is the lower foot (a
			// free foot held out in front, nearer the camera, can look the
			// lower one, but it does not stay still).
			nSingle++
			ev.working[k] = WorkingLeft
			switch {
			case travel[0] > heldStillRatio*travel[1] && travel[0] > heldStillTravel:
				ev.working[k] = WorkingRight
			case travel[1] > heldStillRatio*travel[0] && travel[1] > heldStillTravel:
			case ankleDiff > 0: // the right ankle is lower
				ev.working[k] = WorkingRight
			}
			ev.planted[k] = ev.working[k]
			continue
		case split:
			nSplit++
			// the front foot is nearer the camera, so lower in the picture
			if ankleDiff > 0 || (math.IsNaN(ankleDiff) && kneeDiff < 0) {
				ev.working[k] = WorkingRight
			} else {
				ev.working[k] = WorkingLeft
			}
			continue
		}
		shift := math.NaN()
		if v := b.shiftPx(bi); !math.IsNaN(v) {
			shift = (v - bl.ShiftPx) / bl.HipWidthPx
		}
		if bl.StanceHip > 2.2 && math.Abs(shift) > 0.6 {
			nLateral++
			ev.working[k] = WorkingBoth
			continue
		}
		nBil++
		ev.working[k] = WorkingBoth
	}
	total := len(reps)
	switch {
	case nJump*2 >= total:
		ev.movement = body.MoveJumpLanding
		ev.reason = MovementReason{Kind: MovementFlight, Reps: nJump, Of: total}
	case nLateral*2 > total:
		ev.movement = body.MoveLateralLunge
		ev.reason = MovementReason{Kind: MovementWideShift, StanceHip: bl.StanceHip}
	case nSingle >= nSplit && nSingle >= nBil:
		ev.movement = body.MoveSingleLegSquat
		ev.reason = MovementReason{Kind: MovementFootOff, Reps: nSingle, Of: total}
	case nSplit >= nBil:
		ev.movement = body.MoveSplitSquat
		ev.reason = MovementReason{Kind: MovementSplitFeet, Reps: nSplit, Of: total}
	default:
		ev.movement = body.MoveBilateralSquat
		ev.reason = MovementReason{Kind: MovementSideBySide, Reps: nBil, Of: total}
	}
	return ev
}

// Flight, the sign of a jump: the hips above their standing height while
// both feet are off the floor, for a plausible time, and the feet back on
// the floor afterwards. A squat never shows it, whatever the keypoints do:
// the pose model's ankle sinks at depth and a hand-held camera drifts,
// which can make a foot look lifted, but the hips stay below standing.
const (
	flightHipRise = 0.05 // hips above standing by this many leg lengths
	flightLift    = 0.10 // each ankle above its floor by this many leg lengths
	flightMinS    = 0.08 // for at least this long (a jump's flight lasts 0.2-0.6 s)
)

// hipAboveFloor is the mid-hip's height above the floor level of the feet
// in the picture, in pixels (NaN without hips).
func hipAboveFloor(b *lifter, i int, floorAt func(s, i int) float64) float64 {
	if !b.hipsOK(i) {
		return math.NaN()
	}
	floor := math.Max(floorAt(0, i), floorAt(1, i))
	return floor - (b.hip[0].pos[i].Y+b.hip[1].pos[i].Y)/2
}

// flight reports whether frames from..to contain a flight phase followed by
// a landing (see the constants above).
func flight(b *lifter, from, to int, times []float64, floorAt func(s, i int) float64, L, standHip float64) bool {
	if math.IsNaN(standHip) {
		return false
	}
	runStart := -1
	for i := from; i <= to+1; i++ {
		up := i <= to && (hipAboveFloor(b, i, floorAt)-standHip)/L > flightHipRise
		for s := 0; s < 2 && up; s++ {
			up = b.ankle[s].ok[i] && (floorAt(s, i)-b.ankle[s].pos[i].Y)/L > flightLift
		}
		if up {
			if runStart < 0 {
				runStart = i
			}
			continue
		}
		if runStart >= 0 && i-runStart >= 3 && times[i-1]-times[runStart] >= flightMinS-1e-9 {
			// a landing: both feet back near the floor within half a second
			for j := i; j < b.n && times[j]-times[i-1] <= 0.5; j++ {
				down := true
				for s := 0; s < 2; s++ {
					down = down && b.ankle[s].ok[j] && (floorAt(s, j)-b.ankle[s].pos[j].Y)/L < flightLift/2
				}
				if down {
					return true
				}
			}
		}
		runStart = -1
	}
	return false
}

// Split stance against a foot held off the floor, from the bottom of a rep
// where neither foot moved with the body. ankleDiff and kneeDiff are the
// right ankle's and knee's height in the picture below the left's, in leg
// lengths.
//
// Seen from the front, a rear foot planted farther from the camera and a
// free foot held up behind the body both put one ankle higher in the
// picture. They differ at the knees: at the bottom of a split squat the
// rear knee sinks towards the floor, well below the front knee, while a
// free leg hangs from the hips with its knee about level with the standing
// knee. In a pinhole picture of a split squat's bottom (front foot 3 m from
// the camera, rear ankle 0.6 m behind it on a raised heel, rear knee 0.1 m
// above the floor), the rear knee sits lower than the front knee by 0.46 to
// 3 times the rear ankle's rise for a camera 1.6 to 0.5 m above the floor;
// the free leg of the shared single-leg clip, held up behind, by 0.22 to
// 0.36 times it (TestSplitOrFootUp; docs/method.md, "Movement").
func splitOrFootUp(ankleDiff, kneeDiff float64) (footUp, split bool) {
	const (
		ankleRise = 0.12 // one ankle this much higher: not side by side
		kneeDrop  = 0.25 // the knees this far apart at the bottom: split stance
		kneeShare = 0.4  // rear knee lower by at least this share of the ankle rise: split
	)
	if math.IsNaN(ankleDiff) {
		return false, math.Abs(kneeDiff) > kneeDrop
	}
	if math.Abs(kneeDiff) > kneeDrop {
		return false, true
	}
	if math.Abs(ankleDiff) <= ankleRise {
		return false, false
	}
	// the raised ankle's knee, lower in the picture than the other knee by
	drop := kneeDiff // the right ankle raised (ankleDiff < 0): the right knee's drop
	if ankleDiff > 0 {
		drop = -kneeDiff
	}
	if math.IsNaN(drop) {
		return false, true
	}
	if drop >= kneeShare*math.Abs(ankleDiff) {
		return false, true
	}
	return true, false
}
