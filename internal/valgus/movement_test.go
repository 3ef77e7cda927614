package valgus

import (
	"fmt"
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
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

// TestFPPAEndOnThighUnreliable: at the bottom of a deep squat filmed from
// hip height the thigh is seen nearly end on, and FPPA swings far "out".
// Knees placed by hand 0.45 thigh lengths out to the side and 0.1 down from
// the hips (apparent thigh 0.46 of its standing length, above the
// foreshortening limit) give FPPA beyond -60°, which MaxVarusDeg marks
// unreliable; with the limit lifted the same frames count. The same knees
// placed inwards read far "in" and stay reliable: the knee is inside the
// hip-ankle line whatever the exact angle.
func TestFPPAEndOnThighUnreliable(t *testing.T) {
	tr := film(t, sim.StickSet{Reps: 2}, track.Camera{}, 0, 1)
	hip := [2]int{tr.Index(track.LeftHip), tr.Index(track.RightHip)}
	knee := [2]int{tr.Index(track.LeftKnee), tr.Index(track.RightKnee)}
	thigh := [2]float64{}
	for s := range 2 {
		p, k := tr.Frames[0].Points[hip[s]], tr.Frames[0].Points[knee[s]]
		thigh[s] = math.Hypot(k.X-p.X, k.Y-p.Y)
	}
	inward := tr.Clone()
	// the deepest fifth of the frames: hips lowest in the picture
	ys := make([]float64, len(tr.Frames))
	for i, f := range tr.Frames {
		ys[i] = f.Points[hip[0]].Y
	}
	cut := percentile(ys, 0.8)
	endOn := map[int]bool{}
	for i := range tr.Frames {
		if ys[i] < cut {
			continue
		}
		endOn[i] = true
		f, g := tr.Frames[i].Points, inward.Frames[i].Points
		for s := range 2 {
			out := math.Copysign(1, f[hip[s]].X-f[hip[1-s]].X) // away from the other hip
			f[knee[s]].X = f[hip[s]].X + out*0.45*thigh[s]
			f[knee[s]].Y = f[hip[s]].Y + 0.1*thigh[s]
			g[knee[s]].X = g[hip[s]].X - out*0.45*thigh[s]
			g[knee[s]].Y = g[hip[s]].Y + 0.1*thigh[s]
		}
	}
	noFilter := Options{Clean: motion.CleanOptions{CutoffHz: -1}}
	res := analyse(t, tr, noFilter)
	lifted := Defaults()
	lifted.MaxVarusDeg = 180
	res180 := analyse(t, tr, Options{Clean: noFilter.Clean, Thresholds: &lifted})
	resIn := analyse(t, inward, noFilter)
	n := 0
	for i, m := range res.Frames {
		for s := range 2 {
			if sf := resIn.Frames[i].Side[s]; endOn[i] && !(sf.FPPA > 60 && sf.FPPAReliable) {
				t.Fatalf("frame %d %s, knee inwards: FPPA %.1f reliable %v; want beyond +60 and reliable", i, body.Side(s), sf.FPPA, sf.FPPAReliable)
			}
		}
		for s := range 2 {
			sf, sf180 := m.Side[s], res180.Frames[i].Side[s]
			if !endOn[i] {
				if sf.Usable && !sf.FPPAReliable {
					t.Fatalf("frame %d %s: FPPA %.1f unreliable outside the end-on frames", i, body.Side(s), sf.FPPA)
				}
				continue
			}
			n++
			if !(sf.FPPA < -60 && sf.ThighRatio > 0.4 && sf.ThighRatio < 0.5) {
				t.Fatalf("frame %d %s: FPPA %.1f, thigh ratio %.2f; want below -60 with a ratio of about 0.46", i, body.Side(s), sf.FPPA, sf.ThighRatio)
			}
			if sf.FPPAReliable || !sf180.FPPAReliable {
				t.Fatalf("frame %d %s: reliable %v with the 60° limit, %v with 180°", i, body.Side(s), sf.FPPAReliable, sf180.FPPAReliable)
			}
		}
	}
	if n == 0 {
		t.Fatal("no end-on frames")
	}
}
