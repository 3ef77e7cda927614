package pose

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

func TestMirrorPartners(t *testing.T) {
	for _, sk := range []track.Skeleton{track.BlazePose33(), track.COCO17()} {
		names := sk.Keypoints
		p := mirrorPartners(names)
		for i, j := range p {
			if p[j] != i {
				t.Errorf("%s: partner of %s is %s, whose partner is %s", sk.Name, names[i], names[j], names[p[j]])
			}
		}
		want := map[string]string{track.Nose: track.Nose, track.LeftKnee: track.RightKnee, track.RightAnkle: track.LeftAnkle}
		if sk.Name == track.SkeletonBlazePose33 {
			want["mouth_left"] = "mouth_right"
			want[track.LeftFootIndex] = track.RightFootIndex
		}
		for a, b := range want {
			i, j := slices.Index(names, a), slices.Index(names, b)
			if i < 0 || j < 0 || p[i] != j {
				t.Errorf("%s: partner of %s should be %s", sk.Name, a, b)
			}
		}
	}
}

// mirrorImage returns im flipped left to right.
func mirrorImage(im Image) Image {
	out := Image{Pix: make([]byte, len(im.Pix)), W: im.W, H: im.H}
	for y := range im.H {
		for x := range im.W {
			s, d := (y*im.W+x)*3, (y*im.W+im.W-1-x)*3
			copy(out.Pix[d:d+3], im.Pix[s:s+3])
		}
	}
	return out
}

// mirrorROI returns the region that shows, in the mirror image of a
// w-pixel-wide picture, the mirror image of what r shows.
func mirrorROI(r ROI, w int) ROI {
	r.CX = float64(w) - r.CX
	r.Rotation = -r.Rotation
	return r
}

// TestCropMirrorSymmetric: cropping the mirrored picture with the mirrored
// region gives the mirrored crop (pixel (i, j) of one is pixel
// (size-1-i, j) of the other), for rotated regions, regions partly outside
// the picture, and with the box prefilter (k = 1, 2, 3): the crop adds no
// left-right bias of its own.
func TestCropMirrorSymmetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	im := Image{W: 331, H: 217, Pix: make([]byte, 331*217*3)}
	for i := range im.Pix {
		im.Pix[i] = byte(rng.IntN(256))
	}
	mim := mirrorImage(im)
	const size = 64
	cases := []ROI{
		{CX: 100, CY: 90, W: 60, H: 60},                       // k = 1
		{CX: 180.3, CY: 110.7, W: 130, H: 130, Rotation: 0.3}, // k = 2
		{CX: 20, CY: 200, W: 190, H: 190, Rotation: -1.1},     // k = 3, partly outside
		{CX: 165.5, CY: 108.5, W: 331, H: 217},                // the whole picture, not square
	}
	for _, roi := range cases {
		a := make([]float32, size*size*3)
		b := make([]float32, size*size*3)
		crop(im, roi.ToImage(size, size), size, size, a, 1)
		crop(mim, mirrorROI(roi, im.W).ToImage(size, size), size, size, b, 1)
		worst := 0.0
		for y := range size {
			for x := range size {
				o, m := (y*size+x)*3, mirroredIndex(x, y, size)
				for c := range 3 {
					worst = math.Max(worst, math.Abs(float64(a[o+c]-b[m+c])))
				}
			}
		}
		if worst > 1e-3 {
			t.Errorf("%+v: mirrored crop differs from the crop of the mirrored picture by up to %.3g (of 255)", roi, worst)
		}
	}
}

