package motion

import (
	"errors"
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
)

// SegmentOptions controls SegmentReps. Zero fields take the defaults noted.
// Depths are in leg lengths (hip-to-ankle distance when standing).
type SegmentOptions struct {
	// MinDepth: a rep must take the hips at least this far down, and stand
	// out from the surrounding signal by at least this much (default 0.08).
	MinDepth float64
	// RelProminence: a rep must stand out by at least this fraction of the
	// set's most prominent rep (default 0.3), so that a small bounce or
	// shift between reps is not counted.
	RelProminence float64
	// StartFrac: a rep starts (and ends) where the hips are within this
	// fraction of the rep's depth from the standing level around it
	// (default 0.1).
	StartFrac float64
	// BottomFrac: the bottom phase is where the hips are within this
	// fraction of the rep's depth from its lowest point (default 0.05).
	BottomFrac float64
	// MinRepS: shorter reps are dropped as noise (default 0.4 s).
	MinRepS float64
}

func (o SegmentOptions) withDefaults() SegmentOptions {
	if o.MinDepth == 0 {
		o.MinDepth = 0.08
	}
	if o.RelProminence == 0 {
		o.RelProminence = 0.3
	}
	if o.StartFrac == 0 {
		o.StartFrac = 0.1
	}
	if o.BottomFrac == 0 {
		o.BottomFrac = 0.05
	}
	if o.MinRepS == 0 {
		o.MinRepS = 0.4
	}
	return o
}

// Rep is one repetition, as sample indices into the series it was found in.
// The descent runs from Start to BottomStart, the bottom from BottomStart to
// BottomEnd (a pause at the bottom lengthens it), the ascent from BottomEnd to
// End.
type Rep struct {
	Start, BottomStart, Bottom, BottomEnd, End int
	// PartialStart / PartialEnd: the series begins or ends inside the rep, so
	// its start or end was not seen.
	PartialStart, PartialEnd bool
	// Depth is the depth at the lowest point (Bottom).
	Depth float64
}

// Partial reports whether part of the rep lies outside the series.
func (r Rep) Partial() bool { return r.PartialStart || r.PartialEnd }

// SegmentReps finds the reps in a depth series: depth is how far the hips are
// below standing, in leg lengths (0 standing, larger is deeper), sampled at
// times (seconds, increasing). Each rep is a peak of depth that stands out
// from the signal around it (its topographic prominence) by at least
// MinDepth and RelProminence of the most prominent peak; consecutive reps are
// separated at the highest hip position between them. Pauses standing or at
// the bottom, and hesitations on the way down or up, therefore do not split
// or merge reps. A rep cut by the start or end of the series is marked
// partial.
func SegmentReps(depth, times []float64, opt SegmentOptions) ([]Rep, error) {
	opt = opt.withDefaults()
	n := len(depth)
	if n != len(times) {
		return nil, fmt.Errorf("segmenting reps: %d depths but %d times", n, len(times))
	}
	if n < 3 {
		return nil, errors.New("segmenting reps: fewer than 3 samples")
	}
	for i, d := range depth {
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return nil, fmt.Errorf("segmenting reps: depth %d is not a finite number (fill gaps first)", i)
		}
	}
	// For counting, the lifter is taken to stand before and after the
	// series, so that a rep cut by either end still stands out; such reps
	// are marked partial below.
	padded := make([]float64, 0, n+2)
	padded = append(padded, 0)
	padded = append(padded, depth...)
	padded = append(padded, 0)
	peaks := findPeaks(padded)
	maxProm := 0.0
	for _, p := range peaks {
		maxProm = math.Max(maxProm, p.prom)
	}
	thr := math.Max(opt.MinDepth, opt.RelProminence*maxProm)
	var sel []int
	for _, p := range peaks {
		i := min(max(p.i-1, 0), n-1)
		if p.prom >= thr && depth[i] >= opt.MinDepth {
			sel = append(sel, i)
		}
	}
	// Valleys between consecutive reps.
	bounds := make([]int, len(sel)+1)
	bounds[0], bounds[len(sel)] = 0, n-1
	for k := 1; k < len(sel); k++ {
		bounds[k] = argmin(depth, sel[k-1], sel[k]+1)
	}
	var reps []Rep
	for k, pk := range sel {
		lo, hi := bounds[k], bounds[k+1]
		baseS, baseE := depth[lo], depth[hi]
		if k == 0 {
			baseS = math.Min(0, depth[argmin(depth, 0, pk+1)])
		}
		if k == len(sel)-1 {
			baseE = math.Min(0, depth[argmin(depth, pk, n)])
		}
		r := Rep{Bottom: pk, Depth: depth[pk]}
		thS := baseS + opt.StartFrac*(depth[pk]-baseS)
		thE := baseE + opt.StartFrac*(depth[pk]-baseE)
		r.Start = lo
		for j := pk; j >= lo; j-- {
			if depth[j] <= thS {
				r.Start = j
				break
			}
			if j == lo {
				r.PartialStart = lo == 0
			}
		}
		r.End = hi
		for j := pk; j <= hi; j++ {
			if depth[j] <= thE {
				r.End = j
				break
			}
			if j == hi {
				r.PartialEnd = hi == n-1
			}
		}
		bthr := depth[pk] - opt.BottomFrac*(depth[pk]-math.Min(baseS, baseE))
		r.BottomStart, r.BottomEnd = pk, pk
		for r.BottomStart > r.Start && depth[r.BottomStart-1] >= bthr {
			r.BottomStart--
		}
		for r.BottomEnd < r.End && depth[r.BottomEnd+1] >= bthr {
			r.BottomEnd++
		}
		if times[r.End]-times[r.Start] < opt.MinRepS {
			continue
		}
		reps = append(reps, r)
	}
	return reps, nil
}

