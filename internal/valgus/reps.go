package valgus

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/motion"
)

// Rep quality flags.
const (
	QualityGood = "good"
	QualityFair = "fair" // usable, with a caveat in Notes
	QualityPoor = "poor" // keypoints too unreliable to grade the rep
)

// Peak phases. OutOfTheHole is the first third of the ascent. PhaseNone:
// the measure never rose meaningfully above standing, so its maximum has no
// moment worth naming.
const (
	PhaseNone         = "none"
	PhaseDescent      = "descent"
	PhaseBottom       = "bottom"
	PhaseOutOfTheHole = "out_of_the_hole"
	PhaseAscent       = "ascent"
)

// RepSide is one leg's assessment in one rep. NaN marks values that could
// not be measured.
type RepSide struct {
	// Assessed is false for the free leg of a single-leg squat and the rear
	// leg of a split squat.
	Assessed bool
	// PeakFPPA is the largest FPPA (degrees, + valgus) over the rep's
	// reliable frames; PeakFPPAChange the same relative to standing.
	PeakFPPA, PeakFPPAChange float64
	PeakS                    float64 // time of the peak
	// PeakPhase is the phase at the peak, or PhaseNone when FPPA never rose
	// by the onset threshold above standing.
	PeakPhase string
	PeakPct   float64 // % of the rep's duration at the peak
	// HasOnset: FPPA rose by at least the onset threshold above standing.
	// OnsetS is when that rise began, OnsetDepth the hips' depth then (leg
	// lengths), Recovered whether FPPA came back below the threshold by the
	// end of the rep.
	HasOnset   bool
	OnsetS     float64
	OnsetDepth float64
	Recovered  bool
	// KneeVsToe is the knee's largest medial offset from the toe tip over
	// the deeper half of the rep, as a fraction of the shank (+ medial);
	// KneeVsToeCM the same in cm when the lifter's height is known;
	// KneeVsToe3D from 3D world positions when the track has them.
	KneeVsToe, KneeVsToeCM, KneeVsToe3D float64
	// KneeVsToeS and KneeVsToePhase say when KneeVsToe peaked.
	KneeVsToeS     float64
	KneeVsToePhase string
	// KneeMedial is the knee's largest medial movement relative to its
	// ankle, from standing, as a fraction of the shank.
	KneeMedial float64
	Severity   Severity
	// Basis names the measures that set the severity: "fppa",
	// "fppa_change", "kasr", "knee_vs_toe".
	Basis   []string
	Quality string
	Notes   []string
}

// RepResult is one rep's assessment.
type RepResult struct {
	Index   int // 1-based
	Rep     motion.Rep
	StartS  float64
	BottomS float64
	EndS    float64
	Partial bool
	// DepthLeg is how far the hips went down, in leg lengths.
	DepthLeg float64
	// HipKneeMin is the lowest hip-above-knee height (1 standing, 0 level in
	// the picture); a front view only estimates it.
	HipKneeMin       float64
	Tempo            motion.Tempo
	AscentVelocityMS float64 // NaN without the lifter's height
	WorkingLeg       string
	KASRMin          float64
	KASRMinS         float64
	KASRChange       float64 // KASRMin minus standing KASR
	// Largest changes from standing during the rep (signed).
	PelvisDropDeg   float64 // + right hip lower
	LateralShift    float64 // hip widths, + towards the right
	TrunkLateralDeg float64 // + towards the right
	TrunkForwardDeg float64
	Side            [2]RepSide
	Quality         string
	Severity        Severity // worst of the assessed legs
}

// ShownPhase is the phase to show for the leg in a rep: that of its peak
// FPPA, or, when FPPA never rose but another measure graded the leg, that
// of its knee-vs-toes peak.
func (rs RepSide) ShownPhase() string {
	if rs.PeakPhase == PhaseNone && len(rs.Basis) > 0 {
		return rs.KneeVsToePhase
	}
	return rs.PeakPhase
}

