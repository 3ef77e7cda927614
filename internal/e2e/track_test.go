package e2e

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// This file checks the analysis on a simulated keypoint track, without
// video or pose models: the step after the pose pipeline, alone.

// heldPeak is the highest right-knee FPPA that the truth's frames hold for
// k consecutive frames within rep i.
func heldPeak(tr sim.Truth, i, k int) float64 {
	rep := tr.Reps[i]
	var in []float64
	for _, f := range tr.PerFrame {
		if f.Time >= rep.Start-1e-9 && f.Time <= rep.End+1e-9 {
			in = append(in, f.FPPA.Right)
		}
	}
	best := math.Inf(-1)
	for j := 0; j+k <= len(in); j++ {
		best = math.Max(best, slices.Min(in[j:j+k]))
	}
	return best
}

// TestAnalysisReadsTheTrack runs kneetrack's analysis on a simulated track
// (no video): it must count the reps, find the right knee's cave growing
// and no trend on the left, and measure each rep's peak FPPA change close
// to the truth. The analysis takes a peak as the level held for 0.1 s
// (three frames here), so the truth is taken the same way from its
// per-frame FPPA: the largest of the three-frame minima within the rep.
func TestAnalysisReadsTheTrack(t *testing.T) {
	ramp, err := sim.ParseRamp("8:32", 6)
	if err != nil {
		t.Fatal(err)
	}
	// The lifter tracks the knees nearly straight (2° out), so the growing
	// FPPA rise is a knee turning in past straight ahead: the cave the
	// analysis grades and trends (its trend is on the graded cave angle).
	res, err := sim.Simulate(sim.Set{Reps: 6, RightValgusDeg: ramp, KneesOutDeg: 2, Noise: sim.Noise{JitterPx: 0.5}, Seed: 3}, sim.DefaultCamera(0))
	if err != nil {
		t.Fatal(err)
	}
	out, err := valgus.AnalyzeSet(context.Background(), res.Track, valgus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Reps) != 6 || out.Movement != body.MoveBilateralSquat {
		t.Fatalf("%d reps, %s", len(out.Reps), out.Movement)
	}
	// Boundary tolerances: the largest error measured here (`go test
	// ./internal/e2e -run TestAnalysisReadsTheTrack -v` logs each rep's),
	// rounded up to the millisecond, plus one frame (1/30 s) of margin.
	// Measured: every rep starts 0.0330 s early and ends 0.0381 s late, and
	// its lowest point lies inside the truth's bottom phase; the same for
	// noise seeds 1 to 40.
	const frame = 1 / 30.0
	const startTol, endTol, bottomTol = 0.034 + frame, 0.039 + frame, frame
	for i, r := range out.Reps {
		got, want := r.Side[body.Right].PeakFPPAChange, heldPeak(res.Truth, i, 3)-res.Truth.StandingFPPA.Right
		if math.Abs(got-want) > 2 {
			t.Errorf("rep %d: analysis peak FPPA change %.1f°, truth %.1f°", i+1, got, want)
		}
		tb := res.Truth.Reps[i].Analysed
		outside := math.Max(0, math.Max(tb.BottomStart-r.BottomS, r.BottomS-tb.BottomEnd))
		t.Logf("rep %d errors: start %+.4f s, end %+.4f s, lowest point %.4f s outside the bottom phase", i+1, r.StartS-tb.Start, r.EndS-tb.End, outside)
		if math.Abs(r.StartS-tb.Start) > startTol || math.Abs(r.EndS-tb.End) > endTol {
			t.Errorf("rep %d: analysis %.3f..%.3f s, truth %.3f..%.3f s (within %.3f and %.3f s)", i+1, r.StartS, r.EndS, tb.Start, tb.End, startTol, endTol)
		}
		if outside > bottomTol {
			t.Errorf("rep %d: lowest point at %.3f s, truth's bottom phase %.3f..%.3f s", i+1, r.BottomS, tb.BottomStart, tb.BottomEnd)
		}
	}
	if f := out.Summary.Fatigue[body.Right]; f.Verdict != valgus.TrendWorsening {
		t.Errorf("right trend %s (slope %.2f)", f.Verdict, f.Slope)
	}
	if f := out.Summary.Fatigue[body.Left]; f.Verdict == valgus.TrendWorsening {
		t.Errorf("left trend %s (slope %.2f)", f.Verdict, f.Slope)
	}
}
