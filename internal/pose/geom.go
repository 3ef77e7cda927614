package pose

import (
	"math"
)

// Affine is a 2D affine map (x, y) → (A·x + B·y + C, D·x + E·y + F).
// The pipeline uses it to go from model-input coordinates (a crop) to
// image coordinates and back.
type Affine struct{ A, B, C, D, E, F float64 }

// Apply maps the point (x, y).
func (m Affine) Apply(x, y float64) (float64, float64) {
	return m.A*x + m.B*y + m.C, m.D*x + m.E*y + m.F
}

// ApplyVec maps the direction (dx, dy): the linear part only, no offset.
func (m Affine) ApplyVec(dx, dy float64) (float64, float64) {
	return m.A*dx + m.B*dy, m.D*dx + m.E*dy
}

// Invert returns the inverse map; ok is false when m is singular.
func (m Affine) Invert() (inv Affine, ok bool) {
	det := m.A*m.E - m.B*m.D
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return Affine{}, false
	}
	a, b, d, e := m.E/det, -m.B/det, -m.D/det, m.A/det
	return Affine{A: a, B: b, C: -(a*m.C + b*m.F), D: d, E: e, F: -(d*m.C + e*m.F)}, true
}

// ROI is a rotated square or rectangle in image pixels: the part of the
// picture a model looks at. Rotation is in radians, clockwise on screen
// (image y points down): a ROI with Rotation > 0 is a rectangle turned
// clockwise, whose "up" side leans to the right.
type ROI struct {
	CX, CY   float64 // centre, pixels
	W, H     float64 // size, pixels
	Rotation float64 // radians, clockwise on screen
}

// Valid reports whether the ROI has a finite centre and a positive size.
func (r ROI) Valid() bool {
	return finite(r.CX) && finite(r.CY) && finite(r.Rotation) && r.W > 0 && r.H > 0 && finite(r.W) && finite(r.H)
}

// ToImage returns the map from the coordinates of an outW x outH model
// input filled from the ROI (0..outW across, 0..outH down, continuous: pixel
// (i, j) covers [i, i+1) x [j, j+1)) to image coordinates.
func (r ROI) ToImage(outW, outH int) Affine {
	c, s := math.Cos(r.Rotation), math.Sin(r.Rotation)
	sx := r.W / float64(outW) // image pixels per input pixel along the ROI's x
	sy := r.H / float64(outH)
	// p = centre + R·((u - outW/2)·sx, (v - outH/2)·sy)
	a, b := c*sx, -s*sy
	d, e := s*sx, c*sy
	hx, hy := float64(outW)/2, float64(outH)/2
	return Affine{A: a, B: b, C: r.CX - a*hx - b*hy, D: d, E: e, F: r.CY - d*hx - e*hy}
}

// Corners returns the ROI's four corners in image pixels, clockwise from
// its top-left.
func (r ROI) Corners() [4][2]float64 {
	m := r.ToImage(1, 1)
	var out [4][2]float64
	for i, p := range [4][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		out[i][0], out[i][1] = m.Apply(p[0], p[1])
	}
	return out
}

// LetterboxROI returns the unrotated square ROI that holds the whole w x h
// picture centred, with the shorter side padded: the letterboxed input of a
// square model.
func LetterboxROI(w, h int) ROI {
	side := float64(max(w, h))
	return ROI{CX: float64(w) / 2, CY: float64(h) / 2, W: side, H: side}
}

// AlignedROI returns the square ROI that BlazePose's alignment rule gives
// for two alignment points: centred on the first (the hip centre), with a
// side of twice their distance times scale, turned so that the vector from
// the first to the second points straight up in the crop.
func AlignedROI(x0, y0, x1, y1, scale float64) ROI {
	dx, dy := x1-x0, y1-y0
	side := 2 * math.Hypot(dx, dy) * scale
	// The angle of (dx, -dy) in a y-up frame; upright means 90°.
	rot := normAngle(math.Pi/2 - math.Atan2(-dy, dx))
	return ROI{CX: x0, CY: y0, W: side, H: side, Rotation: rot}
}

// normAngle wraps a into [-π, π).
func normAngle(a float64) float64 {
	a = math.Mod(a+math.Pi, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a - math.Pi
}

// Box is an axis-aligned rectangle in image pixels.
type Box struct{ X0, Y0, X1, Y1 float64 }

// W and H return the box's width and height.
func (b Box) W() float64 { return b.X1 - b.X0 }
func (b Box) H() float64 { return b.Y1 - b.Y0 }

// Centre returns the box's centre.
func (b Box) Centre() (float64, float64) { return (b.X0 + b.X1) / 2, (b.Y0 + b.Y1) / 2 }

// Area returns the box's area (0 for an empty box).
func (b Box) Area() float64 { return math.Max(0, b.W()) * math.Max(0, b.H()) }

// Contains reports whether (x, y) lies inside the box.
func (b Box) Contains(x, y float64) bool { return x >= b.X0 && x <= b.X1 && y >= b.Y0 && y <= b.Y1 }

// IoU returns the intersection over union of two boxes.
func IoU(a, b Box) float64 {
	in := Box{math.Max(a.X0, b.X0), math.Max(a.Y0, b.Y0), math.Min(a.X1, b.X1), math.Min(a.Y1, b.Y1)}
	i := 0.0
	if in.X1 > in.X0 && in.Y1 > in.Y0 {
		i = in.Area()
	}
	u := a.Area() + b.Area() - i
	if u <= 0 {
		return 0
	}
	return i / u
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
