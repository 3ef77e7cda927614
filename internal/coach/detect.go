package coach

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// detector measures the signals of one cause. signals and thresholds list
// what it reports and reads, so that Rules.Validate can check the data and
// the code against each other.
type detector struct {
	signals    []string
	thresholds []string
	fn         func(*inference) error
}

// detectors maps each cause id of the rules to the code that looks for it.
func detectors() map[string]detector {
	return map[string]detector{
		"too_much_weight": {[]string{"appears_from", "rises_with_load", "slower_when_heavy"}, []string{"slower_pct"}, (*inference).tooMuchWeight},
		"fatigue":         {[]string{"trend", "trend_toes", "late_onset", "velocity_loss", "knees_close_in"}, []string{"kasr_drop", "toes_min_change"}, (*inference).fatigue},
		"lack_of_control": {[]string{"light_load", "from_first_rep", "inconsistent", "fast_descent"},
			[]string{"inconsistent_sd_deg", "inconsistent_sd_shank", "fast_descent_ratio", "fast_descent_max_s"}, (*inference).lackOfControl},
		"weak_hips": {[]string{"out_of_hole", "pelvis_drop", "hip_shift", "single_leg"},
			[]string{"out_of_hole_fraction", "pelvis_drop_deg", "hip_shift_hip_widths", "single_leg_fraction"}, (*inference).weakHips},
		"foot_ankle": {[]string{"early_onset", "shank_tilt"}, []string{"early_onset_depth", "early_reps_fraction", "shank_tilt"}, (*inference).footAnkle},
		"stance":     {[]string{"wide", "wide_hips", "toes_out", "both_knees", "inside_toes"}, []string{"wide_hip_ratio"}, (*inference).stance},
		"one_sided":  {[]string{"one_knee", "more_on_one_side", "shift_off", "single_leg_sides"}, []string{"hip_shift_hip_widths"}, (*inference).oneSided},
		"tight_hips": {[]string{"shallow", "early_collapse"}, []string{"shallow_depth_leg"}, (*inference).tightHips},
	}
}

// tooMuchWeight: with loads, the first reps cave only from some load up.
func (in *inference) tooMuchWeight() error {
	minFrom := math.Inf(1)
	for s := 0; s < 2; s++ {
		lt := in.ss.Load[s]
		if lt.Status != valgus.LoadAppearsFrom {
			continue
		}
		var points []string
		clean := math.NaN()
		for _, p := range lt.Points {
			pt := fmt.Sprintf("%s %s", words.KG(p.LoadKG), p.Severity)
			if d := in.freshDetail(p.Set, s); d != "" && p.Severity.Rank() >= 1 {
				pt += " (" + d + ")"
			}
			points = append(points, pt)
			if p.LoadKG < lt.AppearsFromKG && (math.IsNaN(clean) || p.LoadKG > clean) {
				clean = p.LoadKG
			}
		}
		plan := vars{}
		if !math.IsNaN(clean) {
			plan["clean_load"] = words.KG(clean)
		}
		in.add(nil, "appears_from", vars{"side": sideName(s), "points": strings.Join(points, ", "), "cave_load": words.KG(lt.AppearsFromKG)}, plan)
		minFrom = math.Min(minFrom, lt.AppearsFromKG)
		if t, res := in.freshPerLoad(lt, s); t.N >= 3 && t.CILow > 0 {
			in.add(nil, "rises_with_load", vars{"side": sideName(s), "measure": words.MeasureOf(res.Movement), "slope": signed(t.Slope), "lo": signed(t.CILow), "hi": signed(t.CIHigh)}, nil)
		}
	}
	if math.IsInf(minFrom, 1) {
		return nil
	}
	// Slow, grinding reps: ascent speed of the heavy sets against the light.
	var heavy, light []float64
	useMS := true
	for _, sf := range in.sets {
		for _, r := range sf.full {
			if math.IsNaN(r.AscentVelocityMS) {
				useMS = false
			}
		}
	}
	for _, sf := range in.sets {
		if !sf.res.HasLoad {
			continue
		}
		for _, r := range sf.full {
			v := r.Tempo.AscentVelocity
			if useMS {
				v = r.AscentVelocityMS
			}
			if math.IsNaN(v) {
				continue
			}
			if sf.res.LoadKG >= minFrom {
				heavy = append(heavy, v)
			} else {
				light = append(light, v)
			}
		}
	}
	vh, vl := stat.Mean(heavy, nil), stat.Mean(light, nil)
	if vl > 0 && 100*(vl-vh)/vl >= in.threshold("slower_pct") {
		unit := "leg lengths/s"
		if useMS {
			unit = "m/s"
		}
		in.add(nil, "slower_when_heavy", vars{"cave_load": words.KG(minFrom), "pct": pct(100 * (vl - vh) / vl),
			"v_heavy": fmt.Sprintf("%.2f", vh), "v_light": fmt.Sprintf("%.2f", vl), "unit": unit}, nil)
	}
	return nil
}

