package words

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestChange(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{-0.04, "+0.0"}, {0, "+0.0"}, {2.35, "+2.4"}, {-7.06, "-7.1"}, {14, "+14.0"}} {
		if got := Change(tc.v); got != tc.want {
			t.Errorf("Change(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestElapsed(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{0, "0 s"}, {-time.Second, "0 s"}, {48 * time.Second, "48 s"}, {92 * time.Second, "1 min 32 s"}, {3605 * time.Second, "60 min 05 s"}} {
		if got := Elapsed(tc.d); got != tc.want {
			t.Errorf("Elapsed(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestWriteTruthComparison(t *testing.T) {
	knee := func(sim, meas float64, simPhase, measPhase body.Phase) TruthKnee {
		return TruthKnee{Simulated: sim, Measured: meas, SimulatedPhase: simPhase, MeasuredPhase: measPhase}
	}
	for _, tc := range []struct {
		name string
		c    TruthComparison
		rows [][]string // each rep row's cells, split on blanks
		want []string   // lines after the table, in order
	}{
		{
			name: "every rep counted, cave found",
			c: TruthComparison{Counted: 2, RightSlope: 5.2,
				RightTrend: valgus.Trend{Slope: 4.96, CILow: 2.04, CIHigh: 7.0, Verdict: valgus.TrendWorsening},
				Reps: []TruthRep{
					{Rep: 1, Counted: true, Right: knee(4, 3.96, body.PhaseBottom, body.PhaseOutOfTheHole), Left: knee(0, -0.04, "", "")},
					{Rep: 2, Counted: true, Right: knee(9.2, 10.06, body.PhaseOutOfTheHole, ""), Left: knee(0, 1.25, "", "")},
				}},
			rows: [][]string{
				{"1", "+4.0", "+4.0", "bottom", "/", "out", "of", "hole", "+0.0", "+0.0"},
				{"2", "+9.2", "+10.1", "out", "of", "hole", "/", "-", "+0.0", "+1.3"},
			},
			want: []string{"  Right knee over the set: simulated FPPA rise +5.2°/rep; measured cave angle +5.0°/rep (95% CI +2.0 to +7.0): kneetrack found the right knee's cave growing over the set."},
		},
		{
			name: "a rep missed, no trend",
			c: TruthComparison{Counted: 1, RightSlope: 3, RightTrend: valgus.Trend{Slope: 0.5, CILow: -1, CIHigh: 2, Verdict: "no clear trend"},
				Reps: []TruthRep{
					{Rep: 1, Counted: true, Right: knee(2, 2, body.PhaseAscent, body.PhaseAscent)},
					{Rep: 2, Right: knee(5, 0, body.PhaseAscent, "")},
				}},
			rows: [][]string{
				{"1", "+2.0", "+2.0", "ascent", "/", "ascent", "+0.0", "+0.0"},
				{"2", "+5.0", "-", "ascent", "/", "-", "+0.0", "-"},
			},
			want: []string{"  2 reps simulated, 1 counted.",
				"  Right knee over the set: simulated FPPA rise +3.0°/rep; measured cave angle +0.5°/rep (95% CI -1.0 to +2.0): kneetrack did NOT find the right knee's cave growing (no clear trend)."},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTruthComparison(&buf, tc.c); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) != 2+len(tc.rows)+len(tc.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), 2+len(tc.rows)+len(tc.want), buf.String())
			}
			if !strings.HasPrefix(lines[0], "Simulated vs measured") || !strings.Contains(lines[1], "right simulated") {
				t.Errorf("heading %q / %q", lines[0], lines[1])
			}
			for i, want := range tc.rows {
				if got := strings.Fields(lines[2+i]); strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("rep row %d: %q, want cells %q", i+1, got, want)
				}
			}
			for i, want := range tc.want {
				if got := lines[2+len(tc.rows)+i]; got != want {
					t.Errorf("line %q\nwant %q", got, want)
				}
			}
		})
	}
}
