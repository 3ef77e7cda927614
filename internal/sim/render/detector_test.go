package render_test

import (
	"context"
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/sim/render"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

// personScore runs BlazePose's person detector on an RGB picture and
// returns its best score (0..1). The picture is letterboxed into the
// model's 224x224 input with a 4x4 box filter per input pixel and scaled to
// −1..1; each of the 2254 output rows holds the score's logit first.
func personScore(t testing.TB, r *nn.Runner, pix []byte, w, h int) float64 {
	t.Helper()
	const n = 224
	in := r.InputFloat32()
	side := float64(max(w, h))
	s := side / n
	ox, oy := (side-float64(w))/2, (side-float64(h))/2
	for j := range n {
		for i := range n {
			var acc [3]float64
			for sj := range 4 {
				for si := range 4 {
					x := int(math.Floor((float64(i)+(float64(si)+0.5)/4)*s - ox))
					y := int(math.Floor((float64(j)+(float64(sj)+0.5)/4)*s - oy))
					if x < 0 || y < 0 || x >= w || y >= h {
						continue
					}
					o := 3 * (y*w + x)
					acc[0] += float64(pix[o])
					acc[1] += float64(pix[o+1])
					acc[2] += float64(pix[o+2])
				}
			}
			for c := range 3 {
				in[3*(j*n+i)+c] = float32(acc[c]/16/127.5 - 1)
			}
		}
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, shape, err := r.Output("person")
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 3 || shape[1] != 2254 || shape[2] != 13 {
		t.Fatalf("detector output shape %v, want [1 2254 13]", shape)
	}
	best := math.Inf(-1)
	for k := 0; k < shape[1]; k++ {
		best = math.Max(best, float64(out[k*13]))
	}
	return 1 / (1 + math.Exp(-best))
}

// TestDetectorFindsFigure checks that BlazePose's person detector sees the
// rendered lifter, standing and at the bottom of a squat, from in front and
// from 15° and 30° aside, and sees nobody in the empty room.
func TestDetectorFindsFigure(t *testing.T) {
	jsonPath, binPath := testenv.ModelFiles(t, "blazepose-detector")
	m, err := nn.LoadFiles(jsonPath, binPath)
	if err != nil {
		t.Fatal(err)
	}
	run, err := m.NewRunner(nn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	const threshold = 0.8
	for _, yaw := range []float64{0, 15, 30} {
		cam := sim.DefaultCamera(yaw)
		cam.Width, cam.Height, cam.FocalPx = 448, 252, 336
		r, err := render.New(render.Options{Camera: cam})
		if err != nil {
			t.Fatal(err)
		}
		stand, bottom := poses(t, cam)
		for _, fr := range []sim.Frame{stand, bottom} {
			sc := personScore(t, run, draw(t, r, fr.Pose), cam.Width, cam.Height)
			t.Logf("yaw %2g°, t=%.2f s: person score %.3f", yaw, fr.Time, sc)
			if sc < threshold {
				t.Errorf("yaw %g°, t=%.2f s: the detector scores the figure %.3f, want at least %.2f", yaw, fr.Time, sc, threshold)
			}
		}
		if yaw == 0 {
			room := make([]byte, cam.Width*cam.Height*3)
			if err := r.RenderRoom(context.Background(), room); err != nil {
				t.Fatal(err)
			}
			sc := personScore(t, run, room, cam.Width, cam.Height)
			t.Logf("empty room: person score %.3f", sc)
			if sc > 0.2 {
				t.Errorf("the empty room scores %.3f as a person", sc)
			}
		}
	}
}
