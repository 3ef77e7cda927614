package pose

import (
	"errors"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

// TestCheckSomeone decides from the scan and the tracking counts whether
// anybody was found: nobody tracked; nobody scanned and somebody tracked in
// one frame of ten minutes, or in a fifth of the frames (a plant taken for
// a person); and the cases that are somebody.
func TestCheckSomeone(t *testing.T) {
	nobody := &Scan{SampleTimes: make([]float64, 8)}
	someone := &Scan{SampleTimes: make([]float64, 8), People: []Person{{ID: 1, Sightings: []Sighting{sight(0, 640, 400, 300)}}}}
	cases := []struct {
		name               string
		scan               *Scan
		tracked, processed int
		says               string // "" when somebody was found
	}{
		{"nobody anywhere", nobody, 0, 300, "tracking found nobody in 300 frames"},
		{"scan found someone the tracker never did", someone, 0, 300, "saw 1 person in 8 sampled frames, but tracking found nobody to follow in 300 frames"},
		{"one frame in ten minutes", nobody, 1, 18000, "only 1 of 18000 frames (0%)"},
		{"a fifth of the frames", nobody, 60, 300, "only 60 of 300 frames (20%)"},
		{"just under half", nobody, 149, 300, "only 149 of 300 frames (50%)"},
		{"half the frames", nobody, 150, 300, ""},
		{"scan found someone, tracked briefly", someone, 1, 300, ""},
		{"a one-frame video", nobody, 1, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkSomeone(c.scan, Stats{Tracked: c.tracked, Processed: c.processed})
			if c.says == "" {
				if err != nil {
					t.Errorf("%v; want somebody found", err)
				}
				return
			}
			scanned := "the detector saw nobody in 8 sampled frames"
			if len(c.scan.People) > 0 {
				scanned = "the detector saw 1 person in 8 sampled frames"
			}
			if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "film the whole body") ||
				!strings.Contains(err.Error(), scanned) {
				t.Errorf("%v; want it to say %q, %q and the advice", err, c.says, scanned)
			}
		})
	}
}

// TestCheckFeetCounts: the feet message counts the frames where the
// lifter was found and, when they were not found in all, says of how many.
func TestCheckFeetCounts(t *testing.T) {
	sk := track.BlazePose33()
	mk := func(found, total int) *track.Track {
		tr := track.New(sk, total)
		tr.Video = track.Video{Width: 640, Height: 480}
		for i := range total {
			f := track.Frame{Index: i, Time: float64(i) / 30, Points: make([]track.Point, len(sk.Keypoints))}
			if i < found { // a body whose ankles are below the picture
				for k := range f.Points {
					f.Points[k] = track.Point{X: 320, Y: 300, Conf: 0.9}
				}
				for _, n := range []string{track.LeftAnkle, track.RightAnkle} {
					f.Points[tr.Index(n)].Y = 520
				}
			}
			tr.Frames = append(tr.Frames, f)
		}
		return tr
	}
	for _, c := range []struct {
		found, total int
		says         string
	}{
		{1, 1, "hidden in 1 of 1 frames;"},
		{40, 40, "hidden in 40 of 40 frames;"},
		{1, 300, "hidden in 1 of the 1 frames where they were found (of 300);"},
		{60, 300, "hidden in 60 of the 60 frames where they were found (of 300);"},
	} {
		err := checkFeet(mk(c.found, c.total), false)
		if !errors.Is(err, ErrFeetOutOfFrame) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("feet out in all %d frames found of %d: %v; want ErrFeetOutOfFrame saying %q", c.found, c.total, err, c.says)
		}
		if err := checkFeet(mk(c.found, c.total), true); err != nil {
			t.Errorf("allowed: %v", err)
		}
	}
}
