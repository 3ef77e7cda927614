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

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
)

const deg = 180 / math.Pi

// KASR returns the knee-to-ankle separation ratio: the horizontal distance
// between the knees divided by that between the ankles. It is negative when
// the knees have crossed relative to the ankles, and ok is false when the
// ankles are (nearly) at the same x.
func KASR(kneeL, kneeR, ankleL, ankleR body.Point) (ratio float64, ok bool) {
	den := ankleL.X - ankleR.X
	if math.Abs(den) < 1e-9 {
		return math.NaN(), false
	}
	return (kneeL.X - kneeR.X) / den, true
}

// MedialDir returns +1 when the body's midline lies towards +x from a hip
// (that is, the other hip is to its right in the picture), else -1.
func MedialDir(hip, otherHip body.Point) float64 {
	if otherHip.X >= hip.X {
		return 1
	}
	return -1
}

// MedialOffset returns how far p lies medially of ref, horizontally, in
// pixels (negative: laterally), for a leg whose midline direction is medial
// (from MedialDir).
func MedialOffset(p, ref body.Point, medial float64) float64 { return (p.X - ref.X) * medial }

// TiltDeg returns the angle in degrees of the line from a to b above the
// picture's horizontal, positive when b is lower in the picture than a
// (y grows downwards), whatever their left-right order.
func TiltDeg(a, b body.Point) float64 {
	return math.Atan2(b.Y-a.Y, math.Abs(b.X-a.X)) * deg
}

// LeanDeg returns the angle in degrees between the segment from lower to
// upper and the picture's vertical, positive when upper lies towards
// direction dir (+1: +x, -1: -x).
func LeanDeg(lower, upper body.Point, dir float64) float64 {
	d := upper.Sub(lower)
	return math.Atan2(d.X*dir, -d.Y) * deg
}
