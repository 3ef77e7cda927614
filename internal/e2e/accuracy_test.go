package e2e

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Tolerances of the end-to-end tests.
const (
	// peakTolDeg bounds, per rep and leg, the difference between the
	// measured and the simulated peak FPPA rise above standing (camera in
	// front). It is 2D FPPA's smallest detectable difference between
	// sessions (7.5-8.9°, Munro, Herrington & Carolan 2012), the same bar
	// kneetrack sets for its mild class: an error below it cannot turn a
	// clean rep into a caving one or hide a cave of moderate size.
	peakTolDeg = 8.0
	// biasTolDeg bounds the mean signed error over a set's caving reps.
	biasTolDeg = 5.0
	// caveDeg is the simulated FPPA rise from which a rep counts as caving
	// for the side, phase and timing checks. The phase and time are those
	// of the graded cave angle, which must have an event: with the knee
	// turned in past straight ahead to give a 15° FPPA rise out of the hole
	// it reads about 5°, clear of its 3° onset.
	caveDeg = 15.0
	// peakTimeTolS bounds the measured peak's time against the simulated
	// one (under five frames at the test's 15 fps). The graded cave angle
	// of a knee caving out of the hole peaks up to 0.27 s after the
	// simulated turn (measured, TestRampFront): the angle is the knee's
	// displacement over its bend, estimated from the picture, and that
	// estimate shrinks a little faster than the true bend as the leg
	// straightens.
	peakTimeTolS = 0.3
	// boundsTolS bounds the measured rep start and end against the
	// simulated ones, found by the analysis's own rules.
	boundsTolS = 0.15
)

// kneesOutDeg: the simulated lifters of these tests track their knees
// nearly straight ahead (2° out) when they do not cave, so that a simulated
// FPPA rise is a knee turning inward past straight ahead, which is what
// kneetrack grades as a cave in squats on both legs (docs/method.md).
const kneesOutDeg = 2

// rampSet grows the right knee's cave over five reps, 0° to 40° of peak
// FPPA rise, peaking just out of the hole (22% into an ascent of 1.5 s,
// mid-way through that phase); the left knee tracks straight.
func rampSet() sim.Set {
	return sim.Set{Reps: 5, FPS: videoFPS, RightValgusDeg: []float64{0, 10, 20, 30, 40}, Peak: 2.22, AscentS: []float64{1.5}, KneesOutDeg: kneesOutDeg}
}

// rampAt films rampSet from yaw degrees around the lifter (0 in front,
// positive towards the lifter's right, the caving side).
func rampAt(yaw float64) scenario {
	return scenario{name: fmt.Sprintf("ramp-yaw%02.0f", yaw), set: rampSet(), yawDeg: yaw}
}

// steady caves the right knee by 16° in every one of four reps, peaking in
// the descent (65% of the way down): a constant cave, so no fatigue trend.
func steady() scenario {
	return scenario{name: "steady", set: sim.Set{Reps: 4, FPS: videoFPS, RightValgusDeg: []float64{16}, Peak: 0.65, KneesOutDeg: kneesOutDeg}}
}

// deepBottom caves the right knee 0°, 10° and 20° at the bottom of a deep
// squat (sim's default peak), where the thigh points at the camera: the
// known limit of 2D FPPA, measured for the table, not held to tolerance.
func deepBottom() scenario {
	return scenario{name: "deep-bottom", set: sim.Set{Reps: 3, FPS: videoFPS, RightValgusDeg: []float64{0, 10, 20}, KneesOutDeg: kneesOutDeg}}
}

// legError is one leg in one rep: simulated and measured peak FPPA rise.
type legError struct {
	truth, measured float64
	truthPhase      body.Phase
	measuredPhase   body.Phase
	truthT, measT   float64
}

func (e legError) err() float64 { return e.measured - e.truth }

