// Package overlaytest makes inputs for tests of the annotated outputs (key
// frames, annotated video, HTML report): a synthetic lifter's keypoint track
// whose geometry is known exactly (sim.StickSet, filmed with
// track.Project) and a matching ffmpeg test-pattern clip of the same size,
// frame rate and length, standing in for the video the track came from.
package overlaytest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Clip is a synthetic set with a video to draw on.
type Clip struct {
	Lifter sim.StickSet
	// Track is the filmed 2D track; its Video.Source is the clip's path.
	Track *track.Track
	// Video is the clip: ffmpeg's testsrc pattern, H.264, one frame per
	// track frame at the track's timestamps.
	Video string
	// TrackFile holds Track as a kneetrack track JSON file.
	TrackFile string
}

// RequireFFmpeg skips the test (fails it under CI) without ffmpeg and ffprobe.
func RequireFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "install it with: sudo apt-get install ffmpeg")
		}
	}
}

// Track films the lifter with a camera making a w x h picture.
func Track(t testing.TB, l sim.StickSet, w, h int) *track.Track {
	t.Helper()
	tr, err := track.Project(l.Track3D(), track.Camera{Width: w, Height: h})
	if err != nil {
		t.Fatalf("filming the synthetic lifter: %v", err)
	}
	return tr
}

// Make writes the clip and the track file into dir. The lifter's FPS must
// be a whole number.
func Make(t testing.TB, dir string, l sim.StickSet, w, h int) Clip {
	t.Helper()
	RequireFFmpeg(t)
	tr := Track(t, l, w, h)
	fps := l.FPS
	if fps == 0 {
		fps = 30
	}
	c := Clip{Lifter: l, Track: tr, Video: filepath.Join(dir, "clip.mp4"), TrackFile: filepath.Join(dir, "clip.json")}
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc=size=%dx%d:rate=%s", w, h, strconv.FormatFloat(fps, 'f', -1, 64)),
		"-frames:v", strconv.Itoa(len(tr.Frames)), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", c.Video}
	if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	tr.Video.Source = c.Video
	f, err := os.Create(c.TrackFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := track.WriteJSON(f, tr); err != nil {
		t.Fatal(err)
	}
	return c
}
