package session

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxLoadKG is the heaviest load accepted: above the heaviest squats ever
// lifted, so that a typo (800 for 80) or an absurd value is caught.
const MaxLoadKG = 600

// ParseLoads reads "60kg,80kg,100kg" (kg by default, lb accepted), one
// load per set, and checks there is one load for each of the files; "" is
// no loads (nil).
func ParseLoads(s string, files int) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, part := range strings.Split(s, ",") {
		p := strings.ToLower(strings.TrimSpace(part))
		factor := 1.0
		switch {
		case strings.HasSuffix(p, "kg"):
			p = strings.TrimSuffix(p, "kg")
		case strings.HasSuffix(p, "lbs"):
			p, factor = strings.TrimSuffix(p, "lbs"), 0.45359237
		case strings.HasSuffix(p, "lb"):
			p, factor = strings.TrimSuffix(p, "lb"), 0.45359237
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || v < 0 {
			return nil, fmt.Errorf("%q is not a load (write e.g. 80kg or 175lb)", part)
		}
		if v*factor > MaxLoadKG {
			return nil, fmt.Errorf("%q is more than %d kg; give the load on the bar in kg or lb", part, MaxLoadKG)
		}
		out = append(out, v*factor)
	}
	if len(out) != files {
		return nil, fmt.Errorf("%d loads for %d files: give one load per file, in the same order", len(out), files)
	}
	return out, nil
}

// ParseHeight reads a lifter's height, "175", "175cm" or "1.75m", and
// returns centimetres (50 to 250); "" is unknown (0).
func ParseHeight(s string) (float64, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	if p == "" {
		return 0, nil
	}
	factor := 1.0
	switch {
	case strings.HasSuffix(p, "cm"):
		p = strings.TrimSuffix(p, "cm")
	case strings.HasSuffix(p, "m"):
		p, factor = strings.TrimSuffix(p, "m"), 100
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a height (write e.g. 175cm or 1.75m)", s)
	}
	v *= factor
	if !(v >= 50 && v <= 250) {
		return 0, errors.New("height must be between 50 and 250 cm")
	}
	return v, nil
}

// Inputs are one Input per file, in order, each with its load when loads
// (one per file, from ParseLoads) is not nil.
func Inputs(files []string, loads []float64) []Input {
	ins := make([]Input, len(files))
	for i, f := range files {
		ins[i].Path = f
		if loads != nil {
			ins[i].LoadKG, ins[i].HasLoad = loads[i], true
		}
	}
	return ins
}