// pairs lines up the analysis's reps with the simulated ones (same count
// checked by the caller) and returns each leg's numbers per rep.
func pairs(o *outcome) [][2]legError {
	var out [][2]legError
	for i, r := range o.set.Reps {
		if i >= len(o.sim.Truth.Reps) {
			break
		}
		tr := o.sim.Truth.Reps[i]
		var p [2]legError
		for sd := range 2 {
			lt := tr.Leg(body.Side(sd))
			m := r.Side[sd]
			p[sd] = legError{truth: lt.PeakChange, measured: m.PeakFPPAChange, truthPhase: lt.PeakPhase,
				measuredPhase: m.PeakPhase, truthT: lt.PeakTime, measT: m.PeakS}
		}
		out = append(out, p)
	}
	return out
}

// checkReps asserts the rep count and each rep's bounds.
func checkReps(t *testing.T, o *outcome) bool {
	t.Helper()
	set, truth := o.set, o.sim.Truth
	if !set.Analysed {
		t.Errorf("%s: not analysed: %v", o.sc.name, set.Notes)
		return false
	}
	if len(set.Reps) != len(truth.Reps) || set.Summary.PartialReps != 0 {
		t.Errorf("%s: %d reps counted (%d partial), %d simulated", o.sc.name, len(set.Reps), set.Summary.PartialReps, len(truth.Reps))
		return false
	}
	for i, r := range set.Reps {
		b := truth.Reps[i].Analysed
		if math.Abs(r.StartS-b.Start) > boundsTolS || math.Abs(r.EndS-b.End) > boundsTolS {
			t.Errorf("%s rep %d: measured %.2f-%.2f s, simulated %.2f-%.2f s", o.sc.name, i+1, r.StartS, r.EndS, b.Start, b.End)
		}
	}
	return true
}

// checkFront asserts what a camera in front must get right: every leg's
// peak within peakTolDeg, little bias, and for every caving rep the side,
// the phase and the time of the peak.
func checkFront(t *testing.T, o *outcome) {
	t.Helper()
	var sum float64
	n := 0
	for i, p := range pairs(o) {
		for sd := range 2 {
			e := p[sd]
			side := body.Side(sd)
			// A knee that does not rise has no peak worth the name: its
			// largest reading, held for 0.1 s, is the rep's first moments.
			// It must only not read as rising.
			if e.truth >= 5 && math.Abs(e.err()) > peakTolDeg || e.truth < 5 && e.err() > peakTolDeg {
				t.Errorf("%s rep %d %s knee: measured peak rise %+.1f°, simulated %+.1f° (tolerance %g°)", o.sc.name, i+1, side, e.measured, e.truth, peakTolDeg)
			}
			if e.truth < caveDeg {
				continue
			}
			sum += e.err()
			n++
			// the phase, or the next one when the peak lies within the
			// time tolerance of the phase's end (out of the hole ends a
			// third into the ascent)
			if e.measuredPhase != e.truthPhase && !(math.Abs(e.measT-e.truthT) <= peakTimeTolS && adjacent(e.truthPhase, e.measuredPhase)) {
				t.Errorf("%s rep %d %s knee: peak measured in phase %s at %.2f s, simulated in %s at %.2f s", o.sc.name, i+1, side, e.measuredPhase, e.measT, e.truthPhase, e.truthT)
			}
			if math.Abs(e.measT-e.truthT) > peakTimeTolS {
				t.Errorf("%s rep %d %s knee: peak measured at %.2f s, simulated at %.2f s", o.sc.name, i+1, side, e.measT, e.truthT)
			}
			// The side: the caving knee is the one found caving, and the
			// other knee, which tracks out, is not.
			other := p[1-sd]
			if other.truth < 1 && other.measuredPhase != body.PhaseNone {
				t.Errorf("%s rep %d: %s knee (not caving) measured rising %+.1f°, peaking in phase %s", o.sc.name, i+1, body.Side(1-sd), other.measured, other.measuredPhase)
			}
			if !(e.measured > other.measured+caveDeg/2) {
				t.Errorf("%s rep %d: caving %s knee measured %+.1f°, the other %+.1f°", o.sc.name, i+1, side, e.measured, other.measured)
			}
		}
	}
	if n > 0 && math.Abs(sum/float64(n)) > biasTolDeg {
		t.Errorf("%s: mean error over the caving reps %+.1f° (tolerance %g°)", o.sc.name, sum/float64(n), biasTolDeg)
	}
}

