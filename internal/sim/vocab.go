package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
)

// This file is the vocabulary both synthetic lifters share beyond package
// body's (Side, Movement): a moment within a rep and per-rep values.

// truthName is a movement's name in the truth file: squat,
// single_leg_squat, split_squat or drop_jump (the simulator's own words,
// kept as the truth files have always written them).
func truthName(m body.Movement) string {
	switch m {
	case body.MoveBilateralSquat:
		return "squat"
	case body.MoveJumpLanding:
		return "drop_jump"
	}
	return string(m)
}

// ParseMovement reads the movements the whole-body figure performs:
// "squat" or "single-leg" (also "single_leg_squat").
func ParseMovement(s string) (body.Movement, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "squat", "bilateral":
		return body.MoveBilateralSquat, nil
	case "single-leg", "single_leg", "single-leg-squat", "single_leg_squat", "pistol":
		return body.MoveSingleLegSquat, nil
	}
	return body.MoveAuto, fmt.Errorf("unknown movement %q: use squat or single-leg", s)
}

// Moment is a moment within a rep on the rep's own clock: 0 to 1 is the
// descent, 1 to 2 the pause at the bottom, 2 to 3 the ascent. So 0.5 is
// half-way down, 1.5 the middle of the bottom pause and 2.3 is 30% of the
// way up, "out of the hole", whatever each phase's duration.
type Moment float64

// ParseMoment reads a moment as "descent:F", "bottom" or "bottom:F",
// "ascent:F" (F the fraction 0..1 of that phase) or as the bare number 0..3.
func ParseMoment(s string) (Moment, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	name, frac, hasFrac := strings.Cut(s, ":")
	f := 0.5
	if hasFrac {
		v, err := strconv.ParseFloat(strings.TrimSpace(frac), 64)
		if err != nil || v < 0 || v > 1 {
			return 0, fmt.Errorf("phase %q: the fraction after ':' must be a number from 0 to 1", s)
		}
		f = v
	}
	switch name {
	case "descent":
		return Moment(f), nil
	case "bottom":
		return Moment(1 + f), nil
	case "ascent":
		return Moment(2 + f), nil
	}
	if hasFrac {
		return 0, fmt.Errorf("phase %q: use descent:F, bottom:F or ascent:F", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 3 {
		return 0, fmt.Errorf("phase %q: use descent:F, bottom, ascent:F (F from 0 to 1) or a number from 0 to 3", s)
	}
	return Moment(v), nil
}

// String writes the moment in ParseMoment's words.
func (p Moment) String() string {
	switch {
	case p < 1:
		return fmt.Sprintf("descent:%.2g", float64(p))
	case p <= 2:
		return fmt.Sprintf("bottom:%.2g", float64(p)-1)
	default:
		return fmt.Sprintf("ascent:%.2g", float64(p)-2)
	}
}

// Per-rep values (valgus, ascent durations) are slices with one value per
// rep in both models; a short slice repeats its last value (see perRep).
// ParseRamp builds one from a short text.

// ParseRamp reads per-rep values for n reps: "8" (every rep), "4:14"
// (from 4 on the first rep to 14 on the last, in equal steps) or
// "0,0,5,10" (one value per rep; a short list repeats its last value).
func ParseRamp(s string, n int) ([]float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if n < 1 {
		return nil, fmt.Errorf("values %q for %d reps", s, n)
	}
	num := func(p string) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%q is not a number", p)
		}
		return v, nil
	}
	if a, b, ok := strings.Cut(s, ":"); ok {
		lo, err := num(a)
		if err != nil {
			return nil, err
		}
		hi, err := num(b)
		if err != nil {
			return nil, err
		}
		out := make([]float64, n)
		for i := range out {
			if n == 1 {
				out[i] = lo
			} else {
				out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
			}
		}
		return out, nil
	}
	var out []float64
	for _, p := range strings.Split(s, ",") {
		v, err := num(p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) > n {
		return nil, fmt.Errorf("%d values for %d reps", len(out), n)
	}
	for len(out) < n {
		out = append(out, out[len(out)-1])
	}
	return out, nil
}

// perRep returns the value for rep i (0-based) of per-rep values v: v[i],
// the last value for i past the end, 0 for an empty slice or a negative i
// (standing between reps).
func perRep(v []float64, i int) float64 {
	switch {
	case len(v) == 0 || i < 0:
		return 0
	case i < len(v):
		return v[i]
	default:
		return v[len(v)-1]
	}
}
