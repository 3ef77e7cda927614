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

// When the knee-vs-toes measure graded the heavier sets, the load finding
// quotes it, not an FPPA rise that may be nil ("-0 deg above standing").
func TestAppearsFromWording(t *testing.T) {
	nan := math.NaN()
	toes := LoadTrend{Status: LoadAppearsFrom, AppearsFromKG: 80, Points: []LoadPoint{
		{LoadKG: 60, FreshPeakDeg: -0.4, Severity: SevNone, FreshKneeVsToe: 0.06, FreshKASR: nan},
		{LoadKG: 80, FreshPeakDeg: -0.3, Severity: SevMild, Basis: []string{"knee_vs_toe"}, FreshKneeVsToe: 0.12, FreshKASR: nan},
		{LoadKG: 100, FreshPeakDeg: 0.2, Severity: SevModerate, Basis: []string{"knee_vs_toe"}, FreshKneeVsToe: 0.16, FreshKASR: nan},
	}}
	got := appearsEvidence(toes)
	if want := "knee up to 14% of the shank inside the toes vs 6% at lighter loads"; got != want {
		t.Errorf("knee-vs-toes evidence %q, want %q", got, want)
	}
	angle := LoadTrend{Status: LoadAppearsFrom, AppearsFromKG: 100, Points: []LoadPoint{
		{LoadKG: 60, FreshPeakDeg: -0.4, Severity: SevNone, FreshKneeVsToe: nan, FreshKASR: nan},
		{LoadKG: 100, FreshPeakDeg: 15.2, Severity: SevModerate, Basis: []string{"fppa_change", "kasr"}, FreshKneeVsToe: nan, FreshKASR: 0.72},
	}}
	got = appearsEvidence(angle)
	if want := "knee-to-ankle separation ratio down to 0.72; peak knee angle +15 deg above standing vs 0 deg at lighter loads"; got != want {
		t.Errorf("angle evidence %q, want %q", got, want)
	}
	ss := &SessionResult{Load: [2]LoadTrend{{Status: LoadNoLoads, Per10KG: FitTrend(nil, nil)}, toes}}
	ss.MeanFatigueSlope = [2]float64{nan, nan}
	text := strings.Join(sessionFindings(ss, Defaults()), " ")
	if !strings.Contains(text, "Right knee: valgus appears from 80 kg (first reps of each set: knee up to 14% of the shank inside the toes vs 6% at lighter loads).") ||
		strings.Contains(text, "-0") {
		t.Errorf("session findings: %s", text)
	}
}