type peak struct {
	i    int
	prom float64
}

// findPeaks returns the local maxima of x (a plateau counts once, at its
// middle; the ends count when the signal falls away from them) with their
// topographic prominence: how far the peak rises above the higher of the two
// lowest points separating it from higher ground (or the end of the series)
// on either side.
func findPeaks(x []float64) []peak {
	n := len(x)
	var out []peak
	for i := 0; i < n; {
		j := i
		for j+1 < n && x[j+1] == x[i] {
			j++
		}
		leftLower := i == 0 || x[i-1] < x[i]
		rightLower := j == n-1 || x[j+1] < x[i]
		if leftLower && rightLower && !(i == 0 && j == n-1) {
			m := (i + j) / 2
			lmin := x[i]
			for k := i - 1; k >= 0 && x[k] <= x[i]; k-- {
				lmin = math.Min(lmin, x[k])
			}
			rmin := x[i]
			for k := j + 1; k < n && x[k] <= x[i]; k++ {
				rmin = math.Min(rmin, x[k])
			}
			out = append(out, peak{m, x[i] - math.Max(lmin, rmin)})
		}
		i = j + 1
	}
	return out
}

// argmin returns the index of the smallest x[i] for lo <= i < hi.
func argmin(x []float64, lo, hi int) int {
	best := lo
	for i := lo + 1; i < hi; i++ {
		if x[i] < x[best] {
			best = i
		}
	}
	return best
}

// Tempo is a rep's timing and speed.
type Tempo struct {
	DescentS, BottomS, AscentS float64
	// AscentVelocity is the mean upward speed of the hips during the ascent,
	// in depth units per second (leg lengths per second).
	AscentVelocity float64
	// PeakAscentVelocity is the fastest upward speed during the ascent.
	PeakAscentVelocity float64
}

// RepTempo measures a rep's phase durations and ascent speed from the depth
// series it was segmented from.
func RepTempo(r Rep, depth, times []float64) Tempo {
	tp := Tempo{
		DescentS: times[r.BottomStart] - times[r.Start],
		BottomS:  times[r.BottomEnd] - times[r.BottomStart],
		AscentS:  times[r.End] - times[r.BottomEnd],
	}
	if tp.AscentS > 0 {
		tp.AscentVelocity = (depth[r.BottomEnd] - depth[r.End]) / tp.AscentS
	}
	for i := max(r.BottomEnd, 1); i <= r.End && i+1 < len(depth); i++ {
		v := -(depth[i+1] - depth[i-1]) / (times[i+1] - times[i-1])
		tp.PeakAscentVelocity = math.Max(tp.PeakAscentVelocity, v)
	}
	return tp
}

// Phases labels every sample of an n-sample series with its phase
// (body.PhaseStanding between reps, else body.PhaseDescent, PhaseBottom or
// PhaseAscent) and the index of its rep in reps (-1 outside reps).
func Phases(reps []Rep, n int) ([]body.Phase, []int) {
	ph := make([]body.Phase, n)
	idx := make([]int, n)
	for i := range idx {
		ph[i], idx[i] = body.PhaseStanding, -1
	}
	for k, r := range reps {
		for i := r.Start; i <= r.End && i < n; i++ {
			idx[i] = k
			switch {
			case i < r.BottomStart:
				ph[i] = body.PhaseDescent
			case i <= r.BottomEnd:
				ph[i] = body.PhaseBottom
			default:
				ph[i] = body.PhaseAscent
			}
		}
	}
	return ph, idx
}
