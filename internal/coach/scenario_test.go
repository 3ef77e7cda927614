package coach

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// This file builds the scenarios of the coaching tests: real motion-capture
// squats (the shared OpenCap files, filmed by the virtual camera as the
// analysis tests do) and the synthetic lifter, with controlled changes:
// knees moved inwards by known fractions of the shin in chosen reps and
// phases, ascents or descents slowed or sped up by known factors, a hip
// lowered, feet points removed.

// mocapCache keeps the projected OpenCap tracks and their unmodified
// analysis, so that each file is read once per test binary.
var mocapCache sync.Map

type mocapBase struct {
	tr  *track.Track
	ref *valgus.SetResult
}

// mocap returns a fresh copy of a shared OpenCap file filmed from the front,
// and its unmodified analysis (for frame depths, phases and rep ranges).
func mocap(t *testing.T, name string) (*track.Track, *valgus.SetResult) {
	t.Helper()
	return mocapAt(t, name, 0)
}

// mocapAt films the file with the camera yaw degrees around the lifter.
func mocapAt(t *testing.T, name string, yaw float64) (*track.Track, *valgus.SetResult) {
	t.Helper()
	key := fmt.Sprintf("%s@%g", name, yaw)
	if v, ok := mocapCache.Load(key); ok {
		b := v.(mocapBase)
		return b.tr.Clone(), b.ref
	}
	raw, err := track.Load(testenv.SharedFile(t, "mocap/"+name), track.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := track.Project(raw, track.Camera{YawDeg: yaw})
	if err != nil {
		t.Fatal(err)
	}
	ref := analyse(t, tr, valgus.Options{})
	if len(ref.Reps) != 5 || len(ref.Frames) != len(tr.Frames) {
		t.Fatalf("%s: %d reps, %d analysed frames of %d", name, len(ref.Reps), len(ref.Frames), len(tr.Frames))
	}
	mocapCache.Store(key, mocapBase{tr, ref})
	return tr.Clone(), ref
}

func analyse(t *testing.T, tr *track.Track, opt valgus.Options) *valgus.SetResult {
	t.Helper()
	res, err := valgus.AnalyzeSet(context.Background(), tr, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// film projects a synthetic lifter from the front and adds pixel noise (a
// pose model's jitter) with a fixed seed; the world positions are dropped,
// as a 2D pose model gives none.
func film(t *testing.T, l sim.StickSet, yaw, noisePx float64, seed uint64) *track.Track {
	t.Helper()
	tr, err := track.Project(l.Track3D(), track.Camera{YawDeg: yaw})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	for i := range tr.Frames {
		for k := range tr.Frames[i].Points {
			p := &tr.Frames[i].Points[k]
			p.X += noisePx * rng.NormFloat64()
			p.Y += noisePx * rng.NormFloat64()
			p.HasWorld = false
		}
	}
	return tr
}

// mirrorLifter turns a synthetic 3D lifter into its mirror image: the
// single-leg squat on the right leg becomes one on the left.
func mirrorLifter(tr *track.Track) *track.Track {
	out := tr.Clone()
	for i := range out.Frames {
		for k := range out.Frames[i].Points {
			out.Frames[i].Points[k].World.Y = -out.Frames[i].Points[k].World.Y
		}
	}
	for k, n := range out.Keypoints {
		switch {
		case strings.HasPrefix(n, "left_"):
			out.Keypoints[k] = "right_" + strings.TrimPrefix(n, "left_")
		case strings.HasPrefix(n, "right_"):
			out.Keypoints[k] = "left_" + strings.TrimPrefix(n, "right_")
		}
	}
	return out
}

// profile gives, for frame i of a rep, how much of a change applies (0-1).
type profile func(ref *valgus.SetResult, rep valgus.RepResult, i int) float64

// withDepth grows with the hips' descent in the deeper half of the squat:
// nothing until the hips are 0.2 leg lengths down (half the depth of the
// shared squats, 0.39-0.42), all from 0.4, so the knee caves most at the
// bottom and starts to cave no earlier than half way down.
func withDepth(ref *valgus.SetResult, rep valgus.RepResult, i int) float64 {
	return clamp01((ref.Frames[i].Depth - 0.2) / 0.2)
}

// early is at its full size from a fifth of the rep's depth on the way
// down and stays until the hips are back above that height: the knee drifts
// in at the start of the descent, as with a collapsing foot.
func early(ref *valgus.SetResult, rep valgus.RepResult, i int) float64 {
	return clamp01(ref.Frames[i].Depth / (0.2 * rep.DepthLeg))
}

// outOfHole is a bump in the first third of the ascent (nothing before the
// bottom ends): the knee caves when driving up out of the hole.
func outOfHole(ref *valgus.SetResult, rep valgus.RepResult, i int) float64 {
	r := rep.Rep
	if i <= r.BottomEnd {
		return 0
	}
	u := float64(i-r.BottomEnd) / float64(r.End-r.BottomEnd) // 0..1 over the ascent
	return math.Max(0, math.Sin(math.Pi*math.Min(1, u/0.6)))
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// kneesIn moves the knees of the given sides medially by shift[k] shin
// lengths in rep k (a shorter slice repeats its last value), shaped by p.
func kneesIn(tr *track.Track, ref *valgus.SetResult, sides []body.Side, shift []float64, p profile) {
	for k, rep := range ref.Reps {
		amount := shift[min(k, len(shift)-1)]
		for i := rep.Rep.Start; i <= rep.Rep.End; i++ {
			f := p(ref, rep, i)
			for _, s := range sides {
				knee, hip, other := track.LeftKnee, track.LeftHip, track.RightHip
				if s == body.Right {
					knee, hip, other = track.RightKnee, track.RightHip, track.LeftHip
				}
				pts := tr.Frames[i].Points
				dir := valgus.MedialDir(body.Point{X: pts[tr.Index(hip)].X}, body.Point{X: pts[tr.Index(other)].X})
				pts[tr.Index(knee)].X += dir * amount * ref.Baseline.ShankPx[s] * f
			}
		}
	}
}

// hipDown lowers one hip in the picture by amount leg lengths at depth
// (following withDepth): the pelvis tilts towards that side.
func hipDown(tr *track.Track, ref *valgus.SetResult, s body.Side, amount float64) {
	name := track.LeftHip
	if s == body.Right {
		name = track.RightHip
	}
	for _, rep := range ref.Reps {
		for i := rep.Rep.Start; i <= rep.Rep.End; i++ {
			tr.Frames[i].Points[tr.Index(name)].Y += amount * ref.Baseline.LegPx * withDepth(ref, rep, i)
		}
	}
}

// retime stretches the time between frames: frames of rep k's descent by
// down[k], of its ascent by up[k] (shorter slices repeat their last value;
// nil leaves the phase alone). The cleaning step resamples the now
// irregular timestamps, as for a variable-frame-rate video.
func retime(tr *track.Track, ref *valgus.SetResult, down, up []float64) {
	factor := make([]float64, len(tr.Frames))
	for i := range factor {
		factor[i] = 1
	}
	at := func(v []float64, k int) float64 {
		if len(v) == 0 {
			return 1
		}
		return v[min(k, len(v)-1)]
	}
	for k, rep := range ref.Reps {
		r := rep.Rep
		for i := r.Start + 1; i <= r.End; i++ {
			switch {
			case i <= r.BottomStart:
				factor[i] = at(down, k)
			case i > r.BottomEnd:
				factor[i] = at(up, k)
			}
		}
	}
	prev := tr.Frames[0].Time // original time of the previous frame
	for i := 1; i < len(tr.Frames); i++ {
		dt := tr.Frames[i].Time - prev
		prev = tr.Frames[i].Time
		tr.Frames[i].Time = tr.Frames[i-1].Time + dt*factor[i]
	}
}

// dropFeet removes the heel and toe points from the track, as a MoveNet
// (COCO-17) track has none.
func dropFeet(tr *track.Track) *track.Track {
	return dropKeypoints(tr, track.LeftHeel, track.RightHeel, track.LeftFootIndex, track.RightFootIndex)
}

// dropKeypoints returns a copy of the track without the named keypoints.
func dropKeypoints(tr *track.Track, names ...string) *track.Track {
	out := tr.Clone()
	var keep []int
	out.Keypoints = out.Keypoints[:0]
	for k, n := range tr.Keypoints {
		if slices.Contains(names, n) {
			continue
		}
		keep = append(keep, k)
		out.Keypoints = append(out.Keypoints, n)
	}
	for i := range out.Frames {
		pts := make([]track.Point, len(keep))
		for j, k := range keep {
			pts[j] = tr.Frames[i].Points[k]
		}
		out.Frames[i].Points = pts
	}
	return out
}

// session analyses sets together (loads optional) and returns the session.
func session(t *testing.T, sets []*valgus.SetResult) *valgus.SessionResult {
	t.Helper()
	ss, err := valgus.AnalyzeSession(sets)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func loaded(kg float64) valgus.Options { return valgus.Options{LoadKG: kg, HasLoad: true} }
