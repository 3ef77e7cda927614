package htmlreport

import (
	"context"
	"image/color"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// The key frames of a video larger than video.WorkingMaxSide are cut from
// frames decoded scaled down to it (never from a full-size frame), with
// the knee lines where the keypoints, in the video's own pixels, fall on
// them.
func TestReportKeyFramesOnLargeVideo(t *testing.T) {
	dir := t.TempDir()
	// Portrait, longer side 2560, decoded at 864x1920 (three quarters).
	const w, h, fw, fh = 1152, 2560, 864, 1920
	clip := overlaytest.Make(t, dir, sim.StickSet{Reps: 2, FPS: 10, LeftValgusDeg: []float64{10}, RightValgusDeg: []float64{10, 30}}, w, h)
	ss := analyse(t, []*track.Track{clip.Track}, nil)
	set := ss.Sets[0]
	ann, err := overlay.NewAnnotator(set)
	if err != nil {
		t.Fatal(err)
	}
	worst, best, ok := set.KeyReps()
	if !ok || worst == best {
		t.Fatalf("test set: worst rep %d, best %d, ok %v; want two different reps", worst, best, ok)
	}
	times := make([]float64, 2)
	for i, k := range []int{worst, best} {
		times[i], _ = ann.KeyTime(k)
	}
	pics, tr, gw, gh, err := videoFrames(context.Background(), clip.Video, ann, times)
	if err != nil {
		t.Fatal(err)
	}
	if gw != fw || gh != fh || pics[0].Bounds().Dx() != fw || pics[0].Bounds().Dy() != fh {
		t.Fatalf("key frames cut from %dx%d frames (%v), want %dx%d", gw, gh, pics[0].Bounds(), fw, fh)
	}
	if tr != (overlay.Transform{Scale: 0.75}) {
		t.Fatalf("keypoints to frames: %+v, want scale 0.75", tr)
	}

	p := parse(t, render(t, Input{Session: ss, Sets: []SetMedia{{Video: clip.Video}}}))
	if len(p.imgs) != 2 {
		t.Fatalf("%d key frames, want 2", len(p.imgs))
	}
	r, err := overlay.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range []int{worst, best} {
		img, mime := decodeDataImage(t, attr(p.imgs[i], "src"))
		if mime != "image/jpeg" {
			t.Fatalf("key frame %d is %s, want a JPEG video frame", i, mime)
		}
		sc, err := ann.KeyScene(k)
		if err != nil {
			t.Fatal(err)
		}
		want, xf := r.Still(pics[i], fw, fh, sc.Transformed(tr), overlay.StillOptions{MaxSide: 720})
		if img.Bounds() != want.Bounds() {
			t.Fatalf("key frame %d is %v, want %v", i, img.Bounds(), want.Bounds())
		}
		if d := meanDiff(img, want); d > 4 {
			t.Errorf("key frame %d differs from the scaled video frame with its scene by %.1f levels on average", i, d)
		}
		for s, l := range sc.Legs {
			c := l.Class.Colour()
			for _, seg := range [][2]body.Point{{l.Hip, l.Knee}, {l.Knee, l.Ankle}} {
				q := xf.Apply(tr.Apply(body.Point{X: (seg[0].X + seg[1].X) / 2, Y: (seg[0].Y + seg[1].Y) / 2}))
				got := color.RGBAModel.Convert(img.At(int(q.X), int(q.Y))).(color.RGBA)
				if d := dist(got, c); d > 60 {
					t.Errorf("key frame %d, leg %d at %.0f,%.0f: %v, want near %v", i, s, q.X, q.Y, got, c)
				}
			}
		}
	}
}
