package valgus

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/kneetrack/kneetrack/internal/body"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Trend is a straight-line fit of a per-rep value against rep number (or of
// a per-set value against load), with its 95% confidence interval.
type Trend struct {
	N         int
	Slope     float64 // per rep (or per kg)
	CILow     float64
	CIHigh    float64
	Intercept float64
	// FirstMean and LastMean average the first and last third of the reps
	// (at least one each).
	FirstMean, LastMean float64
	// Verdict: "worsening" (CI above 0), "improving" (CI below 0),
	// "no clear trend", or "too few reps". Set trends also need a fitted
	// change of at least Thresholds.FatigueMinChangeDeg over the set.
	Verdict string
}

// Trend verdicts.
const (
	TrendWorsening = "worsening"
	TrendImproving = "improving"
	TrendUnclear   = "no clear trend"
	TrendTooFew    = "too few reps"
)

// FitTrend fits y = a + b·x by least squares and gives b's 95% confidence
// interval from Student's t with n-2 degrees of freedom. Fewer than 3 points
// give the verdict TrendTooFew and NaN interval.
func FitTrend(x, y []float64) Trend {
	nan := math.NaN()
	t := Trend{N: len(x), Slope: nan, CILow: nan, CIHigh: nan, Intercept: nan, FirstMean: nan, LastMean: nan, Verdict: TrendTooFew}
	n := len(x)
	if n == 0 {
		return t
	}
	third := max(1, n/3)
	t.FirstMean, t.LastMean = stat.Mean(y[:third], nil), stat.Mean(y[n-third:], nil)
	if n < 3 {
		if n == 2 && x[1] != x[0] {
			t.Slope = (y[1] - y[0]) / (x[1] - x[0])
		}
		return t
	}
	mx, my := stat.Mean(x, nil), stat.Mean(y, nil)
	var sxx, sxy float64
	for i := range x {
		sxx += (x[i] - mx) * (x[i] - mx)
		sxy += (x[i] - mx) * (y[i] - my)
	}
	if sxx == 0 {
		return t
	}
	t.Slope = sxy / sxx
	t.Intercept = my - t.Slope*mx
	var ssr float64
	for i := range x {
		e := y[i] - (t.Intercept + t.Slope*x[i])
		ssr += e * e
	}
	se := math.Sqrt(ssr / float64(n-2) / sxx)
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}.Quantile(0.975)
	t.CILow, t.CIHigh = t.Slope-q*se, t.Slope+q*se
	switch {
	case t.CILow > 0:
		t.Verdict = TrendWorsening
	case t.CIHigh < 0:
		t.Verdict = TrendImproving
	default:
		t.Verdict = TrendUnclear
	}
	return t
}

// Asymmetry compares the legs over a set.
type Asymmetry struct {
	// MeanDiffDeg is the mean, over the reps in which a knee caves, of right
	// minus left graded measure (positive: the right knee caves more).

	MeanDiffDeg float64
	// Side is the leg that caves more ("left", "right") when the difference
	// exceeds the asymmetry threshold and points the same way in at least
	// three quarters of the reps; otherwise "".
	Side string
	// Consistent is the fraction of reps in which the difference has the
	// sign of the mean.
	Consistent float64
}

// Consistency describes how repeatable a leg's knee path is.
type Consistency struct {
	PeakSDDeg float64 // standard deviation of peak FPPA over reps
	// PathRMSDeg is the root-mean-square distance of each rep's FPPA curve
	// (over 0-100% of the rep) from the set's mean curve.
	PathRMSDeg float64
}

// Stance describes the feet.
type Stance struct {
	AnkleHipRatio      float64 // ankle separation / hip width
	AnkleShoulderRatio float64 // NaN without shoulders
	ToeOutDeg          [2]float64
	Wide               bool // beyond the shoulder-ratio threshold
	ToesOut            bool // beyond the toe-out threshold
}

