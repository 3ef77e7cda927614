package body

import (
	"math"
	"testing"
)

func TestFPPA(t *testing.T) {
	// The reference case: the left leg of a lifter facing the camera. The
	// lifter's left is on the picture's right, so the other (right) hip
	// lies towards -x. Hip at (200, 0), ankle straight below at (200, 200),
	// knee pushed 10 px towards the midline (-x) halfway down: thigh
	// (-10, 100) and shank (10, 100) meet at 2·atan(10/100) = 11.42 deg.
	knee10 := 2 * math.Atan(10.0/100) * 180 / math.Pi
	// A 3-4-5 leg: hip (0,0), knee (30,40), thigh direction (0.6, 0.8);
	// ankle straight below the knee, shank direction (0, 1); the angle
	// between them is acos(0.8) = 36.87 deg.
	knee345 := math.Acos(0.8) * 180 / math.Pi
	mirror := func(p Point) Point { return Point{1000 - p.X, p.Y} }
	cases := []struct {
		name                    string
		hip, knee, ankle, other Point
		want                    float64
		ok                      bool
	}{
		{"left knee medial: valgus", Point{200, 0}, Point{190, 100}, Point{200, 200}, Point{100, 0}, knee10, true},
		{"left knee lateral: varus", Point{200, 0}, Point{210, 100}, Point{200, 200}, Point{100, 0}, -knee10, true},
		// the right leg, mirror image: medial is now +x
		{"right knee medial: valgus", Point{100, 0}, Point{110, 100}, Point{100, 200}, Point{200, 0}, knee10, true},
		// a mirrored video or a lifter facing away: the sign follows the
		// midline, not the picture
		{"mirrored picture", mirror(Point{200, 0}), mirror(Point{190, 100}), mirror(Point{200, 200}), mirror(Point{100, 0}), knee10, true},
		// the knee on the +x side of the hip-ankle line, the other hip on
		// the -x side
		{"3-4-5 varus", Point{0, 0}, Point{30, 40}, Point{30, 90}, Point{-50, 0}, -knee345, true},
		{"3-4-5 valgus", Point{0, 0}, Point{30, 40}, Point{30, 90}, Point{50, 0}, knee345, true},
		{"straight leg", Point{0, 0}, Point{0, 100}, Point{0, 200}, Point{50, 0}, 0, true},
		{"hip on knee", Point{0, 0}, Point{0, 0}, Point{0, 200}, Point{50, 0}, math.NaN(), false},
		{"knee on ankle", Point{0, 0}, Point{0, 200}, Point{0, 200}, Point{50, 0}, math.NaN(), false},
		{"other hip on the leg's line", Point{0, 0}, Point{10, 100}, Point{0, 200}, Point{0, 50}, math.NaN(), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := FPPA(c.hip, c.knee, c.ankle, c.other)
			if ok != c.ok {
				t.Fatalf("FPPA ok = %v, want %v (angle %v)", ok, c.ok, got)
			}
			if !ok {
				if !math.IsNaN(got) {
					t.Errorf("FPPA = %v when not ok, want NaN", got)
				}
				return
			}
			if math.Abs(got-c.want) > 1e-9 {
				t.Errorf("FPPA = %v, want %v", got, c.want)
			}
		})
	}
}

func TestPoint(t *testing.T) {
	a, b := Point{3, 4}, Point{1, -2}
	cases := []struct {
		name      string
		got, want Point
	}{
		{"add", a.Add(b), Point{4, 2}},
		{"sub", a.Sub(b), Point{2, 6}},
		{"scale", a.Scale(-0.5), Point{-1.5, -2}},
		{"mid", Mid(a, b), Point{2, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	if n := a.Norm(); n != 5 {
		t.Errorf("|(3,4)| = %v, want 5", n)
	}
}

func TestVocabulary(t *testing.T) {
	if Left.String() != "left" || Right.String() != "right" {
		t.Errorf("sides read %q and %q", Left, Right)
	}
	if Left != 0 || Right != 1 {
		t.Errorf("sides index as %d and %d, want 0 and 1", Left, Right)
	}
	for _, c := range []struct {
		m    Movement
		want bool
	}{
		{MoveAuto, false}, {MoveBilateralSquat, true}, {MoveSingleLegSquat, true}, {MoveSplitSquat, true},
		{MoveJumpLanding, false}, {MoveLateralLunge, false}, {MoveNone, false}, {MoveUnknown, false},
	} {
		if got := c.m.Supported(); got != c.want {
			t.Errorf("%q supported = %v, want %v", c.m, got, c.want)
		}
	}
}