// freshDetail describes the first two full reps of session set k for leg
// s by the measure that graded them: the knee's cave angle (squats on both
// legs) or the valgus angle above standing (single-leg and split squats).
func (in *inference) freshDetail(k, s int) string {
	sf := in.set(k)
	if sf == nil {
		return ""
	}
	v, _ := freshValue(sf, s)
	if math.IsNaN(v) {
		return ""
	}
	if sf.res.Movement == body.MoveBilateralSquat {
		return "cave angle up to " + deg(v) + "°"
	}
	return "valgus angle up to " + deg(v) + "° above standing"
}

// set returns the analysed set with session index k, or nil.
func (in *inference) set(k int) *setFacts {
	for i := range in.sets {
		if in.sets[i].k == k {
			return &in.sets[i]
		}
	}
	return nil
}

// freshValue is the largest and the mean graded value of leg s over the
// set's first two full graded reps (NaN without any).
func freshValue(sf *setFacts, s int) (peak, mean float64) {
	fresh := sf.fullGraded[s][:min(2, len(sf.fullGraded[s]))]
	peak, mean = math.NaN(), math.NaN()
	var v []float64
	for _, r := range fresh {
		if x := r.Side[s].GradedDeg; !math.IsNaN(x) {
			v = append(v, x)
			peak = math.Max(nanTo(peak, math.Inf(-1)), x)
		}
	}
	if len(v) > 0 {
		mean = stat.Mean(v, nil)
	}
	return peak, mean
}

// freshPerLoad fits the mean graded value of leg s in the first two full
// reps of each loaded set against the load (per 10 kg), and returns the
// last such set's analysis (for naming the measure).
func (in *inference) freshPerLoad(lt valgus.LoadTrend, s int) (valgus.Trend, *valgus.SetResult) {
	var x, y []float64
	var res *valgus.SetResult
	for _, p := range lt.Points {
		sf := in.set(p.Set)
		if sf == nil {
			continue
		}
		if _, m := freshValue(sf, s); !math.IsNaN(m) {
			x = append(x, p.LoadKG/10)
			y = append(y, m)
			res = sf.res
		}
	}
	return valgus.FitTrend(x, y), res
}

func nanTo(v, alt float64) float64 {
	if math.IsNaN(v) {
		return alt
	}
	return v
}

