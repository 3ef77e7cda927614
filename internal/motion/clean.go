package motion

import (
	"fmt"
	"math"
	"sort"

	"github.com/kneetrack/kneetrack/internal/track"
)

// CleanOptions controls Clean. Zero fields take the defaults noted. The
// analysis uses the defaults; the pose step (pose.Clean) sets its own
// confidence and gap limits and both Keep switches.
type CleanOptions struct {
	// MinConf: points with lower confidence are low-confidence and count
	// as missing (default 0.3).
	MinConf float64
	// MaxGapS: the longest gap, in seconds, that is filled by
	// interpolation (default 0.3 s); longer gaps are reported.
	MaxGapS float64
	// CutoffHz is the low-pass cut-off (default 6 Hz, which keeps the
	// movement of squats and removes keypoint jitter); negative disables
	// filtering.
	CutoffHz float64
	// Order is the Butterworth order of one pass (default 2; FiltFilt runs
	// it twice, giving a zero-phase 4th-order response).
	Order int
	// KeepTimes keeps every frame at its true timestamp when the frame
	// rate varies: each run of usable samples is then filtered on a
	// uniform resampling and read back at the true times. Without it a
	// track with irregular timestamps is resampled as a whole to its median
	// rate (CleanReport.Resampled), which the analysis wants because its
	// speeds and phases assume a uniform rate.
	KeepTimes bool
	// KeepLowConfGaps leaves the points of a gap too long to fill as they
	// were observed, with their low confidence (or none). Without it they
	// are marked missing (confidence 0), so nothing downstream uses them.
	KeepLowConfGaps bool
}

func (o CleanOptions) withDefaults() CleanOptions {
	if o.MinConf == 0 {
		o.MinConf = 0.3
	}
	if o.MaxGapS == 0 {
		o.MaxGapS = 0.3
	}
	if o.CutoffHz == 0 {
		o.CutoffHz = 6
	}
	if o.Order == 0 {
		o.Order = 2
	}
	return o
}

// KeypointGap is a stretch of frames where a keypoint stayed missing or
// low-confidence after cleaning, because it was too long to fill.
type KeypointGap struct {
	Keypoint     string
	StartS, EndS float64 // times of its first and last frame
	Frames       int
}

// CleanReport says what Clean did.
type CleanReport struct {
	Resampled     bool          // timestamps were irregular and the track was resampled
	RateHz        float64       // sample rate the filter assumed (the median frame rate)
	Filtered      bool          // the low-pass filter ran
	CutoffHz      float64       // its cut-off
	LowConfPoints int           // observed points below MinConf
	FilledPoints  int           // points interpolated across short gaps
	LongGaps      []KeypointGap // gaps too long to fill (a keypoint never seen is not one)
	Notes         []string
}

// minRun is the shortest run of usable samples that is filtered. The same
// floor serves both paths (direct, and resampled for KeepTimes): a shorter
// run is mostly its padded ends and would only be bent towards them.
const minRun = 4

// Clean returns a cleaned copy of t (t is not changed): low-confidence
// points and short gaps filled by linear interpolation (marked Filled, with
// the lower confidence of the observations either side), and every usable
// coordinate (image x, y, depth z and world position) smoothed by a
// zero-phase Butterworth low-pass. Irregular timestamps (variable frame
// rate) are resampled to a uniform rate unless opt.KeepTimes is set.
func Clean(t *track.Track, opt CleanOptions) (*track.Track, CleanReport, error) {
	opt = opt.withDefaults()
	var rep CleanReport
	if err := t.Validate(); err != nil {
		return nil, rep, fmt.Errorf("cleaning track: %w", err)
	}
	out := t.Clone()
	rate, irregular := frameRate(out.Times())
	if irregular && !opt.KeepTimes {
		out = resample(out, rate)
		irregular = false
		rep.Resampled = true
		rep.Notes = append(rep.Notes, fmt.Sprintf("timestamps were irregular; resampled to %.2f frames per second", rate))
	}
	rep.RateHz = rate
	// A gap is filled only when it is no longer than MaxGapS: rounding
	// would let through gaps up to half a frame longer (8 frames = 0.267 s
	// at 30 fps for a 0.25 s limit). The tolerance absorbs float error.
	maxGap := int(math.Floor(opt.MaxGapS*rate + 1e-9))
	f := runFilter{times: out.Times(), rate: rate, irregular: irregular}
	if opt.CutoffHz > 0 && len(out.Frames) > 1 {
		lp, err := NewButterworth(opt.Order, opt.CutoffHz, rate)
		if err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("no smoothing: %v", err))
		} else {
			f.lp = lp
			rep.Filtered, rep.CutoffHz = true, opt.CutoffHz
		}
	}
	for k := range out.Keypoints {
		cleanKeypoint(out, k, opt, maxGap, f, &rep)
	}
	out.FillNormalised()
	return out, rep, nil
}

