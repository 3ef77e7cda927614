package pose

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestParsePoint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		x, y float64
		ok   bool
	}{
		{"0.5,0.6", 0.5, 0.6, true},
		{" 0 , 1 ", 0, 1, true},
		{"1,0", 1, 0, true},
		{"0.5", 0, 0, false},
		{"0.5,1.2", 0, 0, false},
		{"-0.1,0.5", 0, 0, false},
		{"NaN,0.5", 0, 0, false},
		{"a,b", 0, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			x, y, err := ParsePoint(tc.in)
			if (err == nil) != tc.ok || math.Abs(x-tc.x) > 1e-12 || math.Abs(y-tc.y) > 1e-12 {
				t.Errorf("ParsePoint(%q) = %g, %g, %v; want %g, %g, ok %v", tc.in, x, y, err, tc.x, tc.y, tc.ok)
			}
		})
	}
}

func TestLegGaps(t *testing.T) {
	for _, tc := range []struct {
		name string
		kps  []string
		want int
	}{
		{"none", nil, 0},
		{"legs", []string{"left_hip", "right_knee", "left_ankle", "right_heel", "left_foot_index"}, 5},
		{"arms and face", []string{"left_wrist", "nose", "right_shoulder"}, 0},
		{"mixed", []string{"left_knee", "left_elbow", "left_knee"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gaps []Gap
			for _, k := range tc.kps {
				gaps = append(gaps, Gap{Keypoint: k})
			}
			if got := LegGaps(gaps); got != tc.want {
				t.Errorf("LegGaps(%v) = %d, want %d", tc.kps, got, tc.want)
			}
		})
	}
}

func TestScanWriteTableWhenNobodyIsFound(t *testing.T) {
	var buf bytes.Buffer
	if err := (&Scan{SampleTimes: []float64{0, 1, 2}}).WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "nobody found in 3 frames sampled over the video\n"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestResultWriteSummaryNamesTheOutput(t *testing.T) {
	for _, tc := range []struct {
		output string
		wrote  bool
	}{{"set.json", true}, {"-", false}} {
		t.Run(tc.output, func(t *testing.T) {
			var buf bytes.Buffer
			(&Result{Stats: Stats{Tracked: 90, Processed: 100}}).WriteSummary(&buf, tc.output)
			out := buf.String()
			if !strings.HasPrefix(out, "tracked the lifter in 90 of 100 frames") {
				t.Errorf("summary %q", out)
			}
			if got := strings.Contains(out, "wrote "+tc.output+"\n"); got != tc.wrote {
				t.Errorf("summary %q: names %s = %v, want %v", out, tc.output, got, tc.wrote)
			}
		})
	}
}