// fatigue: the cave grows over the set, by the analysis's own trend (the
// one the findings report: "the cave grows over the set"). Only in such a
// set are the supporting signals looked for (slowing ascents, knees closing
// in, a late start, knee-vs-toes growing), so that no line of this cause
// sits next to a finding of "no clear change over the set".
func (in *inference) fatigue() error {
	planned := false
	for _, sf := range in.sets {
		grows := [2]bool{}
		for s := 0; s < 2; s++ {
			list := sf.fullGraded[s]
			cav := caving(list, s)
			if len(list) < 3 || len(cav) == 0 || sf.res.Summary.Fatigue[s].Verdict != valgus.TrendWorsening {
				continue
			}
			f, x, y := gradedTrend(sf.res, list, s, in.th)
			if f.Verdict != valgus.TrendWorsening {
				continue
			}
			grows[s] = true
			n := len(x) - 1
			in.add(&sf, "trend", vars{"where": sf.where, "side": sideName(s), "measure": words.MeasureOf(sf.res.Movement), "slope": signed(f.Slope), "lo": signed(f.CILow), "hi": signed(f.CIHigh),
				"first": deg(y[0]), "n1": fmt.Sprint(int(x[0])), "last": deg(y[n]), "n": fmt.Sprint(int(x[n]))}, nil)
			if x, y := toesSeries(list, s); len(x) >= 3 {
				f := valgus.FitTrend(x, y)
				if f.CILow > 0 && f.Slope*(x[len(x)-1]-x[0]) >= in.threshold("toes_min_change") {
					in.add(&sf, "trend_toes", vars{"where": sf.where, "side": sideName(s), "slope": signed(100 * f.Slope), "lo": signed(100 * f.CILow), "hi": signed(100 * f.CIHigh),
						"first": pct(100 * y[0]), "n1": fmt.Sprint(int(x[0])), "last": pct(100 * y[len(y)-1]), "n": fmt.Sprint(int(x[len(x)-1]))}, nil)
				}
			}
			if lateOnset(list, s) {
				clean := cav[0].Index - list[0].Index
				in.add(&sf, "late_onset", vars{"where": sf.where, "side": sideName(s), "clean": fmt.Sprint(clean), "clean_s": words.Plural(clean),
					"s": words.Plural(len(cav)), "reps": words.RepList(indices(cav)), "phase": words.Phase(repPhase(sf.res, cav[len(cav)-1], s)).When}, nil)
			}
		}
		if !grows[0] && !grows[1] {
			continue
		}
		// Where to stop: the rep before the first caving rep of a knee
		// whose cave grows, in the first set where it grows.
		if !planned {
			capRep, knees := math.MaxInt, ""
			for s := 0; s < 2; s++ {
				if !grows[s] {
					continue
				}
				c := caving(sf.fullGraded[s], s)[0].Index - 1
				switch {
				case c < capRep:
					capRep, knees = c, sideName(s)+" knee"
				case c == capRep:
					knees = "knees"
				}
			}
			if capRep >= 1 {
				in.planVars["cap"] = fmt.Sprint(capRep)
				in.planVars["cap_knees"] = knees
				in.planVars["cap_where"] = sf.where
			}
			planned = true
		}
		sm := sf.res.Summary
		if sm.VelocityFlag {
			in.add(&sf, "velocity_loss", vars{"where": sf.where, "pct": pct(sm.VelocityLossPct), "thr": pct(in.th.VelocityLossPct)},
				vars{"vl": pct(sm.VelocityLossPct), "vl_thr": pct(in.th.VelocityLossPct)})
		}
		if k := sm.KASRTrend; sf.res.Movement == body.MoveBilateralSquat && k.N >= 3 && k.CIHigh < 0 && k.LastMean-k.FirstMean <= -in.threshold("kasr_drop") {
			in.add(&sf, "knees_close_in", vars{"where": sf.where, "first": fmt.Sprintf("%.2f", k.FirstMean), "last": fmt.Sprintf("%.2f", k.LastMean)}, nil)
		}
	}
	return nil
}

// toesSeries returns rep numbers and knee-vs-toes changes from standing
// of the reps that have one.
func toesSeries(list []valgus.RepResult, s int) (x, y []float64) {
	for _, r := range list {
		if v := r.Side[s].KneeVsToeChange; !math.IsNaN(v) {
			x = append(x, float64(r.Index))
			y = append(y, v)
		}
	}
	return x, y
}

// lateOnset: none of the first third of the reps caves, the last one does.
func lateOnset(list []valgus.RepResult, s int) bool {
	n := len(list)
	if n < 3 || !caves(list[n-1].Side[s]) {
		return false
	}
	head := max(1, n/3)
	for _, r := range list[:head] {
		if caves(r.Side[s]) {
			return false
		}
	}
	return true
}

