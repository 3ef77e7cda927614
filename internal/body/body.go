// Package body is kneetrack's shared vocabulary for the lifter's body: which
// leg (Side), which exercise (Movement), which part of a rep (Phase), a
// position in the picture (Point) and the one piece of knee geometry every
// stage agrees on (FPPA). The pose, analysis, simulation and output
// packages all speak these types, so each concept is defined once, here.
//
// It is a leaf: it imports nothing of kneetrack's, only the standard
// library, so any package may import it.
package body

// Side is the lifter's own left or right leg (not the picture's). Per-side
// values are indexed by it: Left 0, Right 1.
type Side int

// Sides.
const (
	Left  Side = 0
	Right Side = 1
)

// String is "left" or "right".
func (s Side) String() string {
	if s == Left {
		return "left"
	}
	return "right"
}

// Movement is the exercise a set shows. Its value is the name written in
// the JSON and CSV outputs.
type Movement string

// Movements. The first three after MoveAuto are analysed (see Supported);
// the others are recognised so that kneetrack can say plainly that it does
// not support them yet.
const (
	// MoveAuto is no movement given: recognise it from the keypoints.
	MoveAuto Movement = ""
	// MoveBilateralSquat is a squat on both legs.
	MoveBilateralSquat Movement = "bilateral_squat"
	// MoveSingleLegSquat stands on one leg with the other foot off the
	// floor.
	MoveSingleLegSquat Movement = "single_leg_squat"
	// MoveSplitSquat has one foot forward and the other back (a split
	// squat or lunge).
	MoveSplitSquat Movement = "split_squat"
	// MoveJumpLanding leaves the floor with both feet.
	MoveJumpLanding Movement = "jump_landing"
	// MoveLateralLunge shifts far over one leg from a very wide stance.
	MoveLateralLunge Movement = "lateral_lunge"
	// MoveNone is no squat-like movement at all.
	MoveNone Movement = "none"
	// MoveUnknown is a movement the view (from the side) does not allow
	// telling.
	MoveUnknown Movement = "unknown"
)

// Supported reports whether kneetrack analyses the movement.
func (m Movement) Supported() bool {
	return m == MoveBilateralSquat || m == MoveSingleLegSquat || m == MoveSplitSquat
}

// Label is the movement in plain words, as every output names it. It lives
// with the type because the analysis's notes need it as much as the
// reports do.
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

// Phase is a part of a rep. Every frame of a set is PhaseStanding (between
// reps) or in a rep's PhaseDescent, PhaseBottom or PhaseAscent. The moment
// a measure peaks within a rep is named more finely: the first third of
// the ascent is PhaseOutOfTheHole and only the rest PhaseAscent, and
// PhaseNone says the measure never rose enough for its peak to have a
// moment worth naming. Its value is the name written in the outputs.
type Phase string

// Phases.
const (
	PhaseStanding     Phase = "standing"
	PhaseDescent      Phase = "descent"
	PhaseBottom       Phase = "bottom"
	PhaseOutOfTheHole Phase = "out_of_the_hole"
	PhaseAscent       Phase = "ascent"
	PhaseNone         Phase = "none"
)
