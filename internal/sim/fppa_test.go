package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

// TestLegFPPAHandComputed checks the truth's FPPA on legs whose angle is
// worked out by hand. Unless stated, the leg is the right one, in the
// frontal plane X = 0: right hip (0, −0.1, 0.82), left hip (0, 0.1, 0.82),
// ankle (0, −0.1, 0.10), thigh and shank 0.39 m. A camera with yaw 0 or 180
// looks along the X axis, so its image plane is parallel to that frontal
// plane and the picture is the leg scaled (and perhaps mirrored): the FPPA
// is the angle in the frontal plane itself.
func TestLegFPPAHandComputed(t *testing.T) {
	const (
		hipZ, kneeZ, ankleZ = 0.82, 0.46, 0.10
		hipY                = 0.1 // each hip's distance from the midline
	)
	rHip, lHip := Vec3{Y: -hipY, Z: hipZ}, Vec3{Y: hipY, Z: hipZ}
	rAnkle := Vec3{Y: -hipY, Z: ankleZ}
	deg := 180 / math.Pi
	// A knee 0.15 m off the hip-ankle line: thigh and shank are both the
	// hypotenuse of a 0.15 by 0.36 triangle (0.39 m, a 5-12-13 triangle),
	// each 22.6199° off the vertical, so the angle between them is
	// 2·atan(5/12) = 45.2397°.
	caved := 2 * math.Atan(5.0/12) * deg
	// Seen from the front, a knee bent straight forward 0.15 m (towards the
	// camera, 3 m away, lens 0.9 m high) looks bent outwards by perspective.
	// In normalised image coordinates (u = Y/depth to the picture's right,
	// v = (0.9 − Z)/depth down; depth = 3 − X): hip (−0.1/3, 0.08/3),
	// knee (−0.1/2.85, 0.44/2.85), ankle (−0.1/3, 0.8/3). The hip-ankle line
	// is vertical and the knee lies 0.1/2.85 − 0.1/3 = 0.0017544 beyond it,
	// away from the left hip (u = +0.1/3): lateral, so the angle is negative.
	// Thigh and shank rise 0.44/2.85 − 0.08/3 = 0.1277193 and
	// 0.8/3 − 0.44/2.85 = 0.1122807, so the FPPA is
	// −(atan(0.0017544/0.1277193) + atan(0.0017544/0.1122807))
	// = −(0.0137353 + 0.0156237) rad = −1.6822°.
	off := 0.1/2.85 - 0.1/3
	forward := -(math.Atan(off/(0.44/2.85-0.08/3)) + math.Atan(off/(0.8/3-0.44/2.85))) * deg

	front, back := DefaultCamera(0), DefaultCamera(180)
	mirrored, backMirrored := front, back
	mirrored.Mirror, backMirrored.Mirror = true, true
	high := front
	high.HeightM, high.DistanceM = 2.5, 5
	for _, tc := range []struct {
		name                   string
		cam                    track.Camera
		hip, knee, ankle, othr Vec3
		want                   float64 // NaN: no angle
	}{
		{"straight leg", front, rHip, Vec3{Y: -hipY, Z: kneeZ}, rAnkle, lHip, 0},
		{"knee 0.15 m medial", front, rHip, Vec3{Y: -hipY + 0.15, Z: kneeZ}, rAnkle, lHip, caved},
		{"knee 0.15 m lateral", front, rHip, Vec3{Y: -hipY - 0.15, Z: kneeZ}, rAnkle, lHip, -caved},
		{"left leg, knee medial", front, lHip, Vec3{Y: hipY - 0.15, Z: kneeZ}, Vec3{Y: hipY, Z: ankleZ}, rHip, caved},
		// The shank alone turned out: the knee straight under the hip, the
		// ankle 0.15 m lateral, 0.36 m below it. The angle is the shank's
		// atan(5/12) = 22.6199° off the vertical thigh, and the knee is
		// medial of the hip-ankle line (which runs outwards): positive.
		{"ankle 0.15 m lateral", front, rHip, Vec3{Y: -hipY, Z: kneeZ}, Vec3{Y: -hipY - 0.15, Z: ankleZ}, lHip, caved / 2},
		{"mirrored, knee medial", mirrored, rHip, Vec3{Y: -hipY + 0.15, Z: kneeZ}, rAnkle, lHip, caved},
		{"mirrored, knee lateral", mirrored, rHip, Vec3{Y: -hipY - 0.15, Z: kneeZ}, rAnkle, lHip, -caved},
		{"from behind, knee medial", back, rHip, Vec3{Y: -hipY + 0.15, Z: kneeZ}, rAnkle, lHip, caved},
		{"from behind, knee lateral", back, rHip, Vec3{Y: -hipY - 0.15, Z: kneeZ}, rAnkle, lHip, -caved},
		{"from behind mirrored, knee medial", backMirrored, rHip, Vec3{Y: -hipY + 0.15, Z: kneeZ}, rAnkle, lHip, caved},
		{"higher and further, knee medial", high, rHip, Vec3{Y: -hipY + 0.15, Z: kneeZ}, rAnkle, lHip, caved},
		{"knee forward, perspective", front, rHip, Vec3{X: 0.15, Y: -hipY, Z: kneeZ}, rAnkle, lHip, forward},
		{"ankle behind the lens", front, rHip, Vec3{Y: -hipY, Z: kneeZ}, Vec3{X: 3.5, Y: -hipY, Z: ankleZ}, lHip, math.NaN()},
		{"other hip on the leg's line", front, rHip, Vec3{Y: -hipY + 0.15, Z: kneeZ}, rAnkle, Vec3{Y: -hipY, Z: 1.2}, math.NaN()},
		{"knee on the hip", front, rHip, rHip, rAnkle, lHip, math.NaN()},
	} {
		got := legFPPA(viewerOf(tc.cam), tc.hip, tc.knee, tc.ankle, tc.othr)
		if math.IsNaN(tc.want) {
			if !math.IsNaN(got) {
				t.Errorf("%s: FPPA %.6f°, want none", tc.name, got)
			}
			continue
		}
		if !(math.Abs(got-tc.want) <= 1e-9) {
			t.Errorf("%s: FPPA %.9f°, want %.9f°", tc.name, got, tc.want)
		}
	}
	// The hand-computed values themselves, to four decimals.
	if math.Abs(caved-45.2397) > 1e-4 || math.Abs(forward+1.6822) > 1e-4 {
		t.Errorf("hand-computed angles %.4f° and %.4f°", caved, forward)
	}
}

