package overlay

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/video"
)

// A video larger than video.WorkingMaxSide is annotated at that size (so
// decoding, drawing and encoding never hold a full 4K or 8K frame), with
// the knee lines where the keypoints, made in the video's own pixels, fall
// on the smaller frames. GrabFrames gives frames of the same size.
func TestRenderVideoLarge(t *testing.T) {
	dir := t.TempDir()
	// Portrait, longer side 2560 (cheaper to make than 4K), decoded at
	// 864x1920: three quarters.
	const w, h, fw, fh = 1152, 2560, 864, 1920
	clip := overlaytest.Make(t, dir, sim.StickSet{Reps: 2, FPS: 10, RightValgusDeg: []float64{20}}, w, h)
	set := analyse(t, clip.Track)
	ann, err := NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "annotated.mp4")
	info, err := RenderVideo(context.Background(), clip.Video, out, ann, VideoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != w || info.Height != h {
		t.Errorf("RenderVideo returned the input's size as %dx%d, want %dx%d", info.Width, info.Height, w, h)
	}
	inFrames, _, _, inDur := ffprobeStream(t, clip.Video)
	frames, ow, oh, dur := ffprobeStream(t, out)
	if ow != fw || oh != fh || frames != inFrames || math.Abs(dur-inDur) > 1e-3 {
		t.Fatalf("annotated %d frames %dx%d %.4f s; want %d frames %dx%d %.4f s", frames, ow, oh, dur, inFrames, fw, fh, inDur)
	}

	bottom := set.Reps[1].BottomS
	got, _, err := GrabFrames(context.Background(), out, []float64{bottom})
	if err != nil {
		t.Fatal(err)
	}
	orig, origInfo, err := GrabFrames(context.Background(), clip.Video, []float64{bottom})
	if err != nil {
		t.Fatal(err)
	}
	if b := orig[0].Bounds(); b.Dx() != fw || b.Dy() != fh || origInfo.Width != w {
		t.Fatalf("GrabFrames of the large clip: %v frames of a %dx%d video, want %dx%d frames of a %dx%d one",
			b, origInfo.Width, origInfo.Height, fw, fh, w, h)
	}
	tr, err := ann.MatchFrames(origInfo, fw, fh)
	if err != nil || tr != (Transform{Scale: 0.75}) {
		t.Fatalf("MatchFrames = %+v, %v; want scale 0.75", tr, err)
	}
	sc, _ := ann.SceneAt(bottom)
	for s, l := range sc.Legs {
		want := l.Class.Colour()
		for _, seg := range [][2]body.Point{{l.Hip, l.Knee}, {l.Knee, l.Ankle}} {
			p := tr.Apply(lerpPt(seg[0], seg[1], 0.5))
			after, before := at(got[0], p), at(orig[0], p)
			if colourDist(after, want) > 90 || colourDist(before, want) < colourDist(after, want)+60 {
				t.Errorf("leg %d at %.0f,%.0f: %v in the output, %v before, want near %v", s, p.X, p.Y, after, before, want)
			}
		}
	}
}

func TestMatchFrames(t *testing.T) {
	clipTrack := overlaytest.Track(t, sim.StickSet{Reps: 1}, 3840, 2160)
	set := analyse(t, clipTrack)
	ann, err := NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	info := &video.Info{Path: "big.mp4", Width: 3840, Height: 2160, Duration: 60}
	for _, c := range []struct {
		w, h  int
		scale float64
	}{{3840, 2160, 1}, {1920, 1080, 0.5}, {1280, 720, 1.0 / 3}} {
		tr, err := ann.MatchFrames(info, c.w, c.h)
		if err != nil || math.Abs(tr.Scale-c.scale) > 1e-12 || tr.DX != 0 || tr.DY != 0 {
			t.Errorf("MatchFrames to %dx%d = %+v, %v; want scale %v", c.w, c.h, tr, err, c.scale)
		}
	}
	// A track made at 1080p drawn on a 4K video decoded at 1920x1080.
	small := overlaytest.Track(t, sim.StickSet{Reps: 1}, 1920, 1080)
	ann, err = NewAnnotator(analyse(t, small))
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := ann.MatchFrames(info, 1920, 1080); err != nil || math.Abs(tr.Scale-1) > 1e-12 {
		t.Errorf("1080p track on 4K frames decoded at 1080p: %+v, %v; want scale 1", tr, err)
	}
	// Another shape is still refused.
	if _, err := ann.MatchFrames(&video.Info{Path: "tall.mp4", Width: 1080, Height: 1920, Duration: 60}, 1080, 1920); err == nil {
		t.Error("a portrait video accepted for a landscape track")
	}
}
