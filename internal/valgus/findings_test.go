package valgus

import (
	"math"
	"reflect"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
)

// caveReps is a set of five reps in which the left knee is graded in the
// first four and caves in reps 2-4; the right leg is never graded.
func caveReps() []RepResult {
	nan := math.NaN()
	side := func(sev Severity, deg float64, phase body.Phase, kvt float64, onset float64, recovered bool) [2]RepSide {
		return [2]RepSide{{Assessed: true, Severity: sev, GradedDeg: deg, PeakPhase: phase, KneeVsToeChange: kvt,
			HasOnset: !math.IsNaN(onset), OnsetDepth: onset, Recovered: recovered}, {}}
	}
	return []RepResult{
		{Index: 1, LateralShift: 0.2, Side: side(SevNone, 2, body.PhaseBottom, 0.01, nan, false)},
		{Index: 2, LateralShift: 0.5, Side: side(SevMild, 7.5, body.PhaseOutOfTheHole, 0.08, 0.3, true)},
		{Index: 3, LateralShift: nan, Side: side(SevModerate, 11.2, body.PhaseOutOfTheHole, 0.12, 0.4, false)},
		{Index: 4, LateralShift: 0.35, Side: side(SevMild, 6.1, body.PhaseBottom, nan, nan, false)},
		{Index: 5, LateralShift: 0.35},
	}
}

func TestLegFinding(t *testing.T) {
	res := &SetResult{Movement: body.MoveBilateralSquat, Reps: caveReps()}
	got, ok := legFinding(res, body.Left)
	// caving reps 2-4: worst moderate, most peaks out of the hole (2 of 3),
	// highest 11.2; onsets in reps 2 and 3 at (0.3 + 0.4) / 2 = 0.35, one
	// of them back out by the top.
	want := LegFinding{Side: body.Left, Assessed: 4, Caved: []int{2, 3, 4}, Worst: SevModerate, Phase: body.PhaseOutOfTheHole,
		CaveAngle: true, PeakDeg: 11.2, FirstRepDeg: 2, KneeVsToe: 0.12, Onsets: 2, Recovered: 1}
	if !ok || math.Abs(got.OnsetDepth-0.35) > 1e-12 {
		t.Fatalf("left: ok %v, onset depth %v, want true, 0.35", ok, got.OnsetDepth)
	}
	if !math.IsNaN(got.GapKASR) || got.GapReps != nil {
		t.Errorf("knee gap: reps %v, KASR %v; want none, NaN (no rep graded on it)", got.GapReps, got.GapKASR)
	}
	got.OnsetDepth, got.GapKASR = 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("left:\n got %+v\nwant %+v", got, want)
	}
	if _, ok := legFinding(res, body.Right); ok {
		t.Error("right leg, never graded, has a finding")
	}

	t.Run("reps graded on the knee gap are named with the closest gap", func(t *testing.T) {
		reps := caveReps()
		for _, c := range []struct {
			i    int
			kasr float64
		}{{2, 0.66}, {3, 0.58}} { // reps 3 and 4 (indices 2, 3) rest on the gap
			rs := &reps[c.i].Side[body.Left]
			rs.Basis, rs.KASRDeep = []string{"kasr"}, c.kasr
		}
		reps[1].Side[body.Left].KASRDeep = 0.4 // rep 2 graded on its angle: its gap is not told
		f, _ := legFinding(&SetResult{Movement: body.MoveBilateralSquat, Reps: reps}, body.Left)
		if !reflect.DeepEqual(f.GapReps, []int{3, 4}) || f.GapKASR != 0.58 {
			t.Errorf("gap reps %v, KASR %v; want [3 4], 0.58", f.GapReps, f.GapKASR)
		}
	})
	t.Run("tie between phases goes to the first by name", func(t *testing.T) {
		reps := caveReps()[:3] // caving reps 2 (out of the hole) and ...
		reps[2].Side[body.Left].PeakPhase = body.PhaseBottom
		f, _ := legFinding(&SetResult{Movement: body.MoveSingleLegSquat, Reps: reps}, body.Left)
		if f.Phase != body.PhaseBottom || f.CaveAngle {
			t.Errorf("phase %q, cave angle %v; want %q, false", f.Phase, f.CaveAngle, body.PhaseBottom)
		}
	})
	t.Run("first rep not graded, no cave", func(t *testing.T) {
		reps := caveReps()
		reps[0].Side[body.Left].Assessed = false
		for i := range reps {
			reps[i].Side[body.Left].Severity = SevNone
		}
		f, ok := legFinding(&SetResult{Reps: reps}, body.Left)
		if !ok || len(f.Caved) != 0 || f.Assessed != 3 || !math.IsNaN(f.FirstRepDeg) || !math.IsNaN(f.KneeVsToe) {
			t.Errorf("got %+v, want 3 graded reps, none caving, no first-rep value", f)
		}
	})
}