// lackOfControl: the cave shows when the work is easy (lightest load, first
// reps) or changes from rep to rep; quick descents add to it.
func (in *inference) lackOfControl() error {
	for s := 0; s < 2; s++ {
		lt := in.ss.Load[s]
		if lt.Status == valgus.LoadAllLoads && len(lt.Points) > 0 {
			p := lt.Points[0]
			in.add(nil, "light_load", vars{"side": sideName(s), "load": words.KG(p.LoadKG), "sev": string(p.Severity)}, nil)
		}
	}
	for _, sf := range in.sets {
		anyCave := false
		for s := 0; s < 2; s++ {
			list := sf.fullGraded[s]
			cav := caving(list, s)
			if len(cav) == 0 {
				continue
			}
			anyCave = true
			explained := !math.IsNaN(in.loadExplains[s]) && sf.res.HasLoad && sf.res.LoadKG >= in.loadExplains[s]
			if !explained && len(list) > 0 && (caves(list[0].Side[s]) || len(list) > 1 && caves(list[1].Side[s])) {
				in.add(&sf, "from_first_rep", vars{"where": sf.where, "side": sideName(s), "s": words.Plural(len(cav)), "reps": words.RepList(indices(cav))}, nil)
			}
			if len(list) >= 4 && len(cav) < len(list) && !lateOnset(list, s) {
				var angles, toes []float64
				var others []int
				for _, r := range list {
					if v := r.Side[s].GradedDeg; !math.IsNaN(v) {
						angles = append(angles, v)
					}
					if v := r.Side[s].KneeVsToeChange; !math.IsNaN(v) {
						toes = append(toes, v)
					}
					if !caves(r.Side[s]) {
						others = append(others, r.Index)
					}
				}
				spread := ""
				if sd := stat.StdDev(angles, nil); sd >= in.threshold("inconsistent_sd_deg") {
					spread = fmt.Sprintf("%s° (SD) in the %s", deg(sd), words.MeasureOf(sf.res.Movement))
				} else if sd := stat.StdDev(toes, nil); sd >= in.threshold("inconsistent_sd_shank") {
					spread = fmt.Sprintf("%s%% of the shin (SD) in how far the knee sits inside the toes", pct(100*sd))
				}
				if spread != "" {
					in.add(&sf, "inconsistent", vars{"where": sf.where, "side": sideName(s), "s": words.Plural(len(cav)), "reps": words.RepList(indices(cav)),
						"others": words.RepList(others), "spread": spread}, nil)
				}
			}
		}
		if !anyCave {
			continue
		}
		var down, up []float64
		for _, r := range sf.full {
			down = append(down, r.Tempo.DescentS)
			up = append(up, r.Tempo.AscentS)
		}
		if md, mu := stat.Mean(down, nil), stat.Mean(up, nil); md < in.threshold("fast_descent_ratio")*mu && md < in.threshold("fast_descent_max_s") {
			in.add(&sf, "fast_descent", vars{"where": sf.where, "down": fmt.Sprintf("%.1f", md), "up": fmt.Sprintf("%.1f", mu)}, nil)
		}
	}
	return nil
}

// weakHips: the cave peaks out of the hole, the pelvis drops or slides, or
// the knee caves on one leg.
func (in *inference) weakHips() error {
	for _, sf := range in.sets {
		anyCave := false
		for s := 0; s < 2; s++ {
			cav := caving(sf.graded[s], s)
			if len(cav) == 0 {
				continue
			}
			anyCave = true
			k := 0
			for _, r := range cav {
				if repPhase(sf.res, r, s) == body.PhaseOutOfTheHole {
					k++
				}
			}
			if mostOf(k, len(cav), in.threshold("out_of_hole_fraction")) {
				in.add(&sf, "out_of_hole", vars{"where": sf.where, "side": sideName(s), "k": fmt.Sprint(k), "n": fmt.Sprint(len(cav)), "n_s": words.Plural(len(cav))}, nil)
			}
		}
		if !anyCave {
			continue
		}
		var dropped []int
		worstDrop := 0.0
		for _, r := range sf.full {
			if math.Abs(r.PelvisDropDeg) >= in.threshold("pelvis_drop_deg") {
				dropped = append(dropped, r.Index)
				if math.Abs(r.PelvisDropDeg) > math.Abs(worstDrop) {
					worstDrop = r.PelvisDropDeg
				}
			}
		}
		if mostOf(len(dropped), len(sf.full), 0.5) {
			lower := "right"
			if worstDrop < 0 {
				lower = "left"
			}
			in.add(&sf, "pelvis_drop", vars{"where": sf.where, "deg": deg(math.Abs(worstDrop)), "lower": lower, "s": words.Plural(len(dropped)), "reps": words.RepList(dropped)}, nil)
		}
		switch sf.res.Movement {
		case body.MoveBilateralSquat:
			if m := meanShift(sf.full); math.Abs(m) >= in.threshold("hip_shift_hip_widths") {
				in.add(&sf, "hip_shift", vars{"where": sf.where, "hw": fmt.Sprintf("%.1f", math.Abs(m)), "dir": shiftDir(m)}, nil)
			}
		case body.MoveSingleLegSquat, body.MoveSplitSquat:
			for s := 0; s < 2; s++ {
				list := sf.graded[s]
				cav := caving(list, s)
				if mostOf(len(cav), len(list), in.threshold("single_leg_fraction")) {
					in.add(&sf, "single_leg", vars{"where": sf.where, "leg": sideName(s), "s": words.Plural(len(cav)), "reps": words.RepList(indices(cav)),
						"peak": deg(maxPeak(sf.res, cav, s)), "sev": string(worst(cav, s))}, nil)
				}
			}
		}
	}
	return nil
}