// cleanKeypoint fills and filters keypoint k of t in place. Image
// coordinates (x, y, z) are usable where the point is found with at least
// MinConf; world positions where, in addition, the point has one, so a
// track with world positions on some points only never mixes in zeros.
func cleanKeypoint(t *track.Track, k int, opt CleanOptions, maxGap int, f runFilter, rep *CleanReport) {
	n := len(t.Frames)
	var img, wld [3][]float64
	for c := range img {
		img[c], wld[c] = make([]float64, n), make([]float64, n)
	}
	valid, wvalid := make([]bool, n), make([]bool, n)
	conf := make([]float64, n)
	seen := false
	for i := range t.Frames {
		p := t.Frames[i].Points[k]
		seen = seen || p.Valid()
		valid[i] = p.Valid() && p.Conf >= opt.MinConf
		if p.Valid() && !valid[i] {
			rep.LowConfPoints++
		}
		wvalid[i] = valid[i] && p.HasWorld
		conf[i] = p.Conf
		img[0][i], img[1][i], img[2][i] = p.X, p.Y, p.Z
		wld[0][i], wld[1][i], wld[2][i] = p.World.X, p.World.Y, p.World.Z
	}
	ok, filled, open := fillAll(&img, valid, maxGap)
	wok, _, _ := fillAll(&wld, wvalid, maxGap)
	if seen { // a keypoint never seen at all is absent, not a gap
		for _, g := range open {
			rep.LongGaps = append(rep.LongGaps, KeypointGap{Keypoint: t.Keypoints[k],
				StartS: t.Frames[g.Start].Time, EndS: t.Frames[g.End-1].Time, Frames: g.Len()})
		}
	}
	for c := range img {
		f.apply(img[c], ok)
		f.apply(wld[c], wok)
	}
	for i := range t.Frames {
		p := &t.Frames[i].Points[k]
		if !ok[i] {
			if !opt.KeepLowConfGaps {
				p.Conf = 0
			}
			continue
		}
		if filled[i] {
			p.Conf = neighbourConf(conf, valid, i)
			p.Filled = true
			rep.FilledPoints++
		}
		p.X, p.Y, p.Z = img[0][i], img[1][i], img[2][i]
		if wok[i] { // never outside ok: world gaps contain image gaps
			p.World = track.Vec3{X: wld[0][i], Y: wld[1][i], Z: wld[2][i]}
			p.HasWorld = true
		}
	}
}

// fillAll fills the short gaps of every series in s with FillGaps and
// returns the (shared) usable mask, which samples were filled and the gaps
// left open.
func fillAll(s *[3][]float64, valid []bool, maxGap int) (ok, filled []bool, open []Gap) {
	for c := range s {
		s[c], ok, filled, open = FillGaps(s[c], valid, maxGap)
	}
	return ok, filled, open
}

// neighbourConf is the confidence given to a filled sample i: the lower of
// the nearest usable observations on either side, so that quality checks
// see it as no better than them. A filled gap always has one on at least
// one side.
func neighbourConf(conf []float64, valid []bool, i int) float64 {
	c := 1.0
	for j := i - 1; j >= 0; j-- {
		if valid[j] {
			c = math.Min(c, conf[j])
			break
		}
	}
	for j := i + 1; j < len(valid); j++ {
		if valid[j] {
			c = math.Min(c, conf[j])
			break
		}
	}
	return c
}

// runFilter low-pass filters runs of usable samples; a nil lp leaves them
// as they are.
type runFilter struct {
	lp        *LowPass
	times     []float64
	rate      float64
	irregular bool // filter on a uniform resampling and read back at times
}

