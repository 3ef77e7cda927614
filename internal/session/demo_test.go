package session

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestCompareTruth(t *testing.T) {
	truth := &sim.Truth{FatigueSlope: sim.SidePair{Left: 0, Right: 5.2}}
	for i, rise := range []float64{4, 9.2, 14.4} {
		truth.Reps = append(truth.Reps, sim.RepTruth{Rep: i + 1,
			Right: sim.LegTruth{PeakChange: rise, PeakPhase: body.PhaseOutOfTheHole},
			Left:  sim.LegTruth{PeakChange: 0.5, PeakPhase: body.PhaseBottom}})
	}
	rep := func(right, left float64) valgus.RepResult {
		var r valgus.RepResult
		r.Side[body.Right] = valgus.RepSide{PeakFPPAChange: right, PeakPhase: body.PhaseAscent}
		r.Side[body.Left] = valgus.RepSide{PeakFPPAChange: left, PeakPhase: body.PhaseDescent}
		return r
	}
	trend := valgus.Trend{Slope: 4.1, Verdict: valgus.TrendWorsening}
	for _, tc := range []struct {
		name    string
		reps    []valgus.RepResult
		counted []bool
	}{
		{"every rep counted", []valgus.RepResult{rep(3, 1), rep(8, 2), rep(15, 3)}, []bool{true, true, true}},
		{"the last rep missed", []valgus.RepResult{rep(3, 1), rep(8, 2)}, []bool{true, true, false}},
		{"none counted", nil, []bool{false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := &valgus.SetResult{Reps: tc.reps}
			set.Summary.Fatigue[body.Right] = trend
			c := CompareTruth(truth, set)
			if c.Counted != len(tc.reps) || c.RightSlope != 5.2 || c.RightTrend != trend || len(c.Reps) != 3 {
				t.Fatalf("counted %d, slope %g, trend %+v, %d rows", c.Counted, c.RightSlope, c.RightTrend, len(c.Reps))
			}
			for i, r := range c.Reps {
				tr := truth.Reps[i]
				if r.Rep != i+1 || r.Counted != tc.counted[i] || r.Right.Simulated != tr.Right.PeakChange || r.Left.Simulated != 0.5 ||
					r.Right.SimulatedPhase != body.PhaseOutOfTheHole || r.Left.SimulatedPhase != body.PhaseBottom {
					t.Errorf("row %d: %+v", i, r)
				}
				if !r.Counted {
					continue
				}
				m := tc.reps[i].Side
				if r.Right.Measured != m[body.Right].PeakFPPAChange || r.Left.Measured != m[body.Left].PeakFPPAChange ||
					r.Right.MeasuredPhase != body.PhaseAscent || r.Left.MeasuredPhase != body.PhaseDescent {
					t.Errorf("row %d measured %+v / %+v", i, r.Right, r.Left)
				}
			}
		})
	}
}

// TestDemoPreflight: a missing tool or model is named, with how to get it.
func TestDemoPreflight(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg is not installed")
	}
	for _, tc := range []struct {
		name    string
		noTools bool
		want    []string
	}{
		{"no models", false, []string{"pose models", "models pull"}},
		{"no ffmpeg", true, []string{"ffmpeg", "setup.sh"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noTools {
				t.Setenv("PATH", t.TempDir())
			}
			err := DemoPreflight(t.TempDir())
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want one naming %q", err, want)
				}
			}
		})
	}
}
