package valgus

import (
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/body"
	"gonum.org/v1/gonum/stat"
)

// Finding is one fact about a set or a session that is worth telling the
// lifter, with the numbers that back it. The analysis decides which facts
// are worth saying and computes them; package words puts each into a
// sentence. The concrete types are LegFinding, TrendFinding,
// VelocityFinding, AsymmetryFinding, WideStanceFinding, ToesOutFinding and
// HipShiftFinding for a set, and LoadFinding, LoadSlopeFinding and
// FatigueFinding for a session.
type Finding interface{ finding() }

// LegFinding sums up one leg over a set: which reps cave, how much, when,
// compared with the first rep (one per leg graded in at least one rep).
type LegFinding struct {
	Side     body.Side
	Assessed int   // reps in which the leg was graded
	Caved    []int // numbers of the reps in which the knee caved (empty: none)
	// The rest describes the caving reps.
	Worst Severity // worst class
	// Phase is the phase in which most of them peaked (the first by name
	// on a tie).
	Phase body.Phase
	// CaveAngle: the set is graded by the cave angle (squats on both legs);
	// otherwise by the valgus angle.
	CaveAngle bool
	PeakDeg   float64 // highest graded measure
	// FirstRepDeg is the first rep's graded measure, NaN when the leg was
	// not graded there.
	FirstRepDeg float64
	// KneeVsToe is the largest change of knee-vs-toes from standing (shank
	// lengths, + inwards), NaN when not measured.
	KneeVsToe float64
	// GapReps are the caving reps graded on the knee gap (basis "kasr":
	// the knees held closer than Thresholds.KASRCave.Below times the
	// ankles' separation at depth), GapKASR the lowest such KASR (NaN when
	// none).
	GapReps []int
	GapKASR float64
	// Onsets counts the graded reps in which a cave began (all of them, not
	// only the caving ones), OnsetDepth is the hips' mean depth then (leg
	// lengths) and Recovered how many came back out by the top.
	Onsets     int
	OnsetDepth float64
	Recovered  int
}

// TrendFinding is a leg's change of graded measure over the full reps of a
// set (said when the knee caved, or when the trend is clear).
type TrendFinding struct {
	Side  body.Side
	Trend Trend
}

// VelocityFinding: the ascent slowed over the set, by LossPct percent;
// Flagged when that reaches LimitPct, a common point to end a set.
type VelocityFinding struct {
	LossPct  float64
	Flagged  bool
	LimitPct float64
}

// AsymmetryFinding: one knee caves more than the other, consistently.
type AsymmetryFinding struct{ Asymmetry Asymmetry }

// WideStanceFinding: the ankles are wider apart than the threshold allows,
// AnkleShoulderRatio times the shoulder width.
type WideStanceFinding struct{ AnkleShoulderRatio float64 }

// ToesOutFinding: the feet turn out strongly (estimated degrees, left and
// right).
type ToesOutFinding struct{ ToeOutDeg [2]float64 }

// HipShiftFinding: the hips shift sideways during the reps, by MeanHipWidths
// on average (+ towards the lifter's right).
type HipShiftFinding struct{ MeanHipWidths float64 }

// LoadFinding is how a leg's valgus relates to load over a session: Status
// is LoadAppearsFrom, LoadAllLoads or LoadNotSeen. For LoadAppearsFrom,
// FromKG is the load, HeavyDeg the mean graded measure of the fresh reps
// at that load and above, LightDeg the same below it (NaN when not
// measured), and CaveAngle says that the measure is the cave angle.
type LoadFinding struct {
	Side      body.Side
	Status    string
	FromKG    float64
	CaveAngle bool
	HeavyDeg  float64
	LightDeg  float64
}

// LoadSlopeFinding is the change of a leg's fresh reps' graded measure per
// 10 kg; differences under NoiseDeg are within measurement noise.
type LoadSlopeFinding struct {
	Side     body.Side
	Per10KG  Trend
	NoiseDeg float64
}

// FatigueFinding is a leg's mean within-set change of graded measure,
// degrees per rep, over a session of several sets.
type FatigueFinding struct {
	Side     body.Side
	SlopeDeg float64
}

func (LegFinding) finding()        {}
func (TrendFinding) finding()      {}
func (VelocityFinding) finding()   {}
func (AsymmetryFinding) finding()  {}
func (WideStanceFinding) finding() {}
func (ToesOutFinding) finding()    {}
func (HipShiftFinding) finding()   {}
func (LoadFinding) finding()       {}
func (LoadSlopeFinding) finding()  {}
func (FatigueFinding) finding()    {}

