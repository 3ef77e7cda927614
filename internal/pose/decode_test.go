package pose

import (
	"math"
	"testing"
)

func TestBlazePoseAnchors(t *testing.T) {
	a := blazePoseAnchors.generate()
	// 28²·2 + 14²·2 + 7²·6: the detector's 2254 output rows.
	if len(a) != 2254 {
		t.Fatalf("%d anchors, want 2254", len(a))
	}
	check := func(i int, x, y float64) {
		t.Helper()
		if !near(a[i].X, x, 1e-12) || !near(a[i].Y, y, 1e-12) {
			t.Errorf("anchor %d = %+v, want (%v, %v)", i, a[i], x, y)
		}
	}
	check(0, 0.5/28, 0.5/28)
	check(1, 0.5/28, 0.5/28) // two anchors per cell on the stride-8 map
	check(2, 1.5/28, 0.5/28) // then the next column
	check(1567, 27.5/28, 27.5/28)
	check(1568, 0.5/14, 0.5/14) // stride 16 starts
	check(1960, 0.5/7, 0.5/7)   // the three stride-32 layers share one map
	check(1965, 0.5/7, 0.5/7)   // six anchors per cell
	check(1966, 1.5/7, 0.5/7)
	check(2253, 6.5/7, 6.5/7)
}

// detRow writes one detector output row for anchor i: score logit, box
// centre offset and size, and keypoint offsets, in input pixels.
func detRow(raw []float32, i int, logit, dx, dy, w, h float64, kp [4][2]float64) {
	row := raw[i*13 : i*13+13]
	row[0], row[1], row[2], row[3], row[4] = float32(logit), float32(dx), float32(dy), float32(w), float32(h)
	for k := range 4 {
		row[5+2*k], row[6+2*k] = float32(kp[k][0]), float32(kp[k][1])
	}
}

func TestDecodeDetections(t *testing.T) {
	anchors := blazePoseAnchors.generate()
	raw := make([]float32, len(anchors)*13)
	for i := range anchors {
		raw[i*13] = -10 // background
	}
	// Anchor 1966 sits at (1.5/7, 0.5/7)·224 = (48, 16).
	detRow(raw, 1966, math.Log(4), 2, -3, 44, 40, [4][2]float64{{1, 60}, {0, -20}, {2, 20}, {3, -30}})
	// A row with a huge logit and a collapsed box (as the model emits on
	// some text): rejected.
	detRow(raw, 100, 6000, 0, 0, 2, 3, [4][2]float64{})
	// Below the threshold.
	detRow(raw, 200, -1, 0, 0, 44, 44, [4][2]float64{})
	dets := decodeDetections(raw, anchors, 224, 0.5)
	if len(dets) != 1 {
		t.Fatalf("%d detections, want 1: %+v", len(dets), dets)
	}
	d := dets[0]
	if !near(d.Score, 0.8, 1e-6) {
		t.Errorf("score %v, want sigmoid(ln 4) = 0.8", d.Score)
	}
	if want := (Box{50 - 22, 13 - 20, 50 + 22, 13 + 20}); !boxNear(d.Box, want, 1e-4) {
		t.Errorf("box %+v, want %+v", d.Box, want)
	}
	if !near(d.Keypoints[0][0], 49, 1e-4) || !near(d.Keypoints[0][1], 76, 1e-4) ||
		!near(d.Keypoints[1][0], 48, 1e-4) || !near(d.Keypoints[1][1], -4, 1e-4) {
		t.Errorf("keypoints %v, want hip centre (49, 76) and top (48, -4)", d.Keypoints)
	}
	if !near(d.Radius(), math.Hypot(1, 80), 1e-4) {
		t.Errorf("radius %v, want %v", d.Radius(), math.Hypot(1, 80))
	}
}

func boxNear(a, b Box, tol float64) bool {
	return near(a.X0, b.X0, tol) && near(a.Y0, b.Y0, tol) && near(a.X1, b.X1, tol) && near(a.Y1, b.Y1, tol)
}

func TestWeightedNMS(t *testing.T) {
	dets := []Detection{
		{Score: 0.6, Box: Box{10, 0, 20, 10}, Keypoints: [4][2]float64{{10, 10}}},
		{Score: 0.9, Box: Box{0, 0, 10, 10}, Keypoints: [4][2]float64{{0, 0}}},
		{Score: 0.7, Box: Box{100, 100, 110, 110}},
		{Score: 0.3, Box: Box{2, 0, 12, 10}, Keypoints: [4][2]float64{{20, 20}}},
	}
	out := weightedNMS(dets, 0.3)
	if len(out) != 3 {
		t.Fatalf("%d clusters, want 3: %+v", len(out), out)
	}
	// Best first: the 0.9 box merges with the 0.3 one (IoU 8/12 > 0.3) but
	// not with the 0.6 one (touching, IoU 0).
	m := out[0]
	if m.Score != 0.9 {
		t.Errorf("cluster score %v, want the best member's 0.9", m.Score)
	}
	if want := (Box{0.5, 0, 10.5, 10}); !boxNear(m.Box, want, 1e-9) {
		t.Errorf("merged box %+v, want the score-weighted mean %+v", m.Box, want)
	}
	if !near(m.Keypoints[0][0], 5, 1e-9) {
		t.Errorf("merged keypoint %v, want 0.9·0 + 0.3·20 over 1.2 = 5", m.Keypoints[0])
	}
	if out[1].Score != 0.7 || out[2].Score != 0.6 {
		t.Errorf("other clusters %v, %v, want 0.7 then 0.6", out[1].Score, out[2].Score)
	}
}