// SetSummary sums up a set.
type SetSummary struct {
	Reps        int // full reps (partial ones excluded from trends)
	PartialReps int
	// Fatigue is each leg's trend of peak FPPA over the full reps.
	Fatigue [2]Trend
	// KASRTrend is the trend of each rep's KASR minimum (falling = worse).
	KASRTrend Trend
	// AscentVelocity per full rep (leg lengths/s) and the loss from the
	// faster of the first two reps to the last, in percent.
	AscentVelocity  []float64
	VelocityLossPct float64
	VelocityFlag    bool
	Asymmetry       Asymmetry
	Consistency     [2]Consistency
	Stance          Stance
	Worst           [2]Severity
	// Findings are the facts worth telling, with their evidence (package
	// words says them).
	Findings []Finding
}

func summarise(res *SetResult, th Thresholds) SetSummary {
	var sm SetSummary
	var full []RepResult
	for _, r := range res.Reps {
		if r.Partial {
			sm.PartialReps++
			continue
		}
		full = append(full, r)
	}
	sm.Reps = len(full)
	for s := 0; s < 2; s++ {
		var x, y []float64
		sm.Worst[s] = SevNotAssessed
		for _, r := range res.Reps {
			rs := r.Side[s]
			if rs.Assessed {
				if sm.Worst[s] == SevNotAssessed {
					sm.Worst[s] = rs.Severity
				} else {
					sm.Worst[s] = maxSeverity(sm.Worst[s], rs.Severity)
				}
			}
		}
		for _, r := range full {
			rs := r.Side[s]
			if rs.Assessed && rs.Quality != QualityPoor && !math.IsNaN(rs.GradedDeg) {
				x = append(x, float64(r.Index))
				y = append(y, rs.GradedDeg)
			}
		}
		sm.Fatigue[s] = FitTrend(x, y)
		if f := &sm.Fatigue[s]; f.N >= 3 && math.Abs(f.Slope*(x[len(x)-1]-x[0])) < th.FatigueMinChangeDeg {
			f.Verdict = TrendUnclear
		}
		sm.Consistency[s] = consistency(res, full, body.Side(s))
	}
	var kx, ky []float64
	for _, r := range full {
		if !math.IsNaN(r.KASRMin) {
			kx = append(kx, float64(r.Index))
			ky = append(ky, r.KASRMin)
		}
		sm.AscentVelocity = append(sm.AscentVelocity, r.Tempo.AscentVelocity)
	}
	if res.Movement == body.MoveBilateralSquat {
		sm.KASRTrend = FitTrend(kx, ky)
	} else {
		sm.KASRTrend = FitTrend(nil, nil)
	}
	sm.VelocityLossPct = math.NaN()
	if v := sm.AscentVelocity; len(v) >= 3 {
		best := math.Max(v[0], v[1])
		if best > 0 {
			sm.VelocityLossPct = 100 * (best - v[len(v)-1]) / best
			sm.VelocityFlag = sm.VelocityLossPct >= th.VelocityLossPct
		}
	}
	sm.Asymmetry = asymmetry(full, res.Movement, th)
	bl := res.Baseline
	sm.Stance = Stance{AnkleHipRatio: bl.StanceHip, AnkleShoulderRatio: bl.StanceShoulder, ToeOutDeg: bl.ToeOutDeg}
	sm.Stance.Wide = bl.StanceShoulder > th.StanceShoulderRatio
	sm.Stance.ToesOut = bl.ToeOutDeg[0] > th.ToeOutDeg || bl.ToeOutDeg[1] > th.ToeOutDeg
	sm.Findings = setFindings(res, &sm, full, th)
	return sm
}

