package valgus

import (
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
)

// Rep quality flags.
const (
	QualityGood = "good"
	QualityFair = "fair" // usable, with a caveat in Notes
	QualityPoor = "poor" // keypoints too unreliable to grade the rep
)

// A leg's rep is poor when hip, knee or ankle are unreliable in more than
// poorRepFrac of its frames, and fair beyond fairRepFrac.
const (
	poorRepFrac = 0.3
	fairRepFrac = 0.1
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
	// PeakPhase is the phase at the peak, or body.PhaseNone when FPPA never rose
	// by the onset threshold above standing.
	PeakPhase body.Phase
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
	KneeVsToePhase body.Phase
	// KneeVsToeChange is how much further medially of the toe tip the knee
	// went than when standing (fraction of the shank), over the deeper half
	// of the rep, from frames whose toe is seen (not at the picture's edge).
	KneeVsToeChange float64
	// KneeMedial is the knee's largest medial movement relative to its
	// ankle, from standing, as a fraction of the shank.
	KneeMedial float64
	// MKD is the knee's largest medial displacement from its hip-ankle line
	// relative to standing, in leg lengths (2D); MKD3D the same from 3D
	// world positions (NaN without them); MKDCM in cm when the lifter's
	// height is known (from 3D when present).
	MKD, MKD3D, MKDCM float64
	// MKDDeg is MKD as the angle a knee so far from the line would make
	// between thigh and shank of their standing lengths (a lower bound of
	// the FPPA rise that stays readable when the thigh points at the
	// camera), at its sustained peak.
	MKDDeg float64
	// PeakValgusDeg grades single-leg and split squats: at each frame the
	// larger of the FPPA rise (where FPPA can be read) and MKDDeg, at its
	// sustained peak. NaN in squats on both legs.
	PeakValgusDeg float64
	// CaveDeg grades squats on both legs: the knee's cave angle
	// (SideFrame.CaveDeg) at its sustained peak. NaN in other movements.
	CaveDeg float64
	// KASRDeep is the lowest KASR the knees hold (SustainS) over the deeper
	// half of the rep while this knee takes at least
	// Thresholds.KASRCave.KneeIn leg lengths of the knees' closing in
	// (kneeCave), from frames where both legs are trusted; NaN when never
	// or in other movements. Below Thresholds.KASRCave.Below it grades the
	// knee at least moderate (basis "kasr").
	KASRDeep float64
	// GradedDeg is the graded measure's peak, whatever the movement:
	// CaveDeg in squats on both legs, PeakValgusDeg otherwise. Trends,
	// asymmetry and loads are computed from it.
	GradedDeg float64
	Severity  Severity
	// Basis names the measure that set the severity: "knee_cave" (squats
	// on both legs: the cave angle), "kasr" (squats on both legs: KASRDeep,
	// both listed when both say at least moderate), "fppa_change" or "mkd"
	// (single-leg and split squats: whichever of the two gave the valgus
	// angle).
	Basis   []string
	Quality string
	Notes   []Note
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
	// KASRMin is the lowest KASR the rep holds (SustainS), KASRRel the same
	// relative to standing.
	KASRMin    float64
	KASRRel    float64
	KASRMinS   float64
	KASRChange float64 // KASRMin minus standing KASR
	// KASRDeep is the lowest KASR the rep holds (SustainS) over its deeper
	// half, from frames where both legs are trusted and the ankles stand
	// at least half as far apart as standing; KASRDeepS is when.
	KASRDeep  float64
	KASRDeepS float64
	// Largest changes from standing during the rep (signed).
	PelvisDropDeg   float64 // + right hip lower
	LateralShift    float64 // hip widths, + towards the right
	TrunkLateralDeg float64 // + towards the right
	TrunkForwardDeg float64
	Side            [2]RepSide
	Quality         string
	Severity        Severity // worst of the assessed legs
}

// ShownPhase is the phase to show for the leg in a rep: that of its
// graded measure's peak.
func (rs RepSide) ShownPhase() body.Phase { return rs.PeakPhase }

// GapOnly reports whether the knee's grade rests on the knee gap alone
// (basis "kasr", not the cave angle): a moderate grade next to a small
// cave angle.
func (rs RepSide) GapOnly() bool {
	return slices.Contains(rs.Basis, "kasr") && !slices.Contains(rs.Basis, "knee_cave")
}

