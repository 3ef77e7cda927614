package words

import (
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestGradedAngle(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{12.34, "+12.3° in"},
		{-4, "-4.0° out"},
		{0, "0.0° straight"},
		{0.04, "0.0° straight"},  // rounds to the table's 0.0
		{-0.04, "0.0° straight"}, // never "-0.0"
		{0.05, "+0.1° in"},
		{math.NaN(), "n/a"},
	} {
		if got := GradedAngle(c.v); got != c.want {
			t.Errorf("GradedAngle(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestRepGradeAndMoment(t *testing.T) {
	if got := RepGrade(2, valgus.SevMild); got != "rep 2: mild" {
		t.Errorf("RepGrade = %q", got)
	}
	if got := RepGrade(3, valgus.SevUnknown); got != "rep 3: not graded" {
		t.Errorf("RepGrade unknown = %q", got)
	}
	if got := KeyMoment(body.Right, true, true, 2.44); got != "right knee's peak cave angle, 2.4 s" {
		t.Errorf("KeyMoment = %q", got)
	}
	if got := KeyMoment(body.Left, false, false, 1.0); got != "deepest point, 1.0 s" {
		t.Errorf("KeyMoment without a peak = %q", got)
	}
}
