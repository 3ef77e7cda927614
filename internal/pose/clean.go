package pose

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/track"
)

// CleanOptions controls Clean. Zero fields take the defaults noted. The
// filling and smoothing are motion.Clean's (see motion.CleanOptions), with
// frames kept at their true times and long gaps kept as observed.
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

// motion returns the options of the shared cleaning pass. The pose step
// is stricter than the analysis (MinConf 0.5, MaxGapS 0.25), keeps every
// frame at its true time (the track records what the video showed, when)
// and keeps low-confidence points in long gaps (the track records what the
// model saw; the analysis drops them when it cleans again).
func (o CleanOptions) motion() motion.CleanOptions {
	m := motion.CleanOptions{MinConf: o.MinConf, MaxGapS: o.MaxGapS, CutoffHz: o.CutoffHz, Order: o.Order,
		KeepTimes: true, KeepLowConfGaps: true}
	if m.MinConf == 0 {
		m.MinConf = 0.5
	}
	if m.MaxGapS == 0 {
		m.MaxGapS = 0.25
	}
	return m
}

// Gap is a stretch of frames where a keypoint stayed missing or
// low-confidence after cleaning, because it was too long to fill.
type Gap = motion.KeypointGap

// Swap is a run of frames where the model had a left/right pair the wrong
// way round, and cleaning exchanged them.
type Swap struct {
	Pair         string // the keypoint name without its side, e.g. "knee"
	StartS, EndS float64
	Frames       int
}

// CleanReport says what Clean did: the shared pass's report (filled and
// low-confidence points, long gaps, smoothing) and the swaps repaired.
type CleanReport struct {
	motion.CleanReport
	Swaps         []Swap // per pair, runs of frames exchanged
	SwappedFrames int    // frames where at least one pair was exchanged
}

// Clean returns a cleaned copy of a raw keypoint track (t is not changed):
// left/right swaps repaired, then motion.Clean with the pose step's
// options: low-confidence points and short gaps filled by interpolation
// (marked Filled), and every found coordinate (image, depth and world)
// smoothed by a zero-phase Butterworth low-pass. Frames and their
// timestamps are kept as they are, also for a variable frame rate.
func Clean(t *track.Track, opt CleanOptions) (*track.Track, CleanReport, error) {
	var rep CleanReport
	if err := t.Validate(); err != nil {
		return nil, rep, fmt.Errorf("cleaning keypoints: %w", err)
	}
	in := t
	if !opt.NoSwapRepair {
		in = t.Clone()
		rep.Swaps, rep.SwappedFrames = repairSwaps(in)
	}
	out, mrep, err := motion.Clean(in, opt.motion())
	if err != nil {
		return nil, rep, fmt.Errorf("cleaning keypoints: %w", err)
	}
	rep.CleanReport = mrep
	return out, rep, nil
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
