package render_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"math"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/sim/render"
	"github.com/kneetrack/kneetrack/internal/track"
)

// smallCamera is sim's default phone camera at a quarter of the pixels
// (same field of view), to keep tests quick.
func smallCamera(yaw float64) track.Camera {
	c := sim.DefaultCamera(yaw)
	c.Width, c.Height, c.FocalPx = 640, 360, 480
	return c
}

// poses returns a simulated lifter standing and at the bottom of a squat
// with a caving right knee.
func poses(t testing.TB, cam track.Camera) (stand, bottom sim.Frame) {
	t.Helper()
	res, err := sim.Simulate(sim.Set{Reps: 1, RightValgusDeg: []float64{12}, LeadS: 0.5}, cam)
	if err != nil {
		t.Fatal(err)
	}
	b := res.Truth.Reps[0].BottomStart + 0.15
	return res.Frames[0], res.Frames[int(math.Round(b*res.Set.FPS))]
}

func draw(t testing.TB, r *render.Renderer, p render.Pose) []byte {
	t.Helper()
	w, h := r.Size()
	buf := make([]byte, w*h*3)
	if err := r.Render(context.Background(), p, buf); err != nil {
		t.Fatal(err)
	}
	return buf
}

// TestJointsDrawnWhereProjected checks the figure against the camera model:
// the ray through each joint's projected position hits the body part around
// that joint, close to the joint, and the picture there shows the figure,
// not the room.
func TestJointsDrawnWhereProjected(t *testing.T) {
	for _, yaw := range []float64{0, 15, 30} {
		cam := smallCamera(yaw)
		r, err := render.New(render.Options{Camera: cam})
		if err != nil {
			t.Fatal(err)
		}
		w, _ := r.Size()
		room := make([]byte, len(draw(t, r, mustStand(t, cam))))
		if err := r.RenderRoom(context.Background(), room); err != nil {
			t.Fatal(err)
		}
		stand, bottom := poses(t, cam)
		for _, fr := range []sim.Frame{stand, bottom} {
			img := draw(t, r, fr.Pose)
			for s, side := range []string{"left", "right"} {
				leg := fr.Pose.Legs[s]
				for _, j := range []struct {
					name  string
					at    render.Vec3
					parts []string
					reach float64 // metres from the joint centre to the surface hit
				}{
					{"knee", leg.Knee, []string{"thigh", "shank", "calf"}, 0.08},
					{"ankle", leg.Ankle, []string{"shank", "calf", "shoe"}, 0.07},
					// At the bottom the thigh points at the camera and
					// hides the hip behind 20-odd cm of thigh.
					{"hip", leg.Hip, []string{"thigh", "pelvis", "trunk", "hand", "forearm"}, 0.3},
				} {
					x, y, ok := r.Project(j.at)
					if !ok {
						t.Fatalf("yaw %g: %s %s behind the camera", yaw, side, j.name)
					}
					part, hit, err := r.Pick(fr.Pose, x, y)
					if err != nil {
						t.Fatal(err)
					}
					okPart := false
					for _, p := range j.parts {
						okPart = okPart || strings.HasSuffix(part, p)
					}
					// The knee and ankle must be the lifter's own leg, seen
					// at that leg (the other leg may only cover a hip).
					if j.name != "hip" && !strings.HasPrefix(part, side+"_") {
						okPart = false
					}
					if !okPart || hit.Sub(j.at).Norm() > j.reach {
						t.Errorf("yaw %g, t=%.2f s: the %s %s projects to (%.0f, %.0f), where the ray hits %s at %.3f m from the joint",
							yaw, fr.Time, side, j.name, x, y, part, hit.Sub(j.at).Norm())
					}
					o := 3 * (int(y)*w + int(x))
					if bytes.Equal(img[o:o+3], room[o:o+3]) {
						t.Errorf("yaw %g: the pixel at the %s %s shows the room", yaw, side, j.name)
					}
				}
			}
		}
	}
}

func mustStand(t testing.TB, cam track.Camera) render.Pose {
	s, _ := poses(t, cam)
	return s.Pose
}