// setFindings gathers the facts of a set worth telling, in the order they
// are told.
func setFindings(res *SetResult, sm *SetSummary, full []RepResult, th Thresholds) []Finding {
	var out []Finding
	for s := 0; s < 2; s++ {
		if f, ok := legFinding(res, body.Side(s)); ok {
			out = append(out, f)
		}
	}
	for s := 0; s < 2; s++ {
		f := sm.Fatigue[s]
		if f.Verdict == TrendTooFew || !sideAssessed(res, body.Side(s)) {
			continue
		}
		if f.Verdict == TrendUnclear && sm.Worst[s].Rank() < 1 {
			continue // a knee that never caved has no trend worth a line
		}
		out = append(out, TrendFinding{Side: body.Side(s), Trend: f})
	}
	// A loss that rounds to 0% is no finding ("fell by 0%").
	if l := sm.VelocityLossPct; !math.IsNaN(l) && (sm.VelocityFlag || l >= 0.5) {
		out = append(out, VelocityFinding{LossPct: l, Flagged: sm.VelocityFlag, LimitPct: th.VelocityLossPct})
	}
	if sm.Asymmetry.Side != "" {
		out = append(out, AsymmetryFinding{Asymmetry: sm.Asymmetry})
	}
	if st := sm.Stance; st.Wide {
		out = append(out, WideStanceFinding{AnkleShoulderRatio: st.AnkleShoulderRatio})
	}
	if st := sm.Stance; st.ToesOut {
		out = append(out, ToesOutFinding{ToeOutDeg: st.ToeOutDeg})
	}
	var shifts []float64
	for _, r := range full {
		if !math.IsNaN(r.LateralShift) {
			shifts = append(shifts, r.LateralShift)
		}
	}
	if m := stat.Mean(shifts, nil); math.Abs(m) >= 0.3 {
		out = append(out, HipShiftFinding{MeanHipWidths: m})
	}
	return out
}

func sideAssessed(res *SetResult, s body.Side) bool {
	for _, r := range res.Reps {
		if r.Side[s].Assessed {
			return true
		}
	}
	return false
}

// legFinding sums up one leg over the set; false when the leg was graded in
// no rep.
func legFinding(res *SetResult, s body.Side) (LegFinding, bool) {
	f := LegFinding{Side: s, Worst: SevNone, CaveAngle: res.Movement == body.MoveBilateralSquat,
		PeakDeg: math.Inf(-1), FirstRepDeg: math.NaN(), KneeVsToe: math.NaN(), OnsetDepth: math.NaN(), GapKASR: math.NaN()}
	phases := map[body.Phase]int{}
	var onsetDepths []float64
	for _, r := range res.Reps {
		rs := r.Side[s]
		if !rs.Assessed {
			continue
		}
		f.Assessed++
		if rs.Severity.Rank() >= 1 {
			f.Caved = append(f.Caved, r.Index)
			if !math.IsNaN(rs.GradedDeg) {
				f.PeakDeg = math.Max(f.PeakDeg, rs.GradedDeg)
			}
			if v := rs.KneeVsToeChange; !math.IsNaN(v) && !(v <= f.KneeVsToe) {
				f.KneeVsToe = v
			}
			phases[rs.PeakPhase]++
			f.Worst = maxSeverity(f.Worst, rs.Severity)
			if slices.Contains(rs.Basis, "kasr") {
				f.GapReps = append(f.GapReps, r.Index)
				if v := rs.KASRDeep; !math.IsNaN(v) && !(v >= f.GapKASR) {
					f.GapKASR = v
				}
			}
		}
		if rs.HasOnset {
			f.Onsets++
			onsetDepths = append(onsetDepths, rs.OnsetDepth)
			if rs.Recovered {
				f.Recovered++
			}
		}
	}
	if f.Assessed == 0 {
		return f, false
	}
	best := 0
	for p, c := range phases {
		if c > best || (c == best && p < f.Phase) {
			f.Phase, best = p, c
		}
	}
	if first := res.Reps[0].Side[s]; first.Assessed {
		f.FirstRepDeg = first.GradedDeg
	}
	if f.Onsets > 0 {
		f.OnsetDepth = stat.Mean(onsetDepths, nil)
	}
	return f, true
}

// sessionFindings gathers the session's load and fatigue facts worth
// telling, leg by leg.
func sessionFindings(ss *SessionResult, th Thresholds) []Finding {
	var out []Finding
	for s := 0; s < 2; s++ {
		lt := ss.Load[s]
		switch lt.Status {
		case LoadAppearsFrom:
			out = append(out, appearsFrom(body.Side(s), lt))
		case LoadAllLoads, LoadNotSeen:
			out = append(out, LoadFinding{Side: body.Side(s), Status: lt.Status, FromKG: math.NaN(), HeavyDeg: math.NaN(), LightDeg: math.NaN()})
		}
		if lt.Status != LoadNoLoads && !math.IsNaN(lt.Per10KG.Slope) && lt.Per10KG.N >= 3 {
			out = append(out, LoadSlopeFinding{Side: body.Side(s), Per10KG: lt.Per10KG, NoiseDeg: th.SessionChangeDeg})
		}
		if m := ss.MeanFatigueSlope[s]; !math.IsNaN(m) && len(ss.Sets) > 1 {
			out = append(out, FatigueFinding{Side: body.Side(s), SlopeDeg: m})
		}
	}
	return out
}

// appearsFrom is the evidence for a leg whose valgus appears from some
// load: the fresh reps at that load and above against the lighter ones, in
// the measure that graded them (the cave angle, or the valgus angle).
func appearsFrom(s body.Side, lt LoadTrend) LoadFinding {
	var light, heavy []float64
	f := LoadFinding{Side: s, Status: lt.Status, FromKG: lt.AppearsFromKG}
	for _, p := range lt.Points {
		if p.LoadKG < lt.AppearsFromKG {
			if !math.IsNaN(p.FreshPeakDeg) {
				light = append(light, p.FreshPeakDeg)
			}
			continue
		}
		if !math.IsNaN(p.FreshPeakDeg) {
			heavy = append(heavy, p.FreshPeakDeg)
		}
		for _, b := range p.Basis {
			if b == "knee_cave" {
				f.CaveAngle = true
			}
		}
	}
	f.HeavyDeg, f.LightDeg = stat.Mean(heavy, nil), stat.Mean(light, nil)
	return f
}
