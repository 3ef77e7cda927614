package valgus

import (
	"fmt"
	"math"
	"testing"
)

// TestSplitOrFootUp: a split squat's bottom and a free foot held up behind
// the body, both projected by hand through a pinhole camera at several
// heights, and the free-leg bottoms measured on the shared single-leg clip.
func TestSplitOrFootUp(t *testing.T) {
	// A point h metres above the floor, d metres from the camera, seen
	// from camH metres up: its height in the picture below the horizon, in
	// focal lengths. Leg length: hip 0.9 m to ankle 0.08 m at 3 m.
	y := func(camH, h, d float64) float64 { return (camH - h) / d }
	leg := (0.9 - 0.08) / 3.0
	for _, camH := range []float64{0.5, 0.9, 1.3, 1.6} {
		t.Run(fmt.Sprintf("camera %.1f m", camH), func(t *testing.T) {
			// Split squat, left foot in front: front ankle 0.08 m high at
			// 3 m, front knee 0.45 m high at 2.85 m; rear ankle on a raised
			// heel (0.12 m) at 3.6 m, rear knee 0.1 m above the floor at
			// 3.35 m.
			ankleDiff := (y(camH, 0.12, 3.6) - y(camH, 0.08, 3.0)) / leg
			kneeDiff := (y(camH, 0.10, 3.35) - y(camH, 0.45, 2.85)) / leg
			if up, split := splitOrFootUp(ankleDiff, kneeDiff); up || !split {
				t.Errorf("split squat (ankles %.2f, knees %.2f): foot up %v, split %v", ankleDiff, kneeDiff, up, split)
			}
			// The mirror image: right foot in front.
			if up, split := splitOrFootUp(-ankleDiff, -kneeDiff); up || !split {
				t.Errorf("split squat, right foot in front: foot up %v, split %v", up, split)
			}
			// Single-leg squat on the left leg, the right foot held 0.35 m
			// off the floor at 3.45 m, its knee level with the standing
			// knee (0.45 m) at 3.1 m.
			ankleDiff = (y(camH, 0.35, 3.45) - y(camH, 0.08, 3.0)) / leg
			kneeDiff = (y(camH, 0.45, 3.1) - y(camH, 0.45, 2.85)) / leg
			if up, split := splitOrFootUp(ankleDiff, kneeDiff); !up || split {
				t.Errorf("foot held up (ankles %.2f, knees %.2f): foot up %v, split %v", ankleDiff, kneeDiff, up, split)
			}
		})
	}
	nan := math.NaN()
	for _, c := range []struct {
		name                string
		ankleDiff, kneeDiff float64
		up, split           bool
	}{
		// single-leg-squat-front.mp4 at half size: the bottoms of its full
		// rep and last partial rep (right foot held up behind).
		{"shared clip, full rep", -0.333, 0.085, true, false},
		{"shared clip, last rep", -0.299, 0.108, true, false},
		// the same clip recompressed
		{"shared clip recompressed", -0.339, 0.076, true, false},
		// feet side by side, knees level: neither
		{"side by side", 0.02, -0.01, false, false},
		// knees far apart whatever the ankles do: split
		{"knees apart", 0.05, 0.3, false, true},
		{"ankles unknown, knees apart", nan, -0.3, false, true},
		{"ankles unknown, knees level", nan, 0.1, false, false},
		{"knees unknown, one ankle high", -0.3, nan, false, true},
	} {
		if up, split := splitOrFootUp(c.ankleDiff, c.kneeDiff); up != c.up || split != c.split {
			t.Errorf("%s: foot up %v, split %v; want %v, %v", c.name, up, split, c.up, c.split)
		}
	}
}
