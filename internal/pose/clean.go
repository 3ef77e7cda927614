package pose

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/track"
)

// CleanOptions controls Clean. Zero fields take the defaults noted.
type CleanOptions struct {
	// MinConf: points below it are low-confidence. They are replaced by
	// interpolation across short gaps and left as observed (with their low
	// confidence) in long ones (default 0.5).
	MinConf float64
	// MaxGapS: the longest gap filled by interpolation, seconds (default
	// 0.25 s, shorter than the quickest phase of a squat).
	MaxGapS float64
	// CutoffHz: low-pass cut-off (default 6 Hz: squats move below 2 Hz,
	// keypoint jitter lies above); negative turns smoothing off.
	CutoffHz float64
	// Order: Butterworth order of one pass (default 2; run forwards and
	// backwards, the response is 4th order with no delay).
	Order int
	// NoSwapRepair turns left/right swap repair off.
	NoSwapRepair bool
}

func (o CleanOptions) withDefaults() CleanOptions {
	if o.MinConf == 0 {
		o.MinConf = 0.5
	}
	if o.MaxGapS == 0 {
		o.MaxGapS = 0.25
	}
	if o.CutoffHz == 0 {
		o.CutoffHz = 6
	}
	if o.Order == 0 {
		o.Order = 2
	}
	return o
}

// Gap is a stretch of frames where a keypoint stayed missing or
// low-confidence after cleaning, because it was too long to fill.
type Gap struct {
	Keypoint     string
	StartS, EndS float64 // times of its first and last frame
	Frames       int
}

// Swap is a run of frames where the model had a left/right pair the wrong
// way round, and cleaning exchanged them.
type Swap struct {
	Pair         string // the keypoint name without its side, e.g. "knee"
	StartS, EndS float64
	Frames       int
}

// CleanReport says what Clean did.
type CleanReport struct {
	LowConfPoints int // observed points below MinConf
	FilledPoints  int // points interpolated across short gaps
	LongGaps      []Gap
	Swaps         []Swap // per pair, runs of frames exchanged
	SwappedFrames int    // frames where at least one pair was exchanged
	Filtered      bool
	CutoffHz      float64
	RateHz        float64 // the frame rate the filter assumed (median interval)
	Notes         []string
}

// Clean returns a cleaned copy of a raw keypoint track (t is not changed):
// left/right swaps repaired, low-confidence points and short gaps filled by
// interpolation (marked Filled), and every found coordinate (image, depth
// and world) smoothed by a zero-phase Butterworth low-pass. Frames and their
// timestamps are kept as they are, also for a variable frame rate (the
// filter then runs on a uniform resampling and is read back at the true
// times).
func Clean(t *track.Track, opt CleanOptions) (*track.Track, CleanReport, error) {
	opt = opt.withDefaults()
	var rep CleanReport
	if err := t.Validate(); err != nil {
		return nil, rep, fmt.Errorf("cleaning keypoints: %w", err)
	}
	out := t.Clone()
	if !opt.NoSwapRepair {
		rep.Swaps, rep.SwappedFrames = repairSwaps(out)
	}
	times := out.Times()
	rate, regular := sampleRate(times)
	rep.RateHz = rate
	maxGap := int(math.Floor(opt.MaxGapS*rate + 1e-9))
	var lp *motion.LowPass
	if opt.CutoffHz > 0 && len(times) > 1 {
		var err error
		if lp, err = motion.NewButterworth(opt.Order, opt.CutoffHz, rate); err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("no smoothing: %v", err))
			lp = nil
		} else {
			rep.Filtered, rep.CutoffHz = true, opt.CutoffHz
		}
	}
	n := len(out.Frames)
	valid := make([]bool, n)
	series := make([][]float64, 6) // x, y, z, world x, y, z
	for c := range series {
		series[c] = make([]float64, n)
	}
	for k, name := range out.Keypoints {
		for i := range out.Frames {
			p := out.Frames[i].Points[k]
			valid[i] = p.Valid() && p.Conf >= opt.MinConf
			if p.Valid() && !valid[i] {
				rep.LowConfPoints++
			}
			series[0][i], series[1][i], series[2][i] = p.X, p.Y, p.Z
			series[3][i], series[4][i], series[5][i] = p.World.X, p.World.Y, p.World.Z
		}
		var ok, filled []bool
		var open []motion.Gap
		for c := range series {
			var f []float64
			f, ok, filled, open = motion.FillGaps(series[c], valid, maxGap)
			series[c] = f
		}
		for _, g := range open {
			if g.Start == 0 && g.End == n && !anyValid(out, k) {
				continue // a keypoint never seen at all is not a gap
			}
			rep.LongGaps = append(rep.LongGaps, Gap{Keypoint: name, StartS: times[g.Start], EndS: times[g.End-1], Frames: g.Len()})
		}
		if lp != nil {
			for c := range series {
				filterRuns(lp, times, series[c], ok, regular, rate)
			}
		}
		for i := range out.Frames {
			p := &out.Frames[i].Points[k]
			if !ok[i] {
				continue // a long gap: keep what was observed, marked by its confidence
			}
			if filled[i] {
				p.Conf = neighbourConf(t, k, i, opt.MinConf)
				p.Filled = true
				p.HasWorld = p.HasWorld || worldAround(t, k, i)
				rep.FilledPoints++
			}
			p.X, p.Y, p.Z = series[0][i], series[1][i], series[2][i]
			if p.HasWorld {
				p.World = track.Vec3{X: series[3][i], Y: series[4][i], Z: series[5][i]}
			}
		}
	}
	out.FillNormalised()
	return out, rep, nil
}