// adjacent reports whether phase b follows phase a within a rep.
func adjacent(a, b body.Phase) bool {
	order := []body.Phase{body.PhaseDescent, body.PhaseBottom, body.PhaseOutOfTheHole, body.PhaseAscent}
	for i := 0; i+1 < len(order); i++ {
		if order[i] == a && order[i+1] == b || order[i] == b && order[i+1] == a {
			return true
		}
	}
	return false
}

// verdict returns a leg's fatigue verdict.
func verdict(o *outcome, s body.Side) valgus.Trend { return o.set.Summary.Fatigue[s] }

// TestRampFront: a cave growing by 10° of FPPA a rep on the right, filmed
// from the front, is measured rep by rep within tolerance, in the right
// phase, on the right side, and found growing (the trend is of the graded
// cave angle, so only its direction is compared with the simulated FPPA
// slope); the left knee shows no trend.
func TestRampFront(t *testing.T) {
	o := runs.get(t, rampAt(0))
	if !checkReps(t, o) {
		return
	}
	checkFront(t, o)
	if f := verdict(o, body.Right); f.Verdict != valgus.TrendWorsening || !(f.Slope > 0) {
		t.Errorf("right knee: %s at %+.2f°/rep; simulated %+.2f°/rep of FPPA, so worsening", f.Verdict, f.Slope, o.sim.Truth.FatigueSlope.Right)
	}
	if f := verdict(o, body.Left); f.Verdict != valgus.TrendUnclear {
		t.Errorf("left knee: %s at %+.2f°/rep; simulated no change", f.Verdict, f.Slope)
	}
	if o.set.View.View != valgus.ViewFront {
		t.Errorf("view %s, want front", o.set.View.View)
	}
}

// TestSteadyFront: the same cave in every rep, peaking in the descent, is
// measured within tolerance and in the right phase, and no fatigue trend
// is reported on either side.
func TestSteadyFront(t *testing.T) {
	o := runs.get(t, steady())
	if !checkReps(t, o) {
		return
	}
	checkFront(t, o)
	for _, s := range []body.Side{body.Left, body.Right} {
		if f := verdict(o, s); f.Verdict != valgus.TrendUnclear {
			t.Errorf("%s knee: %s at %+.2f°/rep; every rep was simulated alike", s, f.Verdict, f.Slope)
		}
	}
}