// TestAverageMirroredBlazePose: outputs that are already mirror images of
// each other are left as they are, and swapping which run saw the mirrored
// crop mirrors the average.
func TestAverageMirroredBlazePose(t *testing.T) {
	partner := mirrorPartners(track.BlazePose33().Keypoints)
	const size = 256
	rng := rand.New(rand.NewPCG(3, 4))
	ld := make([]float32, blazePoseLandmarks*5)
	world := make([]float32, blazePoseLandmarks*3)
	for i := range ld {
		ld[i] = float32(rng.Float64() * size)
	}
	for i := range world {
		world[i] = float32(rng.Float64() - 0.5)
	}
	// mirrorOf returns what a perfectly symmetric model would give on the
	// mirrored crop.
	mirrorOf := func(ld, world []float32) ([]float32, []float32) {
		mld, mw := slices.Clone(ld), slices.Clone(world)
		for i := range blazePoseLandmarks {
			j := i
			if i < len(partner) {
				j = partner[i]
			}
			copy(mld[j*5:j*5+5], ld[i*5:i*5+5])
			mld[j*5] = size - ld[i*5]
			copy(mw[j*3:j*3+3], world[i*3:i*3+3])
			mw[j*3] = -world[i*3]
		}
		return mld, mw
	}
	mld, mw := mirrorOf(ld, world)
	gotLD, gotW := slices.Clone(ld), slices.Clone(world)
	averageMirroredBlazePose(gotLD, gotW, mld, mw, partner, size)
	if d := maxAbsDiff(gotLD, ld) + maxAbsDiff(gotW, world); d > 1e-4 {
		t.Errorf("symmetric outputs changed by averaging: up to %g", d)
	}
	// A model with a bias: on the mirrored crop it gives other landmarks.
	other := make([]float32, len(ld))
	otherW := make([]float32, len(world))
	for i := range other {
		other[i] = float32(rng.Float64() * size)
	}
	for i := range otherW {
		otherW[i] = float32(rng.Float64() - 0.5)
	}
	a, aw := slices.Clone(ld), slices.Clone(world)
	averageMirroredBlazePose(a, aw, other, otherW, partner, size) // picture as filmed
	b, bw := slices.Clone(other), slices.Clone(otherW)
	averageMirroredBlazePose(b, bw, ld, world, partner, size) // the mirrored picture
	ma, maw := mirrorOf(a, aw)
	if d := maxAbsDiff(ma, b) + maxAbsDiff(maw, bw); d > 1e-3 {
		t.Errorf("the average on the mirrored crop is not the mirror of the average: up to %g apart", d)
	}
}

