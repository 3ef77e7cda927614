package pose

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// twoPeopleClip makes a 4-s 1200x720 clip of two lifters side by side: on
// the left the goblet squatter, there from the first frame; on the right
// the single-leg squatter, after a second of black (they come in at 1 s).
// It returns the clip and the x where the two halves meet.
func twoPeopleClip(t *testing.T) (string, float64) {
	t.Helper()
	goblet := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	single := testenv.SharedFile(t, "media/single-leg-squat-front.mp4")
	out := filepath.Join(t.TempDir(), "two.mp4")
	ffmpeg(t, "-i", goblet, "-i", single, "-filter_complex",
		"[0:v]fps=30,crop=600:720:350:0,setsar=1[a];"+
			"[1:v]fps=30,crop=600:720:390:0,setsar=1,tpad=start_duration=1:color=black[b];"+
			"[a][b]hstack=inputs=2,trim=duration=4[v]",
		"-map", "[v]", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", out)
	return out, 600
}

// hipX returns the hip centre's x in a frame, and whether both hips are
// there with confidence.
func hipX(tr *track.Track, f track.Frame) (float64, bool) {
	l, r := f.Points[tr.Index(track.LeftHip)], f.Points[tr.Index(track.RightHip)]
	if !l.Valid() || !r.Valid() || l.Conf < 0.5 || r.Conf < 0.5 {
		return 0, false
	}
	return (l.X + r.X) / 2, true
}

// TestPickListedPeople lists the people of a clip where one of two lifters
// comes in after the first second, and gives each one's listed point to
// --pick (Options.Pick): the track must follow that person, the late one
// from when they come in, and never the other one.
func TestPickListedPeople(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	path, mid := twoPeopleClip(t)
	ctx := context.Background()
	scan, err := ListPeople(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(scan.People) != 2 {
		t.Fatalf("%d people listed, want 2: %+v", len(scan.People), scan.People)
	}
	for _, p := range scan.People {
		s := p.First()
		left := s.X < mid
		name := map[bool]string{true: "left lifter (from 0 s)", false: "right lifter (from 1 s)"}[left]
		t.Run(name, func(t *testing.T) {
			// The late lifter is first seen in the first sample after the
			// black second; the other in the first frame.
			if (left && s.Time != 0) || (!left && !(s.Time >= 1 && s.Time < 2)) {
				t.Fatalf("first seen at %.2f s at x %.0f; want 0 s on the left, 1-2 s on the right", s.Time, s.X)
			}
			nx, ny := scan.PickPoint(p)
			res, err := Run(ctx, path, Options{Pick: true, PickX: nx, PickY: ny, Every: 3})
			if err != nil {
				t.Fatalf("--pick %.2f,%.2f (listed for person %d, first seen at %.2f s): %v", nx, ny, p.ID, s.Time, err)
			}
			if res.Person.ID != p.ID {
				t.Errorf("--pick %.2f,%.2f followed person %d, want %d", nx, ny, res.Person.ID, p.ID)
			}
			var wrong []string
			tracked, due := 0, 0
			for _, f := range res.Raw.Frames {
				x, ok := hipX(res.Raw, f)
				if ok && (x < mid) != left {
					wrong = append(wrong, fmt.Sprintf("%.2f s: x %.0f", f.Time, x))
				}
				if left || f.Time >= 1.5 { // the late lifter is found within 0.5 s of coming in
					due++
					if ok {
						tracked++
					}
				}
				if !left && f.Time < 1 && ok {
					wrong = append(wrong, fmt.Sprintf("%.2f s: x %.0f before the right lifter came in", f.Time, x))
				}
			}
			if len(wrong) > 0 {
				t.Errorf("the track left person %d: %s", p.ID, strings.Join(first(wrong, 6), "; "))
			}
			if float64(tracked) < 0.9*float64(due) {
				t.Errorf("person %d tracked in %d of %d frames, want ≥ 90%%", p.ID, tracked, due)
			}
			t.Logf("person %d (--pick %.2f,%.2f, first seen %.2f s): hips in %d of %d frames due, %d processed",
				p.ID, nx, ny, s.Time, tracked, due, res.Stats.Processed)
		})
	}
}

// TestNoPersonRoom tracks videos of an empty room: the left 400 px of the
// goblet clip (its first 10 s), where a sofa, a window and a plant stand,
// as the command tracks by default (mirror averaging on). The scan finds
// nobody; the tracker takes the plant for a person for a few seconds
// (about a fifth of the frames), which used to end in "feet out of the
// picture". The answer must be ErrNoPerson with its advice.
func TestNoPersonRoom(t *testing.T) {
	requireModels(t, ModelBlazePoseFull)
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	room := filepath.Join(t.TempDir(), "room.mp4")
	ffmpeg(t, "-t", "10", "-i", src, "-an", "-vf", "crop=400:720:0:0", "-c:v", "libx264", "-preset", "ultrafast", room)
	for _, every := range []int{1, 3} {
		t.Run(fmt.Sprintf("every %d", every), func(t *testing.T) {
			_, err := Run(context.Background(), room, Options{Every: every, MirrorAverage: true})
			if !errors.Is(err, ErrNoPerson) || errors.Is(err, ErrFeetOutOfFrame) {
				t.Fatalf("empty room: %v; want ErrNoPerson", err)
			}
			for _, s := range []string{"no person found", "the detector saw nobody in 8 sampled frames", "film the whole body"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			t.Log(err)
		})
	}
}
