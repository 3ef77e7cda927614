package track

import (
	"errors"
	"fmt"
	"math"
)

// BodyFrame is a lifter-centred frame built from a 3D track: its origin is
// on the floor under the average midpoint of the ankles; Forward is the
// horizontal direction the lifter faces, Right points to the lifter's right,
// Up is up. All three are unit vectors in world coordinates.
type BodyFrame struct {
	Origin, Forward, Right, Up Vec3
}

// Local returns v's coordinates in the body frame: metres forward, to the
// lifter's right and up from the origin.
func (b BodyFrame) Local(v Vec3) (forward, right, up float64) {
	d := v.Sub(b.Origin)
	return d.Dot(b.Forward), d.Dot(b.Right), d.Dot(b.Up)
}

// EstimateBodyFrame builds the body frame of a 3D track from its whole
// duration: up from Track.WorldUp, right from the average left-to-right hip
// vector, forward perpendicular to both (checked against the heel-to-toe
// direction when the feet are present, so a left-handed lab frame still gives
// the true forward), the floor at the lowest foot point.
func EstimateBodyFrame(t *Track) (BodyFrame, error) {
	up, err := upVector(t.WorldUp)
	if err != nil {
		return BodyFrame{}, fmt.Errorf("estimating the lifter's body frame: %w", err)
	}
	mean := func(a, b string) (Vec3, int) {
		ia, ib := t.Index(a), t.Index(b)
		var s Vec3
		n := 0
		if ia < 0 || ib < 0 {
			return s, 0
		}
		for _, f := range t.Frames {
			pa, pb := f.Points[ia], f.Points[ib]
			if pa.HasWorld && pb.HasWorld {
				s = s.Add(pb.World.Sub(pa.World))
				n++
			}
		}
		if n > 0 {
			s = s.Scale(1 / float64(n))
		}
		return s, n
	}
	hips, n := mean(LeftHip, RightHip)
	if n == 0 {
		return BodyFrame{}, errors.New("estimating the lifter's body frame: no frame has both hips in 3D")
	}
	right := hips.Sub(up.Scale(hips.Dot(up)))
	if right.Norm() < 1e-6 {
		return BodyFrame{}, errors.New("estimating the lifter's body frame: the hips are vertically above each other")
	}
	right = right.Scale(1 / right.Norm())
	forward := up.Cross(right)
	footL, nl := mean(LeftHeel, LeftFootIndex)
	footR, nr := mean(RightHeel, RightFootIndex)
	if nl+nr > 0 && footL.Add(footR).Dot(forward) < 0 {
		// The toes point the other way: a left-handed lab frame.
		forward = forward.Scale(-1)
	}

	// Origin: mean ankle midpoint, dropped to the floor.
	var mid Vec3
	nm := 0
	floor := math.Inf(1)
	il, ir := t.Index(LeftAnkle), t.Index(RightAnkle)
	for _, f := range t.Frames {
		if il >= 0 && ir >= 0 && f.Points[il].HasWorld && f.Points[ir].HasWorld {
			mid = mid.Add(f.Points[il].World.Add(f.Points[ir].World).Scale(0.5))
			nm++
		}
		for _, name := range []string{LeftAnkle, RightAnkle, LeftHeel, RightHeel, LeftFootIndex, RightFootIndex} {
			if i := t.Index(name); i >= 0 && f.Points[i].HasWorld {
				h := f.Points[i].World.Dot(up)
				if name == LeftAnkle || name == RightAnkle {
					h -= 0.07 // ankle joint height above the floor, roughly
				}
				floor = math.Min(floor, h)
			}
		}
	}
	if nm == 0 {
		return BodyFrame{}, errors.New("estimating the lifter's body frame: no frame has both ankles in 3D")
	}
	mid = mid.Scale(1 / float64(nm))
	origin := mid.Sub(up.Scale(mid.Dot(up) - floor))
	return BodyFrame{Origin: origin, Forward: forward, Right: right, Up: up}, nil
}