// pixelFPPA is a leg's FPPA computed the way a reader of the picture would,
// from the pixels cam gives the hip, knee, ankle and other hip: the angle
// between thigh (hip to knee) and shank (knee to ankle) in the picture,
// atan2 of their cross and dot products, positive when the knee lies on the
// other hip's side of the hip-ankle line (the signs of two cross products
// agree). It shares nothing with legFPPA (which works in 3D, on the image
// plane, with the sign from the plane through the lens), so the two
// computations check each other. false when a point is not in the picture,
// the thigh or shank has no length, or the other hip lies on the line.
func pixelFPPA(cam track.Camera, hip, knee, ankle, other Vec3) (float64, bool) {
	type px struct{ x, y float64 }
	var p [4]px
	for i, q := range []Vec3{hip, knee, ankle, other} {
		x, y, ok := cam.ProjectPoint(q.X, -q.Y, q.Z) // the scene's Y is left, the camera's right
		if !ok {
			return 0, false
		}
		p[i] = px{x, y}
	}
	h, k, a, o := p[0], p[1], p[2], p[3]
	cross := func(u, v px) float64 { return u.x*v.y - u.y*v.x }
	sub := func(u, v px) px { return px{u.x - v.x, u.y - v.y} }
	thigh, shank := sub(k, h), sub(a, k)
	if math.Hypot(thigh.x, thigh.y) == 0 || math.Hypot(shank.x, shank.y) == 0 {
		return 0, false
	}
	deg := math.Atan2(math.Abs(cross(thigh, shank)), thigh.x*shank.x+thigh.y*shank.y) * 180 / math.Pi
	line := sub(a, h)
	kneeSide, otherSide := cross(line, sub(k, h)), cross(line, sub(o, h))
	switch {
	case otherSide == 0:
		return 0, false
	case kneeSide == 0:
		return 0, true
	case (kneeSide > 0) == (otherSide > 0):
		return deg, true
	}
	return -deg, true
}

func randomCamera(rng *rand.Rand) track.Camera {
	cam := DefaultCamera(360*rng.Float64() - 180)
	cam.HeightM = 0.3 + 2.2*rng.Float64()
	cam.DistanceM = 1.5 + 4.5*rng.Float64()
	cam.Mirror = rng.IntN(2) == 1
	return cam
}

