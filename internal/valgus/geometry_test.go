package valgus

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestFPPAHandComputed(t *testing.T) {
	// Left leg of a lifter facing the camera: the lifter's left is on the
	// picture's right, so the other (right) hip lies towards -x. Hip at
	// (200, 0), ankle straight below at (200, 200), knee pushed 10 px
	// towards the midline (-x) halfway down: thigh (-10, 100) and shank
	// (10, 100) meet at 2·atan(10/100) = 11.42 deg of valgus.
	want := 2 * math.Atan(10.0/100) * 180 / math.Pi
	hipL, ankleL, hipR := Vec2{200, 0}, Vec2{200, 200}, Vec2{100, 0}
	got, ok := FPPA(hipL, Vec2{190, 100}, ankleL, hipR)
	if !ok || !near(got, want, 1e-9) {
		t.Fatalf("left medial knee: FPPA %v, want +%v", got, want)
	}
	// Same knee displacement outwards: varus, same size.
	got, _ = FPPA(hipL, Vec2{210, 100}, ankleL, hipR)
	if !near(got, -want, 1e-9) {
		t.Fatalf("left lateral knee: FPPA %v, want -%v", got, want)
	}
	// Right leg, mirror image: medial is now +x.
	got, _ = FPPA(Vec2{100, 0}, Vec2{110, 100}, Vec2{100, 200}, hipL)
	if !near(got, want, 1e-9) {
		t.Fatalf("right medial knee: FPPA %v, want +%v", got, want)
	}
	// Mirrored video (x -> 1000-x) or a lifter facing away: the sign
	// follows the midline, not the picture.
	m := func(v Vec2) Vec2 { return Vec2{1000 - v.X, v.Y} }
	got, _ = FPPA(m(hipL), m(Vec2{190, 100}), m(ankleL), m(hipR))
	if !near(got, want, 1e-9) {
		t.Fatalf("mirrored: FPPA %v, want +%v", got, want)
	}
	// A 3-4-5 case: hip (0,0), knee (30,40): thigh direction (0.6, 0.8);
	// ankle straight below the knee: shank direction (0, 1); the angle
	// between them is acos(0.8) = 36.87 deg. The knee lies on the +x side of
	// the hip-ankle line, the other hip (-50, 0) on the -x side: varus.
	got, _ = FPPA(Vec2{0, 0}, Vec2{30, 40}, Vec2{30, 90}, Vec2{-50, 0})
	if !near(got, -math.Acos(0.8)*180/math.Pi, 1e-9) {
		t.Fatalf("3-4-5: FPPA %v", got)
	}
	// Straight leg: 0. Degenerate: not ok.
	if got, ok := FPPA(Vec2{0, 0}, Vec2{0, 100}, Vec2{0, 200}, Vec2{50, 0}); !ok || got != 0 {
		t.Fatalf("straight leg: %v %v", got, ok)
	}
	if _, ok := FPPA(Vec2{0, 0}, Vec2{0, 0}, Vec2{0, 200}, Vec2{50, 0}); ok {
		t.Fatal("coincident hip and knee accepted")
	}
}

func TestKASRAndHelpers(t *testing.T) {
	// Knees 40 px apart over ankles 50 px apart: 0.8.
	r, ok := KASR(Vec2{120, 100}, Vec2{80, 100}, Vec2{125, 200}, Vec2{75, 200})
	if !ok || !near(r, 0.8, 1e-12) {
		t.Fatalf("KASR %v", r)
	}
	// Mirrored: unchanged.
	r, _ = KASR(Vec2{-120, 100}, Vec2{-80, 100}, Vec2{-125, 200}, Vec2{-75, 200})
	if !near(r, 0.8, 1e-12) {
		t.Fatalf("mirrored KASR %v", r)
	}
	// Knees crossed: negative.
	if r, _ = KASR(Vec2{90, 100}, Vec2{110, 100}, Vec2{125, 200}, Vec2{75, 200}); r >= 0 {
		t.Fatalf("crossed knees KASR %v", r)
	}
	if _, ok := KASR(Vec2{1, 0}, Vec2{0, 0}, Vec2{5, 0}, Vec2{5, 1}); ok {
		t.Fatal("ankles at the same x accepted")
	}
	// Medial offset: left hip at 200, midline towards -x; a knee at 190 is
	// 10 px medial of a toe at 200.
	if got := MedialOffset(Vec2{190, 0}, Vec2{200, 0}, MedialDir(Vec2{200, 0}, Vec2{100, 0})); got != 10 {
		t.Fatalf("medial offset %v", got)
	}
	// Hip line from (0,0) to (100,10): 5.71 deg, positive as b is lower.
	if got := TiltDeg(Vec2{0, 0}, Vec2{100, 10}); !near(got, math.Atan(0.1)*180/math.Pi, 1e-12) {
		t.Fatalf("tilt %v", got)
	}
	// Trunk from (0,0) up to (10,-100), leaning towards +x: 5.71 deg.
	if got := LeanDeg(Vec2{0, 0}, Vec2{10, -100}, 1); !near(got, math.Atan(0.1)*180/math.Pi, 1e-12) {
		t.Fatalf("lean %v", got)
	}
}

func TestSolveYaw(t *testing.T) {
	// q = cos(a) sin(y), p = sin(a) cos(y) for known angles; the width
	// ratio (cos y, approximately) picks the right root.
	for _, c := range []struct{ a, y float64 }{{30, 0}, {30, 15}, {25, 30}, {10, 60}, {20, 90}} {
		a, y := c.a*math.Pi/180, c.y*math.Pi/180
		q, p := math.Cos(a)*math.Sin(y), math.Sin(a)*math.Cos(y)
		got := solveYaw(q, p, math.Cos(y)*0.95)
		if !near(got, c.y, 0.5) {
			t.Errorf("a=%v y=%v: solved %v", c.a, c.y, got)
		}
	}
}

func TestBandsAndSex(t *testing.T) {
	th := Defaults()
	if err := th.Validate(); err != nil {
		t.Fatal(err)
	}
	// 12.5 deg on a single-leg squat: mild for women (10-13.5), moderate
	// for men (12-15).
	if got := th.SingleLeg(SexFemale).Classify(12.5); got != SevMild {
		t.Fatalf("female 12.5: %s", got)
	}
	if got := th.SingleLeg(SexMale).Classify(12.5); got != SevModerate {
		t.Fatalf("male 12.5: %s", got)
	}
	for _, c := range []struct {
		v    float64
		want Severity
	}{{9.9, SevNone}, {10, SevMild}, {13.5, SevModerate}, {16.8, SevSevere}, {math.NaN(), SevUnknown}} {
		if got := th.SingleLeg(SexUnspecified).Classify(c.v); got != c.want {
			t.Errorf("%v deg: %s, want %s", c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		v    float64
		want Severity
	}{{0.85, SevNone}, {0.79, SevMild}, {0.65, SevModerate}, {0.5, SevSevere}} {
		if got := th.KASR.Classify(c.v); got != c.want {
			t.Errorf("KASR %v: %s, want %s", c.v, got, c.want)
		}
	}
	if _, err := ParseSex("robot"); err == nil {
		t.Error("bad sex accepted")
	}
}
