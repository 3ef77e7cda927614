package posecheck

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// TestPoseReadsRenderedLifter renders a short simulated set (one squat with
// a caving right knee) from in front and from 30° aside, runs the whole
// pose pipeline on the video and compares the hips, knees and ankles it
// finds with the true projected joints: found in every frame, never
// swapped left for right, and close on average and at worst. Distances are
// in fractions of the lifter's standing height in the picture.
func TestPoseReadsRenderedLifter(t *testing.T) {
	testenv.ModelFiles(t, "blazepose-detector")
	testenv.ModelFiles(t, "blazepose-full")
	ctx := context.Background()
	for _, yaw := range []float64{0, 30} {
		cam := sim.DefaultCamera(yaw)
		cam.Width, cam.Height, cam.FocalPx = 640, 360, 480
		res, err := sim.Simulate(sim.Set{Reps: 1, LeadS: 0.4, FPS: 15, RightValgusDeg: []float64{10}}, cam)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "set.mp4")
		if _, err := res.RenderVideo(ctx, path, sim.VideoOptions{}); err != nil {
			t.Fatal(err)
		}
		pr, err := pose.Run(ctx, path, pose.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, want := pr.Raw, res.Exact
		if len(got.Frames) != len(want.Frames) {
			t.Fatalf("yaw %g: %d frames tracked, %d simulated", yaw, len(got.Frames), len(want.Frames))
		}
		// The lifter's standing height in pixels: head top to floor.
		_, yTop, _ := sim.Project(cam, res.Frames[0].Pose.Head.Add(sim.Vec3{Z: 0.12}))
		_, yFloor, _ := sim.Project(cam, sim.Vec3{})
		height := yFloor - yTop
		for _, pair := range [][2]string{
			{track.LeftHip, track.RightHip}, {track.LeftKnee, track.RightKnee}, {track.LeftAnkle, track.RightAnkle},
		} {
			for k, name := range pair {
				other := pair[1-k]
				gi, wi, oi := got.Index(name), want.Index(name), want.Index(other)
				var sum, worst, bx, by float64
				n, swapped := 0, 0
				for i := range got.Frames {
					p := got.Frames[i].Points[gi]
					if p.Conf <= 0 {
						continue
					}
					q, o := want.Frames[i].Points[wi], want.Frames[i].Points[oi]
					e := math.Hypot(p.X-q.X, p.Y-q.Y)
					sum += e
					bx += p.X - q.X
					by += p.Y - q.Y
					worst = math.Max(worst, e)
					n++
					if math.Hypot(q.X-o.X, q.Y-o.Y) > 0.03*height && math.Hypot(p.X-o.X, p.Y-o.Y) < e {
						swapped++
					}
				}
				mean := sum / float64(max(n, 1))
				t.Logf("yaw %2g° %-11s mean %.1f px (%.1f%%), worst %.1f px (%.1f%%) of %.0f px; bias (%+.1f, %+.1f) px",
					yaw, name, mean, 100*mean/height, worst, 100*worst/height, height, bx/float64(max(n, 1)), by/float64(max(n, 1)))
				if n != len(got.Frames) {
					t.Errorf("yaw %g: %s found in %d of %d frames", yaw, name, n, len(got.Frames))
				}
				if swapped > 0 {
					t.Errorf("yaw %g: %s nearer the other leg's joint in %d frames", yaw, name, swapped)
				}
				if mean > 0.035*height || worst > 0.12*height {
					t.Errorf("yaw %g: %s is off by %.1f px on average and %.1f px at worst (lifter %.0f px tall)", yaw, name, mean, worst, height)
				}
			}
		}
	}
}
