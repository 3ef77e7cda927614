package htmlreport

import (
	"testing"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestPickReps: the worst rep is the highest class, then the one with more
// legs at it, then the larger graded angle; partial and poor-quality reps
// only count when nothing else is left.
func TestPickReps(t *testing.T) {
	rep := func(left, right valgus.Severity, leftRise, rightRise float64, partial bool, quality string) valgus.RepResult {
		r := valgus.RepResult{Partial: partial, Quality: quality}
		r.Side[0] = valgus.RepSide{Assessed: true, Severity: left, CaveDeg: leftRise, GradedDeg: leftRise}
		r.Side[1] = valgus.RepSide{Assessed: true, Severity: right, CaveDeg: rightRise, GradedDeg: rightRise}
		r.Severity = left // the worse of the two
		if right.Rank() > left.Rank() {
			r.Severity = right
		}
		return r
	}
	g := graded{bilateral: true, bands: valgus.Defaults().KneeCaveDeg}
	none, mild, moderate := valgus.SevNone, valgus.SevMild, valgus.SevModerate
	good, poor := valgus.QualityGood, valgus.QualityPoor
	for _, c := range []struct {
		name        string
		reps        []valgus.RepResult
		worst, best int
	}{
		// the goblet clip's pattern: rep 4 has the larger angle, rep 5 both
		// knees mild
		{"more legs beat a larger angle", []valgus.RepResult{
			rep(none, mild, -1, 2, false, good), rep(none, none, 0, 1, false, good),
			rep(none, mild, -1, 3, false, good), rep(none, mild, 0, 4, false, good),
			rep(mild, mild, 1, 2, false, good)}, 4, 1},
		{"class first", []valgus.RepResult{
			rep(mild, mild, 9, 9, false, good), rep(none, moderate, 0, 12, false, good), rep(none, none, 1, 1, false, good)}, 1, 2},
		{"angle breaks a full tie", []valgus.RepResult{
			rep(none, mild, 0, 8.5, false, good), rep(none, mild, 0, 10, false, good)}, 1, 0},
		{"partial and poor reps only as a last resort", []valgus.RepResult{
			rep(moderate, moderate, 13, 13, true, good), rep(moderate, moderate, 14, 14, false, poor),
			rep(none, mild, 0, 9, false, good), rep(none, none, 0, 1, false, good)}, 2, 3},
	} {
		worst, best, ok := pickReps(&valgus.SetResult{Reps: c.reps}, g)
		if !ok || worst != c.worst || best != c.best {
			t.Errorf("%s: worst %d best %d (ok %v); want %d and %d", c.name, worst, best, ok, c.worst, c.best)
		}
	}
}
