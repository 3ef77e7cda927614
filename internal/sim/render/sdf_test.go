package render

import (
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

// unionOfSpheres is the exact distance from p to a rounded cone outside it:
// the smallest distance to one of the spheres swept along the axis, found
// by brute force.
func unionOfSpheres(p, a, b Vec3, ra, rb float64) float64 {
	best := math.Inf(1)
	const n = 20000
	for i := 0; i <= n; i++ {
		u := float64(i) / n
		c := a.Add(b.Sub(a).Scale(u))
		best = math.Min(best, p.Sub(c).Norm()-(ra+(rb-ra)*u))
	}
	return best
}

func TestRoundConeDistance(t *testing.T) {
	// A capsule along z: hand-computed distances.
	c := solid{a: Vec3{}, b: Vec3{Z: 1}, ra: 0.1, rb: 0.1}
	c.prepare()
	for _, tc := range []struct {
		p    Vec3
		want float64
	}{
		{Vec3{X: 0.5, Z: 0.5}, 0.4}, // beside the middle
		{Vec3{Z: 1.5}, 0.4},         // beyond the end
		{Vec3{X: 0.3, Y: 0.4, Z: -1}, math.Hypot(0.5, 1) - 0.1},
		{Vec3{X: 0.05, Z: 0.5}, -0.05}, // inside
	} {
		if got := c.dist(tc.p); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("capsule dist(%v) = %.6f, want %.6f", tc.p, got, tc.want)
		}
	}
	// A tapered cone: the tangent side at (x=1, y=0.5) is hand-computable:
	// sinT = 0.1, distance = 0.5·0.1 + 1·√0.99 − 0.2.
	k := solid{a: Vec3{}, b: Vec3{Z: 1}, ra: 0.2, rb: 0.1}
	k.prepare()
	if got, want := k.dist(Vec3{X: 1, Z: 0.5}), 0.05+math.Sqrt(0.99)-0.2; math.Abs(got-want) > 1e-12 {
		t.Errorf("cone side distance %.9f, want %.9f", got, want)
	}
	// Against the brute-force union of spheres for oblique cones and many
	// points outside them.
	cones := []solid{
		{a: Vec3{X: 0.1, Y: -0.2, Z: 0.3}, b: Vec3{X: 0.4, Y: 0.1, Z: 0.8}, ra: 0.09, rb: 0.05},
		{a: Vec3{X: 0.1, Y: -0.2, Z: 0.3}, b: Vec3{X: 0.2, Y: 0.1, Z: 0.35}, ra: 0.03, rb: 0.12},
		{a: Vec3{}, b: Vec3{}, ra: 0.1, rb: 0.1}, // a sphere
	}
	for ci := range cones {
		s := &cones[ci]
		a, b, ra, rb := s.a, s.b, s.ra, s.rb
		s.prepare()
		for i := range 200 {
			// Points on a spiral around the cone.
			th := float64(i) * 0.7
			p := a.Add(Vec3{X: 0.4 * math.Cos(th), Y: 0.4 * math.Sin(th), Z: -0.3 + float64(i)*0.007})
			want := unionOfSpheres(p, a, b, ra, rb)
			if want < 0 {
				continue
			}
			if got := s.dist(p); math.Abs(got-want) > 1e-6 {
				t.Fatalf("cone %d at %v: dist %.7f, union of spheres %.7f", ci, p, got, want)
			}
		}
	}
}

func TestSquashedDistanceIsALowerBound(t *testing.T) {
	// Flattened along x by 0.6: the surface passes through (0.06, 0, 0.5)
	// and (0, 0.1, 0.5); the distance never overestimates the true one
	// (needed for sphere tracing) and is exact along the long axis.
	s := solid{a: Vec3{}, b: Vec3{Z: 1}, ra: 0.1, rb: 0.1, squash: 0.6, w: Vec3{X: 1}}
	s.prepare()
	if d := s.dist(Vec3{X: 0.06, Z: 0.5}); math.Abs(d) > 1e-12 {
		t.Errorf("squashed surface along w: dist %.3g, want 0", d)
	}
	if d := s.dist(Vec3{Y: 0.3, Z: 0.5}); math.Abs(d-0.2*0.6) > 1e-12 {
		t.Errorf("across: dist %.6f, want the scaled bound 0.12", d)
	}
	if d := s.dist(Vec3{X: 0.5, Z: 0.5}); d > 0.5-0.06+1e-12 || d < 0 {
		t.Errorf("along w: dist %.6f must be a lower bound of the true 0.44", d)
	}
}