// TestRampOblique: filmed from 15° and 30° towards the caving side, where
// the camera sees the knee's forward travel as part of the angle (the
// simulated truth is what that camera sees), the reps are still counted
// exactly and the caving leg's FPPA is measured within obliqueTolDeg. From
// 15° (still a front view) the knee that tracks straight is never graded
// above the caving one, nor at all while the caving one is not. From 30°
// (an oblique view, flagged as such) part of a one-sided cave spills onto
// the other knee's reading; docs/method.md says so, and the test only logs
// it.
func TestRampOblique(t *testing.T) {
	// obliqueTolDeg: from 15-30° aside the pose model reads FPPA rises of
	// 40-90° up to 9.2° short (measured, `go test -run TestRampOblique -v
	// ./internal/e2e`): the angles there are large and the thigh partly
	// foreshortened.
	const obliqueTolDeg = 10.0
	for _, yaw := range []float64{15, 30} {
		o := runs.get(t, rampAt(yaw))
		t.Logf("yaw %g: feet read the camera %.1f° aside, the view check %.1f°", yaw, math.Asin(o.set.Baseline.FeetYawSin)*180/math.Pi, o.set.View.YawDeg)
		if !checkReps(t, o) {
			continue
		}
		for i, p := range pairs(o) {
			r := p[body.Right]
			if math.Abs(r.err()) > obliqueTolDeg {
				t.Errorf("yaw %g rep %d right knee: measured %+.1f°, simulated %+.1f°", yaw, i+1, r.measured, r.truth)
			}
			rs, ls := o.set.Reps[i].Side[body.Right], o.set.Reps[i].Side[body.Left]
			wrong := ls.Severity.Rank() > rs.Severity.Rank() || rs.Severity.Rank() < 1 && ls.Severity.Rank() >= 1
			switch {
			case wrong && yaw < 20:
				t.Errorf("yaw %g rep %d: left knee (tracking straight) %s (cave %.1f°), the caving right %s (%.1f°)", yaw, i+1, ls.Severity, ls.CaveDeg, rs.Severity, rs.CaveDeg)
			case wrong:
				t.Logf("yaw %g rep %d (oblique view): left knee %s (cave %.1f°), right %s (%.1f°)", yaw, i+1, ls.Severity, ls.CaveDeg, rs.Severity, rs.CaveDeg)
			}
		}
		if f := verdict(o, body.Left); f.Verdict == valgus.TrendWorsening && yaw < 20 {
			t.Errorf("yaw %g left knee: %s at %+.2f°/rep; simulated no change", yaw, f.Verdict, f.Slope)
		}
	}
}

// TestDeepBottomCounted: a cave at the very bottom of a deep squat is where
// 2D FPPA is least accurate (the table in docs/method.md shows by how
// much); the reps must still be counted and bounded exactly.
func TestDeepBottomCounted(t *testing.T) {
	checkReps(t, runs.get(t, deepBottom()))
}

// TestAccuracyTable prints the tables of docs/method.md ("End-to-end
// accuracy"): every rep's simulated and measured peak FPPA rise by
// scenario and camera yaw, a summary by yaw, and the error of single
// frames by how foreshortened the thigh is. Run it with
//
//	go test -run TestAccuracyTable -v ./internal/e2e
//
// It holds the summary to the tolerances (every rep counted; mean absolute
// error of the front view's favourable scenarios within biasTolDeg).
func TestAccuracyTable(t *testing.T) {
	scs := []scenario{rampAt(0), rampAt(15), rampAt(30), steady(), deepBottom()}
	var outs []*outcome
	for _, sc := range scs {
		outs = append(outs, runs.get(t, sc))
	}
	var b strings.Builder
	b.WriteString("| set | yaw | rep | right simulated | right measured | error | phase simulated / measured | right cave, class | left simulated | left measured | left class |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|\n")
	for _, o := range outs {
		for i, p := range pairs(o) {
			r, l := p[body.Right], p[body.Left]
			rs, ls := o.set.Reps[i].Side[body.Right], o.set.Reps[i].Side[body.Left]
			fmt.Fprintf(&b, "| %s | %g° | %d | %+.1f | %+.1f | %+.1f | %s / %s | %.1f°, %s | %+.1f | %+.1f | %s |\n", o.sc.setName(), o.sc.yawDeg, i+1,
				r.truth, r.measured, r.err(), phaseLabel(r.truthPhase), phaseLabel(r.measuredPhase), rs.CaveDeg, rs.Severity, l.truth, l.measured, ls.Severity)
		}
	}
	b.WriteString("\n| set | yaw | reps simulated / counted | view found | mean error | mean abs error | worst abs error | right trend simulated / measured |\n")
	b.WriteString("|---|---:|---|---|---:|---:|---:|---|\n")
	for _, o := range outs {
		// errors of the legs that rise (a knee that does not has no peak
		// event; its largest reading is the rep's first moments)
		var errs []float64
		for _, p := range pairs(o) {
			for _, e := range p {
				if e.truth >= 5 {
					errs = append(errs, e.err())
				}
			}
		}
		mean, mad, worst := stats(errs)
		f := verdict(o, body.Right)
		fmt.Fprintf(&b, "| %s | %g° | %d / %d | %s (~%.0f°) | %+.1f | %.1f | %.1f | %+.1f / %+.1f °/rep (%s) |\n", o.sc.setName(), o.sc.yawDeg,
			len(o.sim.Truth.Reps), len(o.set.Reps), o.set.View.View, o.set.View.YawDeg, mean, mad, worst,
			o.sim.Truth.FatigueSlope.Right, f.Slope, f.Verdict)
		if len(o.set.Reps) != len(o.sim.Truth.Reps) {
			t.Errorf("%s: %d reps counted, %d simulated", o.sc.name, len(o.set.Reps), len(o.sim.Truth.Reps))
		}
		if o.sc.yawDeg == 0 && o.sc.name != deepBottom().name && mad > biasTolDeg {
			t.Errorf("%s: mean absolute error %.1f° (tolerance %g°)", o.sc.name, mad, biasTolDeg)
		}
	}
	b.WriteString("\n")
	b.WriteString(frameTable(outs))
	var total float64
	for _, o := range outs {
		total += o.renderS + o.poseS
	}
	fmt.Fprintf(&b, "\n%d sets, %.0f s rendering and tracking on this machine.\n", len(outs), total)
	t.Log("\n" + b.String())
}

