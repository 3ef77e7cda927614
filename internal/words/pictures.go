package words

import (
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// GradedAngle writes a leg's graded measure (the cave angle in squats on
// both legs, the valgus angle above standing in single-leg and split
// squats; degrees, + inwards) for the pictures, with the sign and the one
// decimal of the rep table and a plain word: "+12.3° in", "-4.0° out",
// "0.0° straight"; "n/a" when it could not be measured.
func GradedAngle(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	// The word follows the number as written, so that they never disagree.
	t := PlusZero(fmt.Sprintf("%+.1f°", v))
	switch t[0] {
	case '+':
		return t + " in"
	case '-':
		return t + " out"
	}
	return t + " straight"
}

// KneeStraight is written by a knee that is trusted but too straight to
// have a cave angle (standing, or barely bent): it cannot be turning in.
const KneeStraight = "straight"

// RepGrade writes a rep's grade for one leg beside its knee in the
// pictures, with the table's class word: "rep 2: mild".
func RepGrade(rep int, sev valgus.Severity) string {
	if sev == valgus.SevUnknown || sev == "" {
		return fmt.Sprintf("rep %d: not graded", rep)
	}
	return fmt.Sprintf("rep %d: %s", rep, sev)
}

// KneeReading is a knee's line in the pictures' panel: "Right knee
// +12.3° in".
func KneeReading(s body.Side, graded string) string { return Side(s) + " knee " + graded }

// KeyMoment says which moment of a rep a key frame shows: the moment the
// given knee's graded measure reached the rep's peak ("right knee's peak
// cave angle, 2.4 s"), or, when no knee was graded, the rep's deepest
// moment ("deepest point, 2.4 s").
func KeyMoment(s body.Side, peak, caveAngle bool, t float64) string {
	if !peak {
		return fmt.Sprintf("deepest point, %.1f s", t)
	}
	return fmt.Sprintf("%s knee's peak %s, %.1f s", s, Measure(caveAngle), t)
}

// The pictures' colour key names the two reference lines drawn by each
// graded knee.
const (
	// HipAnkleLine is the straight line from hip to ankle that the knee's
	// sideways movement (and so its cave or valgus angle) is measured from.
	HipAnkleLine = "hip-ankle line"
	// ToesLine is the foot's line, ankle to toe tip and straight up from the
	// toe tip: the "knees over the toes" line.
	ToesLine = "toes line"
	// KneeLineKey introduces the colours of the knee lines' classes.
	KneeLineKey = "knee line:"
)