// TestFigureFillsItsBounds compares the figure's drawn extent with its
// projected skeleton: from the top of the head to the bottom of the shoes'
// uppers. Figure pixels are those that change when the figure's colours do
// (shadows and the room stay the same).
func TestFigureFillsItsBounds(t *testing.T) {
	cam := smallCamera(0)
	stand, _ := poses(t, cam)
	var imgs [2][]byte
	for i, look := range []render.Look{{}, {Skin: [3]uint8{90, 60, 40}, Hair: [3]uint8{200, 180, 60},
		Shirt: [3]uint8{200, 200, 40}, Shorts: [3]uint8{160, 160, 200}, Shoes: [3]uint8{20, 160, 40}}} {
		r, err := render.New(render.Options{Camera: cam, NoAntiAlias: true, Look: look})
		if err != nil {
			t.Fatal(err)
		}
		imgs[i] = draw(t, r, stand.Pose)
	}
	r, _ := render.New(render.Options{Camera: cam})
	w, h := r.Size()
	top, bot, left, right := h, -1, w, -1
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := 3 * (y*w + x)
			d := 0
			for c := range 3 {
				d = max(d, int(imgs[0][o+c])-int(imgs[1][o+c]), int(imgs[1][o+c])-int(imgs[0][o+c]))
			}
			if d > 12 {
				top, bot, left, right = min(top, y), max(bot, y), min(left, x), max(right, x)
			}
		}
	}
	// The head's top is about 0.12 m above its centre; the uppers end 2 cm
	// above the floor, at the toe landmarks' height, lowest at the toes.
	_, yHead, _ := r.Project(stand.Pose.Head.Add(render.Vec3{Z: 0.12}))
	_, yToe, _ := r.Project(stand.Pose.Legs[0].Toe)
	if math.Abs(float64(top)-yHead) > 4 || math.Abs(float64(bot)-yToe) > 4 {
		t.Errorf("figure spans rows %d..%d, the skeleton says %.0f..%.0f", top, bot, yHead, yToe)
	}
	// Across: the elbows or the hips are widest, a few centimetres outside
	// their joint centres.
	xl, _, _ := r.Project(stand.Pose.Arms[0].Elbow)
	xr, _, _ := r.Project(stand.Pose.Arms[1].Elbow)
	if lo, hi := math.Min(xl, xr), math.Max(xl, xr); float64(left) > lo || float64(right) < hi || float64(left) < lo-30 || float64(right) > hi+30 {
		t.Errorf("figure spans columns %d..%d, the elbows are at %.0f and %.0f", left, right, xl, xr)
	}
}

func TestDeterministic(t *testing.T) {
	cam := smallCamera(15)
	_, bottom := poses(t, cam)
	var sums [][32]byte
	for _, threads := range []int{1, 2, 3} {
		r, err := render.New(render.Options{Camera: cam, Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sha256.Sum256(draw(t, r, bottom.Pose)))
		sums = append(sums, sha256.Sum256(draw(t, r, bottom.Pose)))
	}
	for i := range sums {
		if sums[i] != sums[0] {
			t.Fatalf("render %d differs from the first (threads and repeats must not matter)", i)
		}
	}
	// And a different pose gives a different picture.
	r, _ := render.New(render.Options{Camera: cam})
	stand, _ := poses(t, cam)
	if sha256.Sum256(draw(t, r, stand.Pose)) == sums[0] {
		t.Error("standing and squatting render the same picture")
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	cam := smallCamera(0)
	r, err := render.New(render.Options{Camera: cam})
	if err != nil {
		t.Fatal(err)
	}
	stand, _ := poses(t, cam)
	if err := r.Render(context.Background(), stand.Pose, make([]byte, 10)); err == nil {
		t.Error("a short destination was accepted")
	}
	w, h := r.Size()
	buf := make([]byte, w*h*3)
	bad := stand.Pose
	bad.Legs[1].Knee.X = math.NaN()
	if err := r.Render(context.Background(), bad, buf); err == nil || !strings.Contains(err.Error(), "right knee") {
		t.Errorf("NaN knee: %v", err)
	}
	bad = stand.Pose
	bad.Face = bad.HeadUp
	if err := r.Render(context.Background(), bad, buf); err == nil {
		t.Error("a face looking along the head's up direction was accepted")
	}
	bad = stand.Pose
	bad.Arms[0].Wrist.Z = 1e6
	if err := r.Render(context.Background(), bad, buf); err == nil {
		t.Error("a wrist 1000 km away was accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Render(ctx, stand.Pose, buf); err == nil {
		t.Error("a cancelled context was not reported")
	}
}

func BenchmarkRender720p(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(map[int]string{1: "1thread", 2: "2threads"}[threads], func(b *testing.B) {
			cam := sim.DefaultCamera(15)
			r, err := render.New(render.Options{Camera: cam, Threads: threads})
			if err != nil {
				b.Fatal(err)
			}
			_, bottom := poses(b, cam)
			w, h := r.Size()
			buf := make([]byte, w*h*3)
			cpu0, haveCPU := processCPU()
			for b.Loop() {
				if err := r.Render(context.Background(), bottom.Pose, buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
			if cpu1, ok := processCPU(); ok && haveCPU {
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/frame")
			}
		})
	}
}