func assessRep(k int, r motion.Rep, working string, res *SetResult, depth, times []float64, th Thresholds, opt Options) RepResult {
	nan := math.NaN()
	fr := res.Frames
	out := RepResult{Index: k + 1, Rep: r, StartS: times[r.Start], BottomS: times[r.Bottom], EndS: times[r.End],
		Partial: r.Partial(), DepthLeg: r.Depth, WorkingLeg: working, AscentVelocityMS: nan,
		KASRMin: nan, KASRRel: nan, KASRMinS: nan, KASRChange: nan, KASRDeep: nan, KASRDeepS: nan, HipKneeMin: nan}
	out.Tempo = motion.RepTempo(r, depth, times)
	if opt.HeightCM > 0 {
		out.AscentVelocityMS = out.Tempo.AscentVelocity * legPerHeight * opt.HeightCM / 100
	}
	sk := th.sustainFrames(rateOf(res))
	bothReliable := func(i int) bool { return fr[i].Side[0].Reliable && fr[i].Side[1].Reliable }
	kasrMin, kasrAt := sustainedMin(func(i int) float64 {
		if !bothReliable(i) {
			return nan
		}
		return fr[i].KASR
	}, r.Start, r.End, sk)
	// at depth: the deeper half of the rep, with the ankles still apart
	// (KASR's denominator; a squat does not move the feet, so ankles
	// drawn together mean a turned camera or misplaced points)
	kasrDeep := func(ok func(i int) bool) func(i int) float64 {
		return func(i int) float64 {
			if depth[i] < 0.5*r.Depth || !bothReliable(i) || !(fr[i].StanceHip >= 0.5*res.Baseline.StanceHip) || !ok(i) {
				return nan
			}
			return fr[i].KASR
		}
	}
	if v, at := sustainedMin(kasrDeep(func(int) bool { return true }), r.Start, r.End, sk); at >= 0 {
		out.KASRDeep, out.KASRDeepS = v, times[at]
	}
	var pelvis, shift, trunkLat, trunkFwd float64
	for i := r.Start; i <= r.End; i++ {
		m := fr[i]
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
		out.KASRMin, out.KASRMinS = kasrMin, times[kasrAt]
		out.KASRChange = out.KASRMin - res.Baseline.KASR
		if res.Baseline.KASR > 0 {
			out.KASRRel = out.KASRMin / res.Baseline.KASR
		}
	}
	out.Quality = ""
	for s := 0; s < 2; s++ {
		assessed := working == WorkingBoth || working == body.Side(s).String()
		rs := assessSide(body.Side(s), r, fr, depth, times, th, opt, res)
		rs.Assessed = assessed
		if res.Movement == body.MoveBilateralSquat {
			// the knees' closing at depth, while this knee is the one
			// moving in
			rs.KASRDeep, _ = sustainedMin(kasrDeep(func(i int) bool {
				return kneeCave(fr[i].Side[s].MKD, fr[i].Side[1-s].MKD) >= th.KASRCave.KneeIn
			}), r.Start, r.End, sk)
		}
		if !assessed {
			rs.Severity = SevNotAssessed
		} else {
			rs.Severity, rs.Basis = grade(rs, res.Movement, th, opt.Sex)
			if rs.Quality == QualityPoor {
				rs.Severity, rs.Basis = SevUnknown, nil
			}
		}
		if assessed {
			if res.View.View == ViewOblique && rs.Quality == QualityGood {
				rs.Quality = QualityFair
				rs.Notes = append(rs.Notes, Note{Kind: NoteRepOblique})
			}
			if out.Partial && rs.Quality == QualityGood {
				rs.Quality = QualityFair
				rs.Notes = append(rs.Notes, Note{Kind: NoteRepCut})
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

// mkdAngle turns a knee's medial displacement from its hip-ankle line (m,
// pixels, + medial) into the angle between thigh and shank of lengths
// thigh and shank that it makes (degrees, + valgus): the FPPA of a leg
// seen at full length. A thigh pointing at the camera looks shorter, so
// its real FPPA is larger; this stays readable when FPPA is not.
func mkdAngle(m, thigh, shank float64) float64 {
	if !(thigh > 0) || !(shank > 0) || math.IsNaN(m) {
		return math.NaN()
	}
	clamp := func(x float64) float64 { return math.Max(-1, math.Min(1, x)) }
	return (math.Asin(clamp(m/thigh)) + math.Asin(clamp(m/shank))) * deg
}

// rateOf is the set's frame rate, for turning durations into frames.
func rateOf(res *SetResult) float64 {
	if res.Clean.RateHz > 0 {
		return res.Clean.RateHz
	}
	return res.Video.FPS
}

// assessSide measures one leg over one rep. Every peak is the level the
// measure holds for Thresholds.SustainS from trusted points only (hip,
// knee and ankle found with confidence, observed and inside the picture;
// for knee-vs-toes a toe that is seen; for FPPA a thigh not seen end on).
// The graded measure, whose peak gives the phase, onset and recovery, is
// the knee separation relative to standing in squats on both legs and the
// FPPA rise above standing in single-leg and split squats.
func assessSide(s body.Side, r motion.Rep, fr []FrameMetrics, depth, times []float64, th Thresholds, opt Options, res *SetResult) RepSide {
	nan := math.NaN()
	rs := RepSide{PeakFPPA: nan, PeakFPPAChange: nan, PeakS: nan, PeakPct: nan, OnsetS: nan, OnsetDepth: nan,
		KneeVsToe: nan, KneeVsToeCM: nan, KneeVsToe3D: nan, KneeVsToeChange: nan, KneeMedial: nan, KASRDeep: nan,
		MKD: nan, MKD3D: nan, MKDCM: nan, MKDDeg: nan, PeakValgusDeg: nan, CaveDeg: nan, GradedDeg: nan, KneeVsToeS: nan, KneeVsToePhase: body.PhaseNone}
	sk := th.sustainFrames(rateOf(res))
	bilateral := res.Movement == body.MoveBilateralSquat
	side := func(i int) SideFrame { return fr[i].Side[s] }
	deep := func(i int) bool { return depth[i] >= 0.5*r.Depth }
	onlyIf := func(ok bool, v float64) float64 {
		if !ok {
			return nan
		}
		return v
	}
	fppaOK := func(i int) bool { sf := side(i); return sf.Reliable && sf.FPPAReliable && !math.IsNaN(sf.FPPA) }
	fppa := func(i int) float64 { return onlyIf(fppaOK(i), side(i).FPPA) }
	fppaChange := func(i int) float64 { return onlyIf(fppaOK(i), side(i).FPPAChange) }
	frames, bad, deepN, deepUnrel := 0, 0, 0, 0
	for i := r.Start; i <= r.End; i++ {
		frames++
		if !side(i).Reliable {
			bad++
		}
		if deep(i) {
			deepN++
			if !fppaOK(i) {
				deepUnrel++
			}
		}
	}
	rs.PeakFPPA, _ = sustainedMax(fppa, r.Start, r.End, sk)
	rs.PeakFPPAChange, _ = sustainedMax(fppaChange, r.Start, r.End, sk)
	var kvtAt int
	rs.KneeVsToe, kvtAt = sustainedMax(func(i int) float64 { return onlyIf(deep(i) && side(i).Reliable, side(i).KneeVsToe) }, r.Start, r.End, sk)
	if kvtAt >= 0 {
		rs.KneeVsToeS, rs.KneeVsToePhase = times[kvtAt], peakPhase(kvtAt, r, times)
	}
	rs.KneeVsToeChange, _ = sustainedMax(func(i int) float64 {
		return onlyIf(deep(i) && side(i).Reliable, side(i).KneeVsToe-res.Baseline.KneeVsToe[s])
	}, r.Start, r.End, sk)
	rs.KneeVsToe3D, _ = sustainedMax(func(i int) float64 { return onlyIf(deep(i), side(i).KneeVsToe3D) }, r.Start, r.End, sk)
	rs.KneeMedial, _ = sustainedMax(func(i int) float64 { return onlyIf(side(i).Reliable, side(i).KneeMedial) }, r.Start, r.End, sk)
	rs.MKD, _ = sustainedMax(func(i int) float64 { return onlyIf(side(i).Reliable, side(i).MKD) }, r.Start, r.End, sk)
	rs.MKD3D, _ = sustainedMax(func(i int) float64 { return side(i).MKD3D }, r.Start, r.End, sk)
	if opt.HeightCM > 0 {
		legCM := legPerHeight * opt.HeightCM
		if !math.IsNaN(rs.KneeVsToe) {
			rs.KneeVsToeCM = rs.KneeVsToe * shankPerHeight * opt.HeightCM
		}
		rs.MKDCM = rs.MKD * legCM
		if !math.IsNaN(rs.MKD3D) {
			rs.MKDCM = rs.MKD3D * legCM
		}
	}

	rs.MKDDeg, _ = sustainedMax(func(i int) float64 { return onlyIf(side(i).Reliable, side(i).MKDDeg) }, r.Start, r.End, sk)

	// the graded measure (SideFrame.GradedDeg) and the level at which
	// valgus counts as started
	graded := func(i int) float64 { return side(i).GradedDeg }
	onset := th.OnsetFPPAChangeDeg
	peakVal, peak := sustainedMax(graded, r.Start, r.End, sk)
	if bilateral {
		rs.CaveDeg = peakVal
		// a cave starts where it becomes mild: the angle is 0 for a knee
		// tracking straight, so there is no standing noise to clear
		onset = th.KneeCaveDeg.Mild
	} else {
		rs.PeakValgusDeg = peakVal
	}
	rs.GradedDeg = peakVal

	fracBad := float64(bad) / float64(frames)
	rs.Quality = QualityGood
	switch {
	case peak < 0:
		rs.Quality = QualityPoor
		rs.Notes = append(rs.Notes, Note{Kind: NoteRepNoReliable})
	case fracBad > poorRepFrac:
		rs.Quality = QualityPoor
		rs.Notes = append(rs.Notes, Note{Kind: NoteRepUnreliable, Limit: poorRepFrac})
	case fracBad > fairRepFrac:
		rs.Quality = QualityFair
		rs.Notes = append(rs.Notes, Note{Kind: NoteRepPartlyUnreliable})
	}
	if !bilateral && deepN > 0 && float64(deepUnrel)/float64(deepN) > 0.5 && rs.Quality == QualityGood {
		rs.Quality = QualityFair
		rs.Notes = append(rs.Notes, Note{Kind: NoteRepThighAtCamera})
	}
	if peak < 0 {
		return rs
	}
	rs.PeakS = times[peak]
	if dur := times[r.End] - times[r.Start]; dur > 0 {
		rs.PeakPct = 100 * (times[peak] - times[r.Start]) / dur
	}
	rs.PeakPhase = body.PhaseNone
	if peakVal >= onset {
		rs.PeakPhase = peakPhase(peak, r, times)
		rs.HasOnset = true
		on := peak
		for i := peak - 1; i >= r.Start; i-- {
			c := graded(i)
			if math.IsNaN(c) {
				continue
			}
			if c < onset {
				break
			}
			on = i
		}
		rs.OnsetS, rs.OnsetDepth = times[on], depth[on]
		// recovered: the last tenth of the rep is back below the onset
		tail := max(1, (r.End-r.Start)/10)
		sum, n := 0.0, 0
		for i := r.End - tail + 1; i <= r.End; i++ {
			if c := graded(i); !math.IsNaN(c) {
				sum += c
				n++
			}
		}
		rs.Recovered = n > 0 && sum/float64(n) < onset
	}
	return rs
}

// peakPhase is the phase of sample i within rep r (phaseOf), times giving
// each sample's time.
func peakPhase(i int, r motion.Rep, times []float64) body.Phase {
	return phaseOf(i, r, func(k int) float64 { return times[k] })
}

// PhaseAt is the phase of the set's frame i within rep r, by the rule the
// peaks' phases (RepSide.PeakPhase) are named with.
func (res *SetResult) PhaseAt(i int, r motion.Rep) body.Phase {
	return phaseOf(i, r, func(k int) float64 { return res.Frames[k].Time })
}

// phaseOf is the phase of sample i within rep r: descent, bottom, out of
// the hole (the first third of the ascent's time) or the rest of the
// ascent; t gives a sample's time.
func phaseOf(i int, r motion.Rep, t func(int) float64) body.Phase {
	switch {
	case i < r.BottomStart:
		return body.PhaseDescent
	case i <= r.BottomEnd:
		return body.PhaseBottom
	case t(i)-t(r.BottomEnd) <= (t(r.End)-t(r.BottomEnd))/3:
		return body.PhaseOutOfTheHole
	}
	return body.PhaseAscent
}

// grade classifies one leg's valgus in one rep, always on a change from
// standing held for Thresholds.SustainS.
//
// Squats on both legs: the knee's cave angle (RepSide.CaveDeg): how far the
// knee moved towards the midline as far as both knees together closed in
// (kneeCave, from each knee's medial displacement from its hip-ankle line),
// over the bent knee's offset from that line, so both knees shifting the
// same way grades neither. FPPA itself has no norm for these squats and
// misleads at depth (the thigh seen end on); knee-vs-toes varies with how
// far the feet turn out: both are shown, neither grades. A second route,
// which a misread cave angle does not share: a knee whose rep holds the
// knees closer than Thresholds.KASRCave.Below times the ankles' separation
// at depth while that knee itself moves in (RepSide.KASRDeep) is graded at
// least moderate (basis "kasr"). KASR depends on stance, so this route
// never grades severe and never lowers a grade.
//
// Single-leg squats: the FPPA rise against the sex-specific norms; split
// squats: the FPPA rise against the split-squat bands.
func grade(rs RepSide, mv body.Movement, th Thresholds, sex Sex) (Severity, []string) {
	bands := th.GradedBands(mv, sex)
	sev, basis := bands.Classify(rs.PeakValgusDeg), "fppa_change"
	if mv == body.MoveBilateralSquat {
		sev, basis = bands.Classify(rs.CaveDeg), "knee_cave"
		if th.KASRCave.holds(rs.KASRDeep) {
			if sev.Rank() >= SevModerate.Rank() {
				return sev, []string{basis, "kasr"}
			}
			return SevModerate, []string{"kasr"}
		}
	}
	if basis == "fppa_change" && !(rs.PeakFPPAChange >= rs.PeakValgusDeg-1e-9) {
		basis = "mkd"
	}
	if sev == SevNone || sev == SevUnknown {
		return sev, nil
	}
	return sev, []string{basis}
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