// footAnkle: the knee starts drifting in early in the descent, the shin
// tilting inwards.
func (in *inference) footAnkle() error {
	for _, sf := range in.sets {
		for s := 0; s < 2; s++ {
			cav := caving(sf.graded[s], s)
			var early []valgus.RepResult
			var fracs []float64
			withOnset := 0
			for _, r := range cav {
				rs := r.Side[s]
				if !rs.HasOnset || !(r.DepthLeg > 0) {
					continue
				}
				withOnset++
				if rs.OnsetS < r.BottomS && rs.OnsetDepth <= in.threshold("early_onset_depth")*r.DepthLeg {
					early = append(early, r)
					fracs = append(fracs, rs.OnsetDepth/r.DepthLeg)
				}
			}
			if !mostOf(len(early), withOnset, in.threshold("early_reps_fraction")) {
				continue
			}
			in.add(&sf, "early_onset", vars{"where": sf.where, "side": sideName(s), "pct": pct(100 * stat.Mean(fracs, nil)),
				"k": fmt.Sprint(len(early)), "n": fmt.Sprint(len(cav)), "n_s": words.Plural(len(cav))}, nil)
			tilt := math.NaN()
			for _, r := range early {
				if v := r.Side[s].KneeMedial; !math.IsNaN(v) && (math.IsNaN(tilt) || v > tilt) {
					tilt = v
				}
			}
			if tilt >= in.threshold("shank_tilt") {
				in.add(&sf, "shank_tilt", vars{"where": sf.where, "side": sideName(s), "x": pct(100 * tilt)}, nil)
			}
		}
	}
	return nil
}

// stance: the feet are set too wide or turned out too far in a set that
// caves.
func (in *inference) stance() error {
	for _, sf := range in.sets {
		cav := [2][]valgus.RepResult{caving(sf.graded[0], 0), caving(sf.graded[1], 1)}
		if len(cav[0])+len(cav[1]) == 0 {
			continue
		}
		st := sf.res.Summary.Stance
		plan := vars{}
		found, toes := false, false
		switch {
		case st.Wide:
			in.add(&sf, "wide", vars{"where": sf.where, "ratio": fmt.Sprintf("%.2f", st.AnkleShoulderRatio), "thr": fmt.Sprintf("%.2f", in.th.StanceShoulderRatio)}, plan)
			plan["stance"] = fmt.Sprintf("%.1f", st.AnkleShoulderRatio)
			found = true
		case math.IsNaN(st.AnkleShoulderRatio) && st.AnkleHipRatio >= in.threshold("wide_hip_ratio"):
			in.add(&sf, "wide_hips", vars{"where": sf.where, "ratio": fmt.Sprintf("%.1f", st.AnkleHipRatio), "thr": fmt.Sprintf("%.1f", in.threshold("wide_hip_ratio"))}, plan)
			found = true
		}
		if sf.res.HasFeet && st.ToesOut {
			in.add(&sf, "toes_out", vars{"where": sf.where, "l": deg(st.ToeOutDeg[0]), "r": deg(st.ToeOutDeg[1]), "thr": deg(in.th.ToeOutDeg)}, plan)
			plan["toe_out"] = deg(math.Max(st.ToeOutDeg[0], st.ToeOutDeg[1]))
			found, toes = true, true
		}
		if !found {
			continue
		}
		if len(cav[0]) > 0 && len(cav[1]) > 0 {
			in.add(&sf, "both_knees", vars{"where": sf.where, "ls": words.Plural(len(cav[0])), "lreps": words.RepList(indices(cav[0])),
				"rs": words.Plural(len(cav[1])), "rreps": words.RepList(indices(cav[1]))}, nil)
		}
		if toes {
			m := math.Max(nanTo(maxToesChange(cav[0], 0), math.Inf(-1)), nanTo(maxToesChange(cav[1], 1), math.Inf(-1)))
			if m >= in.th.KneeVsToe.Mild {
				in.add(&sf, "inside_toes", vars{"where": sf.where, "x": pct(100 * m)}, nil)
			}
		}
	}
	return nil
}

