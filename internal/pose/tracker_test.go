package pose

import (
	"context"
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

// scene is a fake world for the tracker: the people in the current frame,
// each a hip centre and body radius. fakeDetector and fakeEstimator see it.
type scene struct {
	people [][3]float64
	// slide, when set, makes the landmark model's next run return the
	// person at this index whatever the crop (a crop sliding onto someone
	// else).
	slide int
}

type fakeDetector struct{ s *scene }

func (d fakeDetector) Detect(context.Context, Image) ([]Detection, error) {
	var out []Detection
	for _, p := range d.s.people {
		out = append(out, Detection{Score: 0.9, Keypoints: [4][2]float64{{p[0], p[1]}, {p[0], p[1] - p[2]}}})
	}
	return out, nil
}
func (fakeDetector) Close() {}

type fakeEstimator struct{ s *scene }

// Estimate finds the person nearest the crop's centre, if inside the crop.
func (e fakeEstimator) Estimate(_ context.Context, _ Image, roi ROI) (Pose, error) {
	best, bestD := -1, math.Inf(1)
	for i, p := range e.s.people {
		if d := math.Hypot(p[0]-roi.CX, p[1]-roi.CY); d < bestD && d < roi.W/2 {
			best, bestD = i, d
		}
	}
	if e.s.slide >= 0 && e.s.slide < len(e.s.people) {
		best, e.s.slide = e.s.slide, -1
	}
	if best < 0 {
		return Pose{Score: 0.01, ROI: roi}, nil
	}
	p := e.s.people[best]
	return Pose{Score: 0.99, ROI: roi, Keypoints: []Keypoint{{X: p[0], Y: p[1], Visibility: 1}},
		Align: [2][2]float64{{p[0], p[1]}, {p[0], p[1] - p[2]}}}, nil
}
func (e fakeEstimator) fromDetection(d Detection) ROI { return d.ROI() }
func (e fakeEstimator) next(p Pose) (ROI, bool)       { return p.NextROI(), true }
func (e fakeEstimator) anchor(p Pose) (x, y, r float64, ok bool) {
	a := p.Align
	return a[0][0], a[0][1], math.Hypot(a[1][0]-a[0][0], a[1][1]-a[0][1]), true
}
func (fakeEstimator) skeleton() track.Skeleton { return track.COCO17() }
func (fakeEstimator) minScore() float64        { return 0.5 }
func (fakeEstimator) Close()                   {}

func TestTrackerKeepsIdentity(t *testing.T) {
	s := &scene{slide: -1}
	tr := &tracker{find: finder{det: fakeDetector{s}, est: fakeEstimator{s}}}
	im := Image{Pix: make([]byte, 1280*720*3), W: 1280, H: 720}
	ctx := context.Background()
	lifter := func(x float64) [3]float64 { return [3]float64{x, 400, 200} }
	walker := [3]float64{1000, 400, 200}
	steps := []struct {
		people []([3]float64)
		slide  int
		wantX  float64 // 0: nobody expected
		what   string
	}{
		{[][3]float64{lifter(500), walker}, -1, 500, "first frame: the central person"},
		{[][3]float64{lifter(505), walker}, -1, 505, "followed"},
		{[][3]float64{lifter(510), walker}, 1, 510, "crop slid onto the other person: searched again near the lifter"},
		{[][3]float64{walker}, -1, 0, "lifter gone: no jump to the other person"},
		{[][3]float64{walker}, -1, 0, "still gone"},
		// Two failed searches in a row: the next waits 0.05 s (1.5 frames).
		{[][3]float64{lifter(530), walker}, -1, 0, "lifter back, but the search backs off"},
		{[][3]float64{lifter(535), walker}, -1, 535, "lifter found again near where they left"},
		{[][3]float64{lifter(540), walker}, -1, 540, "followed again"},
	}
	for i, st := range steps {
		s.people, s.slide = st.people, st.slide
		p, ok, err := tr.step(ctx, im, i, float64(i)/30)
		if err != nil {
			t.Fatal(err)
		}
		got := 0.0
		if ok {
			got = p.Align[0][0]
		}
		if got != st.wantX {
			t.Errorf("frame %d (%s): person at x=%v, want %v", i, st.what, got, st.wantX)
		}
	}
	if tr.acquired != 3 {
		t.Errorf("acquired %d times, want 3 (start, after the slide, after the return)", tr.acquired)
	}
}

func TestTrackerPick(t *testing.T) {
	// With a pick rule, the tracker waits for the picked person even
	// when someone more central is in view.
	s := &scene{slide: -1, people: [][3]float64{{640, 400, 200}}}
	tr := &tracker{find: finder{det: fakeDetector{s}, est: fakeEstimator{s}}}
	tr.pick = func(people []Sighting, t float64) (Sighting, bool) {
		return matchTarget(people, Target{X: 1000, Y: 400, R: 200, T: 0}, t)
	}
	im := Image{Pix: make([]byte, 1280*720*3), W: 1280, H: 720}
	if _, ok, _ := tr.step(context.Background(), im, 0, 0); ok {
		t.Error("took the central person instead of waiting for the picked one")
	}
	s.people = append(s.people, [3]float64{990, 405, 190})
	p, ok, _ := tr.step(context.Background(), im, 1, 1)
	if !ok || p.Align[0][0] != 990 {
		t.Errorf("picked person not followed: %v %v", ok, p.Align[0])
	}
}
