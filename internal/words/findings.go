package words

import (
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Disclaimer is said with every report.
const Disclaimer = "kneetrack measures movement from video; it is not a diagnosis. Pain, a past injury, or knee cave that does not change with load, tempo and cues: see a qualified professional."

// Findings says a set's findings (valgus.SetSummary.Findings), one
// sentence or short paragraph each, in their order.
func Findings(fs []valgus.Finding) []string {
	var out []string
	for _, f := range fs {
		if line := Finding(f); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// SessionFindings says a session's findings (valgus.SessionResult.Findings)
// and ends with the Disclaimer.
func SessionFindings(fs []valgus.Finding) []string {
	return append(Findings(fs), Disclaimer)
}

// Finding says one finding ("" for a type it does not know).
func Finding(f valgus.Finding) string {
	switch f := f.(type) {
	case valgus.LegFinding:
		return legFinding(f)
	case valgus.TrendFinding:
		return trendFinding(f)
	case valgus.VelocityFinding:
		if f.Flagged {
			return fmt.Sprintf("The ascent slowed by %.0f%% from the first reps to the last (%.0f%% is a common point to end a set).", f.LossPct, f.LimitPct)
		}
		return fmt.Sprintf("Ascent speed fell by %.0f%% over the set.", f.LossPct)
	case valgus.AsymmetryFinding:
		a := f.Asymmetry
		other := "left"
		if a.Side == "left" {
			other = "right"
		}
		return fmt.Sprintf("The %s knee caves more than the %s: by %.0f deg on average, the same way in %.0f%% of reps.",
			a.Side, other, math.Abs(a.MeanDiffDeg), 100*a.Consistent)
	case valgus.WideStanceFinding:
		return fmt.Sprintf("Stance is wide: ankles %.2f times the shoulder width (slightly wider than the hips and narrower than the shoulders is usually steadier).", f.AnkleShoulderRatio)
	case valgus.ToesOutFinding:
		return fmt.Sprintf("Feet turned out strongly (about %.0f and %.0f deg, left and right; an estimate from a front view).", f.ToeOutDeg[0], f.ToeOutDeg[1])
	case valgus.HipShiftFinding:
		dir := "right"
		if f.MeanHipWidths < 0 {
			dir = "left"
		}
		return fmt.Sprintf("The hips shift towards the %s during the reps (%.1f hip widths on average): weight goes onto the %s leg.", dir, math.Abs(f.MeanHipWidths), dir)
	case valgus.LoadFinding:
		return loadFinding(f)
	case valgus.LoadSlopeFinding:
		t := f.Per10KG
		return fmt.Sprintf("%s: the fresh reps' graded angle changes by %s deg per 10 kg (95%% CI %s to %s); differences under about %.0f deg are within 2D measurement noise.",
			Knee(f.Side), Signed(t.Slope, 1), Signed(t.CILow, 1), Signed(t.CIHigh, 1), f.NoiseDeg)
	case valgus.FatigueFinding:
		return fmt.Sprintf("%s: within sets, the graded angle changes by %s deg per rep on average (fatigue, kept apart from load).", Knee(f.Side), Signed(f.SlopeDeg, 1))
	}
	return ""
}

// legFinding says which reps of a leg cave, how much, when, compared with
// the first rep.
func legFinding(f valgus.LegFinding) string {
	name := Knee(f.Side)
	if len(f.Caved) == 0 {
		return fmt.Sprintf("%s: no knee cave beyond the thresholds in %d reps.", name, f.Assessed)
	}
	line := fmt.Sprintf("%s: caves in (%s at worst) in rep%s %s, peaking %s%s; %s up to %.0f deg",
		name, f.Worst, Plural(len(f.Caved)), RepList(f.Caved), Phase(f.Phase).When, phaseHint(f.Phase), Measure(f.CaveAngle), f.PeakDeg)
	if !math.IsNaN(f.FirstRepDeg) {
		line += fmt.Sprintf(" vs %.0f deg on rep 1", f.FirstRepDeg)
	}
	if f.KneeVsToe > 0 {
		line += fmt.Sprintf("; knee up to %.0f%% of the shank length further inside the toes than standing", 100*f.KneeVsToe)
	}
	if len(f.GapReps) > 0 {
		line += fmt.Sprintf("; in rep%s %s the knees came as close as %.2f times the ankles' width at depth, which grades at least moderate whatever the angle",
			Plural(len(f.GapReps)), RepList(f.GapReps), f.GapKASR)
	}
	line += "."
	if f.Onsets > 0 {
		line += fmt.Sprintf(" It starts at about %.0f%% of the leg length down", 100*f.OnsetDepth)
		if f.Recovered == f.Onsets {
			line += " and the knee comes back out by the top."
		} else {
			line += fmt.Sprintf("; the knee stays in at the top in %d of %d reps.", f.Onsets-f.Recovered, f.Onsets)
		}
	}
	return line
}

// trendFinding says how a leg's cave changes over the set.
func trendFinding(f valgus.TrendFinding) string {
	t, name := f.Trend, Knee(f.Side)
	switch t.Verdict {
	case valgus.TrendWorsening:
		return fmt.Sprintf("%s: the cave grows over the set, %s deg per rep (95%% CI %s to %s); first reps %s deg, last reps %s deg. Fatigue is a likely factor.",
			name, Signed(t.Slope, 1), Signed(t.CILow, 1), Signed(t.CIHigh, 1), Num(t.FirstMean, 0), Num(t.LastMean, 0))
	case valgus.TrendImproving:
		return fmt.Sprintf("%s: the cave lessens over the set, %s deg per rep (95%% CI %s to %s).", name, Signed(t.Slope, 1), Signed(t.CILow, 1), Signed(t.CIHigh, 1))
	}
	return fmt.Sprintf("%s: no clear change over the set (%s deg per rep, 95%% CI %s to %s).", name, Signed(t.Slope, 1), Signed(t.CILow, 1), Signed(t.CIHigh, 1))
}

// loadFinding says how a leg's valgus relates to load.
func loadFinding(f valgus.LoadFinding) string {
	name := Knee(f.Side)
	switch f.Status {
	case valgus.LoadAppearsFrom:
		deg := func(v float64) string { return Signed(v, 0) + " deg" }
		ev := Measure(f.CaveAngle) + " " + deg(f.HeavyDeg)
		if !math.IsNaN(f.LightDeg) {
			ev += " vs " + deg(f.LightDeg) + " at lighter loads"
		}
		return fmt.Sprintf("%s: valgus appears from %s (first reps of each set: %s).", name, KG(f.FromKG), ev)
	case valgus.LoadAllLoads:
		return fmt.Sprintf("%s: valgus at every load, even in the first reps of the lightest set: more a control or technique pattern than a matter of weight.", name)
	case valgus.LoadNotSeen:
		return fmt.Sprintf("%s: no valgus beyond the thresholds in the first reps at any load.", name)
	}
	return ""
}
