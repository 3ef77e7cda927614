package valgus

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// bottomKASR is the true KASR at the bottom of the first rep of a
// synthetic set as a camera sees it: the set projected without noise and
// the knees' horizontal distance over the ankles' taken at the middle of
// the bottom pause.
func bottomKASR(t *testing.T, l sim.StickSet, cam track.Camera) float64 {
	t.Helper()
	tr, err := track.Project(l.Track3D(), cam)
	if err != nil {
		t.Fatal(err)
	}
	rt := l.Timings()[0]
	fps := l.FPS
	if fps == 0 {
		fps = 30 // StickSet's default
	}
	fr := tr.Frames[int(math.Round((rt.BottomStart+rt.BottomEnd)/2*fps))]
	x := func(name string) float64 { return fr.Points[tr.Index(name)].X }
	return (x(track.LeftKnee) - x(track.RightKnee)) / (x(track.LeftAnkle) - x(track.RightAnkle))
}

// TestKASRRoute checks the second route to a cave in squats on both legs
// (Thresholds.KASRCave) on its own: the cave-angle bands are set out of
// reach, so any grade comes from the knees' closing at depth. A knee is
// graded moderate, basis "kasr", when the true KASR at the bottom lies
// clearly below 0.7 and the knee is one that moves in; never when it lies
// clearly above, when the stance is wide and the knees track out, or when
// both knees move the same way (hip shift, turned camera).
func TestKASRRoute(t *testing.T) {
	th := Defaults()
	th.KneeCaveDeg = Bands{Mild: 90, Moderate: 90, Severe: 90}
	below := th.KASRCave.Below
	type tc struct {
		name string
		set  sim.StickSet
		cam  track.Camera
		// in says which knees move in (valgus); when the true KASR is
		// clearly below the threshold exactly these are graded
		in [2]bool
		// below, when set, replaces the threshold: 2 makes every KASR
		// count, so only which knee moved in decides
		below float64
	}
	var cases []tc
	for _, v := range []float64{0, 8, 10, 14, 20, 25, 30} {
		cases = append(cases, tc{name: fmt.Sprintf("both-%gdeg", v), in: [2]bool{v > 0, v > 0},
			set: sim.StickSet{Reps: 3, LeftValgusDeg: []float64{v}, RightValgusDeg: []float64{v}}})
	}
	for _, v := range []float64{20, 40, 60} {
		cases = append(cases, tc{name: fmt.Sprintf("right-%gdeg", v), in: [2]bool{false, true},
			set: sim.StickSet{Reps: 3, RightValgusDeg: []float64{v}}})
	}
	for _, yaw := range []float64{-30, 0, 30} {
		cases = append(cases,
			tc{name: fmt.Sprintf("wide-knees-out/yaw%+g", yaw), cam: track.Camera{YawDeg: yaw},
				set: sim.StickSet{Reps: 3, StanceM: 0.6, KneesOutDeg: 25, ToeOutDeg: 30}},
			tc{name: fmt.Sprintf("hip-shift/yaw%+g", yaw), cam: track.Camera{YawDeg: yaw},
				set: sim.StickSet{Reps: 3, LateralShiftM: 0.12}},
			tc{name: fmt.Sprintf("hip-shift-any-KASR/yaw%+g", yaw), cam: track.Camera{YawDeg: yaw}, below: 2,
				set: sim.StickSet{Reps: 3, LateralShiftM: 0.12}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			truth := bottomKASR(t, c.set, c.cam)
			t.Logf("true KASR at the bottom %.3f", truth)
			if c.set.StanceM > 0 && !(truth > 1) {
				t.Fatalf("wide stance with the knees out: true KASR at the bottom %.2f, the case wants it above 1", truth)
			}
			th, below := th, below
			if c.below > 0 {
				th.KASRCave.Below, below = c.below, c.below
			}
			res := analyse(t, film(t, c.set, c.cam, 1, 3), Options{Thresholds: &th})
			if res.Movement != body.MoveBilateralSquat || len(res.Reps) != 3 {
				t.Fatalf("%s with %d reps, want a squat on both legs with 3", res.Movement, len(res.Reps))
			}
			for k, r := range res.Reps {
				if !near(r.KASRDeep, truth, 0.06) {
					t.Errorf("rep %d: KASR at depth %.3f, true %.3f at the bottom", k+1, r.KASRDeep, truth)
				}
				for s := range 2 {
					rs := r.Side[s]
					graded := rs.Severity == SevModerate && slices.Equal(rs.Basis, []string{"kasr"})
					switch {
					case truth < below-0.05 && c.in[s]:
						if !graded {
							t.Errorf("rep %d %s (moves in, true KASR %.2f): %s %v, KASR with the knee in %.2f; want moderate by kasr",
								k+1, body.Side(s), truth, rs.Severity, rs.Basis, rs.KASRDeep)
						}
					case truth > below+0.05 || !c.in[s]:
						if rs.Severity != SevNone {
							t.Errorf("rep %d %s (moves in %v, true KASR %.2f): %s %v, want none", k+1, body.Side(s), c.in[s], truth, rs.Severity, rs.Basis)
						}
					}
				}
			}
		})
	}
}

// TestKASRRouteOff: a Below of 0 turns the route off, and the thresholds
// file rejects a value out of range.
func TestKASRRouteOff(t *testing.T) {
	th := Defaults()
	th.KneeCaveDeg = Bands{Mild: 90, Moderate: 90, Severe: 90}
	th.KASRCave.Below = 0
	set := sim.StickSet{Reps: 3, LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
	if k := bottomKASR(t, set, track.Camera{}); !(k < 0.6) {
		t.Fatalf("true KASR %.2f: the case wants knees closing well below 0.7", k)
	}
	res := analyse(t, film(t, set, track.Camera{}, 1, 3), Options{Thresholds: &th})
	for k, r := range res.Reps {
		if r.Severity != SevNone {
			t.Errorf("rep %d graded %s with the route off", k+1, r.Severity)
		}
	}
	for _, bad := range []KASRCave{{Below: -0.1}, {Below: 2.5}, {Below: 0.7, KneeIn: -1}} {
		th := Defaults()
		th.KASRCave = bad
		if th.Validate() == nil {
			t.Errorf("kasr_cave %+v accepted", bad)
		}
	}
}