// frameTable tabulates single frames of the front-view sets: the measured
// FPPA's error against the simulated one, by the thigh's apparent length
// (fraction of standing; the analysis treats FPPA as unreliable below
// 0.25).
func frameTable(outs []*outcome) string {
	edges := []float64{0, 0.25, 0.4, 0.55, 0.7, 0.85, 10}
	errs := make([][]float64, len(edges)-1)
	for _, o := range outs {
		if o.sc.yawDeg != 0 {
			continue
		}
		for i, f := range o.set.Frames {
			if i >= len(o.sim.Truth.PerFrame) {
				break
			}
			pf := o.sim.Truth.PerFrame[i]
			for sd := range 2 {
				m := f.Side[sd]
				if !m.Usable || math.IsNaN(m.FPPA) || math.IsNaN(m.ThighRatio) {
					continue
				}
				k := sort.SearchFloat64s(edges, m.ThighRatio) - 1
				k = max(0, min(k, len(errs)-1))
				errs[k] = append(errs[k], m.FPPA-pf.FPPA.Get(body.Side(sd)))
			}
		}
	}
	var b strings.Builder
	b.WriteString("| thigh's apparent length | frames | mean error | median abs error | 90th percentile abs error |\n")
	b.WriteString("|---|---:|---:|---:|---:|\n")
	for k, e := range errs {
		if len(e) == 0 {
			continue
		}
		mean, _, _ := stats(e)
		abs := make([]float64, len(e))
		for i, v := range e {
			abs[i] = math.Abs(v)
		}
		sort.Float64s(abs)
		span := fmt.Sprintf("%.2f to %.2f", edges[k], edges[k+1])
		if k == len(errs)-1 {
			span = fmt.Sprintf("%.2f or more", edges[k])
		}
		fmt.Fprintf(&b, "| %s | %d | %+.1f | %.1f | %.1f |\n", span, len(e), mean, abs[len(abs)/2], abs[int(0.9*float64(len(abs)-1))])
	}
	return b.String()
}

func stats(v []float64) (mean, meanAbs, worst float64) {
	for _, x := range v {
		mean += x
		meanAbs += math.Abs(x)
		worst = math.Max(worst, math.Abs(x))
	}
	n := float64(max(len(v), 1))
	return mean / n, meanAbs / n, worst
}

func phaseLabel(p body.Phase) string {
	if p == body.PhaseOutOfTheHole {
		return "out of the hole"
	}
	return string(p)
}