func assessRep(k int, r motion.Rep, working string, res *SetResult, depth, times []float64, th Thresholds, opt Options) RepResult {
	nan := math.NaN()
	fr := res.Frames
	out := RepResult{Index: k + 1, Rep: r, StartS: times[r.Start], BottomS: times[r.Bottom], EndS: times[r.End],
		Partial: r.Partial(), DepthLeg: r.Depth, WorkingLeg: working, AscentVelocityMS: nan,
		KASRMin: nan, KASRMinS: nan, KASRChange: nan, HipKneeMin: nan}
	out.Tempo = motion.RepTempo(r, depth, times)
	if opt.HeightCM > 0 {
		out.AscentVelocityMS = out.Tempo.AscentVelocity * legPerHeight * opt.HeightCM / 100
	}
	kasrAt := -1
	var pelvis, shift, trunkLat, trunkFwd float64
	for i := r.Start; i <= r.End; i++ {
		m := fr[i]
		if !math.IsNaN(m.KASR) && (math.IsNaN(out.KASRMin) || m.KASR < out.KASRMin) {
			out.KASRMin, kasrAt = m.KASR, i
		}
		pelvis = maxAbs(pelvis, m.PelvisDropDeg)
		shift = maxAbs(shift, m.LateralShift)
		trunkLat = maxAbs(trunkLat, m.TrunkLateralDeg)
		if !math.IsNaN(m.TrunkForwardDeg) {
			trunkFwd = math.Max(trunkFwd, m.TrunkForwardDeg)
		}
		if !math.IsNaN(m.HipKnee) && (math.IsNaN(out.HipKneeMin) || m.HipKnee < out.HipKneeMin) {
			out.HipKneeMin = m.HipKnee
		}
	}
	out.PelvisDropDeg, out.LateralShift, out.TrunkLateralDeg, out.TrunkForwardDeg = pelvis, shift, trunkLat, trunkFwd
	if kasrAt >= 0 {
		out.KASRMinS = times[kasrAt]
		out.KASRChange = out.KASRMin - res.Baseline.KASR
	}
	out.Quality = ""
	for s := 0; s < 2; s++ {
		assessed := working == WorkingBoth || working == Side(s).String()
		rs := assessSide(Side(s), r, fr, depth, times, th, opt, res)
		rs.Assessed = assessed
		if !assessed {
			rs.Severity = SevNotAssessed
		} else {
			rs.Severity, rs.Basis = grade(Side(s), rs, out, fr, kasrAt, res.Movement, th, opt.Sex)
			if rs.Quality == QualityPoor {
				rs.Severity, rs.Basis = SevUnknown, nil
			}
		}
		if assessed {
			if res.View.View == ViewOblique && rs.Quality == QualityGood {
				rs.Quality = QualityFair
				rs.Notes = append(rs.Notes, "oblique camera angle distorts the angles")
			}
			if out.Partial && rs.Quality == QualityGood {
				rs.Quality = QualityFair
				rs.Notes = append(rs.Notes, "the rep is cut by the start or end of the video")
			}
			out.Quality = worseQuality(out.Quality, rs.Quality)
			out.Severity = maxSeverity(out.Severity, rs.Severity)
		}
		out.Side[s] = rs
	}
	if out.Severity == "" {
		out.Severity = SevUnknown
	}
	return out
}

// assessSide measures one leg over one rep.
func assessSide(s Side, r motion.Rep, fr []FrameMetrics, depth, times []float64, th Thresholds, opt Options, res *SetResult) RepSide {
	nan := math.NaN()
	rs := RepSide{PeakFPPA: nan, PeakFPPAChange: nan, PeakS: nan, PeakPct: nan, OnsetS: nan, OnsetDepth: nan,
		KneeVsToe: nan, KneeVsToeCM: nan, KneeVsToe3D: nan, KneeMedial: nan, KneeVsToeS: nan, KneeVsToePhase: PhaseNone}
	peak, kvtAt := -1, -1
	frames, bad, deep, deepUnrel := 0, 0, 0, 0
	for i := r.Start; i <= r.End; i++ {
		sf := fr[i].Side[s]
		frames++
		if !sf.Reliable {
			bad++
		}
		isDeep := depth[i] >= 0.5*r.Depth
		if isDeep {
			deep++
			if !sf.FPPAReliable {
				deepUnrel++
			}
			if !math.IsNaN(sf.KneeVsToe) && (math.IsNaN(rs.KneeVsToe) || sf.KneeVsToe > rs.KneeVsToe) {
				rs.KneeVsToe, kvtAt = sf.KneeVsToe, i
			}
			if !math.IsNaN(sf.KneeVsToe3D) && (math.IsNaN(rs.KneeVsToe3D) || sf.KneeVsToe3D > rs.KneeVsToe3D) {
				rs.KneeVsToe3D = sf.KneeVsToe3D
			}
		}
		if !math.IsNaN(sf.KneeMedial) && (math.IsNaN(rs.KneeMedial) || sf.KneeMedial > rs.KneeMedial) {
			rs.KneeMedial = sf.KneeMedial
		}
		if sf.Usable && sf.FPPAReliable && !math.IsNaN(sf.FPPA) && (peak < 0 || sf.FPPA > fr[peak].Side[s].FPPA) {
			peak = i
		}
	}
	if kvtAt >= 0 {
		rs.KneeVsToeS, rs.KneeVsToePhase = times[kvtAt], peakPhase(kvtAt, r, times)
	}
	if opt.HeightCM > 0 && !math.IsNaN(rs.KneeVsToe) {
		rs.KneeVsToeCM = rs.KneeVsToe * shankPerHeight * opt.HeightCM
	}
	fracBad := float64(bad) / float64(frames)
	rs.Quality = QualityGood
	switch {
	case peak < 0:
		rs.Quality = QualityPoor
		rs.Notes = append(rs.Notes, "no frame of this rep shows the leg reliably")
	case fracBad > 0.3:
		rs.Quality = QualityPoor
		rs.Notes = append(rs.Notes, "hip, knee or ankle unreliable in more than 30% of the rep's frames")
	case fracBad > 0.1:
		rs.Quality = QualityFair
		rs.Notes = append(rs.Notes, "hip, knee or ankle unreliable in part of the rep")
	}
	if deep > 0 && float64(deepUnrel)/float64(deep) > 0.5 && rs.Quality == QualityGood {
		rs.Quality = QualityFair
		rs.Notes = append(rs.Notes, "the thigh points at the camera at depth, so FPPA is uncertain there")
	}
	if peak < 0 {
		return rs
	}
	sf := fr[peak].Side[s]
	rs.PeakFPPA, rs.PeakFPPAChange, rs.PeakS = sf.FPPA, sf.FPPAChange, times[peak]
	if dur := times[r.End] - times[r.Start]; dur > 0 {
		rs.PeakPct = 100 * (times[peak] - times[r.Start]) / dur
	}
	thr := th.OnsetFPPAChangeDeg
	rs.PeakPhase = PhaseNone
	if rs.PeakFPPAChange >= thr {
		rs.PeakPhase = peakPhase(peak, r, times)
	}
	if rs.PeakFPPAChange >= thr {
		rs.HasOnset = true
		on := peak
		for i := peak - 1; i >= r.Start; i-- {
			c := fr[i].Side[s].FPPAChange
			if !fr[i].Side[s].FPPAReliable || math.IsNaN(c) {
				continue
			}
			if c < thr {
				break
			}
			on = i
		}
		rs.OnsetS, rs.OnsetDepth = times[on], depth[on]
		// recovered: the last tenth of the rep is back below the threshold
		tail := max(1, (r.End-r.Start)/10)
		sum, n := 0.0, 0
		for i := r.End - tail + 1; i <= r.End; i++ {
			if c := fr[i].Side[s].FPPAChange; !math.IsNaN(c) {
				sum += c
				n++
			}
		}
		rs.Recovered = n > 0 && sum/float64(n) < thr
	}
	return rs
}

