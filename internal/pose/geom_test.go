package pose

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func assertPoint(t *testing.T, what string, gx, gy, wx, wy float64) {
	t.Helper()
	if !near(gx, wx, 1e-9) || !near(gy, wy, 1e-9) {
		t.Errorf("%s: got (%.6f, %.6f), want (%.6f, %.6f)", what, gx, gy, wx, wy)
	}
}

func TestAffineInvert(t *testing.T) {
	m := Affine{A: 2, B: -1, C: 5, D: 0.5, E: 3, F: -7}
	inv, ok := m.Invert()
	if !ok {
		t.Fatal("invertible map reported singular")
	}
	for _, p := range [][2]float64{{0, 0}, {1, 2}, {-3.5, 10}} {
		x, y := m.Apply(p[0], p[1])
		bx, by := inv.Apply(x, y)
		assertPoint(t, "inverse of map", bx, by, p[0], p[1])
	}
	if _, ok := (Affine{A: 1, B: 2, D: 2, E: 4}).Invert(); ok {
		t.Error("singular map reported invertible")
	}
}

func TestROIToImageUnrotated(t *testing.T) {
	// A 200 x 200 square centred at (100, 50) seen as a 256 x 256 input:
	// 200/256 image pixels per input pixel.
	m := ROI{CX: 100, CY: 50, W: 200, H: 200}.ToImage(256, 256)
	x, y := m.Apply(0, 0)
	assertPoint(t, "input top-left", x, y, 0, -50)
	x, y = m.Apply(256, 256)
	assertPoint(t, "input bottom-right", x, y, 200, 150)
	x, y = m.Apply(128, 128)
	assertPoint(t, "input centre", x, y, 100, 50)
}

func TestROIToImageRotated(t *testing.T) {
	// Turned 90° clockwise: the crop's top edge lies on the right of the
	// centre, its right edge below it.
	m := ROI{CX: 300, CY: 200, W: 100, H: 100, Rotation: math.Pi / 2}.ToImage(10, 10)
	x, y := m.Apply(5, 0) // middle of the crop's top edge
	assertPoint(t, "top-middle", x, y, 350, 200)
	x, y = m.Apply(10, 5) // middle of the right edge
	assertPoint(t, "right-middle", x, y, 300, 250)
	x, y = m.Apply(0, 0) // top-left corner: right of centre, above it
	assertPoint(t, "top-left", x, y, 350, 150)
}

func TestLetterboxROI(t *testing.T) {
	// 1280 x 720 into 224 x 224: scale 1280/224, 280 px of padding above
	// and below.
	r := LetterboxROI(1280, 720)
	m := r.ToImage(224, 224)
	x, y := m.Apply(0, 0)
	assertPoint(t, "letterbox top-left", x, y, 0, -280)
	x, y = m.Apply(224, 224)
	assertPoint(t, "letterbox bottom-right", x, y, 1280, 1000)
	// Portrait: padding left and right.
	m = LetterboxROI(406, 720).ToImage(256, 256)
	x, y = m.Apply(0, 0)
	assertPoint(t, "portrait top-left", x, y, -157, 0)
}

func TestAlignedROI(t *testing.T) {
	// Upright body: hip centre (100, 200), point above the head (100, 100).
	r := AlignedROI(100, 200, 100, 100, 1.25)
	if !near(r.W, 250, 1e-9) || !near(r.H, 250, 1e-9) || !near(r.Rotation, 0, 1e-12) || r.CX != 100 || r.CY != 200 {
		t.Errorf("upright: got %+v, want centre (100,200), side 250, rotation 0", r)
	}
	// Body lying with the head to the right: the crop turns 90° clockwise
	// so that its top points at the head.
	r = AlignedROI(100, 200, 200, 200, 1)
	if !near(r.Rotation, math.Pi/2, 1e-12) || !near(r.W, 200, 1e-9) {
		t.Errorf("head right: got %+v, want rotation π/2, side 200", r)
	}
	x, y := r.ToImage(256, 256).Apply(128, 0)
	assertPoint(t, "crop top towards the head", x, y, 200, 200)
	// Leaning 45° to the left (head up-left): rotation -45°.
	r = AlignedROI(0, 0, -10, -10, 1)
	if !near(r.Rotation, -math.Pi/4, 1e-12) {
		t.Errorf("leaning left: rotation %v, want -π/4", r.Rotation)
	}
	// Upside down: rotation ±π, normalised into [-π, π).
	r = AlignedROI(0, 0, 0, 10, 1)
	if !near(math.Abs(r.Rotation), math.Pi, 1e-12) || r.Rotation >= math.Pi {
		t.Errorf("upside down: rotation %v, want -π", r.Rotation)
	}
}

func TestIoU(t *testing.T) {
	a := Box{0, 0, 10, 10}
	b := Box{5, 0, 15, 10}
	if got := IoU(a, b); !near(got, 50.0/150, 1e-12) {
		t.Errorf("IoU half overlap = %v, want 1/3", got)
	}
	if got := IoU(a, Box{20, 20, 30, 30}); got != 0 {
		t.Errorf("IoU disjoint = %v, want 0", got)
	}
	if got := IoU(a, a); got != 1 {
		t.Errorf("IoU self = %v, want 1", got)
	}
}

func TestSigmoid(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{{0, 0.5}, {math.Log(3), 0.75}, {-math.Log(3), 0.25}, {-1000, 0}, {1000, 1}} {
		if got := sigmoid(c.x); !near(got, c.want, 1e-12) {
			t.Errorf("sigmoid(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}
