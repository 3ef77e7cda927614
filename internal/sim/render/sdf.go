package render

import (
	"math"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Vec3 is a point or direction in the scene (metres; see the package doc).
type Vec3 = track.Vec3

func unit(v Vec3) Vec3 {
	n := v.Norm()
	if n == 0 {
		return v
	}
	return v.Scale(1 / n)
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// fmin and fmax are math.Min and math.Max for numbers known not to be NaN,
// cheaper in the inner loops.
func fmin(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

func fmax(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func smoothstep(e0, e1, x float64) float64 {
	t := clamp((x-e0)/(e1-e0), 0, 1)
	return t * t * (3 - 2*t)
}

func mix(a, b, t float64) float64 { return a + (b-a)*t }

// solid is one rounded cone: every point within radius r(s) of the point
// a + s·(b−a), where r grows linearly from ra at a to rb at b. When squash is
// below 1 the solid is flattened along the unit direction w (perpendicular
// to the axis) by that factor, which gives the trunk and head their oval
// cross-sections.
type solid struct {
	a, b   Vec3
	ra, rb float64
	squash float64 // 1: round; <1: flattened along w
	w      Vec3
	mat    material
	part   part // which body part, for clothing boundaries
	side   int8 // 0 left, 1 right, −1 neither
	// ref and refN are a point and unit normal of a reference plane for
	// painting (the shoe's sole).
	ref, refN Vec3

	// Derived by prepare.
	axis       Vec3    // unit a→b
	length     float64 // |b−a|
	sinT, cosT float64 // slope of the cone's side: sinT = (ra−rb)/length
	rmax       float64
	centre     Vec3    // bounding sphere
	bound      float64 // its radius (including the blend margin)
}

// blendMargin bounds how far a smooth union can push the surface out beyond
// the solids it joins: k/4 for the quadratic smooth minimum, for the largest
// seam used (0.06 m) on the largest figure (scale 1.4).
const blendMargin = 0.06 * 1.4 / 4

func (s *solid) prepare() {
	d := s.b.Sub(s.a)
	s.length = d.Norm()
	if s.squash <= 0 || s.squash > 1 {
		s.squash = 1
	}
	if s.length < 1e-7 {
		s.axis = Vec3{Z: 1}
		s.length = 0
		s.rb = s.ra
	} else {
		s.axis = d.Scale(1 / s.length)
		// A cone whose end caps swallow each other degenerates to the larger
		// sphere's side; keep the slope below 1.
		if math.Abs(s.ra-s.rb) > 0.95*s.length {
			if s.ra > s.rb {
				s.rb = s.ra - 0.95*s.length
			} else {
				s.ra = s.rb - 0.95*s.length
			}
		}
		s.sinT = (s.ra - s.rb) / s.length
		s.cosT = math.Sqrt(1 - s.sinT*s.sinT)
	}
	s.rmax = math.Max(s.ra, s.rb)
	s.centre = s.a.Add(s.b).Scale(0.5)
	s.bound = s.length/2 + s.rmax + blendMargin
}

// dist returns the signed distance from p to the solid (a lower bound when
// the solid is squashed, which is what sphere tracing needs).
func (s *solid) dist(p Vec3) float64 {
	q := p.Sub(s.a)
	if s.squash < 1 {
		k := q.Dot(s.w) * (1/s.squash - 1)
		q = q.Add(s.w.Scale(k))
	}
	var d float64
	if s.length == 0 {
		d = q.Norm() - s.ra
	} else {
		y := q.Dot(s.axis)
		x := math.Sqrt(fmax(q.Dot(q)-y*y, 0))
		// In the plane (y along the axis, x away from it) the solid is the
		// hull of two circles; its straight side has the outward normal
		// (sinT, cosT) and runs along (cosT, −sinT) from the point where it
		// touches the first circle (parameter 0) to where it touches the
		// second (parameter length·cosT).
		t := y*s.cosT - x*s.sinT
		switch {
		case t < 0:
			d = math.Sqrt(x*x+y*y) - s.ra
		case t > s.length*s.cosT:
			dy := y - s.length
			d = math.Sqrt(x*x+dy*dy) - s.rb
		default:
			d = y*s.sinT + x*s.cosT - s.ra
		}
	}
	if s.squash < 1 {
		d *= s.squash
	}
	return d
}

// param returns where along the axis the point nearest p lies, 0 at a and 1
// at b.
func (s *solid) param(p Vec3) float64 {
	if s.length == 0 {
		return 0
	}
	return clamp(p.Sub(s.a).Dot(s.axis)/s.length, 0, 1)
}

// radiusAt is the solid's radius at axis parameter u, averaged over its
// cross-section's two axes.
func (s *solid) radiusAt(u float64) float64 {
	r := s.ra + (s.rb-s.ra)*u
	if s.squash < 1 {
		r *= (1 + s.squash) / 2
	}
	return r
}

// smin is a smooth minimum: min(a, b) away from the seam, rounded within k
// of it, never above min(a, b) and at most k/4 below it.
func smin(a, b, k float64) float64 {
	h := k - math.Abs(a-b)
	if h <= 0 {
		return fmin(a, b)
	}
	h /= k
	return fmin(a, b) - h*h*k/4
}

// raySegment returns the distance between the ray o + t·d (t ≥ 0, d unit)
// and the segment a–b, the ray parameter t and the segment parameter u
// (0..1) of the closest points.
func raySegment(o, d, a, b Vec3) (dist, t, u float64) {
	ab := b.Sub(a)
	ao := a.Sub(o)
	abab := ab.Dot(ab)
	dab := d.Dot(ab)
	dao := d.Dot(ao)
	abao := ab.Dot(ao)
	den := abab - dab*dab // |d| = 1
	if abab < 1e-12 {
		u = 0
	} else if den > 1e-12 {
		// Closest points of the two infinite lines, then clamp the segment's.
		u = (dab*dao - abao) / den
		u = clamp(u, 0, 1)
	} else {
		u = 0
	}
	p := a.Add(ab.Scale(u))
	t = p.Sub(o).Dot(d)
	if t < 0 {
		t = 0
		// With the ray's start fixed the nearest segment point is the
		// projection of o.
		if abab > 1e-12 {
			u = clamp(o.Sub(a).Dot(ab)/abab, 0, 1)
			p = a.Add(ab.Scale(u))
		}
	}
	dist = p.Sub(o.Add(d.Scale(t))).Norm()
	return dist, t, u
}
