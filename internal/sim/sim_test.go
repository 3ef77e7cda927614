package sim

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

func simulate(t *testing.T, s Set, cam track.Camera) *Result {
	t.Helper()
	res, err := Simulate(s, cam)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestParseRamp(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want []float64
	}{
		{"4:14", 6, []float64{4, 6, 8, 10, 12, 14}},
		{"8", 3, []float64{8, 8, 8}},
		{"0,0,5", 5, []float64{0, 0, 5, 5, 5}},
		{"3:9", 1, []float64{3}},
		{"", 4, nil},
	} {
		got, err := ParseRamp(tc.in, tc.n)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%q for %d reps: %v, want %v", tc.in, tc.n, got, tc.want)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("%q for %d reps: %v, want %v", tc.in, tc.n, got, tc.want)
			}
		}
	}
	for _, bad := range []string{"a:3", "1,2,3,4,5,6,7", "4:x", "NaN"} {
		if _, err := ParseRamp(bad, 6); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseMoment(t *testing.T) {
	for in, want := range map[string]Moment{
		"descent:0.8": 0.8, "bottom": 1.5, "bottom:0.25": 1.25, "ascent:0.3": 2.3, "2.5": 2.5, "Ascent:1": 3,
	} {
		got, err := ParseMoment(in)
		if err != nil || math.Abs(float64(got-want)) > 1e-12 {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"ascent:1.5", "middle", "4", "up:0.2"} {
		if _, err := ParseMoment(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if s := Moment(2.3).String(); s != "ascent:0.3" {
		t.Errorf("Moment(2.3) = %q", s)
	}
}

// TestValgusTargetsMet checks the solver: seen from the front, every rep's
// peak FPPA change is what was asked for, growing by 2° a rep on the right
// and absent on the left.
func TestValgusTargetsMet(t *testing.T) {
	ramp, _ := ParseRamp("4:14", 6)
	set := Set{Reps: 6, RightValgusDeg: ramp}
	res := simulate(t, set, DefaultCamera(0))
	if len(res.Truth.Reps) != 6 {
		t.Fatalf("%d reps in the truth", len(res.Truth.Reps))
	}
	for i, r := range res.Truth.Reps {
		if math.Abs(r.Right.PeakChange-ramp[i]) > 0.05 || r.Right.TargetDeg != ramp[i] {
			t.Errorf("rep %d: right peak change %.3f° (target %.1f°), want %.1f°", i+1, r.Right.PeakChange, r.Right.TargetDeg, ramp[i])
		}
		if r.Right.TurnDeg <= 0 || r.Left.TurnDeg != 0 {
			t.Errorf("rep %d: knee turns left %.2f° right %.2f°", i+1, r.Left.TurnDeg, r.Right.TurnDeg)
		}
		// Without a turn the knees track out: the left FPPA only falls
		// below its standing value.
		if r.Left.PeakChange > 0.01 {
			t.Errorf("rep %d: left peak change %.3f° without valgus", i+1, r.Left.PeakChange)
		}
		if i > 0 && !(r.Right.TurnDeg > res.Truth.Reps[i-1].Right.TurnDeg) {
			t.Errorf("rep %d: turn %.2f° not above the previous rep's %.2f°", i+1, r.Right.TurnDeg, res.Truth.Reps[i-1].Right.TurnDeg)
		}
	}
	if s := res.Truth.FatigueSlope; math.Abs(s.Right-2) > 0.02 || math.Abs(s.Left) > 0.01 {
		t.Errorf("fatigue slopes left %.3f right %.3f °/rep, want 0 and 2", s.Left, s.Right)
	}
	// The standing FPPA is that of knees unlocked by a few degrees in a
	// plane turned 10° out: slightly varus, a few degrees.
	if sf := res.Truth.StandingFPPA; sf.Left > 0 || sf.Left < -3 || math.Abs(sf.Left-sf.Right) > 1e-9 {
		t.Errorf("standing FPPA %+v", sf)
	}

	// From 30° aside the knee turns are the same (solved for the front
	// view) but the camera sees other angles.
	side := simulate(t, set, DefaultCamera(30))
	for i := range side.Truth.Reps {
		a, b := res.Truth.Reps[i].Right, side.Truth.Reps[i].Right
		if a.TurnDeg != b.TurnDeg {
			t.Errorf("rep %d: turn %.3f° from the front, %.3f° from the side", i+1, a.TurnDeg, b.TurnDeg)
		}
		if math.Abs(a.PeakChange-b.PeakChange) < 0.5 {
			t.Errorf("rep %d: the 30° camera sees the same peak (%.2f°) as the front one", i+1, b.PeakChange)
		}
	}
}

func TestTimingsAndVelocityLoss(t *testing.T) {
	res := simulate(t, Set{Reps: 4, VelocityLoss: 0.3}, DefaultCamera(0))
	// Hand-computed: lead 1 s, descent 1.3, bottom 0.3, ascents 1/(1−0.1·i)
	// for i = 0..3, pauses 0.7.
	start := 1.0
	for i, r := range res.Truth.Reps {
		asc := 1 / (1 - 0.1*float64(i))
		want := [4]float64{start, start + 1.3, start + 1.6, start + 1.6 + asc}
		got := [4]float64{r.Start, r.BottomStart, r.BottomEnd, r.End}
		for k := range got {
			if math.Abs(got[k]-want[k]) > 1e-4 {
				t.Errorf("rep %d: times %v, want %v", i+1, got, want)
				break
			}
		}
		// The analysis's 10% start: the eased descent reaches 10% of the
		// depth at acos(0.8)/π of the way.
		if w := start + 1.3*math.Acos(0.8)/math.Pi; math.Abs(r.Analysed.Start-w) > 1e-4 {
			t.Errorf("rep %d: analysed start %.4f, want %.4f", i+1, r.Analysed.Start, w)
		}
		if w := 0.42 / asc; math.Abs(r.AscentVelocity-w) > 1e-4 {
			t.Errorf("rep %d: ascent velocity %.4f m/s, want %.4f", i+1, r.AscentVelocity, w)
		}
		start = want[3] + 0.7
	}
	if math.Abs(res.Truth.AscentVelocityLoss-0.3) > 1e-3 {
		t.Errorf("velocity loss %.4f, want 0.3", res.Truth.AscentVelocityLoss)
	}
	if len(res.Truth.PerFrame) != len(res.Frames) || res.Truth.PerFrame[45].Time != 1.5 {
		t.Errorf("%d frames of truth for %d frames", len(res.Truth.PerFrame), len(res.Frames))
	}
	// Frame 45 (1.5 s) is 0.5 s into the first descent: depth (1 − cos(π·0.5/1.3))/2.
	if d, w := res.Truth.PerFrame[45].Depth, (1-math.Cos(math.Pi*0.5/1.3))/2; math.Abs(d-w) > 1e-4 {
		t.Errorf("depth at 1.5 s %.4f, want %.4f", d, w)
	}
	if d := res.Truth.DurationS; math.Abs(d-(start-0.7+1)) > 1/30.0+1e-9 {
		t.Errorf("duration %.3f s, want %.3f", d, start-0.7+1)
	}
}

// TestAscentsPerRep checks per-rep ascents (a short slice repeats its last
// value), with and without velocity loss stretching them: the truth's
// ascent durations are the hand-computed ones.
func TestAscentsPerRep(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  Set
		want []float64
	}{
		{"per rep", Set{Reps: 3, AscentS: []float64{0.8, 1.2}}, []float64{0.8, 1.2, 1.2}},
		// Loss 0.2 over 3 reps: velocities 1, 0.9, 0.8 of the first's.
		{"per rep and velocity loss", Set{Reps: 3, AscentS: []float64{0.9}, VelocityLoss: 0.2}, []float64{0.9, 1.0, 1.125}}, // 0.9 s at 1, 0.9 and 0.8 of its speed
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := simulate(t, tc.set, DefaultCamera(0))
			for i, r := range res.Truth.Reps {
				if math.Abs(r.AscentS-tc.want[i]) > 1e-4 {
					t.Errorf("rep %d: ascent %.4f s, want %.4f", i+1, r.AscentS, tc.want[i])
				}
			}
		})
	}
}

func TestPeakPhaseAndOnset(t *testing.T) {
	for _, tc := range []struct {
		peak Moment
		want body.Phase
	}{
		{0, "bottom"}, // default: the middle of the bottom pause
		{0.6, "descent"},
		{2.2, "out_of_the_hole"},
		{2.7, "ascent"},
	} {
		res := simulate(t, Set{Reps: 2, LeftValgusDeg: []float64{12}, Peak: tc.peak, Onset: 0.1}, DefaultCamera(0))
		for i, r := range res.Truth.Reps {
			l := r.Left
			if l.PeakPhase != tc.want {
				t.Errorf("peak at %v, rep %d: phase %s at %.2f s (%.0f%%), want %s", tc.peak, i+1, l.PeakPhase, l.PeakTime, l.PeakPct, tc.want)
			}
			if l.Onset == nil || *l.Onset >= l.PeakTime || *l.Onset <= r.Start {
				t.Errorf("peak at %v, rep %d: onset %v, peak at %.2f s", tc.peak, i+1, l.Onset, l.PeakTime)
			}
			if r.Right.Onset != nil || r.Right.PeakPhase != "none" || r.Right.PeakChange > 0.01 {
				// No valgus on the right: its largest FPPA is at the rep's
				// ends, standing, and it never rises 5°.
				t.Errorf("peak at %v, rep %d: right onset %v phase %s", tc.peak, i+1, r.Right.Onset, r.Right.PeakPhase)
			}
		}
	}
}

// TestBodyIsRigid checks the skeleton over a whole set: constant segment
// lengths, planted feet that do not move, heel and toe points 2 cm above
// the floor, and ankles that project where the track says.
func TestBodyIsRigid(t *testing.T) {
	for _, mv := range []body.Movement{body.MoveBilateralSquat, body.MoveSingleLegSquat} {
		s := Set{Movement: mv, Reps: 2, RightValgusDeg: []float64{10}, LateralShiftM: 0.03}
		res := simulate(t, s, DefaultCamera(15))
		d := newDims(1.75)
		first := res.Frames[0].Pose
		for _, f := range res.Frames {
			p := f.Pose
			for sd := range 2 {
				l, a := p.Legs[sd], p.Arms[sd]
				for _, seg := range []struct {
					name string
					got  float64
					want float64
				}{
					{"thigh", l.Knee.Sub(l.Hip).Norm(), d.thigh},
					{"shank", l.Ankle.Sub(l.Knee).Norm(), d.shank},
					{"upper arm", a.Elbow.Sub(a.Shoulder).Norm(), d.upperArm},
					{"forearm", a.Wrist.Sub(a.Elbow).Norm(), d.forearm},
					{"hand", a.Knuckles.Sub(a.Wrist).Norm(), d.hand},
				} {
					if math.Abs(seg.got-seg.want) > 1e-9 {
						t.Fatalf("%s, t=%.2f: %s %s is %.4f m, want %.4f", mv, f.Time, body.Side(sd), seg.name, seg.got, seg.want)
					}
				}
				planted := mv == body.MoveBilateralSquat || body.Side(sd) == s.WorkingLeg()
				if planted && (l.Ankle != first.Legs[sd].Ankle || math.Abs(l.Heel.Z-0.02) > 1e-12 || math.Abs(l.Toe.Z-0.02) > 1e-12) {
					t.Fatalf("%s, t=%.2f: the planted %s foot moved or left the floor", mv, f.Time, body.Side(sd))
				}
				if !planted && l.Toe.Z < 0.08 {
					t.Fatalf("%s, t=%.2f: the free foot's toe is %.3f m above the floor", mv, f.Time, l.Toe.Z)
				}
			}
			if hw := p.Legs[0].Hip.Sub(p.Legs[1].Hip).Norm(); math.Abs(hw-d.hipW) > 1e-9 {
				t.Fatalf("hip width %.4f", hw)
			}
		}
		// The track's ankle is the projected joint.
		ia := res.Exact.Index(track.RightAnkle)
		f := res.Frames[len(res.Frames)/2]
		x, y, _ := Project(res.Camera, f.Pose.Legs[body.Right].Ankle)
		if p := res.Exact.Frames[len(res.Frames)/2].Points[ia]; p.X != x || p.Y != y || p.Conf != 1 {
			t.Errorf("track ankle %+v, projection (%g, %g)", p, x, y)
		}
	}
}

func TestSingleLegSquat(t *testing.T) {
	res := simulate(t, Set{Movement: body.MoveSingleLegSquat, Reps: 3, RightValgusDeg: []float64{14}, LeftValgusDeg: []float64{20}}, DefaultCamera(0))
	if res.Truth.WorkingLeg != "right" || res.Truth.Movement != "single_leg_squat" {
		t.Errorf("working leg %q, movement %q", res.Truth.WorkingLeg, res.Truth.Movement)
	}
	for i, r := range res.Truth.Reps {
		if !r.Right.Assessed || r.Left.Assessed || r.Left.TurnDeg != 0 {
			t.Errorf("rep %d: assessed right %v left %v, left turn %.2f", i+1, r.Right.Assessed, r.Left.Assessed, r.Left.TurnDeg)
		}
		if math.Abs(r.Right.PeakChange-14) > 0.05 {
			t.Errorf("rep %d: right peak change %.2f°, want 14", i+1, r.Right.PeakChange)
		}
	}
	left := simulate(t, Set{Movement: body.MoveSingleLegSquat, StandOnLeft: true, Reps: 1, LeftValgusDeg: []float64{9}}, DefaultCamera(0))
	if r := left.Truth.Reps[0]; left.Truth.WorkingLeg != "left" || math.Abs(r.Left.PeakChange-9) > 0.05 || r.Right.Assessed {
		t.Errorf("standing on the left: %s, left peak %.2f, right assessed %v", left.Truth.WorkingLeg, r.Left.PeakChange, r.Right.Assessed)
	}
}

func TestNoise(t *testing.T) {
	nz := Noise{JitterPx: 3, DropoutRate: 0.05, OutlierRate: 0.02}
	s := Set{Reps: 8, Noise: nz, Seed: 7}
	a := simulate(t, s, DefaultCamera(0))
	b := simulate(t, s, DefaultCamera(0))
	s.Seed = 8
	c := simulate(t, s, DefaultCamera(0))
	same := func(x, y *track.Track) bool {
		var bx, by bytes.Buffer
		_ = track.WriteJSON(&bx, x)
		_ = track.WriteJSON(&by, y)
		return bytes.Equal(bx.Bytes(), by.Bytes())
	}
	if !same(a.Track, b.Track) {
		t.Error("the same seed gave different tracks")
	}
	if same(a.Track, c.Track) {
		t.Error("different seeds gave the same track")
	}
	// Jitter: the spread of confident points about the exact ones.
	var sum2 float64
	n, lost, legPts := 0, 0, 0
	leg := map[string]bool{track.LeftKnee: true, track.RightKnee: true}
	for i, f := range a.Track.Frames {
		for k, p := range f.Points {
			q := a.Exact.Frames[i].Points[k]
			if leg[a.Track.Keypoints[k]] {
				legPts++
				if p.Conf < 0.3 {
					lost++
				}
			}
			if p.Conf >= 0.3 {
				dx, dy := p.X-q.X, p.Y-q.Y
				if math.Hypot(dx, dy) < 20 { // leave out the outliers
					sum2 += dx*dx + dy*dy
					n += 2
				}
			}
		}
	}
	if sd := math.Sqrt(sum2 / float64(n)); math.Abs(sd-3) > 0.3 {
		t.Errorf("jitter %.2f px, want 3", sd)
	}
	if fr := float64(lost) / float64(legPts); fr < 0.025 || fr > 0.1 {
		t.Errorf("%.3f of knee points lost, want about 0.05", fr)
	}
	// The exact track is untouched.
	for _, f := range a.Exact.Frames {
		for _, p := range f.Points {
			if p.Conf != 1 {
				t.Fatal("the exact track has noise")
			}
		}
	}
	if err := a.Track.Validate(); err != nil {
		t.Error(err)
	}
}

func TestBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  Set
		want string // in the error
	}{
		{"reps", Set{Reps: -1}, "reps -1"},
		{"depth", Set{DepthM: 2}, "depth as a fraction"},
		{"loss", Set{VelocityLoss: 0.95}, "velocity loss 0.95"},
		{"order", Set{Onset: 2, Peak: 1}, "must come in that order"},
		{"valgus", Set{RightValgusDeg: []float64{80}}, "valgus 80°"},
		{"fps", Set{FPS: 1000}, "frame rate 1000"},
		{"jitter", Set{Noise: Noise{JitterPx: -1}}, "jitter (px) -1"},
		{"movement", Set{Movement: "hop"}, "not hop"},
		{"split squat, the stick figure's only", Set{Movement: body.MoveSplitSquat}, "not split_squat"},
		{"one ascent too short", Set{AscentS: []float64{1, 0.1}}, "ascent (s) 0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Simulate(tc.set, DefaultCamera(0))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	// A cave the geometry cannot produce at this depth says so.
	_, err := Simulate(Set{DepthM: 0.06, RightValgusDeg: []float64{45}}, DefaultCamera(0))
	if err == nil || !strings.Contains(err.Error(), "beyond what") {
		t.Errorf("unreachable valgus: %v", err)
	}
	if _, err := Simulate(Set{}, track.Camera{}); err == nil {
		t.Error("a camera without size accepted")
	}
}

func TestTruthJSON(t *testing.T) {
	res := simulate(t, Set{Reps: 2, RightValgusDeg: []float64{8}}, DefaultCamera(15))
	var buf bytes.Buffer
	if err := res.Truth.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Simulated bool `json:"simulated"`
		Camera    struct {
			YawDeg float64 `json:"yaw_deg"`
		} `json:"camera"`
		Reps []struct {
			Right struct {
				Target float64 `json:"target_fppa_change_deg"`
				Phase  string  `json:"peak_phase"`
			} `json:"right"`
		} `json:"reps"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Simulated || doc.Camera.YawDeg != 15 || len(doc.Reps) != 2 || doc.Reps[1].Right.Target != 8 || doc.Reps[1].Right.Phase != "bottom" {
		t.Errorf("truth JSON: %+v", doc)
	}
}
