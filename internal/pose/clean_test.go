package pose

import (
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

// kneeTrack returns a COCO track of n frames at rate fps where the left knee
// sits at x = 700 and the right knee at x = 500 (a front view: the person's
// left on the image's right), both moving up and down slowly, and the hips
// 100 px apart above them.
func kneeTrack(n int, fps float64) *track.Track {
	t := track.New(track.COCO17(), n)
	t.Video = track.Video{Width: 1280, Height: 720, FPS: fps}
	lk, rk := t.Index(track.LeftKnee), t.Index(track.RightKnee)
	lh, rh := t.Index(track.LeftHip), t.Index(track.RightHip)
	for i := range n {
		tm := float64(i) / fps
		f := track.Frame{Index: i, Time: tm, Points: make([]track.Point, len(t.Keypoints))}
		y := 500 + 40*math.Sin(2*math.Pi*0.5*tm)
		f.Points[lk] = track.Point{X: 700, Y: y, Conf: 0.9}
		f.Points[rk] = track.Point{X: 500, Y: y, Conf: 0.9}
		f.Points[lh] = track.Point{X: 650, Y: y - 150, Conf: 0.9}
		f.Points[rh] = track.Point{X: 550, Y: y - 150, Conf: 0.9}
		t.Frames = append(t.Frames, f)
	}
	t.FillNormalised()
	return t
}

func swapKnees(t *track.Track, from, to int) {
	lk, rk := t.Index(track.LeftKnee), t.Index(track.RightKnee)
	for i := from; i < to; i++ {
		p := t.Frames[i].Points
		p[lk], p[rk] = p[rk], p[lk]
	}
}

func TestRepairSwaps(t *testing.T) {
	tr := kneeTrack(60, 30)
	swapKnees(tr, 10, 15)
	swapKnees(tr, 40, 41)
	swaps, _ := repairSwaps(tr)
	if len(swaps) != 2 || swaps[0].Pair != "knee" || swaps[0].Frames != 5 || !near(swaps[0].StartS, 10.0/30, 1e-9) || swaps[1].Frames != 1 {
		t.Fatalf("swaps %+v, want knee for 5 frames from 0.333 s, then 1 frame", swaps)
	}
	lk, rk := tr.Index(track.LeftKnee), tr.Index(track.RightKnee)
	for i, f := range tr.Frames {
		if f.Points[lk].X != 700 || f.Points[rk].X != 500 {
			t.Fatalf("frame %d: knees at %v / %v after repair, want 700 / 500", i, f.Points[lk].X, f.Points[rk].X)
		}
	}
}

func TestRepairSwapsDuringFastMove(t *testing.T) {
	// Between two frames the body rises 120 px (far more than the knees'
	// 200 px separation would allow a distance test to see through) and
	// the knees come out exchanged: still caught, because the common
	// movement cancels in the left-minus-right vector.
	tr := kneeTrack(10, 5)
	lk, rk := tr.Index(track.LeftKnee), tr.Index(track.RightKnee)
	for i := range tr.Frames {
		for _, k := range []int{lk, rk} {
			tr.Frames[i].Points[k].Y = 600 - 120*float64(i)
		}
	}
	swapKnees(tr, 4, 5)
	swaps, _ := repairSwaps(tr)
	if len(swaps) != 1 || swaps[0].Pair != "knee" || swaps[0].Frames != 1 || tr.Frames[4].Points[lk].X != 700 {
		t.Errorf("swaps %+v, left knee in frame 4 at %v; want the knee swap in frame 4 repaired", swaps, tr.Frames[4].Points[lk].X)
	}
}

func TestRepairSwapsWrongStart(t *testing.T) {
	// The first 4 frames are the wrong way round: the majority labelling
	// wins, so those 4 are repaired, not the other 36.
	tr := kneeTrack(40, 30)
	swapKnees(tr, 0, 4)
	swaps, _ := repairSwaps(tr)
	if len(swaps) != 1 || swaps[0].Frames != 4 || swaps[0].StartS != 0 {
		t.Fatalf("swaps %+v, want the first 4 frames", swaps)
	}
	if lk := tr.Index(track.LeftKnee); tr.Frames[0].Points[lk].X != 700 {
		t.Errorf("frame 0 left knee at %v, want 700", tr.Frames[0].Points[lk].X)
	}
}

func TestRepairSwapsKneesTogether(t *testing.T) {
	// Knees 6 px apart with ±4 px jitter (deep knee cave): nothing is
	// clearly crossed, so nothing is exchanged.
	tr := kneeTrack(60, 30)
	lk, rk := tr.Index(track.LeftKnee), tr.Index(track.RightKnee)
	for i := range tr.Frames {
		j := 4 * math.Sin(float64(i)*1.7)
		tr.Frames[i].Points[lk].X = 603 + j
		tr.Frames[i].Points[rk].X = 597 - j
	}
	if swaps, _ := repairSwaps(tr); len(swaps) != 0 {
		t.Errorf("swaps %+v on touching knees, want none", swaps)
	}
}

func TestCleanFillsShortGapsOnly(t *testing.T) {
	tr := kneeTrack(90, 30)
	lk := tr.Index(track.LeftKnee)
	// A 3-frame dropout (0.1 s), a low-confidence frame, and a 20-frame
	// dropout (0.67 s, longer than MaxGapS).
	for i := 20; i < 23; i++ {
		tr.Frames[i].Points[lk] = track.Point{}
	}
	tr.Frames[30].Points[lk].Conf = 0.2
	for i := 50; i < 70; i++ {
		tr.Frames[i].Points[lk] = track.Point{}
	}
	// The right knee seen at confidence 0.3 (low for the pose step's 0.5)
	// and 20 px off for 8 frames (0.267 s, longer than the pose step's
	// 0.25 s): kept as observed.
	rk := tr.Index(track.RightKnee)
	for i := 75; i < 83; i++ {
		tr.Frames[i].Points[rk].X, tr.Frames[i].Points[rk].Conf = 520, 0.3
	}
	out, rep, err := Clean(tr, CleanOptions{CutoffHz: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FilledPoints != 4 || rep.LowConfPoints != 9 {
		t.Errorf("filled %d, low-confidence %d; want 4 and 9", rep.FilledPoints, rep.LowConfPoints)
	}
	for i := 75; i < 83; i++ {
		if p := out.Frames[i].Points[rk]; p.Filled || p.X != 520 || p.Conf != 0.3 {
			t.Errorf("frame %d: right knee %+v, want kept as observed at x 520, confidence 0.3", i, p)
		}
	}
	for _, i := range []int{20, 21, 22, 30} {
		p := out.Frames[i].Points[lk]
		truth := 500 + 40*math.Sin(2*math.Pi*0.5*float64(i)/30)
		if !p.Filled || !near(p.Conf, 0.9, 1e-12) || p.X != 700 || math.Abs(p.Y-truth) > 1 {
			t.Errorf("frame %d: %+v, want filled at (700, ~%.1f) with the neighbours' confidence 0.9", i, p, truth)
		}
	}
	if p := out.Frames[60].Points[lk]; p.Valid() || p.Filled {
		t.Errorf("frame 60 in the long gap: %+v, want left missing", p)
	}
	if len(rep.LongGaps) != 2 || rep.LongGaps[0].Keypoint != track.LeftKnee || rep.LongGaps[0].Frames != 20 ||
		!near(rep.LongGaps[0].StartS, 50.0/30, 1e-9) || !near(rep.LongGaps[0].EndS, 69.0/30, 1e-9) ||
		rep.LongGaps[1].Keypoint != track.RightKnee || rep.LongGaps[1].Frames != 8 || !near(rep.LongGaps[1].StartS, 2.5, 1e-9) {
		t.Errorf("long gaps %+v, want left_knee 1.667-2.3 s, 20 frames, and right_knee from 2.5 s, 8 frames", rep.LongGaps)
	}
	// The input is untouched.
	if tr.Frames[21].Points[lk].Valid() {
		t.Error("Clean changed its input")
	}
}

func TestCleanRepairsSwapsKeepsTimes(t *testing.T) {
	// 0.5 Hz movement plus 12 Hz jitter at a variable frame rate around
	// 60 fps, with the knees exchanged in frames 100-104: the swap is
	// repaired before smoothing, every frame keeps its true time, and the
	// 6 Hz low-pass keeps the movement (within 1.2 px of 40) and removes
	// most of the jitter.
	const n = 240
	tr := kneeTrack(n, 60)
	lk, rk := tr.Index(track.LeftKnee), tr.Index(track.RightKnee)
	for i := range tr.Frames {
		tm := float64(i)/60 + 0.008*float64((i/7)%2) // intervals of 1/60 s and longer ones, in runs
		if i > 0 && tm <= tr.Frames[i-1].Time {
			tm = tr.Frames[i-1].Time + 0.001
		}
		tr.Frames[i].Time = tm
		for _, k := range []int{lk, rk} {
			tr.Frames[i].Points[k].Y = 500 + 40*math.Sin(2*math.Pi*0.5*tm) + 5*math.Sin(2*math.Pi*12*tm)
		}
	}
	swapKnees(tr, 100, 105)
	out, rep, err := Clean(tr, CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Filtered || rep.CutoffHz != 6 || rep.Resampled || len(out.Frames) != n {
		t.Fatalf("report %+v, %d frames; want filtered at 6 Hz, not resampled, %d frames", rep, len(out.Frames), n)
	}
	if len(rep.Swaps) != 1 || rep.Swaps[0].Pair != "knee" || rep.Swaps[0].Frames != 5 || rep.SwappedFrames != 5 {
		t.Errorf("swaps %+v in %d frames, want the knees in 5 frames", rep.Swaps, rep.SwappedFrames)
	}
	worst := 0.0
	for i := 30; i < n-30; i++ { // away from the ends
		f := out.Frames[i]
		if f.Time != tr.Frames[i].Time {
			t.Fatalf("frame %d time changed from %v to %v", i, tr.Frames[i].Time, f.Time)
		}
		if !near(f.Points[lk].X, 700, 1e-6) || !near(f.Points[rk].X, 500, 1e-6) {
			t.Fatalf("frame %d: knees at x %v / %v, want 700 / 500", i, f.Points[lk].X, f.Points[rk].X)
		}
		truth := 500 + 40*math.Sin(2*math.Pi*0.5*f.Time)
		worst = math.Max(worst, math.Abs(f.Points[lk].Y-truth))
	}
	if worst > 1.2 {
		t.Errorf("smoothed knee within %.2f px of the true movement, want ≤ 1.2 (the jitter was ±5)", worst)
	}
	if raw := tr.Frames[100].Points[rk]; raw.X != 700 || raw.Y == out.Frames[100].Points[lk].Y {
		t.Errorf("the raw track was changed or nothing was smoothed")
	}
	// Without swap repair the exchanged frames stay exchanged (smoothed).
	out, rep, err = Clean(tr, CleanOptions{NoSwapRepair: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Swaps) != 0 || rep.SwappedFrames != 0 || out.Frames[102].Points[lk].X > 650 {
		t.Errorf("NoSwapRepair: swaps %+v, left knee in frame 102 at x %v; want no swaps, the knee near 500",
			rep.Swaps, out.Frames[102].Points[lk].X)
	}
}

func TestSidePairs(t *testing.T) {
	tr := track.New(track.BlazePose33(), 0)
	pairs, names := sidePairs(tr)
	if len(pairs) != 16 {
		t.Errorf("%d pairs in BlazePose's 33, want 16 (%v)", len(pairs), names)
	}
	tr = track.New(track.COCO17(), 0)
	if pairs, _ := sidePairs(tr); len(pairs) != 8 {
		t.Errorf("%d pairs in COCO's 17, want 8", len(pairs))
	}
}
