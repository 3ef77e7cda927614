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

// TestBandsAndSex checks every band at its edges against the numbers
// docs/method.md gives with their sources (written out here, not read from
// Defaults, so that a change of a default must change the docs too).
func TestBandsAndSex(t *testing.T) {
	th := Defaults()
	if err := th.Validate(); err != nil {
		t.Fatal(err)
	}
	below := func(v float64) float64 { return math.Nextafter(v, math.Inf(-1)) }
	rising := []struct {
		name  string
		bands Bands
		edges [3]float64 // mild, moderate, severe
	}{
		{"single-leg female (Herrington 2014)", th.SingleLeg(SexFemale), [3]float64{10, 16.8, 25}},
		{"single-leg male (4 deg lower)", th.SingleLeg(SexMale), [3]float64{9, 12.8, 21}},
		{"single-leg unspecified (female)", th.SingleLeg(SexUnspecified), [3]float64{10, 16.8, 25}},
		{"split squat (single-leg bands)", th.SplitSquatFPPA, [3]float64{10, 16.8, 25}},
		{"knee cave, squats on both legs", th.KneeCaveDeg, [3]float64{3, 6, 12}},
	}
	for _, c := range rising {
		t.Run(c.name, func(t *testing.T) {
			want := []struct {
				v   float64
				sev Severity
			}{
				{-30, SevNone}, {below(c.edges[0]), SevNone}, {c.edges[0], SevMild},
				{below(c.edges[1]), SevMild}, {c.edges[1], SevModerate},
				{below(c.edges[2]), SevModerate}, {c.edges[2], SevSevere}, {90, SevSevere},
				{math.NaN(), SevUnknown},
			}
			for _, w := range want {
				if got := c.bands.Classify(w.v); got != w.sev {
					t.Errorf("%v: %s, want %s", w.v, got, w.sev)
				}
			}
		})
	}
	// KASR (shown on the charts, convention 0.8/0.7/0.6): falling bands.
	for _, c := range []struct {
		v    float64
		want Severity
	}{{0.8, SevNone}, {below(0.8), SevMild}, {0.7, SevMild}, {below(0.7), SevModerate}, {0.6, SevModerate}, {below(0.6), SevSevere}} {
		if got := th.KASR.Classify(c.v); got != c.want {
			t.Errorf("KASR %v: %s, want %s", c.v, got, c.want)
		}
	}
	if _, err := ParseSex("robot"); err == nil {
		t.Error("bad sex accepted")
	}
}