func anyValid(t *track.Track, k int) bool {
	for _, f := range t.Frames {
		if f.Points[k].Valid() {
			return true
		}
	}
	return false
}

// neighbourConf is the confidence given to a filled point: the lower of the
// nearest good observations on either side.
func neighbourConf(t *track.Track, k, i int, minConf float64) float64 {
	c := 1.0
	found := false
	for j := i - 1; j >= 0; j-- {
		if p := t.Frames[j].Points[k]; p.Valid() && p.Conf >= minConf {
			c, found = math.Min(c, p.Conf), true
			break
		}
	}
	for j := i + 1; j < len(t.Frames); j++ {
		if p := t.Frames[j].Points[k]; p.Valid() && p.Conf >= minConf {
			c, found = math.Min(c, p.Conf), true
			break
		}
	}
	if !found {
		return minConf
	}
	return c
}

// worldAround reports whether the nearest observations around frame i have
// world positions, so a filled point gets one too.
func worldAround(t *track.Track, k, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if p := t.Frames[j].Points[k]; p.Valid() {
			return p.HasWorld
		}
	}
	for j := i + 1; j < len(t.Frames); j++ {
		if p := t.Frames[j].Points[k]; p.Valid() {
			return p.HasWorld
		}
	}
	return false
}

// sampleRate returns the rate implied by the median frame interval and
// whether all intervals are within 20% of it (a regular rate).
func sampleRate(ts []float64) (rate float64, regular bool) {
	if len(ts) < 2 {
		return 30, true
	}
	d := make([]float64, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		d[i-1] = ts[i] - ts[i-1]
	}
	med := median(d)
	regular = true
	for _, v := range d {
		if math.Abs(v-med) > 0.2*med {
			regular = false
			break
		}
	}
	return 1 / med, regular
}

// filterRuns low-pass filters each run of consecutive usable samples of x
// in place. Irregular timestamps are resampled onto a uniform grid at rate,
// filtered there and interpolated back at the true times.
func filterRuns(lp *motion.LowPass, ts, x []float64, ok []bool, regular bool, rate float64) {
	for i := 0; i < len(x); {
		if !ok[i] {
			i++
			continue
		}
		j := i
		for j < len(x) && ok[j] {
			j++
		}
		if j-i >= 4 {
			if regular {
				copy(x[i:j], lp.FiltFilt(x[i:j]))
			} else {
				filterResampled(lp, ts[i:j], x[i:j], rate)
			}
		}
		i = j
	}
}