func peakPhase(i int, r motion.Rep, times []float64) string {
	switch {
	case i < r.BottomStart:
		return PhaseDescent
	case i <= r.BottomEnd:
		return PhaseBottom
	case times[i]-times[r.BottomEnd] <= (times[r.End]-times[r.BottomEnd])/3:
		return PhaseOutOfTheHole
	}
	return PhaseAscent
}

// grade classifies one leg's valgus in one rep.
//
// Single-leg squats: the peak FPPA against the sex-specific norms. Squats on
// both legs and split squats (no published FPPA norm): the worst of the FPPA
// rise above standing and the knee's medial offset from the toes at depth;
// for squats on both legs also the KASR minimum, which counts for a leg
// that moved inwards by at least a quarter of the knees' joint inward
// movement.
func grade(s Side, rs RepSide, rep RepResult, fr []FrameMetrics, kasrAt int, mv Movement, th Thresholds, sex Sex) (Severity, []string) {
	type vote struct {
		sev   Severity
		basis string
	}
	var votes []vote
	if mv == MoveSingleLegSquat {
		votes = append(votes, vote{th.SingleLeg(sex).Classify(rs.PeakFPPA), "fppa"})
	} else {
		votes = append(votes, vote{th.FPPAChange.Classify(rs.PeakFPPAChange), "fppa_change"})
	}
	if !math.IsNaN(rs.KneeVsToe) {
		votes = append(votes, vote{th.KneeVsToe.Classify(rs.KneeVsToe), "knee_vs_toe"})
	}
	if mv == MoveBilateralSquat && kasrAt >= 0 {
		own := fr[kasrAt].Side[s].KneeMedial
		other := fr[kasrAt].Side[1-s].KneeMedial
		if own > 0 && own >= 0.25*(math.Max(own, 0)+math.Max(other, 0)) {
			votes = append(votes, vote{th.KASR.Classify(rep.KASRMin), "kasr"})
		}
	}
	sev := SevNone
	for _, v := range votes {
		sev = maxSeverity(sev, v.sev)
	}
	var basis []string
	if sev != SevNone {
		for _, v := range votes {
			if v.sev == sev {
				basis = append(basis, v.basis)
			}
		}
	}
	return sev, basis
}

func worseQuality(a, b string) string {
	rank := map[string]int{"": -1, QualityGood: 0, QualityFair: 1, QualityPoor: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// maxAbs returns whichever of cur and v has the larger magnitude (NaN v is
// ignored).
func maxAbs(cur, v float64) float64 {
	if math.IsNaN(v) || math.Abs(v) <= math.Abs(cur) {
		return cur
	}
	return v
}