func maxAbsDiff(a, b []float32) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// firstFrame decodes the first frame of a video.
func firstFrame(t *testing.T, path string) Image {
	t.Helper()
	dec, err := video.Decode(context.Background(), path, video.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	f, err := dec.Next()
	if err != nil {
		t.Fatal(err)
	}
	return Image{Pix: f.Pix, W: f.Width, H: f.Height}
}

// TestMirrorAverageExact runs each landmark model kind on one real frame
// and on its exact mirror image (no video coding in between), on the crop
// its own landmarks place and on the mirror image of that crop: with
// mirror averaging the keypoints agree, mapped back and sides exchanged,
// to a hundredth of a pixel; without it how far apart they are is logged,
// which is the model's own asymmetry.
func TestMirrorAverageExact(t *testing.T) {
	im := Image{}
	for _, name := range []string{ModelBlazePoseFull, ModelMoveNetLightning} {
		t.Run(name, func(t *testing.T) {
			requireModels(t, name)
			if im.Pix == nil {
				im = firstFrame(t, testenv.SharedFile(t, "media/goblet-squat-front.mp4"))
			}
			mim := mirrorImage(im)
			est, err := newEstimator(modelsDirFor(t, name), name, 0, false)
			if err != nil {
				t.Fatal(err)
			}
			defer est.Close()
			ctx := context.Background()
			first, err := est.Estimate(ctx, im, LetterboxROI(im.W, im.H))
			if err != nil {
				t.Fatal(err)
			}
			roi, ok := est.next(first)
			if !ok {
				t.Fatal("no crop from the first pose")
			}
			partner := mirrorPartners(est.skeleton().Keypoints)
			for _, avg := range []bool{false, true} {
				est.(interface{ SetMirrorAverage(bool) }).SetMirrorAverage(avg)
				p, err := est.Estimate(ctx, im, roi)
				if err != nil {
					t.Fatal(err)
				}
				q, err := est.Estimate(ctx, mim, mirrorROI(roi, im.W))
				if err != nil {
					t.Fatal(err)
				}
				var d []float64
				for i, k := range p.Keypoints {
					m := q.Keypoints[partner[i]]
					d = append(d, math.Hypot(k.X-(float64(im.W)-m.X), k.Y-m.Y))
				}
				t.Logf("mirror average %v: keypoints of the frame and of its mirror image, mapped back: median %.3f px, worst %.3f px apart",
					avg, median(d), slices.Max(d))
				if avg && slices.Max(d) > 0.01 {
					t.Errorf("with mirror averaging the mirrored frame's keypoints are up to %.3f px from the frame's, want ≤ 0.01", slices.Max(d))
				}
			}
		})
	}
}

// modelsDirFor returns the folder holding the named model's files.
func modelsDirFor(t *testing.T, name string) string {
	t.Helper()
	jsonPath, _ := testenv.ModelFiles(t, name)
	return filepath.Dir(jsonPath)
}

// TestMirroredVideo tracks a few seconds of real clips and of their mirror
// images (ffmpeg's hflip) with mirror averaging on, and checks that the
// mirrored video gives the mirrored result: the lifter's left leg, which
// the model calls "right" in the mirrored video, must measure the same
// frontal plane projection angle (body.FPPA) there as in the original,
// and the keypoints must lie in mirrored places. The truth is the mirror
// symmetry itself. Both videos of a case are encoded alike, so that only
// the flip differs: losslessly, where nothing but the pipeline can break
// the symmetry, and at -crf 10, a realistic re-encoding whose coding noise
// differs between the two.
//
// Limits, per side, raw and cleaned tracks: the medians over frames of the
// FPPA within 2°, the 90th percentile over frames of the per-frame FPPA
// difference within 2°; hips, knees and ankles within the case's pixel
// limits (median and 90th percentile over frames) of their mirrored
// places. The last case runs without mirror averaging and only logs how
// far apart the two videos' results are (docs/pose.md, "Mirrored video").
func TestMirroredVideo(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	const maxFPPA = 2.0 // degrees
	cases := []struct {
		name, file   string
		secs         float64
		codec        []string
		medPx, p90Px float64
		logOnly      bool // mirror averaging off: log how far apart, check nothing
	}{
		// standing, then the first deep goblet squat
		{"goblet-lossless", "goblet-squat-front.mp4", 4, []string{"-qp", "0"}, 0.25, 1, false},
		// a left-leg and a right-leg single-leg squat: the legs move
		// differently, so swapped sides cannot pass by accident
		{"single-leg-lossless", "single-leg-squat-alternating-front.mp4", 6, []string{"-qp", "0"}, 0.25, 1, false},
		{"goblet-crf10", "goblet-squat-front.mp4", 4, []string{"-crf", "10"}, 1.5, 3, false},
		// the model alone, for the record (docs/pose.md)
		{"single-leg-lossless-unaveraged", "single-leg-squat-alternating-front.mp4", 6, []string{"-qp", "0"}, 0, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := testenv.SharedFile(t, "media/"+c.file)
			dir := t.TempDir()
			orig, mirr := filepath.Join(dir, "orig.mp4"), filepath.Join(dir, "hflip.mp4")
			for _, v := range []struct{ out, vf string }{{orig, "null"}, {mirr, "hflip"}} {
				args := []string{"-t", fmt.Sprint(c.secs), "-i", src, "-an", "-vf", v.vf, "-c:v", "libx264", "-preset", "ultrafast"}
				args = append(append(args, c.codec...), "-pix_fmt", "yuv420p", v.out)
				ffmpeg(t, args...)
			}
			res := runBoth(t, [2]string{orig, mirr}, Options{Every: 2, Threads: 1, MirrorAverage: !c.logOnly})
			for _, kind := range []string{"raw", "cleaned"} {
				a, b := res[0].Track, res[1].Track
				if kind == "raw" {
					a, b = res[0].Raw, res[1].Raw
				}
				cmp := compareMirrored(a, b)
				if cmp.frames < 20 {
					t.Fatalf("%s: only %d frames with both legs in both tracks", kind, cmp.frames)
				}
				for side, f := range cmp.fppa {
					t.Logf("%s %s FPPA over %d frames: median %.2f° vs %.2f° mirrored; per-frame difference p90 %.2f°, worst %.2f°",
						kind, side, cmp.frames, f.median[0], f.median[1], f.p90, f.worst)
					if c.logOnly {
						continue
					}
					if d := math.Abs(f.median[0] - f.median[1]); d > maxFPPA {
						t.Errorf("%s %s leg: median FPPA %.2f° in the video, %.2f° in its mirror image: %.2f° apart, want ≤ %g",
							kind, side, f.median[0], f.median[1], d, maxFPPA)
					}
					if f.p90 > maxFPPA {
						t.Errorf("%s %s leg: per-frame FPPA difference between the video and its mirror image: p90 %.2f°, want ≤ %g",
							kind, side, f.p90, maxFPPA)
					}
				}
				for _, name := range legNames {
					d := cmp.dist[name]
					t.Logf("%s %s: %.2f px median, %.2f px p90 from its mirrored place", kind, name, median(d), percentile(d, 0.9))
					if !c.logOnly && !(median(d) <= c.medPx && percentile(d, 0.9) <= c.p90Px) {
						t.Errorf("%s %s: %.2f px median, %.2f px p90 from its place in the mirror image, want ≤ %g and ≤ %g",
							kind, name, median(d), percentile(d, 0.9), c.medPx, c.p90Px)
					}
				}
			}
		})
	}
}

