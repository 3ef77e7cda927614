package body

import "math"

// Point is a position in the picture in pixels: x to the right, y down.
type Point struct{ X, Y float64 }

// Add returns a+b.
func (a Point) Add(b Point) Point { return Point{a.X + b.X, a.Y + b.Y} }

// Sub returns a-b.
func (a Point) Sub(b Point) Point { return Point{a.X - b.X, a.Y - b.Y} }

// Scale returns s·a.
func (a Point) Scale(s float64) Point { return Point{s * a.X, s * a.Y} }

// Norm returns a's length.
func (a Point) Norm() float64 { return math.Hypot(a.X, a.Y) }

// Mid returns the midpoint of a and b.
func Mid(a, b Point) Point { return Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }

// deg converts radians to degrees.
const deg = 180 / math.Pi

func cross(a, b Point) float64 { return a.X*b.Y - a.Y*b.X }
func dot(a, b Point) float64   { return a.X*b.X + a.Y*b.Y }

// FPPA returns the frontal plane projection angle of one leg in degrees: the
// angle between the thigh (hip to knee) and the shank (knee to ankle) as seen
// in the picture, 0 for a straight leg, positive when the knee lies on the
// medial side of the hip-ankle line (valgus), negative on the lateral side
// (varus). Medial is the side of that line on which the other hip lies, so
// the sign follows the body, not the picture. ok is false when the points
// coincide or the other hip lies on the hip-ankle line.
func FPPA(hip, knee, ankle, otherHip Point) (angle float64, ok bool) {
	thigh, shank := knee.Sub(hip), ankle.Sub(knee)
	if thigh.Norm() == 0 || shank.Norm() == 0 {
		return math.NaN(), false
	}
	a := math.Atan2(math.Abs(cross(thigh, shank)), dot(thigh, shank)) * deg
	leg := ankle.Sub(hip)
	sk := cross(leg, knee.Sub(hip))
	so := cross(leg, otherHip.Sub(hip))
	switch {
	case sk == 0:
		return 0, true
	case so == 0:
		return math.NaN(), false // the other hip is on the leg's line: no midline
	case (sk > 0) == (so > 0):
		return a, true
	default:
		return -a, true
	}
}
