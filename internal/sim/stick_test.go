package sim

import (
	"fmt"
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

// stickPoint is keypoint name in frame i of a stick track.
func stickPoint(t *track.Track, i int, name string) Vec3 {
	return t.Frames[i].Points[t.Index(name)].World
}

// stickFrameAt is the frame nearest time s.
func stickFrameAt(t *track.Track, s float64) int {
	return int(math.Round(s * t.Video.FPS))
}

func TestStickTimings(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  StickSet
		// Hand-computed (start, bottom start, bottom end, end) per rep.
		want [][4]float64
	}{
		{"defaults: lead 1, descent 1.2, bottom 0.2, ascent 1, pause 0.6", StickSet{Reps: 2},
			[][4]float64{{1, 2.2, 2.4, 3.4}, {4.0, 5.2, 5.4, 6.4}}},
		{"ascent per rep, short slice repeats", StickSet{Reps: 3, AscentS: []float64{0.8, 1.5}},
			[][4]float64{{1, 2.2, 2.4, 3.2}, {3.8, 5.0, 5.2, 6.7}, {7.3, 8.5, 8.7, 10.2}}},
		// Velocity loss 0.4 over 3 reps: ascents 1, 1/0.8, 1/0.6.
		{"velocity loss", StickSet{Reps: 3, VelocityLoss: 0.4, PauseS: 1, LeadS: 0.5},
			[][4]float64{{0.5, 1.7, 1.9, 2.9}, {3.9, 5.1, 5.3, 6.55}, {7.55, 8.75, 8.95, 8.95 + 1/0.6}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := tc.set.Timings()
			if len(ts) != len(tc.want) {
				t.Fatalf("%d reps, want %d", len(ts), len(tc.want))
			}
			for i, r := range ts {
				got := [4]float64{r.Start, r.BottomStart, r.BottomEnd, r.End}
				for k := range got {
					if math.Abs(got[k]-tc.want[i][k]) > 1e-9 {
						t.Errorf("rep %d: %v, want %v", i+1, got, tc.want[i])
						break
					}
				}
			}
			lead := tc.set.withDefaults().LeadS
			if d, w := tc.set.Duration(), tc.want[len(tc.want)-1][3]+lead; math.Abs(d-w) > 1e-9 {
				t.Errorf("duration %.4f s, want %.4f", d, w)
			}
			tr := tc.set.Track3D()
			if n := len(tr.Frames); n != int(math.Round(tc.set.Duration()*30))+1 {
				t.Errorf("%d frames for %.3f s at 30 fps", n, tc.set.Duration())
			}
		})
	}
}

