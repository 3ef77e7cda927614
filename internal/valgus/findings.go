package valgus

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
)

// Disclaimer is said with every report.
const Disclaimer = "kneetrack measures movement from video; it is not a diagnosis. Pain, a past injury, or knee cave that does not change with load, tempo and cues: see a qualified professional."

// setFindings puts the set's evidence into plain words.
func setFindings(res *SetResult, sm *SetSummary, full []RepResult, th Thresholds) []string {
	var out []string
	for s := 0; s < 2; s++ {
		if line := sideFinding(res, Side(s)); line != "" {
			out = append(out, line)
		}
	}
	for s := 0; s < 2; s++ {
		f := sm.Fatigue[s]
		if f.Verdict == TrendTooFew || !sideAssessed(res, Side(s)) {
			continue
		}
		if f.Verdict == TrendUnclear && sm.Worst[s].Rank() < 1 {
			continue // a knee that never caved has no trend worth a line
		}
		name := capital(Side(s).String()) + " knee"
		switch f.Verdict {
		case TrendWorsening:
			out = append(out, fmt.Sprintf("%s: the cave grows over the set, %s deg per rep (95%% CI %s to %s); first reps %s deg, last reps %s deg. Fatigue is a likely factor.",
				name, signed(f.Slope, 1), signed(f.CILow, 1), signed(f.CIHigh, 1), num(f.FirstMean, 0), num(f.LastMean, 0)))
		case TrendImproving:
			out = append(out, fmt.Sprintf("%s: the cave lessens over the set, %s deg per rep (95%% CI %s to %s).", name, signed(f.Slope, 1), signed(f.CILow, 1), signed(f.CIHigh, 1)))
		default:
			out = append(out, fmt.Sprintf("%s: no clear change over the set (%s deg per rep, 95%% CI %s to %s).", name, signed(f.Slope, 1), signed(f.CILow, 1), signed(f.CIHigh, 1)))
		}
	}
	if !math.IsNaN(sm.VelocityLossPct) {
		if sm.VelocityFlag {
			out = append(out, fmt.Sprintf("The ascent slowed by %.0f%% from the first reps to the last (%.0f%% is a common point to end a set).", sm.VelocityLossPct, th.VelocityLossPct))
		} else if sm.VelocityLossPct > 0 {
			out = append(out, fmt.Sprintf("Ascent speed fell by %.0f%% over the set.", sm.VelocityLossPct))
		}
	}
	if a := sm.Asymmetry; a.Side != "" {
		other := "left"
		if a.Side == "left" {
			other = "right"
		}
		out = append(out, fmt.Sprintf("The %s knee caves more than the %s: by %.0f deg on average, the same way in %.0f%% of reps.",
			a.Side, other, math.Abs(a.MeanDiffDeg), 100*a.Consistent))
	}
	if st := sm.Stance; st.Wide {
		out = append(out, fmt.Sprintf("Stance is wide: ankles %.2f times the shoulder width (slightly wider than the hips and narrower than the shoulders is usually steadier).", st.AnkleShoulderRatio))
	}
	if st := sm.Stance; st.ToesOut {
		out = append(out, fmt.Sprintf("Feet turned out strongly (about %.0f and %.0f deg, left and right; an estimate from a front view).", st.ToeOutDeg[0], st.ToeOutDeg[1]))
	}
	var shifts []float64
	for _, r := range full {
		if !math.IsNaN(r.LateralShift) {
			shifts = append(shifts, r.LateralShift)
		}
	}
	if m := stat.Mean(shifts, nil); math.Abs(m) >= 0.3 {
		dir := "right"
		if m < 0 {
			dir = "left"
		}
		out = append(out, fmt.Sprintf("The hips shift towards the %s during the reps (%.1f hip widths on average): weight goes onto the %s leg.", dir, math.Abs(m), dir))
	}
	return out
}

func sideAssessed(res *SetResult, s Side) bool {
	for _, r := range res.Reps {
		if r.Side[s].Assessed {
			return true
		}
	}
	return false
}

// sideFinding summarises one leg over the set: which reps cave, how much,
// when, compared with the first rep.
func sideFinding(res *SetResult, s Side) string {
	name := capital(s.String()) + " knee"
	var caved []int
	var peaks []float64
	phases := map[string]int{}
	assessed := 0
	worst := SevNone
	var onsetDepths []float64
	recovered, withOnset := 0, 0
	kvt := math.Inf(-1)
	for _, r := range res.Reps {
		rs := r.Side[s]
		if !rs.Assessed {
			continue
		}
		assessed++
		if rs.Severity.Rank() >= 1 {
			caved = append(caved, r.Index)
			peaks = append(peaks, rs.GradedDeg)
			ph := rs.PeakPhase
			if !math.IsNaN(rs.KneeVsToeChange) {
				kvt = math.Max(kvt, rs.KneeVsToeChange)
			}
			phases[ph]++
			worst = maxSeverity(worst, rs.Severity)
		}
		if rs.HasOnset {
			withOnset++
			onsetDepths = append(onsetDepths, rs.OnsetDepth)
			if rs.Recovered {
				recovered++
			}
		}
	}
	if assessed == 0 {
		return ""
	}
	if len(caved) == 0 {
		return fmt.Sprintf("%s: no knee cave beyond the thresholds in %d reps.", name, assessed)
	}
	phase, best := "", 0
	for p, c := range phases {
		if c > best || (c == best && p < phase) {
			phase, best = p, c
		}
	}
	first := res.Reps[0].Side[s]
	measure := "valgus angle"
	if res.Movement == MoveBilateralSquat {
		measure = "cave angle"
	}
	line := fmt.Sprintf("%s: caves in (%s at worst) in rep%s %s, peaking %s; %s up to %.0f deg",
		name, worst, plural(len(caved)), RepList(caved), phaseWords(phase), measure, maxOf(peaks))
	if !math.IsNaN(first.GradedDeg) && first.Assessed {
		line += fmt.Sprintf(" vs %.0f deg on rep 1", first.GradedDeg)
	}
	if !math.IsInf(kvt, -1) && kvt > 0 {
		line += fmt.Sprintf("; knee up to %.0f%% of the shank length further inside the toes than standing", 100*kvt)
	}
	line += "."
	if withOnset > 0 {
		line += fmt.Sprintf(" It starts at about %.0f%% of the leg length down", 100*stat.Mean(onsetDepths, nil))
		if recovered == withOnset {
			line += " and the knee comes back out by the top."
		} else {
			line += fmt.Sprintf("; the knee stays in at the top in %d of %d reps.", withOnset-recovered, withOnset)
		}
	}
	return line
}

