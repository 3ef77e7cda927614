package valgus

import (
	"fmt"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/motion"
)

// Movement is the exercise a set shows.
type Movement string

// Movements. The first three are analysed; the others are recognised so
// that kneetrack can say plainly that it does not support them yet.
const (
	MoveAuto           Movement = ""
	MoveBilateralSquat Movement = "bilateral_squat"
	MoveSingleLegSquat Movement = "single_leg_squat"
	MoveSplitSquat     Movement = "split_squat"
	MoveJumpLanding    Movement = "jump_landing"
	MoveLateralLunge   Movement = "lateral_lunge"
	MoveNone           Movement = "none"
	// MoveUnknown: the view (from the side) does not allow telling.
	MoveUnknown Movement = "unknown"
)

// Supported reports whether the movement is analysed.
func (m Movement) Supported() bool {
	return m == MoveBilateralSquat || m == MoveSingleLegSquat || m == MoveSplitSquat
}

// Label is the movement in plain words.
func (m Movement) Label() string {
	switch m {
	case MoveBilateralSquat:
		return "squat (both legs)"
	case MoveSingleLegSquat:
		return "single-leg squat"
	case MoveSplitSquat:
		return "split squat / lunge"
	case MoveJumpLanding:
		return "jump / landing"
	case MoveLateralLunge:
		return "lateral (side) lunge"
	case MoveNone:
		return "no squat-like movement"
	case MoveUnknown:
		return "unknown movement"
	}
	return "automatic"
}

// ParseMovement reads a --movement value.
func ParseMovement(s string) (Movement, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")) {
	case "", "auto":
		return MoveAuto, nil
	case "squat", "bilateral", "bilateral-squat", "back-squat", "front-squat", "goblet-squat", "overhead-squat":
		return MoveBilateralSquat, nil
	case "single-leg", "single-leg-squat", "step-down", "pistol", "pistol-squat":
		return MoveSingleLegSquat, nil
	case "split-squat", "split", "lunge", "bulgarian-split-squat":
		return MoveSplitSquat, nil
	}
	return MoveAuto, fmt.Errorf("unknown movement %q (use auto, squat, single-leg or split-squat)", s)
}

// Working legs of a rep.
const (
	WorkingBoth  = "both"
	WorkingLeft  = "left"
	WorkingRight = "right"
)

