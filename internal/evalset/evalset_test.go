package evalset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// small builds the quick synthetic subset once per test.
func small(t *testing.T) []Case {
	t.Helper()
	cs, err := Build(Options{Seed: 1, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func hasPerturb(c Case, p string) bool { return slices.Contains(c.Perturb, p) }

func TestDeterministic(t *testing.T) {
	a, b := small(t), small(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two builds with the same seed differ")
	}
	c, err := Build(Options{Seed: 2, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a[0].Track, c[0].Track) {
		t.Error("a different seed gives the same first track")
	}
}

func TestSmallSetShape(t *testing.T) {
	cs := small(t)
	if len(cs) < 60 || len(cs) > 120 {
		t.Errorf("Small set has %d cases, want 60-120", len(cs))
	}
	names := map[string]bool{}
	movements := map[string]bool{}
	for _, c := range cs {
		if names[c.Name] {
			t.Errorf("duplicate case name %s", c.Name)
		}
		names[c.Name] = true
		movements[c.Movement] = true
	}
	for _, m := range []string{BilateralSquat, SingleLegSquat, SplitSquat, JumpLanding} {
		if !movements[m] {
			t.Errorf("no %s case", m)
		}
	}
}

// TestLabelBalance: bilateral squats have both classes in roughly equal
// numbers, per case and per knee, and some Ambiguous knees exist.
func TestLabelBalance(t *testing.T) {
	tests := []struct {
		name  string
		small bool
	}{{"small", true}, {"full", false}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.small && testing.Short() {
				t.Skip("full set: skipped with -short")
			}
			start := time.Now()
			cs, err := Build(Options{Seed: 1, Small: tc.small})
			if err != nil {
				t.Fatal(err)
			}
			if !tc.small {
				t.Logf("full synthetic set: %d cases in %v", len(cs), time.Since(start))
				if len(cs) < 600 || len(cs) > 1500 {
					t.Errorf("full set has %d cases, want 600-1500", len(cs))
				}
			}
			bil := Tally(cs)[BilateralSquat]
			if bil == nil {
				t.Fatal("no bilateral squats")
			}
			caseRatio := float64(bil.CaseCaves) / float64(bil.CaseClean)
			kneeRatio := float64(bil.Knees[Caves]) / float64(bil.Knees[NoCave])
			if caseRatio < 0.7 || caseRatio > 1.5 {
				t.Errorf("bilateral cases: %d with a caving knee vs %d clean", bil.CaseCaves, bil.CaseClean)
			}
			if kneeRatio < 0.5 || kneeRatio > 1.5 {
				t.Errorf("bilateral knees: %d caving vs %d not", bil.Knees[Caves], bil.Knees[NoCave])
			}
			if Tally(cs)["all"].Knees[Ambiguous] == 0 {
				t.Error("no Ambiguous knees")
			}
		})
	}
}

// TestLabelRule checks the thresholds and that every knee's label follows
// from its CaveDeg (except the free leg of single-leg squats and the rear
// leg of split squats, Ambiguous by design).
func TestLabelRule(t *testing.T) {
	for _, tc := range []struct {
		deg  float64
		want Label
	}{{-20, NoCave}, {0, NoCave}, {0.1, Ambiguous}, {4.9, Ambiguous}, {5, Caves}, {25, Caves}} {
		if got := LabelFor(tc.deg); got != tc.want {
			t.Errorf("LabelFor(%g) = %v, want %v", tc.deg, got, tc.want)
		}
	}
	for _, c := range small(t) {
		for s, k := range c.Knee {
			if k.Label != LabelFor(k.CaveDeg) && !((c.Movement == SingleLegSquat || c.Movement == SplitSquat) && k.Label == Ambiguous) {
				t.Errorf("%s knee %d: label %v, CaveDeg %.1f", c.Name, s, k.Label, k.CaveDeg)
			}
			if len(k.RepCaveDeg) != c.Reps {
				t.Errorf("%s knee %d: %d rep angles for %d reps", c.Name, s, len(k.RepCaveDeg), c.Reps)
			}
		}
	}
}

// TestMedialLegByHand: a left knee whose bending plane turns 15 deg inwards
// at the bottom of a squat with the feet under the hips. At the bottom the
// hip is 0.45·D behind and 0.985·L-D above the ankle (synth's model), so
// the hip-ankle distance d, the knee's distance "off" from that line
// (triangle with sides thigh, shank, d) and the axis' forward tilt ux give
//
//	MedialLeg = off·sin15° / sqrt(1 - ux²·cos²15°) / L
//
// (the bending direction made perpendicular to the tilted axis), and the
// angle about the axis is atan(tan15° / uz).
func TestMedialLegByHand(t *testing.T) {
	tests := []struct {
		thigh, shank, depth, cave float64
		side                      int
	}{
		{0.43, 0.42, 0.40, 15, 0},
		{0.43, 0.42, 0.40, 15, 1},
		{0.46, 0.40, 0.30, 15, 0},
		{0.40, 0.44, 0.45, 20, 1},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("T%.2f-S%.2f-D%.2f-%gdeg-side%d", tc.thigh, tc.shank, tc.depth, tc.cave, tc.side), func(t *testing.T) {
			l := sim.StickSet{Movement: body.MoveBilateralSquat, Reps: 2, ThighM: tc.thigh, ShankM: tc.shank,
				HipWidthM: 0.2, StanceM: 0.2, DepthM: tc.depth}
			var cs caveSpec
			cs.net[tc.side] = []float64{tc.cave, tc.cave}
			cs.net[1-tc.side] = []float64{0, 0}
			applyCave(&l, cs, 0)
			sc, err := synthScene("test", BilateralSquat, l, cs, false, -1, "hand")
			if err != nil {
				t.Fatal(err)
			}
			L := tc.thigh + tc.shank
			dx, dz := 0.45*tc.depth, 0.985*L-tc.depth
			d := math.Hypot(dx, dz)
			along := (tc.shank*tc.shank - tc.thigh*tc.thigh + d*d) / (2 * d)
			off := math.Sqrt(tc.shank*tc.shank - along*along)
			th := tc.cave * math.Pi / 180
			ux, uz := dx/d, dz/d
			want := off * math.Sin(th) / math.Sqrt(1-ux*ux*math.Cos(th)*math.Cos(th)) / L
			k := sc.knee[tc.side]
			if math.Abs(k.MedialLeg-want) > 1e-4 {
				t.Errorf("MedialLeg = %.5f, hand-computed %.5f", k.MedialLeg, want)
			}
			if k.CaveDeg != tc.cave || k.Label != LabelFor(tc.cave) {
				t.Errorf("CaveDeg %.2f label %v, want %g", k.CaveDeg, k.Label, tc.cave)
			}
			if o := sc.knee[1-tc.side]; math.Abs(o.MedialLeg) > 1e-6 || o.Label != NoCave {
				t.Errorf("straight-ahead knee: MedialLeg %.5f label %v, want 0 and NoCave", o.MedialLeg, o.Label)
			}
			// The angle about the hip-ankle axis, from the 3D take.
			tk, _ := sc.take(60)
			sk, _ := newSkeleton3D(tk)
			reps, _ := spansToReps(sc.spans, sk.time)
			b := reps[0].bottom
			med, fw, _ := sk.medialDir(b, tc.side)
			got := caveAngle(sk.leg[tc.side][b], fw, med)
			wantAng := math.Atan(math.Tan(th)/uz) * 180 / math.Pi
			if math.Abs(got-wantAng) > 1e-3 {
				t.Errorf("angle about the axis %.4f deg, hand-computed %.4f", got, wantAng)
			}
		})
	}
}

// TestSyntheticAngleAgreesWithGeometry: for every synthetic scene of the
// small set, the bending-plane truth and the angle about the hip-ankle axis
// measured in 3D agree on the sign, the 3D angle is never smaller (the legs
// tilt forward at depth, which widens it) and they agree within 4 deg (12
// for split squats, whose legs tilt far forward).
func TestSyntheticAngleAgreesWithGeometry(t *testing.T) {
	makers := []func(int, *rand.Rand) (*scene, error){synthBilateral, synthSingleLeg, synthSplit, synthJump}
	for k, mk := range makers {
		for i := 0; i < 20; i++ {
			sc, err := mk(i, newRand(5, uint64(k)<<32|uint64(i)))
			if err != nil {
				t.Fatal(err)
			}
			tk, _ := sc.take(60)
			sk, _ := newSkeleton3D(tk)
			reps, _ := spansToReps(sc.spans, sk.time)
			for s := 0; s < 2; s++ {
				if sc.movement == SingleLegSquat && sc.knee[s].Label == Ambiguous && strings.Contains(sc.name, "on-"+swapLR(sideName(s))) {
					continue // free leg
				}
				for r, rp := range reps {
					med, fw, _ := sk.medialDir(rp.bottom, s)
					geo := caveAngle(sk.leg[s][rp.bottom], fw, med)
					par := sc.knee[s].RepCaveDeg[r]
					// The split squat's legs tilt far forward, so the angle
					// about the axis reads larger than the plane's turn.
					tol := 4.0
					if sc.movement == SplitSquat {
						tol = 12
					}
					if math.Abs(geo-par) > tol || (par <= 0) != (geo <= 1e-9) || math.Abs(geo) < math.Abs(par)-0.5 {
						t.Errorf("%s knee %d rep %d: parameter %.2f deg, 3D %.2f deg", sc.name, s, r, par, geo)
					}
				}
			}
		}
	}
}

// TestMirror films one scene twice, the second time mirrored: x flips, the
// names and the truth swap sides.
func TestMirror(t *testing.T) {
	sc, err := synthBilateral(3, newRand(9, 1))
	if err != nil {
		t.Fatal(err)
	}
	fs := filmSpec{cam: track.Camera{YawDeg: 15, HeightM: 1, DistanceM: 3, Width: 720, Height: 1280}, fps: 30, fill: 0.9, jitter: 0.005}
	plain, err := sc.filmWith(fs, newRand(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	fs.mirror = true
	mir, err := sc.filmWith(fs, newRand(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain.Knee[0], mir.Knee[1]) || !reflect.DeepEqual(plain.Knee[1], mir.Knee[0]) {
		t.Error("mirroring did not swap the knees' truth")
	}
	if !hasPerturb(mir, PerturbMirror) || !mir.Camera.Mirror {
		t.Error("mirror not recorded")
	}
	if !reflect.DeepEqual(plain.Track.Keypoints, mir.Track.Keypoints) {
		t.Errorf("keypoint order changed: %v vs %v", plain.Track.Keypoints, mir.Track.Keypoints)
	}
	W := float64(plain.Track.Video.Width)
	for _, name := range plain.Track.Keypoints {
		other := swapLR(name)
		i, j := plain.Track.Index(name), mir.Track.Index(other)
		for f := range plain.Track.Frames {
			p, q := plain.Track.Frames[f].Points[i], mir.Track.Frames[f].Points[j]
			if math.Abs(q.X-(W-p.X)) > 1e-9 || math.Abs(q.Y-p.Y) > 1e-9 || q.Conf != p.Conf {
				t.Fatalf("frame %d: %s (%.2f, %.2f) mirrored as %s (%.2f, %.2f)", f, name, p.X, p.Y, other, q.X, q.Y)
			}
		}
	}
	// In the picture, the lifter's left hip is on the picture's right (they
	// face the camera). A mirrored video looks like a normal video of the
	// mirror-image person, so the point named left_hip stays on the right.
	f := len(plain.Track.Frames) / 2
	lh, rh := plain.Track.Index(track.LeftHip), plain.Track.Index(track.RightHip)
	for _, c := range []Case{plain, mir} {
		if c.Track.Frames[f].Points[lh].X <= c.Track.Frames[f].Points[rh].X {
			t.Errorf("%s: left_hip should be right of right_hip in the picture", c.Name)
		}
	}
}

// TestToeClip: toe-clipped cases have the picture's bottom edge above the
// toes, and the toes on that edge with low confidence.
func TestToeClip(t *testing.T) {
	cs := small(t)
	sc, err := synthBilateral(4, newRand(9, 3))
	if err != nil {
		t.Fatal(err)
	}
	fs := filmSpec{cam: track.Camera{YawDeg: -10, HeightM: 0.8, DistanceM: 2.5, Width: 1280, Height: 720}, fps: 25, fill: 0.9, toeClip: true, jitter: 0.006}
	forced, err := sc.filmWith(fs, newRand(1, 4))
	if err != nil {
		t.Fatal(err)
	}
	cs = append(cs, forced)
	n := 0
	for _, c := range cs {
		if !hasPerturb(c, PerturbToeClip) {
			continue
		}
		n++
		tr := c.Track
		H := float64(tr.Video.Height)
		if tr.Video.Height >= c.Camera.Height+1 || H >= 1280 {
			t.Errorf("%s: picture height %v not cut", c.Name, H)
		}
		best := 0.0
		for _, name := range []string{track.LeftFootIndex, track.RightFootIndex} {
			j := tr.Index(name)
			clipped := 0
			for _, f := range tr.Frames {
				p := f.Points[j]
				if p.Y > H {
					t.Fatalf("%s: %s below the picture (y %.1f, height %v)", c.Name, name, p.Y, H)
				}
				if p.Y >= H-2.5 {
					clipped++
					if p.Conf < 0.1 || p.Conf > 0.4 {
						t.Fatalf("%s: toe on the edge with confidence %.2f", c.Name, p.Conf)
					}
				}
			}
			best = math.Max(best, float64(clipped)/float64(len(tr.Frames)))
		}
		// (a single-leg squat's free foot is in the air, above the edge; a
		// drifting camera moves the feet in and out of the picture)
		want := 0.7
		if hasPerturb(c, PerturbDrift) {
			want = 0.3
		}
		if best < want {
			t.Errorf("%s: at most %.0f%% of a foot's toe points at the edge", c.Name, 100*best)
		}
	}
	if n < 2 {
		t.Errorf("only %d toe-clipped cases", n)
	}
}

// TestTracks: every track validates, carries the picture size and rate,
// BlazePose names and confidences in range; world positions exactly when
// world3d is listed; feet in the picture when nothing moves them out.
func TestTracks(t *testing.T) {
	blaze := track.BlazePose33().Keypoints
	for _, c := range small(t) {
		tr := c.Track
		if err := tr.Validate(); err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if tr.Video.Width <= 0 || tr.Video.Height <= 0 || tr.Video.FPS <= 0 {
			t.Errorf("%s: video %+v", c.Name, tr.Video)
		}
		for _, n := range tr.Keypoints {
			if !slices.Contains(blaze, n) {
				t.Errorf("%s: keypoint %q is not a BlazePose name", c.Name, n)
			}
		}
		if tr.HasWorld() != hasPerturb(c, PerturbWorld) {
			t.Errorf("%s: world positions %v, perturb %v", c.Name, tr.HasWorld(), c.Perturb)
		}
		outside, total := 0, 0
		for _, f := range tr.Frames {
			for _, p := range f.Points {
				if p.Conf <= 0 || p.Conf > 1 {
					t.Fatalf("%s: confidence %v", c.Name, p.Conf)
				}
				total++
				if p.X < 0 || p.X > float64(tr.Video.Width) || p.Y < 0 || p.Y > float64(tr.Video.Height) {
					outside++
				}
			}
		}
		if !hasPerturb(c, PerturbDrift) && outside > total/100 {
			t.Errorf("%s: %d of %d points outside the picture", c.Name, outside, total)
		}
		want := c.Name
		if !strings.HasPrefix(tr.Video.Source, "evalset:") || !strings.HasSuffix(tr.Video.Source, want) {
			t.Errorf("%s: source %q", c.Name, tr.Video.Source)
		}
	}
}

// TestRotateKnee: adding a cave keeps the thigh and shank lengths and turns
// the knee about the hip-ankle axis by exactly the angle asked, medially.
func TestRotateKnee(t *testing.T) {
	leg := legPose{hip: vec{X: -0.15, Y: 0.1, Z: 0.6}, knee: vec{X: 0.25, Y: 0.14, Z: 0.4}, ankle: vec{X: 0, Y: 0.13, Z: 0.07}}
	fw, med := vec{X: 1}, vec{Y: -1} // left leg: medial is towards -y (the lifter's right)
	before := caveAngle(leg, fw, med)
	for _, deg := range []float64{5, 15, 30} {
		k := turnKneeMedially(leg, med, deg)
		moved := legPose{leg.hip, k, leg.ankle}
		if math.Abs(k.Sub(leg.hip).Norm()-leg.knee.Sub(leg.hip).Norm()) > 1e-12 ||
			math.Abs(k.Sub(leg.ankle).Norm()-leg.knee.Sub(leg.ankle).Norm()) > 1e-12 {
			t.Errorf("%g deg: segment lengths changed", deg)
		}
		if got := caveAngle(moved, fw, med) - before; math.Abs(got-deg) > 1e-9 {
			t.Errorf("turned %.6f deg, want %g", got, deg)
		}
		if medialOffset(moved, med) <= medialOffset(leg, med) {
			t.Errorf("%g deg: the knee did not move medially", deg)
		}
	}
}

var degRe = regexp.MustCompile(`cave-(left|right|both)-([0-9]+)(?:\+([0-9]+))?deg`)

// TestMocap checks the motion-capture cases: real squats and the weight
// shift are NoCave, added caves reach their target at every rep's bottom,
// jumps have one landing.
func TestMocap(t *testing.T) {
	dir := filepath.Dir(testenv.SharedFile(t, "mocap/opencap-squats.trc"))
	start := time.Now()
	cs, err := Build(Options{MocapDir: dir, Seed: 1, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("small set with motion capture: %d cases in %v", len(cs), time.Since(start))
	n := 0
	for _, c := range cs {
		if c.Source == "synthetic" {
			continue
		}
		n++
		if err := c.Track.Validate(); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
		switch {
		case strings.Contains(c.Name, "/as-filmed"), strings.Contains(c.Name, "/standing"):
			for s, k := range c.Knee {
				if k.Label != NoCave {
					t.Errorf("%s knee %d: %v (%.1f deg), want NoCave", c.Name, s, k.Label, k.CaveDeg)
				}
			}
		case hasPerturb(c, PerturbCaveAdded):
			m := degRe.FindStringSubmatch(c.Name)
			if m == nil {
				t.Fatalf("%s: no cave in the name", c.Name)
			}
			caving := 0
			for _, k := range c.Knee {
				if k.Label != Caves {
					continue
				}
				caving++
				for _, a := range k.RepCaveDeg {
					if math.Abs(a-k.CaveDeg) > 1e-6 || a < 10 || a > 20 {
						t.Errorf("%s: rep angles %v", c.Name, k.RepCaveDeg)
					}
				}
				if k.MedialLeg <= 0 {
					t.Errorf("%s: caving knee with MedialLeg %.3f", c.Name, k.MedialLeg)
				}
			}
			if want := map[string]int{"left": 1, "right": 1, "both": 2}[m[1]]; caving != want {
				t.Errorf("%s: %d caving knees", c.Name, caving)
			}
			if v, _ := strconv.Atoi(m[2]); v < 10 || v > 20 {
				t.Errorf("%s: target %d", c.Name, v)
			}
		}
		if c.Movement == JumpLanding && c.Reps != 1 {
			t.Errorf("%s: %d landings", c.Name, c.Reps)
		}
		if strings.Contains(c.Name, "opencap-squats") && c.Reps != 5 {
			t.Errorf("%s: %d reps, want 5", c.Name, c.Reps)
		}
	}
	if n < 10 {
		t.Errorf("%d motion-capture cases", n)
	}
}

// BenchmarkBuildSmall times the quick subset `kneetrack eval --small`
// builds (its goal, a second or two, is checked here and not by a timed
// test: go test -bench BuildSmall ./internal/evalset).
func BenchmarkBuildSmall(b *testing.B) {
	for b.Loop() {
		if _, err := Build(Options{Seed: 1, Small: true}); err != nil {
			b.Fatal(err)
		}
	}
}
