package words

import "github.com/kneetrack/kneetrack/internal/body"

// PhaseNames are the words for one phase of a rep, in each form a place
// needs.
type PhaseNames struct {
	// When says when something happened, inside a sentence: "at the
	// bottom", "coming out of the hole".
	When string
	// Name is the phase on its own, in prose: "the bottom", "out of the
	// hole".
	Name string
	// Label is the short label of a table cell: "bottom", "out of hole".
	Label string
	// Column fits the terminal table's narrow column: "bottom", "hole".
	Column string
}

// Phase gives the words for a phase of the rep (body.PhaseDescent,
// PhaseBottom, PhaseOutOfTheHole, PhaseAscent); any other value, such as
// PhaseNone, gets the words for no particular moment.
func Phase(p body.Phase) PhaseNames {
	switch p {
	case body.PhaseDescent:
		return PhaseNames{When: "on the way down", Name: "on the way down", Label: "down", Column: "down"}
	case body.PhaseBottom:
		return PhaseNames{When: "at the bottom", Name: "at the bottom", Label: "bottom", Column: "bottom"}
	case body.PhaseOutOfTheHole:
		return PhaseNames{When: "coming out of the hole", Name: "out of the hole", Label: "out of hole", Column: "hole"}
	case body.PhaseAscent:
		return PhaseNames{When: "late in the ascent", Name: "late in the ascent", Label: "up", Column: "up"}
	}
	return PhaseNames{When: "at varying moments", Name: "–", Label: "–", Column: "-"}
}

// phaseHint explains a phase name that a lifter may not know, for the
// findings: " (early ascent)" after coming out of the hole.
func phaseHint(p body.Phase) string {
	if p == body.PhaseOutOfTheHole {
		return " (early ascent)"
	}
	return ""
}

// Knee names a leg's knee at the start of a sentence: "Left knee".
func Knee(s body.Side) string { return Side(s) + " knee" }

// Measure names the graded measure: the cave angle for squats on both
// legs, otherwise the valgus angle.
func Measure(caveAngle bool) string {
	if caveAngle {
		return "cave angle"
	}
	return "valgus angle"
}

// MeasureOf names the measure that grades a movement (see Measure).
func MeasureOf(m body.Movement) string { return Measure(m == body.MoveBilateralSquat) }

// FramePhase names where in a rep a frame falls, for the pictures' panel:
// "standing", "descent", "bottom", "ascent".
func FramePhase(p body.Phase) string { return string(p) }

// Side names a leg at the start of a label: "Left", "Right".
func Side(s body.Side) string { return Capitalise(s.String()) }