// filterResampled filters samples x taken at times ts (increasing,
// irregular) by linear resampling to rate, filtering, and linear
// interpolation back.
func filterResampled(lp *motion.LowPass, ts, x []float64, rate float64) {
	t0, t1 := ts[0], ts[len(ts)-1]
	n := int(math.Floor((t1-t0)*rate+1e-9)) + 1
	if n < 4 {
		return
	}
	grid := make([]float64, n)
	j := 0
	for g := range grid {
		tm := t0 + float64(g)/rate
		for j < len(ts)-2 && ts[j+1] < tm {
			j++
		}
		grid[g] = lerpAt(ts[j], ts[j+1], x[j], x[j+1], tm)
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

func lerpAt(ta, tb, a, b, t float64) float64 {
	if tb <= ta {
		return a
	}
	u := math.Max(0, math.Min(1, (t-ta)/(tb-ta)))
	return a + u*(b-a)
}

// sidePairs returns the left/right keypoint pairs of a track, by name
// ("left_knee" with "right_knee", "mouth_left" with "mouth_right"), as
// index pairs and their common names.
func sidePairs(t *track.Track) (pairs [][2]int, names []string) {
	for i, n := range t.Keypoints {
		if base, ok := strings.CutPrefix(n, "left_"); ok {
			if j := t.Index("right_" + base); j >= 0 {
				pairs = append(pairs, [2]int{i, j})
				names = append(names, base)
			}
		} else if base, ok := strings.CutSuffix(n, "_left"); ok { // mouth_left
			if j := t.Index(base + "_right"); j >= 0 {
				pairs = append(pairs, [2]int{i, j})
				names = append(names, base)
			}
		}
	}
	return pairs, names
}

// swapMaxAge is how old, in seconds, the last observation of a pair may be
// for the next one to be judged against it.
const swapMaxAge = 0.5

// repairSwaps finds frames where a left/right pair was labelled the wrong
// way round and exchanges the two points (with their confidence, depth and
// world position). It compares the pair's left-minus-right vector with the
// last observed one, which cancels the body's own movement (a fast rise
// moves both points alike): a frame is swapped when the vector is closer
// to the flipped last vector than to the last vector itself by a clear
// margin (less than half the change, and by at least half the pair's
// separation). Pairs closer together than a quarter of the hip width
// (knees touching in a deep cave) are not judged, so jitter never exchanges
// them. The last observation must be under swapMaxAge old. Each pair is
// followed through the track; a pair whose frames would mostly be exchanged
// is taken to have started the wrong way round instead, and the majority
// labelling is kept.
func repairSwaps(t *track.Track) (swaps []Swap, frames int) {
	pairs, names := sidePairs(t)
	minSep := 0.25 * pairScale(t, pairs)
	n := len(t.Frames)
	touched := make([]bool, n)
	for pi, pr := range pairs {
		l, r := pr[0], pr[1]
		swapped := make([]bool, n)
		var rx, ry float64 // last left-minus-right vector
		refT := math.Inf(-1)
		count, judged := 0, 0
		for i := range t.Frames {
			f := &t.Frames[i]
			L, R := f.Points[l], f.Points[r]
			if !L.Valid() || !R.Valid() {
				continue
			}
			dx, dy := L.X-R.X, L.Y-R.Y
			sep, now := math.Hypot(rx, ry), math.Hypot(dx, dy)
			if f.Time-refT <= swapMaxAge && sep >= minSep && now >= minSep {
				judged++
				same := math.Hypot(dx-rx, dy-ry)
				cross := math.Hypot(dx+rx, dy+ry)
				if cross < 0.5*same && same-cross > 0.5*sep {
					dx, dy = -dx, -dy
					swapped[i] = true
					count++
				}
			}
			rx, ry, refT = dx, dy, f.Time
		}
		if judged > 0 && 2*count > judged {
			// The first frames were the odd ones: flip the decision
			// wherever both points were present.
			for i := range t.Frames {
				if t.Frames[i].Points[l].Valid() && t.Frames[i].Points[r].Valid() {
					swapped[i] = !swapped[i]
				}
			}
		}
		for i := 0; i < n; {
			if !swapped[i] {
				i++
				continue
			}
			j := i
			for j < n && swapped[j] {
				p := &t.Frames[j].Points
				(*p)[l], (*p)[r] = (*p)[r], (*p)[l]
				touched[j] = true
				j++
			}
			swaps = append(swaps, Swap{Pair: names[pi], StartS: t.Frames[i].Time, EndS: t.Frames[j-1].Time, Frames: j - i})
			i = j
		}
	}
	slices.SortStableFunc(swaps, func(a, b Swap) int { return cmpFloat(a.StartS, b.StartS) })
	for _, b := range touched {
		if b {
			frames++
		}
	}
	return swaps, frames
}

// pairScale is the body's left-right scale in pixels: the median distance
// between the hips, or, without hips, the median separation of all pairs.
func pairScale(t *track.Track, pairs [][2]int) float64 {
	sepOf := func(l, r int) []float64 {
		var out []float64
		for _, f := range t.Frames {
			if L, R := f.Points[l], f.Points[r]; L.Valid() && R.Valid() {
				out = append(out, math.Hypot(L.X-R.X, L.Y-R.Y))
			}
		}
		return out
	}
	if lh, rh := t.Index(track.LeftHip), t.Index(track.RightHip); lh >= 0 && rh >= 0 {
		if s := sepOf(lh, rh); len(s) > 0 {
			return median(s)
		}
	}
	var all []float64
	for _, p := range pairs {
		all = append(all, sepOf(p[0], p[1])...)
	}
	return median(all)
}
