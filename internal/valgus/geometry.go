// Package valgus measures knee valgus (knee cave) from a keypoint track: the
// per-frame metrics of the domain brief (FPPA, KASR, knee vs toes, change from
// standing, stance, toe-out, pelvis, trunk), which movement and camera view
// the track shows, and the assessment per rep, per set and per session with
// documented, configurable thresholds (docs/method.md).
//
// Every side is the lifter's own side, and "medial" means towards the body's
// midline, found from the keypoints themselves; so results do not change when
// the lifter faces away from the camera or the video is mirrored.
package valgus

import "math"

// Vec2 is an image position in pixels (x right, y down).
type Vec2 struct{ X, Y float64 }

// Sub returns a-b.
func (a Vec2) Sub(b Vec2) Vec2 { return Vec2{a.X - b.X, a.Y - b.Y} }

// Add returns a+b.
func (a Vec2) Add(b Vec2) Vec2 { return Vec2{a.X + b.X, a.Y + b.Y} }

// Scale returns s·a.
func (a Vec2) Scale(s float64) Vec2 { return Vec2{s * a.X, s * a.Y} }

// Norm returns a's length.
func (a Vec2) Norm() float64 { return math.Hypot(a.X, a.Y) }

// Mid returns the midpoint of a and b.
func Mid(a, b Vec2) Vec2 { return Vec2{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }

func cross(a, b Vec2) float64 { return a.X*b.Y - a.Y*b.X }
func dot(a, b Vec2) float64   { return a.X*b.X + a.Y*b.Y }

const deg = 180 / math.Pi

// FPPA returns the frontal plane projection angle of one leg in degrees: the
// angle between the thigh (hip to knee) and the shank (knee to ankle) as seen
// in the picture, 0 for a straight leg, positive when the knee lies on the
// medial side of the hip-ankle line (valgus), negative on the lateral side
// (varus). Medial is the side of that line on which the other hip lies, so
// the sign follows the body, not the picture. ok is false when the points
// coincide.
func FPPA(hip, knee, ankle, otherHip Vec2) (angle float64, ok bool) {
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

// KASR returns the knee-to-ankle separation ratio: the horizontal distance
// between the knees divided by that between the ankles. It is negative when
// the knees have crossed relative to the ankles, and ok is false when the
// ankles are (nearly) at the same x.
func KASR(kneeL, kneeR, ankleL, ankleR Vec2) (ratio float64, ok bool) {
	den := ankleL.X - ankleR.X
	if math.Abs(den) < 1e-9 {
		return math.NaN(), false
	}
	return (kneeL.X - kneeR.X) / den, true
}

// MedialDir returns +1 when the body's midline lies towards +x from a hip
// (that is, the other hip is to its right in the picture), else -1.
func MedialDir(hip, otherHip Vec2) float64 {
	if otherHip.X >= hip.X {
		return 1
	}
	return -1
}

// MedialOffset returns how far p lies medially of ref, horizontally, in
// pixels (negative: laterally), for a leg whose midline direction is medial
// (from MedialDir).
func MedialOffset(p, ref Vec2, medial float64) float64 { return (p.X - ref.X) * medial }

// TiltDeg returns the angle in degrees of the line from a to b above the
// picture's horizontal, positive when b is lower in the picture than a
// (y grows downwards), whatever their left-right order.
func TiltDeg(a, b Vec2) float64 {
	return math.Atan2(b.Y-a.Y, math.Abs(b.X-a.X)) * deg
}

// LeanDeg returns the angle in degrees between the segment from lower to
// upper and the picture's vertical, positive when upper lies towards
// direction dir (+1: +x, -1: -x).
func LeanDeg(lower, upper Vec2, dir float64) float64 {
	d := upper.Sub(lower)
	return math.Atan2(d.X*dir, -d.Y) * deg
}
