package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

func TestBenchJSON(t *testing.T) {
	testenv.ModelFiles(t, "movenet-lightning")
	testenv.Fixture(t, "movenet-lightning", "lcg")
	out, err := execute(t, "bench", "--model", "movenet-lightning", "--threads", "1", "--runs", "3", "--warmup", "1", "--format", "json")
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var res struct {
		Model    string  `json:"model"`
		Threads  int     `json:"threads"`
		Runs     int     `json:"runs"`
		MedianMS float64 `json:"median_ms"`
		P90MS    float64 `json:"p90_ms"`
		GMACs    float64 `json:"gmacs"`
	}
	schematest.ValidateLines(t, schematest.Bench, []byte(out))
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bench --format json printed %q: %v", out, err)
	}
	if res.Model != "movenet-lightning" || res.Threads != 1 || res.Runs != 3 {
		t.Errorf("got %+v, want model movenet-lightning, 1 thread, 3 runs", res)
	}
	if res.MedianMS <= 0 || res.P90MS < res.MedianMS {
		t.Errorf("median %g ms, p90 %g ms: want 0 < median <= p90", res.MedianMS, res.P90MS)
	}
	// 270,549,504 multiply-accumulates, counted from the plan.
	if res.GMACs < 0.2705 || res.GMACs > 0.2706 {
		t.Errorf("gmacs = %g, want 0.2705", res.GMACs)
	}
}

func TestBenchUnknownModel(t *testing.T) {
	_, err := execute(t, "bench", "--model", "posenet")
	if err == nil || !strings.Contains(err.Error(), "posenet") || !strings.Contains(err.Error(), "blazepose-full") {
		t.Fatalf("bench --model posenet: err = %v, want one naming the model and the known ones", err)
	}
}