// movementEvidence is what recognition measured, for its explanation.
type movementEvidence struct {
	movement Movement
	working  []string // per rep
	// planted is, per rep, the leg whose ankle travelled less: the
	// standing leg when the movement is a single-leg squat.
	planted []string
	reason  string
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
func recognise(b *body, reps []motion.Rep, depth []float64, times []float64, bl Baseline) movementEvidence {
	if len(reps) == 0 {
		return movementEvidence{movement: MoveNone, reason: "the hips never went down far enough to count a rep"}
	}
	L := bl.LegPx
	n := b.n
	// Each ankle's floor level at frame i: its lowest position in the
	// picture within a second either side. A jump's flight is shorter, so
	// the take-off and landing lie inside the window; a lifter who moves
	// nearer to or farther from the camera during the set changes the
	// floor's height in the picture, and a floor taken over the whole set
	// would make their feet look lifted.
	floorAt := func(s, i int) float64 {
		var ys []float64
		for j := i; j >= 0 && times[i]-times[j] <= floorWindowS; j-- {
			if b.ankle[s].ok[j] {
				ys = append(ys, b.ankle[s].pos[j].Y)
			}
		}
		for j := i + 1; j < n && times[j]-times[i] <= floorWindowS; j++ {
			if b.ankle[s].ok[j] {
				ys = append(ys, b.ankle[s].pos[j].Y)
			}
		}
		return percentile(ys, 0.95)
	}
	ev := movementEvidence{working: make([]string, len(reps)), planted: make([]string, len(reps))}
	var nBil, nSingle, nSplit, nJump, nLateral int
	for k, r := range reps {
		// ankle movement during the rep, and lift above the floor
		var lo, hi [2]float64
		var lift [2]float64
		for s := 0; s < 2; s++ {
			lo[s], hi[s] = math.Inf(1), math.Inf(-1)
		}
		airborne := 0
		for i := r.Start; i <= r.End; i++ {
			up := 0
			for s := 0; s < 2; s++ {
				if !b.ankle[s].ok[i] {
					continue
				}
				y := b.ankle[s].pos[i].Y
				lo[s], hi[s] = math.Min(lo[s], y), math.Max(hi[s], y)
				l := (floorAt(s, i) - y) / L
				lift[s] = math.Max(lift[s], l)
				if l > 0.1 {
					up++
				}
			}
			if up == 2 {
				airborne++
			}
		}
		travel := [2]float64{(hi[0] - lo[0]) / L, (hi[1] - lo[1]) / L}
		ev.planted[k] = WorkingLeft
		if travel[1] < travel[0] {
			ev.planted[k] = WorkingRight
		}
		// A foot that moves with the body while the other stays put is a
		// free leg. The standing ankle's point may move too (it shifts as
		// the shin tilts over the foot in a pistol): then the free leg is
		// the one that moved more than twice as far. This comes before the
		// jump test: the free foot passing the standing ankle's raised
		// point can look like both feet off the floor, while in a jump
		// both feet move alike.
		moving := [2]bool{travel[0] > 0.08, travel[1] > 0.08}
		if moving[0] && moving[1] {
			moving = [2]bool{travel[0] > 2*travel[1], travel[1] > 2*travel[0]}
			if !moving[0] && !moving[1] {
				moving = [2]bool{true, true}
			}
		}
		switch {
		case moving[0] && !moving[1]:
			nSingle++
			ev.working[k] = WorkingRight
			continue
		case moving[1] && !moving[0]:
			nSingle++
			ev.working[k] = WorkingLeft
			continue
		}
		if airborne > 0 {
			nJump++
			ev.working[k] = WorkingBoth
			continue
		}
		// feet planted: split stance or bilateral
		bi := r.Bottom
		ankleDiff := math.NaN()
		if b.ankle[0].ok[bi] && b.ankle[1].ok[bi] {
			ankleDiff = (b.ankle[1].pos[bi].Y - b.ankle[0].pos[bi].Y) / L // + right ankle lower
		}
		kneeDiff := math.NaN()
		if b.knee[0].ok[bi] && b.knee[1].ok[bi] {
			kneeDiff = (b.knee[1].pos[bi].Y - b.knee[0].pos[bi].Y) / L
		}
		switch footUp, split := splitOrFootUp(ankleDiff, kneeDiff); {
		case footUp:
			// the raised foot is the free one; the working leg stands on
			// the lower foot
			nSingle++
			ev.working[k] = WorkingLeft
			if ankleDiff > 0 { // the right ankle is lower
				ev.working[k] = WorkingRight
			}
			// a free foot held still can travel less than the standing
			// ankle's point; its height says more
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
		ev.movement = MoveJumpLanding
		ev.reason = fmt.Sprintf("both feet left the floor in %d of %d reps", nJump, total)
	case nLateral*2 > total:
		ev.movement = MoveLateralLunge
		ev.reason = fmt.Sprintf("very wide stance (ankles %.1f hip widths apart) with the hips shifting over one leg", bl.StanceHip)
	case nSingle >= nSplit && nSingle >= nBil:
		ev.movement = MoveSingleLegSquat
		ev.reason = fmt.Sprintf("one foot off the floor (a free leg, moving with the body or held up while the knees stay level) in %d of %d reps", nSingle, total)
	case nSplit >= nBil:
		ev.movement = MoveSplitSquat
		ev.reason = fmt.Sprintf("feet planted at different distances from the camera, or knees at very different heights at the bottom, in %d of %d reps", nSplit, total)
	default:
		ev.movement = MoveBilateralSquat
		ev.reason = fmt.Sprintf("both feet planted side by side in %d of %d reps", nBil, total)
	}
	return ev
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