// TestStickBody checks every movement's body over a whole set: thigh and
// shank keep their lengths, the hips their width, planted feet stay put on
// the floor, and a drop jump leaves it.
func TestStickBody(t *testing.T) {
	const ankleH = 0.07
	for _, tc := range []struct {
		name    string
		set     StickSet
		planted [2]bool
	}{
		{"squat", StickSet{Reps: 2, LeftValgusDeg: []float64{15}, LateralShiftM: 0.04}, [2]bool{true, true}},
		{"single-leg on the right", StickSet{Movement: body.MoveSingleLegSquat, Reps: 2, RightValgusDeg: []float64{12}}, [2]bool{false, true}},
		{"single-leg on the left", StickSet{Movement: body.MoveSingleLegSquat, StandOnLeft: true, Reps: 2}, [2]bool{true, false}},
		{"split squat", StickSet{Movement: body.MoveSplitSquat, Reps: 2, DepthM: 0.3}, [2]bool{true, true}},
		{"drop jump", StickSet{Movement: body.MoveJumpLanding, Reps: 2, DepthM: 0.2}, [2]bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.set.withDefaults()
			tr := tc.set.Track3D()
			if tr.WorldUp != "+z" || len(tr.Keypoints) != 13 {
				t.Fatalf("world up %q, %d keypoints", tr.WorldUp, len(tr.Keypoints))
			}
			legs := [2][3]string{
				{track.LeftHip, track.LeftKnee, track.LeftAnkle},
				{track.RightHip, track.RightKnee, track.RightAnkle},
			}
			first := [2]Vec3{stickPoint(tr, 0, track.LeftAnkle), stickPoint(tr, 0, track.RightAnkle)}
			for i := range tr.Frames {
				for sd, l := range legs {
					hip, knee, ankle := stickPoint(tr, i, l[0]), stickPoint(tr, i, l[1]), stickPoint(tr, i, l[2])
					// Out of reach (the split squat's front leg, standing) the
					// leg is as straight as it goes and the thigh stretches.
					inReach := hip.Sub(ankle).Norm() < s.ThighM+s.ShankM-1e-4
					th, sh := knee.Sub(hip).Norm(), ankle.Sub(knee).Norm()
					if math.Abs(sh-s.ShankM) > 1e-9 || inReach && math.Abs(th-s.ThighM) > 1e-9 || th < s.ThighM-1e-9 {
						t.Fatalf("frame %d, %s: thigh %.6f m, shank %.6f m, want %g and %g", i, body.Side(sd), th, sh, s.ThighM, s.ShankM)
					}
					if tc.planted[sd] && (ankle != first[sd] || ankle.Z < ankleH-1e-12) {
						t.Fatalf("frame %d: the planted %s foot moved to %+v from %+v", i, body.Side(sd), ankle, first[sd])
					}
				}
				if w := stickPoint(tr, i, track.LeftHip).Sub(stickPoint(tr, i, track.RightHip)).Norm(); math.Abs(w-s.HipWidthM) > 1e-12 {
					t.Fatalf("frame %d: hip width %.6f m", i, w)
				}
			}
			if tc.set.Movement == body.MoveJumpLanding {
				// Half-way down the first descent the body is at the top of
				// its flight: 0.25·sin(π/2) above the floor's ankle height.
				r := tc.set.Timings()[0]
				i := stickFrameAt(tr, r.Start+(r.BottomStart-r.Start)/2)
				if z := stickPoint(tr, i, track.LeftAnkle).Z; math.Abs(z-(ankleH+0.25)) > 0.01 {
					t.Errorf("mid-descent ankle %.3f m high, want about %.2f", z, ankleH+0.25)
				}
			}
		})
	}
}

// frontalFPPA is a leg's angle between thigh and shank seen straight from
// the front (X dropped: Y, Z), positive when the knee lies on the midline's
// side of the hip-ankle line.
func frontalFPPA(hip, knee, ankle Vec3, out float64) float64 {
	ty, tz := knee.Y-hip.Y, knee.Z-hip.Z
	sy, sz := ankle.Y-knee.Y, ankle.Z-knee.Z
	deg := math.Atan2(math.Abs(ty*sz-tz*sy), ty*sy+tz*sz) * 180 / math.Pi
	// Where the hip-ankle line is at the knee's height, and which way the
	// knee is off it.
	u := (knee.Z - hip.Z) / (ankle.Z - hip.Z)
	lineY := hip.Y + u*(ankle.Y-hip.Y)
	if (knee.Y-lineY)*out > 0 { // outside of the line: varus
		return -deg
	}
	return deg
}