func TestSetFindings(t *testing.T) {
	res := &SetResult{Movement: body.MoveBilateralSquat, Reps: caveReps()}
	sm := &SetSummary{
		Fatigue:         [2]Trend{{Verdict: TrendUnclear, N: 4}, {Verdict: TrendWorsening, N: 4}},
		Worst:           [2]Severity{SevModerate, SevNotAssessed},
		VelocityLossPct: -5,
		Stance:          Stance{AnkleShoulderRatio: 1.3, Wide: true, ToeOutDeg: [2]float64{10, 12}},
	}
	got := setFindings(res, sm, res.Reps, Defaults())
	// the left leg; its unclear trend (it caved); not the right trend (never
	// graded); no speed loss; a wide stance; hips 0.35 hip widths right on
	// average (0.2, 0.5, 0.35, 0.35; NaN left out)
	var kinds []string
	for _, f := range got {
		kinds = append(kinds, reflect.TypeOf(f).Name())
	}
	want := []string{"LegFinding", "TrendFinding", "WideStanceFinding", "HipShiftFinding"}
	if !reflect.DeepEqual(kinds, want) {
		t.Fatalf("findings %v, want %v", kinds, want)
	}
	if tf := got[1].(TrendFinding); tf.Side != body.Left || tf.Trend.Verdict != TrendUnclear {
		t.Errorf("trend %+v, want the left leg's unclear trend", tf)
	}
	if h := got[3].(HipShiftFinding); math.Abs(h.MeanHipWidths-0.35) > 1e-12 {
		t.Errorf("hip shift %v, want 0.35", h.MeanHipWidths)
	}
	for _, loss := range []float64{0.2, 0.49} { // rounds to 0%: no finding
		sm.VelocityLossPct = loss
		for _, f := range setFindings(res, sm, res.Reps, Defaults()) {
			if v, ok := f.(VelocityFinding); ok {
				t.Errorf("speed loss %v%% gave %+v, want no finding", loss, v)
			}
		}
	}
	sm.VelocityLossPct, sm.VelocityFlag = 24, true
	sm.Asymmetry = Asymmetry{Side: "left", MeanDiffDeg: -4, Consistent: 1}
	got = setFindings(res, sm, nil, Defaults())
	if v, ok := got[2].(VelocityFinding); !ok || v.LossPct != 24 || !v.Flagged || v.LimitPct != Defaults().VelocityLossPct {
		t.Errorf("third finding %+v, want the flagged speed loss", got[2])
	}
	if _, ok := got[3].(AsymmetryFinding); !ok {
		t.Errorf("fourth finding %+v, want the asymmetry", got[3])
	}
}

// The load finding quotes the graded measure of the fresh reps, named for
// the movement (the cave angle in squats on both legs), heavier sets
// against lighter ones.
func TestAppearsFrom(t *testing.T) {
	nan := math.NaN()
	cave := LoadTrend{Status: LoadAppearsFrom, AppearsFromKG: 80, Points: []LoadPoint{
		{LoadKG: 60, FreshPeakDeg: -0.4, Severity: SevNone, FreshKneeVsToe: 0.06, FreshKASR: nan},
		{LoadKG: 80, FreshPeakDeg: 6.8, Severity: SevModerate, Basis: []string{"knee_cave"}, FreshKneeVsToe: 0.12, FreshKASR: nan},
		{LoadKG: 100, FreshPeakDeg: 9.2, Severity: SevModerate, Basis: []string{"knee_cave"}, FreshKneeVsToe: 0.16, FreshKASR: nan},
	}, Per10KG: Trend{N: 3, Slope: 2.4, CILow: 0.1, CIHigh: 4.7}}
	// (6.8 + 9.2) / 2 = 8 at 80 kg and above; -0.4 below
	if f := appearsFrom(body.Right, cave); f != (LoadFinding{Side: body.Right, Status: LoadAppearsFrom, FromKG: 80, CaveAngle: true, HeavyDeg: 8, LightDeg: -0.4}) {
		t.Errorf("cave: %+v", f)
	}
	angle := LoadTrend{Status: LoadAppearsFrom, AppearsFromKG: 100, Points: []LoadPoint{
		{LoadKG: 100, FreshPeakDeg: 15.2, Severity: SevModerate, Basis: []string{"fppa_change"}, FreshKneeVsToe: nan, FreshKASR: 0.72},
	}}
	if f := appearsFrom(body.Left, angle); f.CaveAngle || f.HeavyDeg != 15.2 || !math.IsNaN(f.LightDeg) {
		t.Errorf("angle, nothing lighter: %+v", f)
	}

	ss := &SessionResult{Sets: make([]*SetResult, 2), Load: [2]LoadTrend{{Status: LoadNoLoads, Per10KG: FitTrend(nil, nil)}, cave},
		MeanFatigueSlope: [2]float64{nan, 0.4}}
	th := Defaults()
	got := sessionFindings(ss, th)
	want := []Finding{
		LoadFinding{Side: body.Right, Status: LoadAppearsFrom, FromKG: 80, CaveAngle: true, HeavyDeg: 8, LightDeg: -0.4},
		LoadSlopeFinding{Side: body.Right, Per10KG: cave.Per10KG, NoiseDeg: th.SessionChangeDeg},
		FatigueFinding{Side: body.Right, SlopeDeg: 0.4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("session findings\n got %+v\nwant %+v", got, want)
	}
}
