package coach

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// inference holds what the detectors share: the session, its thresholds and
// the rules, plus the hits of the cause being examined.
type inference struct {
	rules *Rules
	ss    *valgus.SessionResult
	th    valgus.Thresholds
	sets  []setFacts // analysed sets only
	cause *CauseRule
	hits  []hit
	// planVars collects values for the plan's templates.
	planVars vars
	// loadExplains[side] is the load from which the knee caves in the
	// first reps of every set (valgus load status appears_from), so that
	// the load explains the cave there; NaN otherwise.
	loadExplains [2]float64
}

// setFacts is an analysed set seen from the coach's side.
type setFacts struct {
	k     int // index in the session (0-based)
	res   *valgus.SetResult
	where string // "set 2: " with several sets, "" with one
	full  []valgus.RepResult
	// graded[s] are the full and partial reps in which leg s was assessed
	// and could be graded; fullGraded[s] the full ones among them.
	graded, fullGraded [2][]valgus.RepResult
}

func newInference(rs *Rules, ss *valgus.SessionResult) *inference {
	in := &inference{rules: rs, ss: ss, th: ss.Thresholds, planVars: vars{}, loadExplains: [2]float64{math.NaN(), math.NaN()}}
	for s := 0; s < 2; s++ {
		if lt := ss.Load[s]; lt.Status == valgus.LoadAppearsFrom {
			in.loadExplains[s] = lt.AppearsFromKG
		}
	}
	for k, res := range ss.Sets {
		if res == nil || !res.Analysed {
			continue
		}
		sf := setFacts{k: k, res: res}
		if len(ss.Sets) > 1 {
			sf.where = fmt.Sprintf("set %d: ", k+1)
		}
		for _, r := range res.Reps {
			if !r.Partial {
				sf.full = append(sf.full, r)
			}
			for s := 0; s < 2; s++ {
				if graded(r.Side[s]) {
					sf.graded[s] = append(sf.graded[s], r)
					if !r.Partial {
						sf.fullGraded[s] = append(sf.fullGraded[s], r)
					}
				}
			}
		}
		in.sets = append(in.sets, sf)
	}
	return in
}

// graded: the leg was assessed and its keypoints were good enough to grade.
func graded(rs valgus.RepSide) bool {
	return rs.Assessed && rs.Quality != valgus.QualityPoor && rs.Severity.Rank() >= 0
}

// caves: the leg caves beyond the mild threshold in this rep.
func caves(rs valgus.RepSide) bool { return rs.Severity.Rank() >= 1 }

// repPhase is the phase of rep r in which leg s's graded measure peaked:
// the analysis's PeakPhase, or, when the peak stayed below the onset level
// (a mild cave can), the phase at the peak's time PeakS, by the same rule
// (descent before the bottom, the bottom, out of the hole in the first
// third of the ascent, then the ascent).
func repPhase(res *valgus.SetResult, r valgus.RepResult, s int) body.Phase {
	rs := r.Side[s]
	if rs.PeakPhase != body.PhaseNone && rs.PeakPhase != "" {
		return rs.PeakPhase
	}
	rp := r.Rep
	if math.IsNaN(rs.PeakS) || rp.End >= len(res.Frames) || rp.Start < 0 {
		return body.PhaseNone
	}
	at := rp.Start
	for i := rp.Start; i <= rp.End; i++ {
		if math.Abs(res.Frames[i].Time-rs.PeakS) < math.Abs(res.Frames[at].Time-rs.PeakS) {
			at = i
		}
	}
	return res.PhaseAt(at, rp)
}

func (in *inference) verdict() string {
	gradedReps, caving := 0, 0
	for _, sf := range in.sets {
		for s := 0; s < 2; s++ {
			gradedReps += len(sf.graded[s])
			for _, r := range sf.graded[s] {
				if caves(r.Side[s]) {
					caving++
				}
			}
		}
	}
	switch {
	case gradedReps == 0:
		return VerdictNotAnalysed
	case caving > 0:
		return VerdictKneeCave
	}
	return VerdictClean
}

// caving returns the reps of list in which leg s caves.
func caving(list []valgus.RepResult, s int) []valgus.RepResult {
	var out []valgus.RepResult
	for _, r := range list {
		if caves(r.Side[s]) {
			out = append(out, r)
		}
	}
	return out
}

func indices(list []valgus.RepResult) []int {
	out := make([]int, len(list))
	for i, r := range list {
		out[i] = r.Index
	}
	return out
}

func sideName(s int) string { return body.Side(s).String() }

// deg formats an angle rounded to a whole degree (never "-0").
func deg(v float64) string {
	r := math.Round(v)
	if r == 0 {
		r = 0
	}
	return fmt.Sprintf("%.0f", r)
}

// signed formats a slope with its sign and one decimal.
func signed(v float64) string { return words.PlusZero(fmt.Sprintf("%+.1f", v)) }

