package valgus

import (
	"math"
	"strings"
	"testing"
)

func TestSignedNeverNegativeZero(t *testing.T) {
	for _, c := range []struct {
		v      float64
		prec   int
		signed string
		plain  string
	}{
		{-0.3, 0, "0", "0"},
		{0.3, 0, "0", "0"},
		{-0.04, 1, "0.0", "0.0"},
		{math.Copysign(0, -1), 1, "0.0", "0.0"},
		{2.46, 1, "+2.5", "2.5"},
		{-1, 1, "-1.0", "-1.0"},
		{-0.6, 0, "-1", "-1"},
		{14.2, 0, "+14", "14"},
	} {
		if got := signed(c.v, c.prec); got != c.signed {
			t.Errorf("signed(%v, %d) = %q, want %q", c.v, c.prec, got, c.signed)
		}
		if got := num(c.v, c.prec); got != c.plain {
			t.Errorf("num(%v, %d) = %q, want %q", c.v, c.prec, got, c.plain)
		}
	}
}

// The load finding quotes the graded measure of the fresh reps, named for
// the movement (the cave angle in squats on both legs), heavier sets
// against lighter ones, and never as "-0".
func TestAppearsFromWording(t *testing.T) {
	nan := math.NaN()
	cave := LoadTrend{Status: LoadAppearsFrom, AppearsFromKG: 80, Points: []LoadPoint{
		{LoadKG: 60, FreshPeakDeg: -0.4, Severity: SevNone, FreshKneeVsToe: 0.06, FreshKASR: nan},
		{LoadKG: 80, FreshPeakDeg: 6.8, Severity: SevModerate, Basis: []string{"knee_cave"}, FreshKneeVsToe: 0.12, FreshKASR: nan},
		{LoadKG: 100, FreshPeakDeg: 9.2, Severity: SevModerate, Basis: []string{"knee_cave"}, FreshKneeVsToe: 0.16, FreshKASR: nan},
	}}
	// (6.8 + 9.2) / 2 = 8 at 80 kg and above; -0.4 rounds to 0 below
	got := appearsEvidence(cave)
	if want := "cave angle +8 deg vs 0 deg at lighter loads"; got != want {
		t.Errorf("cave evidence %q, want %q", got, want)
	}
	angle := LoadTrend{Status: LoadAppearsFrom, AppearsFromKG: 100, Points: []LoadPoint{
		{LoadKG: 60, FreshPeakDeg: -0.4, Severity: SevNone, FreshKneeVsToe: nan, FreshKASR: nan},
		{LoadKG: 100, FreshPeakDeg: 15.2, Severity: SevModerate, Basis: []string{"fppa_change"}, FreshKneeVsToe: nan, FreshKASR: 0.72},
	}}
	got = appearsEvidence(angle)
	if want := "valgus angle +15 deg vs 0 deg at lighter loads"; got != want {
		t.Errorf("angle evidence %q, want %q", got, want)
	}
	ss := &SessionResult{Load: [2]LoadTrend{{Status: LoadNoLoads, Per10KG: FitTrend(nil, nil)}, cave}}
	ss.MeanFatigueSlope = [2]float64{nan, nan}
	text := strings.Join(sessionFindings(ss, Defaults()), " ")
	if !strings.Contains(text, "Right knee: valgus appears from 80 kg (first reps of each set: cave angle +8 deg vs 0 deg at lighter loads).") ||
		strings.Contains(text, "-0") {
		t.Errorf("session findings: %s", text)
	}
}
