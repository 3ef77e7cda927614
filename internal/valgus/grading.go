package valgus

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
)

// GradedBands returns the bands the working legs of a movement are graded
// on, for a lifter of sex s: the knee-cave bands (KneeCaveDeg, on the
// knee's cave angle) in squats on both legs; the single-leg bands for the
// lifter's sex in single-leg squats and the split-squat bands in split
// squats and lunges (both on the valgus angle above standing). This is
// the one rule that decides which bands grade a leg: the analysis, the
// report and the drawings all use it.
func (t Thresholds) GradedBands(mv body.Movement, s Sex) Bands {
	switch mv {
	case body.MoveBilateralSquat:
		return t.KneeCaveDeg
	case body.MoveSingleLegSquat:
		return t.SingleLeg(s)
	}
	return t.SplitSquatFPPA
}

// GradedOnCave reports whether the set is graded on the knee's cave angle
// (squats on both legs) rather than on the valgus angle above standing.
func (res *SetResult) GradedOnCave() bool { return res.Movement == body.MoveBilateralSquat }

// GradedBands returns the bands the set's reps were graded on (see
// Thresholds.GradedBands), from the set's own thresholds.
func (res *SetResult) GradedBands() Bands {
	return res.Thresholds.GradedBands(res.Movement, res.Sex)
}

// gradedPeak is a leg's graded peak in a rep (NaN when the leg is not
// assessed).
func gradedPeak(rs RepSide) float64 {
	if !rs.Assessed {
		return math.NaN()
	}
	return rs.GradedDeg
}

// KeyReps picks the set's worst rep and its best one (indexes into Reps):
// the highest and the lowest class; among reps of one class, the one with
// more legs at it (both knees mild is worse than one), then the larger
// graded peak. Full reps of usable quality are preferred; partial and poor
// ones count only when there is nothing else. When every rep ties, best is
// the first rep other than the worst; best == worst when there is one
// rep. ok is false when no rep has a class.
func (res *SetResult) KeyReps() (worst, best int, ok bool) {
	type cand struct {
		k     int
		rank  int
		legs  int // sum of the legs' classes
		angle float64
	}
	collect := func(strict bool) []cand {
		var out []cand
		for k, r := range res.Reps {
			if strict && (r.Partial || r.Quality == QualityPoor) {
				continue
			}
			rank := r.Severity.Rank()
			if rank < 0 {
				continue
			}
			a, legs := math.Inf(-1), 0
			for s := range 2 {
				if v := gradedPeak(r.Side[s]); !math.IsNaN(v) {
					a = math.Max(a, v)
				}
				legs += max(0, r.Side[s].Severity.Rank())
			}
			out = append(out, cand{k, rank, legs, a})
		}
		return out
	}
	cs := collect(true)
	if len(cs) == 0 {
		cs = collect(false)
	}
	if len(cs) == 0 {
		return 0, 0, false
	}
	worse := func(a, b cand) bool {
		if a.rank != b.rank {
			return a.rank > b.rank
		}
		if a.legs != b.legs {
			return a.legs > b.legs
		}
		return a.angle > b.angle
	}
	w, b := cs[0], cs[0]
	for _, c := range cs[1:] {
		if worse(c, w) {
			w = c
		}
		if worse(b, c) {
			b = c
		}
	}
	if w.k == b.k && len(cs) > 1 {
		// All reps alike: show the worst and the first other one.
		for _, c := range cs {
			if c.k != w.k {
				b = c
				break
			}
		}
	}
	return w.k, b.k, true
}