func TestDecodeBlazePose(t *testing.T) {
	ld := make([]float32, blazePoseLandmarks*5)
	world := make([]float32, blazePoseLandmarks*3)
	// Landmark 25 (left knee) at crop (64, 192), z 10, visibility logit 0,
	// presence logit ln 3; world (1, 0, 0.5).
	copy(ld[25*5:], []float32{64, 192, 10, 0, float32(math.Log(3))})
	copy(world[25*3:], []float32{1, 0, 0.5})
	// Alignment points 33 and 34.
	copy(ld[33*5:], []float32{128, 128, 0, 0, 0})
	copy(ld[34*5:], []float32{128, 0, 0, 0, 0})
	// A 512-pixel square centred at (1000, 500), turned 90° clockwise:
	// 2 image pixels per crop pixel.
	roi := ROI{CX: 1000, CY: 500, W: 512, H: 512, Rotation: math.Pi / 2}
	p := decodeBlazePose(ld, world, roi, roi.ToImage(256, 256))
	k := p.Keypoints[25]
	// Crop offset from the centre (-64, +64) crop px = (-128, +128) image
	// px, turned clockwise by 90°: (-128, -128).
	if !near(k.X, 872, 1e-6) || !near(k.Y, 372, 1e-6) {
		t.Errorf("knee at (%v, %v), want (872, 372)", k.X, k.Y)
	}
	if !near(k.Z, 20, 1e-6) || !near(k.Visibility, 0.5, 1e-9) || !near(k.Presence, 0.75, 1e-6) {
		t.Errorf("knee z %v vis %v pres %v, want 20, 0.5, 0.75", k.Z, k.Visibility, k.Presence)
	}
	// World x axis turned clockwise by 90° points down the picture (+y).
	if !near(k.World.X, 0, 1e-9) || !near(k.World.Y, 1, 1e-9) || !near(k.World.Z, 0.5, 1e-7) {
		t.Errorf("knee world %+v, want (0, 1, 0.5)", k.World)
	}
	// The alignment points: hip centre at the ROI centre, the top point
	// 256 image px towards the crop's top, i.e. to the right.
	if !near(p.Align[0][0], 1000, 1e-6) || !near(p.Align[0][1], 500, 1e-6) || !near(p.Align[1][0], 1256, 1e-6) || !near(p.Align[1][1], 500, 1e-6) {
		t.Errorf("alignment points %v, want (1000,500) and (1256,500)", p.Align)
	}
	next := p.NextROI()
	if !near(next.Rotation, math.Pi/2, 1e-9) || !near(next.W, 2*256*1.25, 1e-6) {
		t.Errorf("next ROI %+v, want rotation π/2 and side 640", next)
	}
	if len(p.Keypoints) != 33 || !p.HasWorld {
		t.Errorf("%d keypoints (world %v), want 33 with world", len(p.Keypoints), p.HasWorld)
	}
}

func TestDecodeMoveNet(t *testing.T) {
	out := make([]float32, movenetKeypoints*3)
	copy(out[11*3:], []float32{0.5, 0.25, 0.9}) // left hip: y, x, score
	roi := ROI{CX: 100, CY: 100, W: 192, H: 192}
	p := decodeMoveNet(out, roi, roi.ToImage(192, 192), 192)
	k := p.Keypoints[11]
	if !near(k.X, 52, 1e-6) || !near(k.Y, 100, 1e-6) || !near(k.Visibility, 0.9, 1e-6) {
		t.Errorf("left hip %+v, want (52, 100) score 0.9", k)
	}
	if !near(p.Score, 0.9/17, 1e-6) {
		t.Errorf("score %v, want the mean 0.9/17", p.Score)
	}
}

func TestMoveNetROI(t *testing.T) {
	kps := make([]Keypoint, movenetKeypoints)
	set := func(i int, x, y float64) { kps[i] = Keypoint{X: x, Y: y, Visibility: 0.9} }
	set(cocoLeftHip, 110, 300)
	set(cocoRightHip, 90, 300)
	set(cocoLeftShoulder, 115, 200)
	set(cocoLeftShoulder+1, 85, 200)
	set(13, 110, 400) // knees
	set(14, 90, 400)
	set(15, 110, 500) // ankles: farthest, 200 px below the hip centre
	set(16, 90, 500)
	set(0, 100, 150) // nose
	r, ok := MoveNetROI(kps)
	if !ok {
		t.Fatal("no ROI from a clear pose")
	}
	// Half side = max(1.2·200, 1.9·100) = 240.
	if r.CX != 100 || r.CY != 300 || !near(r.W, 480, 1e-9) || r.Rotation != 0 {
		t.Errorf("ROI %+v, want centre (100,300), side 480, upright", r)
	}
	kps[cocoRightHip].Visibility = 0.1
	if _, ok := MoveNetROI(kps); ok {
		t.Error("ROI placed without both hips")
	}
}