func phaseWords(p string) string {
	switch p {
	case PhaseDescent:
		return "on the way down"
	case PhaseBottom:
		return "at the bottom"
	case PhaseOutOfTheHole:
		return "coming out of the hole (early ascent)"
	case PhaseAscent:
		return "late in the ascent"
	}
	return "at varying moments"
}

// RepList writes rep numbers compactly: "1-3, 5".
func RepList(idx []int) string {
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		} else {
			parts = append(parts, fmt.Sprint(idx[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if !math.IsNaN(x) {
			m = math.Max(m, x)
		}
	}
	return m
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sessionFindings puts the session's load and fatigue evidence into words.
func sessionFindings(ss *SessionResult, th Thresholds) []string {
	var out []string
	for s := 0; s < 2; s++ {
		lt := ss.Load[s]
		name := capital(Side(s).String()) + " knee"
		switch lt.Status {
		case LoadAppearsFrom:
			out = append(out, fmt.Sprintf("%s: valgus appears from %s (first reps of each set: %s).",
				name, fmtKG(lt.AppearsFromKG), appearsEvidence(lt)))
		case LoadAllLoads:
			out = append(out, fmt.Sprintf("%s: valgus at every load, even in the first reps of the lightest set: more a control or technique pattern than a matter of weight.", name))
		case LoadNotSeen:
			out = append(out, fmt.Sprintf("%s: no valgus beyond the thresholds in the first reps at any load.", name))
		}
		if lt.Status != LoadNoLoads && !math.IsNaN(lt.Per10KG.Slope) && lt.Per10KG.N >= 3 {
			out = append(out, fmt.Sprintf("%s: the fresh reps' graded angle changes by %s deg per 10 kg (95%% CI %s to %s); differences under about %.0f deg are within 2D measurement noise.",
				name, signed(lt.Per10KG.Slope, 1), signed(lt.Per10KG.CILow, 1), signed(lt.Per10KG.CIHigh, 1), th.SessionChangeDeg))
		}
		if m := ss.MeanFatigueSlope[s]; !math.IsNaN(m) && len(ss.Sets) > 1 {
			out = append(out, fmt.Sprintf("%s: within sets, the graded angle changes by %s deg per rep on average (fatigue, kept apart from load).", name, signed(m, 1)))
		}
	}
	out = append(out, Disclaimer)
	return out
}

// num formats v with prec decimals, never as a negative zero ("-0" for
// -0.3 would read as a sign that means something).
func num(v float64, prec int) string {
	t := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Trim(t, "-0.") == "" {
		return strings.TrimPrefix(t, "-")
	}
	return t
}

// signed is num with a + on positive values ("+2.5", "-1.0", "0.0").
func signed(v float64, prec int) string {
	t := num(v, prec)
	if v > 0 && strings.Trim(t, "0.") != "" {
		return "+" + t
	}
	return t
}

// appearsEvidence says, for a leg whose valgus appears from some load, what
// the fresh reps at that load and above showed against the lighter ones,
// in the measure that graded them (the cave angle, or the valgus angle).
func appearsEvidence(lt LoadTrend) string {
	var light, heavy []LoadPoint
	basis := map[string]bool{}
	for _, p := range lt.Points {
		if p.LoadKG < lt.AppearsFromKG {
			light = append(light, p)
			continue
		}
		heavy = append(heavy, p)
		for _, b := range p.Basis {
			basis[b] = true
		}
	}
	avg := func(ps []LoadPoint, f func(LoadPoint) float64) float64 {
		var v []float64
		for _, p := range ps {
			if x := f(p); !math.IsNaN(x) {
				v = append(v, x)
			}
		}
		return stat.Mean(v, nil)
	}
	// what the heavier sets showed, then the lighter ones when measured
	say := func(f func(LoadPoint) float64, heavyText, lightText func(float64) string) string {
		t := heavyText(avg(heavy, f))
		if l := avg(light, f); !math.IsNaN(l) {
			t += " vs " + lightText(l) + " at lighter loads"
		}
		return t
	}
	var parts []string
	name := "valgus angle"
	if basis["knee_cave"] {
		name = "cave angle"
	}
	deg := func(v float64) string { return signed(v, 0) + " deg" }
	parts = append(parts, say(func(p LoadPoint) float64 { return p.FreshPeakDeg },
		func(v float64) string { return name + " " + deg(v) }, deg))
	return strings.Join(parts, "; ")
}