func TestSmoothMin(t *testing.T) {
	for _, tc := range []struct{ a, b, k, want float64 }{
		{1, 2, 0.5, 1},           // far apart: plain minimum
		{1, 1, 0.4, 1 - 0.1},     // equal: k/4 below
		{1, 1.2, 0.4, 1 - 0.025}, // h = 0.5: min − 0.25·0.4/4
	} {
		if got := smin(tc.a, tc.b, tc.k); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("smin(%g, %g, %g) = %g, want %g", tc.a, tc.b, tc.k, got, tc.want)
		}
	}
}

func TestRaySegment(t *testing.T) {
	// Ray along +x from the origin; segment parallel to z at x=2, y=0.5,
	// from z=−1 to z=1: closest at t=2, u=0.5, distance 0.5.
	d, tt, u := raySegment(Vec3{}, Vec3{X: 1}, Vec3{X: 2, Y: 0.5, Z: -1}, Vec3{X: 2, Y: 0.5, Z: 1})
	if math.Abs(d-0.5) > 1e-12 || math.Abs(tt-2) > 1e-12 || math.Abs(u-0.5) > 1e-12 {
		t.Errorf("crossing segment: dist %g t %g u %g, want 0.5 2 0.5", d, tt, u)
	}
	// Segment behind the ray's start: the nearest point is the origin.
	d, tt, _ = raySegment(Vec3{}, Vec3{X: 1}, Vec3{X: -2, Y: 1}, Vec3{X: -1, Y: 1})
	if math.Abs(d-math.Sqrt2) > 1e-12 || tt != 0 {
		t.Errorf("segment behind: dist %g t %g, want √2 and 0", d, tt)
	}
	// Clamped end: segment from (3,1,0) to (3,5,0): nearest end (3,1,0).
	d, tt, u = raySegment(Vec3{}, Vec3{X: 1}, Vec3{X: 3, Y: 1}, Vec3{X: 3, Y: 5})
	if math.Abs(d-1) > 1e-12 || math.Abs(tt-3) > 1e-12 || u != 0 {
		t.Errorf("clamped: dist %g t %g u %g, want 1 3 0", d, tt, u)
	}
}

func TestRaysAgreeWithTrackCamera(t *testing.T) {
	// For several cameras, the ray through a point's projection passes
	// through the point: the renderer draws joints where track.Camera puts
	// them.
	pts := []Vec3{{X: 0.1, Y: 0.2, Z: 0.5}, {X: -0.3, Y: -0.15, Z: 1.6}, {Y: 0.4, Z: 0.05}, {}}
	for _, cam := range []track.Camera{
		{YawDeg: 0, HeightM: 0.9, DistanceM: 3, Width: 1280, Height: 720, FocalPx: 960},
		{YawDeg: 30, HeightM: 1.2, DistanceM: 2.5, Width: 640, Height: 360, FocalPx: 500},
		{YawDeg: -15, HeightM: 0.6, DistanceM: 4, Width: 720, Height: 1280, Mirror: true},
		{},
	} {
		r, err := New(Options{Camera: cam})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pts {
			x, y, ok := cam.ProjectPoint(p.X, -p.Y, p.Z)
			if !ok {
				t.Fatalf("camera %+v cannot see %v", cam, p)
			}
			d := r.ray(x, y)
			v := p.Sub(r.eye)
			miss := v.Sub(d.Scale(v.Dot(d))).Norm()
			if miss > 1e-9 {
				t.Errorf("camera %+v: the ray through (%.1f, %.1f) passes %.2g m from %v", cam, x, y, miss, p)
			}
			if rx, ry, _ := r.Project(p); rx != x || ry != y {
				t.Errorf("Project(%v) = (%g, %g), track.Camera says (%g, %g)", p, rx, ry, x, y)
			}
		}
	}
	// Hand-computed: the default phone camera of package sim sees the
	// origin (on the floor, 3 m away, lens 0.9 m up) at x = 640,
	// y = 360 + 960·0.9/3 = 648.
	r, _ := New(Options{Camera: track.Camera{HeightM: 0.9, DistanceM: 3, Width: 1280, Height: 720, FocalPx: 960}})
	if x, y, _ := r.Project(Vec3{}); math.Abs(x-640) > 1e-9 || math.Abs(y-648) > 1e-9 {
		t.Errorf("origin at (%g, %g), want (640, 648)", x, y)
	}
	if w, h := r.Size(); w != 1280 || h != 720 {
		t.Errorf("size %dx%d, want 1280x720", w, h)
	}
}

func TestNewRejectsBadCameras(t *testing.T) {
	for _, cam := range []track.Camera{
		{Width: 4, Height: 4},
		{Width: 100000, Height: 720},
		{Width: 640, Height: 360, HeightM: -1},
	} {
		if _, err := New(Options{Camera: cam}); err == nil {
			t.Errorf("camera %+v accepted", cam)
		}
	}
	if _, err := New(Options{WallDistanceM: 0.1}); err == nil {
		t.Error("a wall 0.1 m behind the figure accepted")
	}
}
