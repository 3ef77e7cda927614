package words

import (
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Each finding, with numbers chosen so that the rounding is worked out by
// hand in the comments, said in the words the reports show.
func TestFinding(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name string
		f    valgus.Finding
		want string
	}{
		{"leg without cave", valgus.LegFinding{Side: body.Left, Assessed: 5},
			"Left knee: no knee cave beyond the thresholds in 5 reps."},
		// 9.6 -> 10, 3.2 -> 3, 0.126 shank -> 13%, onsets at 0.42 -> 42%
		{"leg caving, cave angle, all recovered", valgus.LegFinding{Side: body.Right, Assessed: 5, Caved: []int{2, 3, 4},
			Worst: valgus.SevModerate, Phase: body.PhaseOutOfTheHole, CaveAngle: true, PeakDeg: 9.6, FirstRepDeg: 3.2,
			KneeVsToe: 0.126, Onsets: 3, OnsetDepth: 0.42, Recovered: 3},
			"Right knee: caves in (moderate at worst) in reps 2-4, peaking coming out of the hole (early ascent); cave angle up to 10 deg" +
				" vs 3 deg on rep 1; knee up to 13% of the shank length further inside the toes than standing." +
				" It starts at about 42% of the leg length down and the knee comes back out by the top."},
		// first rep not graded, knee not further inside the toes: neither said
		{"leg caving once, valgus angle, not all recovered", valgus.LegFinding{Side: body.Left, Assessed: 4, Caved: []int{3},
			Worst: valgus.SevMild, Phase: body.PhaseBottom, PeakDeg: 12.2, FirstRepDeg: nan, KneeVsToe: -0.05,
			Onsets: 2, OnsetDepth: 0.31, Recovered: 1},
			"Left knee: caves in (mild at worst) in rep 3, peaking at the bottom; valgus angle up to 12 deg." +
				" It starts at about 31% of the leg length down; the knee stays in at the top in 1 of 2 reps."},
		{"leg caving, no onset, peaks at no one moment", valgus.LegFinding{Side: body.Right, Assessed: 3, Caved: []int{1, 3},
			Worst: valgus.SevSevere, Phase: body.PhaseNone, PeakDeg: 20.5, FirstRepDeg: 18, KneeVsToe: nan, OnsetDepth: nan},
			"Right knee: caves in (severe at worst) in reps 1, 3, peaking at varying moments; valgus angle up to 20 deg vs 18 deg on rep 1."},
		// graded on the knee gap in reps 2 and 4: 0.584 -> 0.58
		{"leg caving on the knee gap", valgus.LegFinding{Side: body.Left, Assessed: 4, Caved: []int{2, 4}, Worst: valgus.SevModerate,
			Phase: body.PhaseBottom, CaveAngle: true, PeakDeg: 4.4, FirstRepDeg: nan, KneeVsToe: nan, OnsetDepth: nan,
			GapReps: []int{2, 4}, GapKASR: 0.584},
			"Left knee: caves in (moderate at worst) in reps 2, 4, peaking at the bottom; cave angle up to 4 deg; in reps 2, 4 the knees" +
				" came as close as 0.58 times the ankles' width at depth, which grades at least moderate whatever the angle."},
		// 1.24 -> +1.2, 0.36 -> +0.4, 2.12 -> +2.1, 4.4 -> 4, 9.6 -> 10
		{"worsening", valgus.TrendFinding{Side: body.Left, Trend: valgus.Trend{Verdict: valgus.TrendWorsening,
			Slope: 1.24, CILow: 0.36, CIHigh: 2.12, FirstMean: 4.4, LastMean: 9.6}},
			"Left knee: the cave grows over the set, +1.2 deg per rep (95% CI +0.4 to +2.1); first reps 4 deg, last reps 10 deg. Fatigue is a likely factor."},
		{"improving", valgus.TrendFinding{Side: body.Right, Trend: valgus.Trend{Verdict: valgus.TrendImproving,
			Slope: -0.8, CILow: -1.5, CIHigh: -0.1}},
			"Right knee: the cave lessens over the set, -0.8 deg per rep (95% CI -1.5 to -0.1)."},
		// 0.03 rounds to 0.0, never "+0.0"
		{"unclear", valgus.TrendFinding{Side: body.Left, Trend: valgus.Trend{Verdict: valgus.TrendUnclear,
			Slope: 0.03, CILow: -0.9, CIHigh: 0.96}},
			"Left knee: no clear change over the set (0.0 deg per rep, 95% CI -0.9 to +1.0)."},
		{"velocity flagged", valgus.VelocityFinding{LossPct: 27.4, Flagged: true, LimitPct: 20},
			"The ascent slowed by 27% from the first reps to the last (20% is a common point to end a set)."},
		{"velocity", valgus.VelocityFinding{LossPct: 12.6, LimitPct: 20},
			"Ascent speed fell by 13% over the set."},
		{"asymmetry", valgus.AsymmetryFinding{Asymmetry: valgus.Asymmetry{MeanDiffDeg: -4.6, Side: "left", Consistent: 0.8}},
			"The left knee caves more than the right: by 5 deg on average, the same way in 80% of reps."},
		{"wide stance", valgus.WideStanceFinding{AnkleShoulderRatio: 1.234},
			"Stance is wide: ankles 1.23 times the shoulder width (slightly wider than the hips and narrower than the shoulders is usually steadier)."},
		{"toes out", valgus.ToesOutFinding{ToeOutDeg: [2]float64{31.6, 28.2}},
			"Feet turned out strongly (about 32 and 28 deg, left and right; an estimate from a front view)."},
		{"hip shift", valgus.HipShiftFinding{MeanHipWidths: -0.42},
			"The hips shift towards the left during the reps (0.4 hip widths on average): weight goes onto the left leg."},
		// a light set at -0.4 deg reads 0, never "-0"
		{"appears from, cave angle", valgus.LoadFinding{Side: body.Right, Status: valgus.LoadAppearsFrom, FromKG: 80,
			CaveAngle: true, HeavyDeg: 8, LightDeg: -0.4},
			"Right knee: valgus appears from 80 kg (first reps of each set: cave angle +8 deg vs 0 deg at lighter loads)."},
		{"appears from, valgus angle, nothing lighter", valgus.LoadFinding{Side: body.Left, Status: valgus.LoadAppearsFrom,
			FromKG: 102.5, HeavyDeg: 15.2, LightDeg: nan},
			"Left knee: valgus appears from 102.5 kg (first reps of each set: valgus angle +15 deg)."},
		{"all loads", valgus.LoadFinding{Side: body.Left, Status: valgus.LoadAllLoads},
			"Left knee: valgus at every load, even in the first reps of the lightest set: more a control or technique pattern than a matter of weight."},
		{"not seen", valgus.LoadFinding{Side: body.Right, Status: valgus.LoadNotSeen},
			"Right knee: no valgus beyond the thresholds in the first reps at any load."},
		// 1.85 -> +1.9 (1.85 is stored just above), 0.2 -> +0.2, 3.5 -> +3.5
		{"per 10 kg", valgus.LoadSlopeFinding{Side: body.Left, Per10KG: valgus.Trend{Slope: 1.85, CILow: 0.2, CIHigh: 3.5}, NoiseDeg: 8},
			"Left knee: the fresh reps' graded angle changes by +1.9 deg per 10 kg (95% CI +0.2 to +3.5); differences under about 8 deg are within 2D measurement noise."},
		{"fatigue over sets", valgus.FatigueFinding{Side: body.Right, SlopeDeg: -0.26},
			"Right knee: within sets, the graded angle changes by -0.3 deg per rep on average (fatigue, kept apart from load)."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Finding(c.f); got != c.want {
				t.Errorf("got\n  %q\nwant\n  %q", got, c.want)
			}
		})
	}
}

func TestFindingsKeepOrderAndSessionEndsWithDisclaimer(t *testing.T) {
	fs := []valgus.Finding{
		valgus.VelocityFinding{LossPct: 12.6},
		valgus.LoadFinding{Side: body.Right, Status: valgus.LoadNoLoads}, // nothing to say
		valgus.HipShiftFinding{MeanHipWidths: 0.5},
	}
	want := []string{"Ascent speed fell by 13% over the set.",
		"The hips shift towards the right during the reps (0.5 hip widths on average): weight goes onto the right leg."}
	got := Findings(fs)
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Findings = %q, want %q", got, want)
	}
	if got := Findings(nil); len(got) != 0 {
		t.Errorf("Findings(nil) = %q, want none", got)
	}
	s := SessionFindings(fs)
	if len(s) != 3 || s[2] != Disclaimer || s[0] != want[0] {
		t.Errorf("SessionFindings = %q, want the two findings then the disclaimer", s)
	}
	if s := SessionFindings(nil); len(s) != 1 || s[0] != Disclaimer {
		t.Errorf("SessionFindings(nil) = %q, want the disclaimer alone", s)
	}
}
