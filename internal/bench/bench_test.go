package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

func TestQuantile(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	if got := quantile(v, 0.5); got != 6 {
		t.Errorf("median of 1..11 = %g, want 6", got)
	}
	// position 0.9*10 = 9 → the 10th value
	if got := quantile(v, 0.9); got != 10 {
		t.Errorf("p90 of 1..11 = %g, want 10", got)
	}
	// between two values: position 0.5*3 = 1.5 → halfway between 2 and 3
	if got := quantile([]float64{1, 2, 3, 4}, 0.5); got != 2.5 {
		t.Errorf("median of 1..4 = %g, want 2.5", got)
	}
}

func load(t *testing.T, name string) *nn.Model {
	t.Helper()
	js, bin := testenv.ModelFiles(t, name)
	m, err := nn.LoadFiles(js, bin)
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	return m
}

func TestRunChecksAndTimes(t *testing.T) {
	m := load(t, "movenet-lightning")
	fx := testenv.Fixture(t, "movenet-lightning", "lcg")
	res, err := Run(context.Background(), "movenet-lightning", m, fx, Options{Threads: 1, Runs: 3, Warmup: 1})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Check != "Identity:0" || res.CheckDiff > res.CheckLimit {
		t.Errorf("check %q diff %g limit %g: want Identity:0 within its limit", res.Check, res.CheckDiff, res.CheckLimit)
	}
	if !(res.MinMS > 0 && res.MinMS <= res.MedianMS && res.MedianMS <= res.P90MS) {
		t.Errorf("timings not ordered: min %g median %g p90 %g", res.MinMS, res.MedianMS, res.P90MS)
	}
	if res.GMACs < 0.27 || res.GMACs > 0.272 {
		t.Errorf("GMACs = %g, want MoveNet lightning's 0.271", res.GMACs)
	}
}

// TestRunRejectsWrongOutput proves the fixture check can fail: a reference
// value nudged well beyond the tolerance must stop the benchmark.
func TestRunRejectsWrongOutput(t *testing.T) {
	m := load(t, "movenet-lightning")
	fx := testenv.Fixture(t, "movenet-lightning", "lcg")
	out, ok := fx.Output("Identity:0")
	if !ok {
		t.Fatal("fixture has no Identity:0")
	}
	out.Data[5] += 0.01
	_, err := Run(context.Background(), "movenet-lightning", m, fx, Options{Threads: 1, Runs: 1})
	if err == nil || !strings.Contains(err.Error(), "Identity:0[5]") {
		t.Fatalf("Run with a wrong reference: err = %v, want a check failure naming Identity:0[5]", err)
	}
}