// TestStickValgus checks the valgus turn at the bottom of a rep: the knee
// lies in the plane through hip and ankle turned KneesOutDeg − valgus from
// forward, and the knee caves more, seen from the front, as valgus grows.
func TestStickValgus(t *testing.T) {
	base := StickSet{Reps: 1, RightValgusDeg: []float64{0}}
	var prev float64
	for k, v := range []float64{0, 10, 20, 30} {
		t.Run(fmt.Sprintf("right valgus %g°", v), func(t *testing.T) {
			s := base
			s.RightValgusDeg = []float64{v}
			tr := s.Track3D()
			r := s.Timings()[0]
			i := stickFrameAt(tr, (r.BottomStart+r.BottomEnd)/2)
			hip, knee, ankle := stickPoint(tr, i, track.RightHip), stickPoint(tr, i, track.RightKnee), stickPoint(tr, i, track.RightAnkle)
			turn := (10 - v) * math.Pi / 180 // knees out 10° by default
			dir := Vec3{X: math.Cos(turn), Y: -math.Sin(turn)}
			// The knee, hip, ankle and the bending direction are coplanar.
			if tp := knee.Sub(ankle).Cross(hip.Sub(ankle)).Dot(dir); math.Abs(tp) > 1e-12 {
				t.Errorf("knee off its bending plane: triple product %g", tp)
			}
			mid := hip.Add(ankle).Scale(0.5)
			if knee.Sub(mid).Dot(dir) <= 0 {
				t.Errorf("knee %+v bends away from %+v", knee, dir)
			}
			f := frontalFPPA(hip, knee, ankle, -1)
			if k > 0 && !(f > prev+1) {
				t.Errorf("frontal FPPA %.2f° with %g° valgus, not above %.2f° with less", f, v, prev)
			}
			prev = f
			// The left knee, without valgus, is as before whatever the right does.
			lk := stickPoint(tr, i, track.LeftKnee)
			if ref := base.Track3D(); lk != stickPoint(ref, i, track.LeftKnee) {
				t.Errorf("left knee moved with the right's valgus")
			}
		})
	}
}

// TestStickStandOnLeftMirrors checks that a single-leg squat on the left
// leg is the mirror image of one on the right with the valgus swapped.
func TestStickStandOnLeftMirrors(t *testing.T) {
	right := StickSet{Movement: body.MoveSingleLegSquat, Reps: 2, RightValgusDeg: []float64{8, 15}}
	left := StickSet{Movement: body.MoveSingleLegSquat, StandOnLeft: true, Reps: 2, LeftValgusDeg: []float64{8, 15}}
	if right.WorkingLeg() != body.Right || left.WorkingLeg() != body.Left {
		t.Fatalf("working legs %s and %s", right.WorkingLeg(), left.WorkingLeg())
	}
	a, b := right.Track3D(), left.Track3D()
	if len(a.Frames) != len(b.Frames) {
		t.Fatalf("%d and %d frames", len(a.Frames), len(b.Frames))
	}
	swap := map[string]string{}
	for _, p := range [][2]string{
		{track.LeftShoulder, track.RightShoulder}, {track.LeftHip, track.RightHip}, {track.LeftKnee, track.RightKnee},
		{track.LeftAnkle, track.RightAnkle}, {track.LeftHeel, track.RightHeel}, {track.LeftFootIndex, track.RightFootIndex},
	} {
		swap[p[0]], swap[p[1]] = p[1], p[0]
	}
	swap[track.Nose] = track.Nose
	for i := range a.Frames {
		for _, name := range a.Keypoints {
			p, q := stickPoint(a, i, name), stickPoint(b, i, swap[name])
			if math.Abs(p.X-q.X) > 1e-12 || math.Abs(p.Y+q.Y) > 1e-12 || math.Abs(p.Z-q.Z) > 1e-12 {
				t.Fatalf("frame %d: %s at %+v, mirrored %s at %+v", i, name, p, swap[name], q)
			}
		}
	}
}

func TestTruthMovementNames(t *testing.T) {
	for _, tc := range []struct {
		m    body.Movement
		want string
	}{
		{body.MoveBilateralSquat, "squat"}, {body.MoveSingleLegSquat, "single_leg_squat"}, {body.MoveSplitSquat, "split_squat"},
		{body.MoveJumpLanding, "drop_jump"},
	} {
		t.Run(string(tc.m), func(t *testing.T) {
			if got := truthName(tc.m); got != tc.want {
				t.Errorf("truth name %q, want %q", got, tc.want)
			}
		})
	}
}