// Camera is a virtual pinhole camera placed around a lifter, used to turn a
// 3D track into the 2D track a phone at that spot would film. Its optical
// axis is horizontal and passes over the body frame's origin.
type Camera struct {
	// YawDeg is where the camera stands, in degrees around the lifter:
	// 0 in front, facing them; +90 at their right side; -90 at their left;
	// 180 behind them.
	YawDeg float64
	// HeightM is the lens height above the floor (default 0.9 m, about hip
	// height, as the filming advice asks).
	HeightM float64
	// DistanceM is the horizontal distance from the origin (default 3 m).
	DistanceM float64
	// Width and Height are the picture size in pixels (default 720x1280, a
	// portrait phone video).
	Width, Height int
	// FocalPx is the focal length in pixels (default: a 60 degree vertical
	// field of view).
	FocalPx float64
	// Mirror flips the picture left-right, as a front camera's preview does.
	Mirror bool
}

func (c Camera) withDefaults() Camera {
	if c.HeightM == 0 {
		c.HeightM = 0.9
	}
	if c.DistanceM == 0 {
		c.DistanceM = 3
	}
	if c.Width == 0 || c.Height == 0 {
		c.Width, c.Height = 720, 1280
	}
	if c.FocalPx == 0 {
		c.FocalPx = float64(c.Height) / 2 / math.Tan(30*math.Pi/180)
	}
	return c
}

// Pose returns the camera's centre and its image axes in the body frame's
// local coordinates (forward, right, up): xImg points to the picture's right,
// yImg down, zImg along the optical axis.
func (c Camera) Pose() (centre, xImg, yImg, zImg [3]float64) {
	c = c.withDefaults()
	th := c.YawDeg * math.Pi / 180
	s, co := math.Sin(th), math.Cos(th)
	centre = [3]float64{c.DistanceM * co, c.DistanceM * s, c.HeightM}
	zImg = [3]float64{-co, -s, 0}
	xImg = [3]float64{s, -co, 0}
	yImg = [3]float64{0, 0, -1}
	return
}

// ProjectPoint maps a point given in body-frame coordinates (forward, right,
// up) to pixel coordinates; ok is false when the point is behind the camera.
func (c Camera) ProjectPoint(forward, right, up float64) (x, y float64, ok bool) {
	c = c.withDefaults()
	centre, xi, yi, zi := c.Pose()
	d := [3]float64{forward - centre[0], right - centre[1], up - centre[2]}
	dot := func(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
	zc := dot(d, zi)
	if zc < 0.05 {
		return 0, 0, false
	}
	x = float64(c.Width)/2 + c.FocalPx*dot(d, xi)/zc
	y = float64(c.Height)/2 + c.FocalPx*dot(d, yi)/zc
	if c.Mirror {
		x = float64(c.Width) - x
	}
	return x, y, true
}

// Project films a 3D track with a virtual camera: it returns a copy whose
// points carry the pixel and normalised positions that camera would see
// (confidence 1 where the 3D point exists) and keep their world positions.
// The body frame comes from EstimateBodyFrame, so "front" means in front of
// the lifter whatever the lab's axes.
func Project(t *Track, cam Camera) (*Track, error) {
	if !t.HasWorld() {
		return nil, errors.New("projecting a track: it has no 3D world positions")
	}
	bf, err := EstimateBodyFrame(t)
	if err != nil {
		return nil, fmt.Errorf("projecting a track: %w", err)
	}
	cam = cam.withDefaults()
	out := t.Clone()
	out.Video.Width, out.Video.Height = cam.Width, cam.Height
	mirror := ""
	if cam.Mirror {
		mirror = ", mirrored"
	}
	out.Video.Source = fmt.Sprintf("%s (virtual camera: yaw %g deg, %g m away, %g m high%s)",
		t.Video.Source, cam.YawDeg, cam.DistanceM, cam.HeightM, mirror)
	for i := range out.Frames {
		for j := range out.Frames[i].Points {
			p := &out.Frames[i].Points[j]
			if !p.HasWorld {
				p.Conf = 0
				continue
			}
			x, y, ok := cam.ProjectPoint(bf.Local(p.World))
			if !ok {
				p.Conf = 0
				continue
			}
			p.X, p.Y, p.Conf = x, y, 1
			p.NX, p.NY = x/float64(cam.Width), y/float64(cam.Height)
		}
	}
	return out, nil
}