// asymmetry compares the legs' graded measures over the reps in which at
// least one knee caves (reaches the movement's mild bound): reps in which
// neither does say nothing about which caves more.
func asymmetry(full []RepResult, mv body.Movement, th Thresholds) Asymmetry {
	mild := th.KneeCaveDeg.Mild
	if mv != body.MoveBilateralSquat {
		mild = th.SplitSquatFPPA.Mild
	}
	var d []float64
	for _, r := range full {
		l, rr := r.Side[body.Left], r.Side[body.Right]
		if l.Assessed && rr.Assessed && !math.IsNaN(l.GradedDeg) && !math.IsNaN(rr.GradedDeg) &&
			math.Max(l.GradedDeg, rr.GradedDeg) >= mild {
			d = append(d, rr.GradedDeg-l.GradedDeg)
		}
	}
	a := Asymmetry{MeanDiffDeg: math.NaN(), Consistent: math.NaN()}
	if len(d) == 0 {
		return a
	}
	a.MeanDiffDeg = stat.Mean(d, nil)
	same := 0
	for _, x := range d {
		if (x > 0) == (a.MeanDiffDeg > 0) {
			same++
		}
	}
	a.Consistent = float64(same) / float64(len(d))
	if math.Abs(a.MeanDiffDeg) > th.AsymmetryDeg && a.Consistent >= 0.75 {
		a.Side = "left"
		if a.MeanDiffDeg > 0 {
			a.Side = "right"
		}
	}
	return a
}

// consistency compares the reps' FPPA curves, each resampled over 0-100% of
// its duration.
func consistency(res *SetResult, full []RepResult, s body.Side) Consistency {
	const pts = 51
	c := Consistency{PeakSDDeg: math.NaN(), PathRMSDeg: math.NaN()}
	var peaks []float64
	var curves [][]float64
	for _, r := range full {
		rs := r.Side[s]
		if !rs.Assessed || math.IsNaN(rs.PeakFPPA) {
			continue
		}
		peaks = append(peaks, rs.PeakFPPA)
		curve := make([]float64, pts)
		okCurve := true
		for j := 0; j < pts; j++ {
			pos := float64(r.Rep.Start) + float64(j)/float64(pts-1)*float64(r.Rep.End-r.Rep.Start)
			i0 := int(math.Floor(pos))
			i1 := min(i0+1, r.Rep.End)
			a, b := res.Frames[i0].Side[s].FPPAChange, res.Frames[i1].Side[s].FPPAChange
			if math.IsNaN(a) || math.IsNaN(b) {
				okCurve = false
				break
			}
			curve[j] = a + (pos-float64(i0))*(b-a)
		}
		if okCurve {
			curves = append(curves, curve)
		}
	}
	c.PeakSDDeg = stat.StdDev(peaks, nil)
	if len(curves) >= 2 {
		sum := 0.0
		for j := 0; j < pts; j++ {
			col := make([]float64, len(curves))
			for k := range curves {
				col[k] = curves[k][j]
			}
			m := stat.Mean(col, nil)
			for _, v := range col {
				sum += (v - m) * (v - m)
			}
		}
		c.PathRMSDeg = math.Sqrt(sum / float64(pts*len(curves)))
	}
	return c
}

// LoadPoint is one set's fresh (fatigue-free) valgus at its load.
type LoadPoint struct {
	Set    int // index into the session's sets
	LoadKG float64
	// FreshPeakDeg is the mean peak FPPA change of the set's first two full
	// reps, before fatigue builds up.
	FreshPeakDeg float64
	Severity     Severity // worst of those reps
	// Basis names the measures that set the class of those reps (as in
	// SideResult.Basis); FreshKneeVsToe is their largest knee-vs-toes
	// offset (shank lengths) and FreshKASR their lowest KASR, NaN when not
	// measured.
	Basis          []string
	FreshKneeVsToe float64
	FreshKASR      float64
}

// LoadTrend is one leg's valgus against load across sets.
type LoadTrend struct {
	Points []LoadPoint
	// Status: "appears_from" (AppearsFromKG set), "all_loads" (present at
	// every load), "not_seen", or "no_loads" (loads not given or all equal).
	Status        string
	AppearsFromKG float64
	// Per10KG fits fresh peak FPPA change against load (degrees per 10 kg).
	Per10KG Trend
}

// Load trend statuses.
const (
	LoadAppearsFrom = "appears_from"
	LoadAllLoads    = "all_loads"
	LoadNotSeen     = "not_seen"
	LoadNoLoads     = "no_loads"
)

// SessionResult is the analysis of several sets.
type SessionResult struct {
	Sets []*SetResult
	// Thresholds are the ones every set was graded with.
	Thresholds Thresholds
	Load       [2]LoadTrend
	// MeanFatigueSlope averages each leg's within-set trend (degrees per
	// rep) over the sets that have one.
	MeanFatigueSlope [2]float64
	Findings         []Finding
}

