package words

import (
	"testing"

	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestPhase(t *testing.T) {
	for _, c := range []struct {
		phase string
		want  PhaseNames
	}{
		{valgus.PhaseDescent, PhaseNames{When: "on the way down", Name: "on the way down", Label: "down", Column: "down"}},
		{valgus.PhaseBottom, PhaseNames{When: "at the bottom", Name: "at the bottom", Label: "bottom", Column: "bottom"}},
		{valgus.PhaseOutOfTheHole, PhaseNames{When: "coming out of the hole", Name: "out of the hole", Label: "out of hole", Column: "hole"}},
		{valgus.PhaseAscent, PhaseNames{When: "late in the ascent", Name: "late in the ascent", Label: "up", Column: "up"}},
		{valgus.PhaseNone, PhaseNames{When: "at varying moments", Name: "–", Label: "–", Column: "-"}},
		{"", PhaseNames{When: "at varying moments", Name: "–", Label: "–", Column: "-"}},
	} {
		t.Run(c.phase, func(t *testing.T) {
			if got := Phase(c.phase); got != c.want {
				t.Errorf("Phase(%q) = %+v, want %+v", c.phase, got, c.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"left side", Side(valgus.Left), "Left"},
		{"right knee", Knee(valgus.Right), "Right knee"},
		{"cave angle", Measure(true), "cave angle"},
		{"valgus angle", Measure(false), "valgus angle"},
		{"squat measure", MeasureOf(valgus.MoveBilateralSquat), "cave angle"},
		{"single-leg measure", MeasureOf(valgus.MoveSingleLegSquat), "valgus angle"},
		{"split measure", MeasureOf(valgus.MoveSplitSquat), "valgus angle"},
		{"standing", FramePhase(motion.Standing), "standing"},
		{"descent", FramePhase(motion.Descent), "descent"},
		{"bottom", FramePhase(motion.Bottom), "bottom"},
		{"ascent", FramePhase(motion.Ascent), "ascent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}
