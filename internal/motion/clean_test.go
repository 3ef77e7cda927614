package motion

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

func TestCleanResamplesIrregularTrack(t *testing.T) {
	// One keypoint moving slowly with jitter, irregular timestamps, a short
	// and a long gap.
	tr := &track.Track{Skeleton: "test", Keypoints: []string{"left_hip", "right_hip"}}
	rng := rand.New(rand.NewPCG(3, 4))
	tm := 0.0
	for i := 0; i < 300; i++ {
		tm += 1.0 / 30
		if i%7 == 3 {
			tm += 0.5 / 30 // variable frame rate
		}
		x := 100 + 50*math.Sin(2*math.Pi*0.5*tm)
		p := track.Point{X: x + 2*rng.NormFloat64(), Y: 10, Conf: 0.9}
		if i >= 50 && i < 53 || i >= 150 && i < 180 {
			p = track.Point{}
		}
		tr.Frames = append(tr.Frames, track.Frame{Index: i, Time: tm, Points: []track.Point{p, {X: 1, Y: 1, Conf: 0.9}}})
	}
	out, rep, err := Clean(tr, CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Resampled || !near(rep.RateHz, 30, 0.01) || !rep.Filtered || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "resampled") {
		t.Fatalf("report %+v", rep)
	}
	// 299 intervals of 1/30 s plus 43 extra half intervals: 320.5 frame
	// intervals at 30 fps, so 321 grid frames, 1/30 s apart from the first.
	if len(out.Frames) != 321 {
		t.Fatalf("%d frames after resampling, want 321", len(out.Frames))
	}
	for i, f := range out.Frames {
		if want := tr.Frames[0].Time + float64(i)/rep.RateHz; !near(f.Time, want, 1e-9) {
			t.Fatalf("frame %d at %.6f s, want %.6f on the uniform grid", i, f.Time, want)
		}
	}
	if len(rep.LongGaps) != 1 || rep.LongGaps[0].Keypoint != "left_hip" || rep.FilledPoints == 0 {
		t.Fatalf("gaps: %+v, filled %d", rep.LongGaps, rep.FilledPoints)
	}
	// The long gap lies inside the input's missing stretch (frames 150-179).
	if g := rep.LongGaps[0]; g.StartS <= tr.Frames[149].Time || g.EndS >= tr.Frames[180].Time || g.Frames < 30 {
		t.Errorf("long gap %+v, want inside %.3f-%.3f s and at least 30 frames", g, tr.Frames[149].Time, tr.Frames[180].Time)
	}
	// Jitter is reduced: compare with the true curve at the resampled times.
	var after float64
	n := 0
	for _, f := range out.Frames {
		p := f.Points[0]
		if !p.Valid() || p.Filled {
			continue
		}
		x := 100 + 50*math.Sin(2*math.Pi*0.5*f.Time)
		after += (p.X - x) * (p.X - x)
		n++
	}
	before := 4.0 // variance of the added noise
	if after/float64(n) > 0.5*before {
		t.Fatalf("residual variance %.2f, noise variance %.2f: not smoothed", after/float64(n), before)
	}
}

// jitteryKnee returns a one-keypoint track of n frames at 60 fps moving
// at 0.5 Hz (40 px, 40 mm in the world) plus 12 Hz jitter (5 px, 5 mm);
// irregular makes the intervals alternate between runs of 1/60 s and
// longer ones.
func jitteryKnee(n int, irregular bool) *track.Track {
	tr := &track.Track{Skeleton: "test", Keypoints: []string{track.LeftKnee}}
	for i := range n {
		tm := float64(i) / 60
		if irregular {
			tm += 0.008 * float64((i/7)%2)
			if i > 0 && tm <= tr.Frames[i-1].Time {
				tm = tr.Frames[i-1].Time + 0.001
			}
		}
		y := 500 + 40*math.Sin(2*math.Pi*0.5*tm) + 5*math.Sin(2*math.Pi*12*tm)
		p := track.Point{X: 700, Y: y, Conf: 0.9, World: track.Vec3{X: 0.2, Y: y / 1000}, HasWorld: true}
		tr.Frames = append(tr.Frames, track.Frame{Index: i, Time: tm, Points: []track.Point{p}})
	}
	return tr
}

