package words

import (
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
)

func TestPhase(t *testing.T) {
	for _, c := range []struct {
		phase body.Phase
		want  PhaseNames
	}{
		{body.PhaseDescent, PhaseNames{When: "on the way down", Name: "on the way down", Label: "down", Column: "down"}},
		{body.PhaseBottom, PhaseNames{When: "at the bottom", Name: "at the bottom", Label: "bottom", Column: "bottom"}},
		{body.PhaseOutOfTheHole, PhaseNames{When: "coming out of the hole", Name: "out of the hole", Label: "out of hole", Column: "hole"}},
		{body.PhaseAscent, PhaseNames{When: "late in the ascent", Name: "late in the ascent", Label: "up", Column: "up"}},
		{body.PhaseNone, PhaseNames{When: "at varying moments", Name: "–", Label: "–", Column: "-"}},
		{"", PhaseNames{When: "at varying moments", Name: "–", Label: "–", Column: "-"}},
	} {
		t.Run(string(c.phase), func(t *testing.T) {
			if got := Phase(c.phase); got != c.want {
				t.Errorf("Phase(%q) = %+v, want %+v", c.phase, got, c.want)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"left side", Side(body.Left), "Left"},
		{"right knee", Knee(body.Right), "Right knee"},
		{"cave angle", Measure(true), "cave angle"},
		{"valgus angle", Measure(false), "valgus angle"},
		{"squat measure", MeasureOf(body.MoveBilateralSquat), "cave angle"},
		{"single-leg measure", MeasureOf(body.MoveSingleLegSquat), "valgus angle"},
		{"split measure", MeasureOf(body.MoveSplitSquat), "valgus angle"},
		{"standing", FramePhase(body.PhaseStanding), "standing"},
		{"descent", FramePhase(body.PhaseDescent), "descent"},
		{"bottom", FramePhase(body.PhaseBottom), "bottom"},
		{"ascent", FramePhase(body.PhaseAscent), "ascent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}