// apply filters each run of at least minRun consecutive usable samples of
// x in place.
func (f runFilter) apply(x []float64, ok []bool) {
	if f.lp == nil {
		return
	}
	for i := 0; i < len(x); {
		if !ok[i] {
			i++
			continue
		}
		j := i
		for j < len(x) && ok[j] {
			j++
		}
		switch {
		case j-i < minRun:
		case f.irregular:
			filterResampled(f.lp, f.times[i:j], x[i:j], f.rate)
		default:
			copy(x[i:j], f.lp.FiltFilt(x[i:j]))
		}
		i = j
	}
}

// filterResampled filters samples x taken at times ts (increasing,
// irregular) by linear resampling to rate, filtering, and linear
// interpolation back.
func filterResampled(lp *LowPass, ts, x []float64, rate float64) {
	t0, t1 := ts[0], ts[len(ts)-1]
	n := int(math.Floor((t1-t0)*rate+1e-9)) + 1
	if n < minRun {
		return
	}
	grid := make([]float64, n)
	j := 0
	for g := range grid {
		tm := t0 + float64(g)/rate
		for j < len(ts)-2 && ts[j+1] < tm {
			j++
		}
		grid[g] = x[j] + lerpFrac(ts[j], ts[j+1], tm)*(x[j+1]-x[j])
	}
	f := lp.FiltFilt(grid)
	for i, tm := range ts {
		u := (tm - t0) * rate
		g := min(int(math.Floor(u)), n-1)
		if g >= n-1 {
			// past the last grid point (at most one interval): hold it.
			x[i] = f[n-1] + (x[i] - grid[n-1])
			continue
		}
		x[i] = f[g] + (u-float64(g))*(f[g+1]-f[g])
	}
}

// lerpFrac is where tm lies between ta and tb, as a fraction clamped to
// 0..1 (0 when the two coincide).
func lerpFrac(ta, tb, tm float64) float64 {
	if tb <= ta {
		return 0
	}
	return math.Max(0, math.Min(1, (tm-ta)/(tb-ta)))
}

// frameRate returns the rate implied by the median frame interval and
// whether the intervals are irregular (any differs from the median by more
// than 20%).
func frameRate(ts []float64) (rate float64, irregular bool) {
	if len(ts) < 2 {
		return 30, false
	}
	d := make([]float64, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		d[i-1] = ts[i] - ts[i-1]
	}
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + med) / 2
	}
	for _, v := range d {
		if math.Abs(v-med) > 0.2*med {
			irregular = true
			break
		}
	}
	return 1 / med, irregular
}

// resample returns t on a uniform time grid at rate, interpolating each
// point linearly between the frames around each grid time. A grid point
// whose neighbouring frames do not both have the keypoint gets it missing.
func resample(t *track.Track, rate float64) *track.Track {
	t0, t1 := t.Frames[0].Time, t.Frames[len(t.Frames)-1].Time
	n := int(math.Floor((t1-t0)*rate+1e-9)) + 1
	out := &track.Track{Skeleton: t.Skeleton, Keypoints: t.Keypoints, Video: t.Video, WorldUp: t.WorldUp,
		Frames: make([]track.Frame, n)}
	j := 0
	for i := 0; i < n; i++ {
		tm := t0 + float64(i)/rate
		for j < len(t.Frames)-2 && t.Frames[j+1].Time < tm {
			j++
		}
		a, b := t.Frames[j], t.Frames[min(j+1, len(t.Frames)-1)]
		u := lerpFrac(a.Time, b.Time, tm)
		f := track.Frame{Index: i, Time: tm, Points: make([]track.Point, len(t.Keypoints))}
		for k := range t.Keypoints {
			pa, pb := a.Points[k], b.Points[k]
			var p track.Point
			if pa.Valid() && pb.Valid() {
				p.X = pa.X + u*(pb.X-pa.X)
				p.Y = pa.Y + u*(pb.Y-pa.Y)
				p.Z = pa.Z + u*(pb.Z-pa.Z)
				p.Conf = math.Min(pa.Conf, pb.Conf)
				p.Filled = pa.Filled || pb.Filled
			}
			if pa.HasWorld && pb.HasWorld {
				p.World = pa.World.Add(pb.World.Sub(pa.World).Scale(u))
				p.HasWorld = true
			}
			f.Points[k] = p
		}
		out.Frames[i] = f
	}
	return out
}