func TestCleanKeepTimes(t *testing.T) {
	// The 6 Hz low-pass keeps the movement (within 1.2 px of the 40 px
	// sine) and removes most of the ±5 px jitter, in the picture and in
	// the world, and every frame keeps its time, also when the rate varies.
	for _, irregular := range []bool{false, true} {
		const n = 240
		tr := jitteryKnee(n, irregular)
		out, rep, err := Clean(tr, CleanOptions{KeepTimes: true})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Filtered || rep.CutoffHz != 6 || rep.Resampled || !near(rep.RateHz, 60, 1e-6) || len(out.Frames) != n {
			t.Fatalf("irregular=%v: report %+v, %d frames; want filtered at 6 Hz, 60 Hz, not resampled, %d frames", irregular, rep, len(out.Frames), n)
		}
		worst, worstW := 0.0, 0.0
		for i := 30; i < n-30; i++ { // away from the ends
			f := out.Frames[i]
			if f.Time != tr.Frames[i].Time {
				t.Fatalf("irregular=%v: frame %d time changed from %v to %v", irregular, i, tr.Frames[i].Time, f.Time)
			}
			truth := 500 + 40*math.Sin(2*math.Pi*0.5*f.Time)
			worst = math.Max(worst, math.Abs(f.Points[0].Y-truth))
			worstW = math.Max(worstW, math.Abs(f.Points[0].World.Y-truth/1000))
			if !near(f.Points[0].X, 700, 1e-9) || !near(f.Points[0].World.X, 0.2, 1e-12) {
				t.Fatalf("irregular=%v: frame %d: constant x moved to %v (world %v)", irregular, i, f.Points[0].X, f.Points[0].World.X)
			}
		}
		if worst > 1.2 || worstW > 1.2e-3 {
			t.Errorf("irregular=%v: smoothed knee within %.2f px (%.2f mm in the world) of the true movement, want ≤ 1.2 (the jitter was ±5)",
				irregular, worst, 1000*worstW)
		}
		if raw := tr.Frames[100].Points[0].Y; raw == out.Frames[100].Points[0].Y {
			t.Errorf("irregular=%v: the raw track was changed or nothing was smoothed", irregular)
		}
	}
	// Without KeepTimes the same irregular track is put on a uniform grid.
	tr := jitteryKnee(240, true)
	out, rep, err := Clean(tr, CleanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Frame 7 was shown 8 ms late; on the grid it is at 7/60 s.
	if !rep.Resampled || !near(out.Frames[7].Time, 7.0/60, 1e-9) || near(tr.Frames[7].Time, 7.0/60, 1e-3) {
		t.Errorf("irregular without KeepTimes: resampled %v, frame 7 at %.4f s (input %.4f s); want resampled, at %.4f s",
			rep.Resampled, out.Frames[7].Time, tr.Frames[7].Time, 7.0/60)
	}
}

func TestCleanKeepTimesRateChange(t *testing.T) {
	// 2 s at 60 fps, then 3 s at 30 fps, of a 1.5 Hz, 40 px movement. The
	// median rate is 60 fps; filtering the 30 fps samples as if they were
	// 1/60 s apart would see a 3 Hz movement and take 2 px off its peaks.
	// Filtered on a 60 fps resampling, the movement keeps within 1 px.
	tr := &track.Track{Skeleton: "test", Keypoints: []string{track.LeftKnee}}
	for i := range 210 {
		tm := float64(i) / 60
		if i >= 120 {
			tm = 2 + float64(i-119)/30
		}
		p := track.Point{X: 700, Y: 500 + 40*math.Sin(2*math.Pi*1.5*tm), Conf: 0.9}
		tr.Frames = append(tr.Frames, track.Frame{Index: i, Time: tm, Points: []track.Point{p}})
	}
	out, rep, err := Clean(tr, CleanOptions{KeepTimes: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Resampled || !near(rep.RateHz, 60, 1e-6) || len(out.Frames) != len(tr.Frames) {
		t.Fatalf("report %+v, %d frames; want 60 Hz, not resampled, %d frames", rep, len(out.Frames), len(tr.Frames))
	}
	worst := 0.0
	for i := 20; i < len(out.Frames)-10; i++ { // away from the ends
		f := out.Frames[i]
		if f.Time != tr.Frames[i].Time {
			t.Fatalf("frame %d time changed from %v to %v", i, tr.Frames[i].Time, f.Time)
		}
		worst = math.Max(worst, math.Abs(f.Points[0].Y-(500+40*math.Sin(2*math.Pi*1.5*f.Time))))
	}
	if worst > 1 {
		t.Errorf("smoothed movement within %.2f px of the truth, want ≤ 1", worst)
	}
}

// gappyTrack returns a 30 fps track of 90 frames with three keypoints:
// left_knee on straight lines (x = 100 + 3i, y = 200 + 2i, z = i/2, world
// (0.01i, 1, -0.02i)) so that interpolation is exact, with gaps;
// right_knee standing still without world positions, missing in frames 5
// and 6; left_heel never seen.
func gappyTrack() *track.Track {
	tr := &track.Track{Skeleton: "test", Keypoints: []string{track.LeftKnee, track.RightKnee, track.LeftHeel}}
	for i := range 90 {
		fi := float64(i)
		lk := track.Point{X: 100 + 3*fi, Y: 200 + 2*fi, Z: fi / 2, Conf: 0.9,
			World: track.Vec3{X: 0.01 * fi, Y: 1, Z: -0.02 * fi}, HasWorld: true}
		switch {
		case i == 19:
			lk.Conf = 0.8
		case i == 23:
			lk.Conf = 0.6
		case i >= 20 && i < 23, i >= 40 && i < 47: // 3 and 7 frames missing
			lk = track.Point{}
		case i == 30: // one low-confidence point, misplaced
			lk.X, lk.Conf = 999, 0.2
		case i >= 60 && i < 68: // 8 frames: observed at low confidence or missing
			if i%2 == 0 {
				lk.X, lk.Conf = 999, 0.2
			} else {
				lk = track.Point{}
			}
		}
		rk := track.Point{X: 500, Y: 300, Conf: 0.9}
		if i == 5 || i == 6 {
			rk = track.Point{}
		}
		tr.Frames = append(tr.Frames, track.Frame{Index: i, Time: fi / 30, Points: []track.Point{lk, rk, {}}})
	}
	return tr
}

func TestCleanGaps(t *testing.T) {
	for _, keep := range []bool{false, true} {
		tr := gappyTrack()
		// MaxGapS 0.25 s is 7.5 frames at 30 fps: 7 missing frames are
		// filled, 8 are not.
		out, rep, err := Clean(tr, CleanOptions{MinConf: 0.5, MaxGapS: 0.25, CutoffHz: -1, KeepTimes: true, KeepLowConfGaps: keep})
		if err != nil {
			t.Fatal(err)
		}
		if rep.FilledPoints != 13 || rep.LowConfPoints != 5 || rep.Filtered {
			t.Errorf("keep=%v: filled %d, low-confidence %d, filtered %v; want 13, 5, false", keep, rep.FilledPoints, rep.LowConfPoints, rep.Filtered)
		}
		// One long gap: the left knee's 8 frames; the heel, never seen, is
		// not a gap.
		if len(rep.LongGaps) != 1 || rep.LongGaps[0] != (KeypointGap{Keypoint: track.LeftKnee, StartS: 2, EndS: 67.0 / 30, Frames: 8}) {
			t.Errorf("keep=%v: long gaps %+v, want left_knee 2-2.233 s, 8 frames", keep, rep.LongGaps)
		}
		for i, f := range out.Frames {
			p, fi := f.Points[0], float64(i)
			switch {
			case i >= 20 && i < 23 || i == 30 || i >= 40 && i < 47:
				// Filled on the line, with the lower confidence of the
				// observations either side (0.8 and 0.6 around 20-22).
				conf := 0.9
				if i < 23 {
					conf = 0.6
				}
				if !p.Filled || p.Conf != conf || !near(p.X, 100+3*fi, 1e-9) || !near(p.Y, 200+2*fi, 1e-9) || !near(p.Z, fi/2, 1e-9) ||
					!p.HasWorld || !near(p.World.X, 0.01*fi, 1e-12) || !near(p.World.Z, -0.02*fi, 1e-12) {
					t.Errorf("keep=%v: frame %d: %+v, want filled at (%v, %v, %v), world (%v, 1, %v), confidence %v",
						keep, i, p, 100+3*fi, 200+2*fi, fi/2, 0.01*fi, -0.02*fi, conf)
				}
			case i >= 60 && i < 68:
				// The long gap: observed points kept as they were with
				// KeepLowConfGaps, else marked missing.
				want := 0.0
				if keep && i%2 == 0 {
					want = 0.2
				}
				if p.Filled || p.Conf != want || (want > 0 && p.X != 999) {
					t.Errorf("keep=%v: frame %d in the long gap: %+v, want confidence %v, not filled", keep, i, p, want)
				}
			default:
				if p.Filled || p.Conf != tr.Frames[i].Points[0].Conf || p.X != 100+3*fi {
					t.Errorf("keep=%v: observed frame %d changed: %+v", keep, i, p)
				}
			}
			// The right knee has no world positions: filled, it gets none.
			if r := f.Points[1]; r.X != 500 || r.Y != 300 || r.Filled != (i == 5 || i == 6) || r.HasWorld || r.Conf != 0.9 {
				t.Errorf("keep=%v: frame %d right knee %+v, want (500, 300), filled only in frames 5 and 6, no world", keep, i, r)
			}
			if f.Points[2].Valid() {
				t.Errorf("keep=%v: frame %d: the never-seen heel appeared: %+v", keep, i, f.Points[2])
			}
		}
		if tr.Frames[21].Points[0].Valid() || tr.Frames[30].Points[0].X != 999 {
			t.Errorf("keep=%v: Clean changed its input", keep)
		}
	}
}
