package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// This file is the vocabulary both synthetic lifters share: the movement,
// the side, a moment within a rep and per-rep values.

// Movement is the simulated exercise. The whole-body figure (Set) performs
// Squat and SingleLegSquat; the stick figure (StickSet) performs all four.
type Movement int

// Movements.
const (
	// Squat is a bodyweight squat on both legs.
	Squat Movement = iota
	// SingleLegSquat stands on one leg (the right unless StandOnLeft is
	// set) with the other foot off the floor.
	SingleLegSquat
	// SplitSquat has the left foot forward and the right foot back on its
	// toes (StickSet only).
	SplitSquat
	// DropJump leaves the floor with both feet in the middle of each rep
	// (StickSet only).
	DropJump
)

// String is the movement's name in the truth's words: squat,
// single_leg_squat, split_squat or drop_jump.
func (m Movement) String() string {
	switch m {
	case Squat:
		return "squat"
	case SingleLegSquat:
		return "single_leg_squat"
	case SplitSquat:
		return "split_squat"
	case DropJump:
		return "drop_jump"
	}
	return fmt.Sprintf("Movement(%d)", int(m))
}

// ParseMovement reads the movements the whole-body figure performs:
// "squat" or "single-leg" (also "single_leg_squat").
func ParseMovement(s string) (Movement, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "squat", "bilateral":
		return Squat, nil
	case "single-leg", "single_leg", "single-leg-squat", "single_leg_squat", "pistol":
		return SingleLegSquat, nil
	}
	return 0, fmt.Errorf("unknown movement %q: use squat or single-leg", s)
}

// Side is the lifter's own left or right. Per-side values are indexed by
// it (Left 0, Right 1).
type Side int

// Sides.
const (
	Left  Side = 0
	Right Side = 1
)

// String is "left" or "right".
func (s Side) String() string {
	if s == Left {
		return "left"
	}
	return "right"
}

// Phase is a moment within a rep on the rep's own clock: 0 to 1 is the
// descent, 1 to 2 the pause at the bottom, 2 to 3 the ascent. So 0.5 is
// half-way down, 1.5 the middle of the bottom pause and 2.3 is 30% of the
// way up, "out of the hole", whatever each phase's duration.
type Phase float64

// ParsePhase reads a phase as "descent:F", "bottom" or "bottom:F",
// "ascent:F" (F the fraction 0..1 of that phase) or as the bare number 0..3.
func ParsePhase(s string) (Phase, error) {
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
		return Phase(f), nil
	case "bottom":
		return Phase(1 + f), nil
	case "ascent":
		return Phase(2 + f), nil
	}
	if hasFrac {
		return 0, fmt.Errorf("phase %q: use descent:F, bottom:F or ascent:F", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 3 {
		return 0, fmt.Errorf("phase %q: use descent:F, bottom, ascent:F (F from 0 to 1) or a number from 0 to 3", s)
	}
	return Phase(v), nil
}

// String writes the phase in ParsePhase's words.
func (p Phase) String() string {
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
