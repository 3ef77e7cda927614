package pose

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// TestLargeVideoDecodedScaled makes a 4K copy of the first 3 s of the
// 720p goblet clip and checks that it is tracked on frames scaled down to
// video.WorkingMaxSide (1920x1080) while the track stays in the 4K
// video's pixels: the same keypoints as the 720p clip's track, three times
// as far from the corner.
func TestLargeVideoDecodedScaled(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	big := filepath.Join(t.TempDir(), "goblet-4k.mp4")
	ffmpeg(t, "-t", "3", "-i", src, "-an", "-vf", "scale=3840:2160:flags=bicubic",
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", big)
	ctx := context.Background()
	res, err := Run(ctx, big, Options{Every: 6})
	if err != nil {
		t.Fatal(err)
	}
	if st := res.Stats; st.FrameW != 1920 || st.FrameH != 1080 {
		t.Errorf("tracked on %dx%d frames, want 1920x1080", st.FrameW, st.FrameH)
	}
	if v := res.Track.Video; v.Width != 3840 || v.Height != 2160 {
		t.Errorf("track video %dx%d, want the video's 3840x2160", v.Width, v.Height)
	}
	frontViewChecks(t, res, nil)

	ref, err := Run(ctx, src, Options{Every: 6, MaxTime: 3})
	if err != nil {
		t.Fatal(err)
	}
	if st := ref.Stats; st.FrameW != 1280 || st.FrameH != 720 {
		t.Errorf("the 720p clip tracked on %dx%d frames, want its own size", st.FrameW, st.FrameH)
	}
	var diffs []float64
	for i, f := range res.Track.Frames {
		if i >= len(ref.Track.Frames) || ref.Track.Frames[i].Index != f.Index {
			break
		}
		for _, name := range legNames {
			k := res.Track.Index(name)
			a, b := f.Points[k], ref.Track.Frames[i].Points[k]
			if !a.Valid() || !b.Valid() {
				continue
			}
			diffs = append(diffs, math.Hypot(a.X/3-b.X, a.Y/3-b.Y)) // in the 720p clip's pixels
			if !near(a.NX, a.X/3840, 1e-9) || !near(a.NY, a.Y/2160, 1e-9) {
				t.Fatalf("frame %d %s: normalised (%v, %v) is not (x/3840, y/2160) for (%v, %v)", f.Index, name, a.NX, a.NY, a.X, a.Y)
			}
			// Depth is relative to the hips (near 0 there); away from
			// them it must scale like x.
			if math.Abs(b.Z) >= 50 && (a.Z/3/b.Z < 0.5 || a.Z/3/b.Z > 2) {
				t.Errorf("frame %d %s: depth %.1f at 4K, %.1f at 720p: not on the scale of x", f.Index, name, a.Z, b.Z)
			}
		}
	}
	if len(diffs) == 0 {
		t.Fatal("no leg point to compare")
	}
	t.Logf("4K track / 3 vs the 720p track: %d leg points, median %.2f px, worst %.2f px", len(diffs), median(diffs), slices.Max(diffs))
	if len(diffs) < 60 || median(diffs) > 2 || slices.Max(diffs) > 10 {
		t.Errorf("4K track / 3 vs the 720p track: %d points compared, median %.2f px, worst %.2f px; want ≥ 60, ≤ 2, ≤ 10",
			len(diffs), median(diffs), slices.Max(diffs))
	}
}

// TestFillPointsScale checks the mapping from a scaled frame's pixels to
// the video's: positions and depth scaled, normalised positions from the
// video's size, world positions untouched.
func TestFillPointsScale(t *testing.T) {
	p := Pose{HasWorld: true, Keypoints: []Keypoint{
		{X: 960, Y: 540, Z: -100, Visibility: 0.9, World: track.Vec3{X: 0.1, Y: -0.5, Z: 0.2}},
		{X: 10, Y: 20, Visibility: 0}, // not seen: left empty
	}}
	dst := make([]track.Point, 2)
	fillPoints(dst, p, frameScale{sx: 4, sy: 4}, 7680, 4320)
	got := dst[0]
	if got.X != 3840 || got.Y != 2160 || got.NX != 0.5 || got.NY != 0.5 || got.Z != -400 || got.Conf != 0.9 {
		t.Errorf("point %+v, want (3840, 2160) normalised (0.5, 0.5), depth -400, confidence 0.9", got)
	}
	if !got.HasWorld || got.World != p.Keypoints[0].World {
		t.Errorf("world %v, want %v unscaled", got.World, p.Keypoints[0].World)
	}
	if dst[1].Valid() {
		t.Errorf("unseen point filled: %+v", dst[1])
	}
	// An unscaled frame keeps the model's numbers exactly.
	fillPoints(dst, p, frameScale{sx: 1, sy: 1}, 1920, 1080)
	if got := dst[0]; got.X != 960 || got.Y != 540 || got.Z != -100 || got.NX != 0.5 {
		t.Errorf("unscaled point %+v", got)
	}
	// toFrame is the inverse for targets.
	tg := frameScale{sx: 2, sy: 2}.toFrame(Target{X: 3000, Y: 1000, R: 400, T: 1.5})
	if tg != (Target{X: 1500, Y: 500, R: 200, T: 1.5}) {
		t.Errorf("toFrame: %+v", tg)
	}
}