// TestLegFPPAAgreesWithPixels cross-checks the truth's FPPA against
// pixelFPPA on random legs and on the simulator's own skeletons, filmed by
// random cameras: two independent computations of the same angle agree
// within 1e-6°.
func TestLegFPPAAgreesWithPixels(t *testing.T) {
	const tol = 1e-6
	rng := rand.New(rand.NewPCG(11, 12))
	compared, worst := 0, 0.0
	check := func(what string, cam track.Camera, hip, knee, ankle, other Vec3) {
		t.Helper()
		want, ok := pixelFPPA(cam, hip, knee, ankle, other)
		got := legFPPA(viewerOf(cam), hip, knee, ankle, other)
		if !ok {
			return
		}
		compared++
		d := math.Abs(got - want)
		if !(d <= tol) {
			t.Errorf("%s, camera %+v: truth %.9f°, from the pixels %.9f°", what, cam, got, want)
			return
		}
		worst = math.Max(worst, d)
	}
	// Random legs: hips about a metre up, knees and ankles anywhere
	// plausible around them.
	uni := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	for range 2000 {
		side := float64(2*rng.IntN(2) - 1)
		hip := Vec3{X: uni(-0.2, 0.2), Y: side * uni(0.05, 0.15), Z: uni(0.5, 1.1)}
		other := Vec3{X: hip.X + uni(-0.05, 0.05), Y: -hip.Y + uni(-0.03, 0.03), Z: hip.Z + uni(-0.05, 0.05)}
		knee := Vec3{X: uni(-0.1, 0.5), Y: side * uni(-0.2, 0.35), Z: uni(0.3, 0.6)}
		ankle := Vec3{X: uni(-0.15, 0.15), Y: side * uni(0, 0.4), Z: uni(0.05, 0.12)}
		check("random leg", randomCamera(rng), hip, knee, ankle, other)
	}
	// The simulator's skeletons: any depth and knee turn, both movements.
	d := newDims(1.75)
	for range 300 {
		s := Set{Movement: []body.Movement{body.MoveBilateralSquat, body.MoveSingleLegSquat}[rng.IntN(2)], StanceM: uni(0.25, 0.6), ToeOutDeg: uni(0, 30), KneesOutDeg: uni(0, 20),
			LateralShiftM: uni(-0.05, 0.05)}.withDefaults()
		sk := s.pose(d, rng.Float64(), [2]float64{uni(-40, 85), uni(-40, 85)})
		cam := randomCamera(rng)
		for sd := range 2 {
			l, o := sk.pose.Legs[sd], sk.pose.Legs[1-sd]
			check("simulated skeleton", cam, l.Hip, l.Knee, l.Ankle, o.Hip)
		}
	}
	if compared < 2000 {
		t.Errorf("only %d legs compared", compared)
	}
	t.Logf("%d legs: largest difference %.3g°", compared, worst)
}

// TestTruthFPPAMatchesPixelFrames compares a whole simulated set's truth,
// frame by frame and before rounding, with pixelFPPA of the exact
// (noise-free) track's pixels, and the per-frame truth with both.
func TestTruthFPPAMatchesPixelFrames(t *testing.T) {
	for _, cam := range []track.Camera{DefaultCamera(0), DefaultCamera(35), DefaultCamera(-150)} {
		res := simulate(t, Set{Reps: 2, RightValgusDeg: []float64{12}, LeftValgusDeg: []float64{6}}, cam)
		ex := res.Exact
		view := viewerOf(cam)
		names := [2][4]string{
			{track.LeftHip, track.LeftKnee, track.LeftAnkle, track.RightHip},
			{track.RightHip, track.RightKnee, track.RightAnkle, track.LeftHip},
		}
		for i, f := range res.Frames {
			for sd := range 2 {
				l, o := f.Pose.Legs[sd], f.Pose.Legs[1-sd]
				got := legFPPA(view, l.Hip, l.Knee, l.Ankle, o.Hip)
				want, ok := pixelFPPA(cam, l.Hip, l.Knee, l.Ankle, o.Hip)
				if !ok || !(math.Abs(got-want) <= 1e-6) {
					t.Fatalf("camera yaw %g°, frame %d, %s: truth %.9f°, from the pixels %.9f° (ok %v)", cam.YawDeg, i, body.Side(sd), got, want, ok)
				}
				// The track holds exactly those pixels.
				for j, p := range []Vec3{l.Hip, l.Knee, l.Ankle, o.Hip} {
					x, y, _ := cam.ProjectPoint(p.X, -p.Y, p.Z)
					if q := ex.Frames[i].Points[ex.Index(names[sd][j])]; q.X != x || q.Y != y {
						t.Fatalf("camera yaw %g°, frame %d: track has %s at (%g, %g), the joint projects to (%g, %g)", cam.YawDeg, i, names[sd][j], q.X, q.Y, x, y)
					}
				}
				if r := res.Truth.PerFrame[i].FPPA.Get(body.Side(sd)); math.Abs(r-got) > 0.0005+1e-12 {
					t.Fatalf("camera yaw %g°, frame %d, %s: per-frame truth %.3f°, want %.6f°", cam.YawDeg, i, body.Side(sd), r, got)
				}
			}
		}
	}
}
