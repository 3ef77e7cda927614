package motion

import (
	"fmt"
	"math"
	"sort"

	"github.com/kneetrack/kneetrack/internal/track"
)

// CleanOptions controls Clean. Zero fields take the defaults noted.
type CleanOptions struct {
	// MinConf: points with lower confidence count as missing (default 0.3).
	MinConf float64
	// MaxGapS: gaps up to this long are interpolated (default 0.3 s); longer
	// gaps stay missing and are reported.
	MaxGapS float64
	// CutoffHz is the low-pass cut-off (default 6 Hz, which keeps the
	// movement of squats and removes keypoint jitter); negative disables
	// filtering.
	CutoffHz float64
	// Order is the Butterworth order of one pass (default 2; FiltFilt runs
	// it twice, giving a zero-phase 4th-order response).
	Order int
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

// KeypointGap is a stretch where a keypoint stayed missing after cleaning.
type KeypointGap struct {
	Keypoint     string
	StartS, EndS float64
}

// CleanReport says what Clean did.
type CleanReport struct {
	Resampled    bool    // timestamps were irregular and the track was resampled
	RateHz       float64 // sample rate after cleaning
	Filtered     bool
	CutoffHz     float64
	FilledPoints int           // points interpolated across short gaps
	LongGaps     []KeypointGap // gaps too long to fill
	Notes        []string
}

// Clean returns a cleaned copy of t: resampled to a uniform rate when its
// timestamps are irregular (variable-frame-rate video), short gaps filled,
// and every coordinate low-pass filtered with a zero-phase Butterworth
// filter. Points below MinConf are treated as missing.
func Clean(t *track.Track, opt CleanOptions) (*track.Track, CleanReport, error) {
	opt = opt.withDefaults()
	var rep CleanReport
	if err := t.Validate(); err != nil {
		return nil, rep, fmt.Errorf("cleaning track: %w", err)
	}
	out := t.Clone()
	rate, irregular := frameRate(out.Times())
	if irregular {
		out = resample(out, rate)
		rep.Resampled = true
		rep.Notes = append(rep.Notes, fmt.Sprintf("timestamps were irregular; resampled to %.2f frames per second", rate))
	}
	rep.RateHz = rate
	maxGap := int(math.Round(opt.MaxGapS * rate))
	var lp *LowPass
	if opt.CutoffHz > 0 && len(out.Frames) > 1 {
		var err error
		lp, err = NewButterworth(opt.Order, opt.CutoffHz, rate)
		if err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("no smoothing: %v", err))
			lp = nil
		} else {
			rep.Filtered, rep.CutoffHz = true, opt.CutoffHz
		}
	}
	n := len(out.Frames)
	xs, ys := make([]float64, n), make([]float64, n)
	valid := make([]bool, n)
	for k, name := range out.Keypoints {
		for i := range out.Frames {
			p := out.Frames[i].Points[k]
			valid[i] = p.Valid() && p.Conf >= opt.MinConf
			xs[i], ys[i] = p.X, p.Y
		}
		fx, ok, filled, open := FillGaps(xs, valid, maxGap)
		fy, _, _, _ := FillGaps(ys, valid, maxGap)
		for _, g := range open {
			rep.LongGaps = append(rep.LongGaps, KeypointGap{name, out.Frames[g.Start].Time, out.Frames[g.End-1].Time})
		}
		if lp != nil {
			filterRuns(lp, fx, ok)
			filterRuns(lp, fy, ok)
		}
		for i := range out.Frames {
			p := &out.Frames[i].Points[k]
			switch {
			case !ok[i]:
				p.Conf = 0
			case filled[i]:
				p.X, p.Y, p.Filled = fx[i], fy[i], true
				p.Conf = interpConf(out, k, i)
				rep.FilledPoints++
			default:
				p.X, p.Y = fx[i], fy[i]
			}
		}
		if lp != nil {
			filterWorld(lp, out, k)
		}
	}
	out.FillNormalised()
	return out, rep, nil
}

// interpConf gives a filled point the lower confidence of its nearest
// observed neighbours, so that quality checks see it as no better than them.
func interpConf(t *track.Track, k, i int) float64 {
	c := 1.0
	for j := i - 1; j >= 0; j-- {
		if p := t.Frames[j].Points[k]; !p.Filled && p.Conf > 0 {
			c = math.Min(c, p.Conf)
			break
		}
	}
	for j := i + 1; j < len(t.Frames); j++ {
		if p := t.Frames[j].Points[k]; !p.Filled && p.Conf > 0 {
			c = math.Min(c, p.Conf)
			break
		}
	}
	return c
}

// filterRuns filters each contiguous valid run of x in place.
func filterRuns(lp *LowPass, x []float64, ok []bool) {
	for i := 0; i < len(x); {
		if !ok[i] {
			i++
			continue
		}
		j := i
		for j < len(x) && ok[j] {
			j++
		}
		if j-i >= 3 {
			copy(x[i:j], lp.FiltFilt(x[i:j]))
		}
		i = j
	}
}

// filterWorld smooths keypoint k's world positions where present.
func filterWorld(lp *LowPass, t *track.Track, k int) {
	n := len(t.Frames)
	ok := make([]bool, n)
	var c [3][]float64
	for a := range c {
		c[a] = make([]float64, n)
	}
	found := false
	for i, f := range t.Frames {
		p := f.Points[k]
		ok[i] = p.HasWorld
		found = found || ok[i]
		c[0][i], c[1][i], c[2][i] = p.World.X, p.World.Y, p.World.Z
	}
	if !found {
		return
	}
	for a := range c {
		filterRuns(lp, c[a], ok)
	}
	for i := range t.Frames {
		if ok[i] {
			t.Frames[i].Points[k].World = track.Vec3{X: c[0][i], Y: c[1][i], Z: c[2][i]}
		}
	}
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
		u := 0.0
		if b.Time > a.Time {
			u = math.Max(0, math.Min(1, (tm-a.Time)/(b.Time-a.Time)))
		}
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
