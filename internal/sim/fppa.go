package sim

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

// This file computes the truth's frontal plane projection angle (FPPA)
// from the known 3D skeleton. It deliberately does not call the analysis's
// own FPPA (package valgus), which is what the truth is there to check:
// the angle is measured on the camera's image plane in scene coordinates
// and the sign comes from the 3D geometry of the viewing rays, not from
// cross products of pixel positions.

// minDepthM is how far in front of the lens a point must be to be seen, as
// in track.Camera.ProjectPoint.
const minDepthM = 0.05

// viewer is a camera's centre and image axes in scene coordinates (X
// forward, Y left, Z up): ex to the picture's right (before any
// mirroring), ey down and ez along the optical axis.
type viewer struct {
	centre, ex, ey, ez Vec3
}

// viewerOf places cam in the scene. track.Camera works in the body frame's
// (forward, right, up); the scene's Y is left, so Y changes sign. That is a
// reflection, which keeps the dot products and distances used below.
func viewerOf(cam track.Camera) viewer {
	c, x, y, z := cam.Pose()
	conv := func(a [3]float64) Vec3 { return Vec3{X: a[0], Y: -a[1], Z: a[2]} }
	return viewer{centre: conv(c), ex: conv(x), ey: conv(y), ez: conv(z)}
}

// onImagePlane returns where the viewing ray through p meets the image
// plane one metre in front of the lens (a scene point), and false when p
// is not in front of the camera. Pixel positions are this point's
// coordinates along ex and ey times the focal length plus the picture's
// centre (mirrored when the camera mirrors), a similarity, so angles on
// this plane are the angles in the picture.
func (v viewer) onImagePlane(p Vec3) (Vec3, bool) {
	d := p.Sub(v.centre)
	depth := d.Dot(v.ez)
	if depth < minDepthM {
		return Vec3{}, false
	}
	return v.centre.Add(d.Scale(1 / depth)), true
}

// angleBetween is the unsigned angle between a and b in radians, by
// Kahan's formula 2·atan2(|â−b̂|, |â+b̂|) (accurate near 0 and π, unlike
// the acos of the dot product); NaN when either vector is zero.
func angleBetween(a, b Vec3) float64 {
	na, nb := a.Norm(), b.Norm()
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	ua, ub := a.Scale(1/na), b.Scale(1/nb)
	return 2 * math.Atan2(ua.Sub(ub).Norm(), ua.Add(ub).Norm())
}

// legFPPA is a leg's FPPA in degrees as the camera at v sees it, from the
// 3D positions of its hip, knee and ankle and of the other hip: the angle
// between the thigh (hip to knee) and the shank (knee to ankle) in the
// picture, 0 for a leg straight in the picture, positive when the knee
// appears on the medial side of the hip-ankle line (the side of the other
// hip), negative on the lateral side. NaN when a joint is not in front of
// the camera, the thigh or shank is seen end-on, or the other hip appears
// on the hip-ankle line.
//
// The magnitude is the angle between the thigh and shank projected onto
// the image plane. The sign: the points that appear on the hip-ankle line
// are those of the plane through the lens, the hip and the ankle (it holds
// both viewing rays), so a point appears on one side of that line or the
// other according to the side of that plane it lies on; for points in
// front of the camera this holds whatever the camera's yaw or mirroring,
// and the knee is medial when it lies on the same side as the other hip.
func legFPPA(v viewer, hip, knee, ankle, otherHip Vec3) float64 {
	h, okH := v.onImagePlane(hip)
	k, okK := v.onImagePlane(knee)
	a, okA := v.onImagePlane(ankle)
	_, okO := v.onImagePlane(otherHip)
	if !okH || !okK || !okA || !okO {
		return math.NaN()
	}
	ang := angleBetween(k.Sub(h), a.Sub(k)) / rad
	if math.IsNaN(ang) {
		return ang
	}
	normal := hip.Sub(v.centre).Cross(ankle.Sub(v.centre))
	sideKnee := normal.Dot(knee.Sub(v.centre))
	sideOther := normal.Dot(otherHip.Sub(v.centre))
	switch {
	case sideKnee == 0:
		return 0
	case sideOther == 0:
		return math.NaN()
	case (sideKnee > 0) == (sideOther > 0):
		return ang
	}
	return -ang
}

// fppa is a leg's FPPA in degrees as cam sees skeleton sk.
func fppa(cam track.Camera, sk *skeleton, side body.Side) float64 {
	l, o := sk.pose.Legs[side], sk.pose.Legs[1-side]
	return legFPPA(viewerOf(cam), l.Hip, l.Knee, l.Ankle, o.Hip)
}