// AnalyzeSession puts sets side by side: valgus against load, measured on
// each set's first reps so that it is not confused with fatigue within the
// set, and the average within-set fatigue trend. It grades with the
// thresholds the sets were analysed with, which must be the same for all.
func AnalyzeSession(sets []*SetResult) (*SessionResult, error) {
	if len(sets) == 0 {
		return nil, ErrNoSets
	}
	t := sets[0].Thresholds
	for k, set := range sets[1:] {
		if set.Thresholds != t {
			return nil, fmt.Errorf("analysing the session: set %d was analysed with other thresholds than set 1", k+2)
		}
	}
	ss := &SessionResult{Sets: sets, Thresholds: t}
	for s := 0; s < 2; s++ {
		var slopes []float64
		for _, set := range sets {
			if f := set.Summary.Fatigue[s]; set.Analysed && !math.IsNaN(f.Slope) && f.N >= 3 {
				slopes = append(slopes, f.Slope)
			}
		}
		ss.MeanFatigueSlope[s] = stat.Mean(slopes, nil)
		ss.Load[s] = loadTrend(sets, body.Side(s))
	}
	ss.Findings = sessionFindings(ss, t)
	return ss, nil
}

func loadTrend(sets []*SetResult, s body.Side) LoadTrend {
	lt := LoadTrend{Status: LoadNoLoads, AppearsFromKG: math.NaN(), Per10KG: FitTrend(nil, nil)}
	for k, set := range sets {
		if !set.Analysed || !set.HasLoad {
			continue
		}
		var fresh []float64
		sev := SevNotAssessed
		p := LoadPoint{Set: k, LoadKG: set.LoadKG, FreshKneeVsToe: math.NaN(), FreshKASR: math.NaN()}
		for _, r := range set.Reps {
			if r.Partial || !r.Side[s].Assessed || len(fresh) == 2 {
				continue
			}
			if v := r.Side[s].GradedDeg; !math.IsNaN(v) && r.Side[s].Quality != QualityPoor {
				fresh = append(fresh, v)
				if sev == SevNotAssessed {
					sev = r.Side[s].Severity
				} else {
					sev = maxSeverity(sev, r.Side[s].Severity)
				}
				for _, b := range r.Side[s].Basis {
					if !slices.Contains(p.Basis, b) {
						p.Basis = append(p.Basis, b)
					}
				}
				if v := r.Side[s].KneeVsToe; !math.IsNaN(v) && !(v <= p.FreshKneeVsToe) {
					p.FreshKneeVsToe = v
				}
				if v := r.KASRMin; !math.IsNaN(v) && !(v >= p.FreshKASR) {
					p.FreshKASR = v
				}
			}
		}
		if len(fresh) == 0 {
			continue
		}
		p.FreshPeakDeg, p.Severity = stat.Mean(fresh, nil), sev
		lt.Points = append(lt.Points, p)
	}
	sort.SliceStable(lt.Points, func(i, j int) bool { return lt.Points[i].LoadKG < lt.Points[j].LoadKG })
	distinct := map[float64]bool{}
	for _, p := range lt.Points {
		distinct[p.LoadKG] = true
	}
	if len(distinct) < 2 {
		return lt
	}
	var x, y []float64
	for _, p := range lt.Points {
		x = append(x, p.LoadKG/10)
		y = append(y, p.FreshPeakDeg)
	}
	lt.Per10KG = FitTrend(x, y)
	// Smallest load from which every heavier set shows valgus.
	present := func(p LoadPoint) bool { return p.Severity.Rank() >= 1 }
	from := -1
	for i := len(lt.Points) - 1; i >= 0; i-- {
		if !present(lt.Points[i]) {
			break
		}
		from = i
	}
	switch {
	case from == 0:
		lt.Status = LoadAllLoads
	case from < 0:
		lt.Status = LoadNotSeen
	default:
		lt.Status = LoadAppearsFrom
		lt.AppearsFromKG = lt.Points[from].LoadKG
	}
	return lt
}