// runBoth tracks two videos at once (one goroutine each).
func runBoth(t *testing.T, paths [2]string, opts Options) [2]*Result {
	t.Helper()
	var res [2]*Result
	var errs [2]error
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() { res[i], errs[i] = Run(context.Background(), p, opts) })
	}
	wg.Wait()
	if err := errors.Join(errs[0], errs[1]); err != nil {
		t.Fatal(err)
	}
	return res
}

type mirrorFPPA struct {
	median     [2]float64 // video, mirror image
	p90, worst float64    // of the per-frame absolute difference
}

type mirrorComparison struct {
	frames int
	fppa   map[string]mirrorFPPA // by the lifter's side
	dist   map[string][]float64  // keypoint name → per-frame distance, px
}

// compareMirrored compares the track of a video with the track of its
// mirror image, the second mapped back (x → width − x, left and right
// exchanged), frame by frame.
func compareMirrored(a, b *track.Track) mirrorComparison {
	w := float64(b.Video.Width)
	partner := mirrorPartners(b.Keypoints)
	byIndex := map[int]track.Frame{}
	for _, f := range b.Frames {
		byIndex[f.Index] = f
	}
	out := mirrorComparison{fppa: map[string]mirrorFPPA{}, dist: map[string][]float64{}}
	var angles [2][2][]float64 // side, video
	var diffs [2][]float64
	for _, fa := range a.Frames {
		fb, ok := byIndex[fa.Index]
		if !ok {
			continue
		}
		back := make([]track.Point, len(fb.Points))
		for i, p := range fb.Points {
			p.X = w - p.X
			back[partner[i]] = p
		}
		var fp [2][2]float64
		okAll := true
		for s, side := range [2]string{"left", "right"} {
			for v, pts := range [2][]track.Point{fa.Points, back} {
				ang, ok := legFPPA(a, pts, side)
				okAll = okAll && ok
				fp[s][v] = ang
			}
		}
		if !okAll {
			continue
		}
		out.frames++
		for s := range 2 {
			angles[s][0] = append(angles[s][0], fp[s][0])
			angles[s][1] = append(angles[s][1], fp[s][1])
			diffs[s] = append(diffs[s], math.Abs(fp[s][0]-fp[s][1]))
		}
		for _, name := range legNames {
			i := a.Index(name)
			if p, q := fa.Points[i], back[i]; p.Valid() && q.Valid() {
				out.dist[name] = append(out.dist[name], math.Hypot(p.X-q.X, p.Y-q.Y))
			}
		}
	}
	if out.frames == 0 {
		return out
	}
	for s, side := range [2]string{"left", "right"} {
		out.fppa[side] = mirrorFPPA{median: [2]float64{median(angles[s][0]), median(angles[s][1])},
			p90: percentile(diffs[s], 0.9), worst: slices.Max(diffs[s])}
	}
	return out
}

// legFPPA is body.FPPA of one of the lifter's legs in one frame.
func legFPPA(t *track.Track, pts []track.Point, side string) (float64, bool) {
	other := map[string]string{"left": "right", "right": "left"}[side]
	at := func(name string) (body.Point, bool) {
		p := pts[t.Index(name)]
		return body.Point{X: p.X, Y: p.Y}, p.Valid()
	}
	hip, ok1 := at(side + "_hip")
	knee, ok2 := at(side + "_knee")
	ankle, ok3 := at(side + "_ankle")
	otherHip, ok4 := at(other + "_hip")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return 0, false
	}
	return body.FPPA(hip, knee, ankle, otherHip)
}

// percentile returns the p-quantile (0..1) of xs, nearest rank; NaN for
// none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(xs))
	return s[int(math.Round(p*float64(len(s)-1)))]
}