// oneSided: one knee caves and the other holds, in a set on both legs or
// between single-leg sets of each leg.
func (in *inference) oneSided() error {
	for _, sf := range in.sets {
		// From an angle the two legs are seen differently: a left-right
		// difference may come from the camera, so it is not used.
		if sf.res.Movement != body.MoveBilateralSquat || sf.oblique() {
			continue
		}
		weak := -1
		for s := 0; s < 2; s++ {
			o := 1 - s
			list := sf.graded[s]
			cav := caving(list, s)
			if mostOf(len(cav), len(list), 0.5) && len(sf.graded[o]) > 0 && len(caving(sf.graded[o], o)) == 0 {
				in.add(&sf, "one_knee", vars{"where": sf.where, "side": sideName(s), "other": sideName(o), "k": fmt.Sprint(len(cav)), "n": fmt.Sprint(len(list))},
					vars{"weak": sideName(s)})
				weak = s
			}
		}
		if s, diff, consistent := asymmetry(&sf, in.th); s >= 0 {
			if len(caving(sf.graded[s], s)) > 0 {
				in.add(&sf, "more_on_one_side", vars{"where": sf.where, "side": sideName(s), "other": sideName(1 - s), "diff": deg(math.Abs(diff)),
					"measure": words.MeasureOf(sf.res.Movement), "pct": pct(100 * consistent)}, vars{"weak": sideName(s)})
				if weak < 0 {
					weak = s
				}
			}
		}
		if weak < 0 {
			continue
		}
		if m := meanShift(sf.full); math.Abs(m) >= in.threshold("hip_shift_hip_widths") && shiftDir(m) != sideName(weak) {
			in.add(&sf, "shift_off", vars{"where": sf.where, "hw": fmt.Sprintf("%.1f", math.Abs(m)), "dir": shiftDir(m), "side": sideName(weak)},
				vars{"dir": shiftDir(m)})
		}
	}
	// Single-leg and split-squat sets: compare the working legs.
	var list [2][]valgus.RepResult
	for _, sf := range in.sets {
		if sf.res.Movement == body.MoveSingleLegSquat || sf.res.Movement == body.MoveSplitSquat {
			for s := 0; s < 2; s++ {
				list[s] = append(list[s], sf.graded[s]...)
			}
		}
	}
	if len(list[0]) == 0 || len(list[1]) == 0 {
		return nil
	}
	for s := 0; s < 2; s++ {
		o := 1 - s
		cav := caving(list[s], s)
		if mostOf(len(cav), len(list[s]), 0.5) && len(caving(list[o], o)) == 0 {
			in.add(nil, "single_leg_sides", vars{"side": sideName(s), "other": sideName(o), "k": fmt.Sprint(len(cav)), "n": fmt.Sprint(len(list[s])),
				"peak": deg(maxValgus(cav, s)), "m": fmt.Sprint(len(list[o]))}, vars{"weak": sideName(s)})
		}
	}
	return nil
}

// tightHips: squats that stay shallow and cave on the way down.
func (in *inference) tightHips() error {
	for _, sf := range in.sets {
		if sf.res.Movement != body.MoveBilateralSquat || len(sf.full) == 0 {
			continue
		}
		// Reps in which a knee caves, and those in which a caving knee
		// started to cave before the bottom.
		var cav, early []int
		for _, r := range sf.res.Reps {
			cavesHere, earlyHere := false, false
			for s := 0; s < 2; s++ {
				if rs := r.Side[s]; graded(rs) && caves(rs) {
					cavesHere = true
					earlyHere = earlyHere || rs.HasOnset && rs.OnsetS < r.BottomS
				}
			}
			if cavesHere {
				cav = append(cav, r.Index)
			}
			if earlyHere {
				early = append(early, r.Index)
			}
		}
		if len(cav) == 0 {
			continue
		}
		var depths []float64
		deepest := 0.0
		for _, r := range sf.full {
			depths = append(depths, r.DepthLeg)
			deepest = math.Max(deepest, r.DepthLeg)
		}
		if m := stat.Mean(depths, nil); !(m < in.threshold("shallow_depth_leg")) {
			continue
		}
		in.add(&sf, "shallow", vars{"where": sf.where, "depth": pct(100 * stat.Mean(depths, nil)), "max_depth": pct(100 * deepest)}, nil)
		if mostOf(len(early), len(cav), 0.5) {
			in.add(&sf, "early_collapse", vars{"where": sf.where, "k": fmt.Sprint(len(early)), "n": fmt.Sprint(len(cav)), "n_s": words.Plural(len(cav))}, nil)
		}
	}
	return nil
}

// maxValgus is the largest valgus angle above standing (the graded measure
// of single-leg and split squats) of leg s over the reps.
func maxValgus(list []valgus.RepResult, s int) float64 {
	m := math.NaN()
	for _, r := range list {
		if v := r.Side[s].PeakValgusDeg; !math.IsNaN(v) && (math.IsNaN(m) || v > m) {
			m = v
		}
	}
	return m
}