func pct(v float64) string { return fmt.Sprintf("%.0f", v) }

// mostOf reports whether k of n reaches the fraction f (and k >= 1).
func mostOf(k, n int, f float64) bool {
	return k >= 1 && n > 0 && float64(k) >= f*float64(n)-1e-9
}

// threshold returns a threshold of the current cause (validated to exist).
func (in *inference) threshold(name string) float64 {
	return in.cause.Thresholds[name].Value
}

// add records a signal found in set sf (nil for a signal of the whole
// session).
func (in *inference) add(sf *setFacts, signal string, v vars, plan vars) {
	oblique := in.allOblique()
	if sf != nil {
		oblique = sf.oblique()
	}
	in.hits = append(in.hits, hit{signal: signal, v: v, plan: plan, oblique: oblique})
}

// oblique: the set was filmed from an angle (20-55° off the front), which
// distorts the angles.
func (sf *setFacts) oblique() bool { return sf.res.View.View == valgus.ViewOblique }

// allOblique: every analysed set was filmed from an angle.
func (in *inference) allOblique() bool {
	for i := range in.sets {
		if !in.sets[i].oblique() {
			return false
		}
	}
	return len(in.sets) > 0
}

// meanShift is the set's mean sideways pelvis shift (hip widths, + right).
func meanShift(full []valgus.RepResult) float64 {
	var v []float64
	for _, r := range full {
		if !math.IsNaN(r.LateralShift) {
			v = append(v, r.LateralShift)
		}
	}
	return stat.Mean(v, nil)
}

func shiftDir(m float64) string {
	if m < 0 {
		return "left"
	}
	return "right"
}

// maxToesChange is the largest knee-vs-toes change from standing (shank
// lengths) of leg s over the reps, NaN when none was measured.
func maxToesChange(list []valgus.RepResult, s int) float64 {
	m := math.NaN()
	for _, r := range list {
		if v := r.Side[s].KneeVsToeChange; !math.IsNaN(v) && (math.IsNaN(m) || v > m) {
			m = v
		}
	}
	return m
}

// maxPeak is the largest graded value of leg s over the reps.
func maxPeak(res *valgus.SetResult, list []valgus.RepResult, s int) float64 {
	m := math.NaN()
	for _, r := range list {
		if v := r.Side[s].GradedDeg; !math.IsNaN(v) && (math.IsNaN(m) || v > m) {
			m = v
		}
	}
	return m
}

// gradedTrend fits leg s's graded value against rep number over the reps
// of list that have one. Worsening needs the 95% interval above zero and a
// fitted change over the set of at least Thresholds.FatigueMinChangeDeg
// (the analysis's rule for its own trends).
func gradedTrend(res *valgus.SetResult, list []valgus.RepResult, s int, th valgus.Thresholds) (valgus.Trend, []float64, []float64) {
	var x, y []float64
	for _, r := range list {
		if v := r.Side[s].GradedDeg; !math.IsNaN(v) {
			x = append(x, float64(r.Index))
			y = append(y, v)
		}
	}
	t := valgus.FitTrend(x, y)
	if t.N >= 3 && t.Verdict == valgus.TrendWorsening && t.Slope*(x[len(x)-1]-x[0]) < th.FatigueMinChangeDeg {
		t.Verdict = valgus.TrendUnclear
	}
	return t, x, y
}

// asymmetry compares the legs' graded values over the set's full reps in
// which both legs were graded: the mean of right minus left, the fraction
// of reps in which the difference points the same way, and the side that
// caves more when the mean exceeds Thresholds.AsymmetryDeg and points the
// same way in at least three quarters of the reps (-1 otherwise).
func asymmetry(sf *setFacts, th valgus.Thresholds) (side int, meanDiff, consistent float64) {
	var d []float64
	for _, r := range sf.full {
		l, rr := r.Side[0], r.Side[1]
		if !graded(l) || !graded(rr) {
			continue
		}
		lv, rv := l.GradedDeg, rr.GradedDeg
		if !math.IsNaN(lv) && !math.IsNaN(rv) {
			d = append(d, rv-lv)
		}
	}
	if len(d) == 0 {
		return -1, math.NaN(), math.NaN()
	}
	meanDiff = stat.Mean(d, nil)
	same := 0
	for _, x := range d {
		if (x > 0) == (meanDiff > 0) {
			same++
		}
	}
	consistent = float64(same) / float64(len(d))
	side = -1
	if math.Abs(meanDiff) > th.AsymmetryDeg && consistent >= 0.75 {
		side = int(body.Left)
		if meanDiff > 0 {
			side = int(body.Right)
		}
	}
	return side, meanDiff, consistent
}

func worst(list []valgus.RepResult, s int) valgus.Severity {
	w := valgus.SevNone
	for _, r := range list {
		if r.Side[s].Severity.Rank() > w.Rank() {
			w = r.Side[s].Severity
		}
	}
	return w
}
