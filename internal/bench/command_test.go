package bench

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
	}{
		{[]string{"all"}, models.Names()},
		{[]string{"movenet-lightning"}, []string{"movenet-lightning"}},
		{[]string{"blazepose-lite", "all"}, []string{"blazepose-lite", "all"}},
	} {
		if got := Names(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Names(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTable(t *testing.T) {
	var buf bytes.Buffer
	tb := NewTable(&buf)
	rows := []*Result{
		{Model: "blazepose-full", Threads: 2, Runs: 50, MedianMS: 12.345, P90MS: 14, GMACs: 1.2345, GFLOPS: 200.04, Check: "Identity", CheckDiff: 0.00012},
		{Model: "movenet-lightning", Threads: 1, Runs: 5, MedianMS: 3, P90MS: 3.5, GMACs: 0.5, GFLOPS: 333.3, Check: "Identity_1", CheckDiff: 0},
	}
	for _, r := range rows {
		if err := tb.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := [][]string{
		{"model", "threads", "runs", "median", "ms", "p90", "ms", "GMACs", "GFLOP/s", "check", "vs", "TF.js"},
		{"blazepose-full", "2", "50", "12.35", "14.00", "1.234", "200.0", "Identity", "max|diff|", "0.00012"},
		{"movenet-lightning", "1", "5", "3.00", "3.50", "0.500", "333.3", "Identity_1", "max|diff|", "0"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	for i, w := range want {
		if got := strings.Fields(lines[i]); !slices.Equal(got, w) {
			t.Errorf("line %d: %q, want %q", i, got, w)
		}
	}
	if len(lines[1]) != len(lines[2]) {
		t.Errorf("rows not aligned:\n%s", buf.String())
	}
}

func TestWriteJSONLine(t *testing.T) {
	var buf bytes.Buffer
	r := &Result{Model: "m", Threads: 3, Runs: 7, MedianMS: 1.5}
	if err := WriteJSONLine(&buf, r); err != nil {
		t.Fatal(err)
	}
	if strings.Count(buf.String(), "\n") != 1 || !strings.HasSuffix(buf.String(), "\n") {
		t.Fatalf("not one line: %q", buf.String())
	}
	var back map[string]any
	schematest.ValidateLines(t, schematest.Bench, buf.Bytes())
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back["model"] != "m" || back["threads"] != 3.0 || back["runs"] != 7.0 || back["median_ms"] != 1.5 {
		t.Errorf("decoded %v", back)
	}
}
