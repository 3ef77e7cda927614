package video

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// requireTools skips (or fails under CI) when ffmpeg/ffprobe are absent.
func requireTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "install it with: sudo apt-get install ffmpeg")
		}
	}
}

// ffmpegRun runs ffmpeg with the given arguments and fails the test on error.
func ffmpegRun(t testing.TB, args ...string) {
	t.Helper()
	full := append([]string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y"}, args...)
	out, err := exec.Command("ffmpeg", full...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// makeTestsrc writes a testsrc clip of n frames at fps with libx264.
func makeTestsrc(t testing.TB, path string, w, h, fps, n int, extra ...string) {
	t.Helper()
	args := []string{"-f", "lavfi", "-i", fmt.Sprintf("testsrc=size=%dx%d:rate=%d", w, h, fps),
		"-frames:v", strconv.Itoa(n), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"}
	args = append(args, extra...)
	ffmpegRun(t, append(args, path)...)
}

// probeFrames decodes a file with ffprobe (independently of this package)
// and returns every frame's presentation time and the container start.
func probeFrames(t testing.TB, path string, stream int) (pts []float64) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", strconv.Itoa(stream),
		"-show_entries", "frame=pts_time,best_effort_timestamp_time", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe frames %s: %v", path, err)
	}
	var v struct {
		Frames []struct {
			PTS  string `json:"pts_time"`
			Best string `json:"best_effort_timestamp_time"`
		} `json:"frames"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Frames {
		s := f.PTS
		if s == "" || s == "N/A" {
			s = f.Best
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("ffprobe frame time %q: %v", s, err)
		}
		pts = append(pts, x)
	}
	return pts
}

// rawRotation returns the display-matrix rotation ffprobe reports
// (counter-clockwise degrees), or NaN when there is none.
func rawRotation(t testing.TB, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream_side_data=rotation", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe rotation %s: %v", path, err)
	}
	s := strings.TrimSpace(strings.Trim(strings.TrimSpace(string(out)), ","))
	if s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("ffprobe rotation %q: %v", s, err)
	}
	return v
}

// withRotation copies src to dst (no re-encoding) with a display matrix
// that turns the picture cw degrees clockwise for display, and checks that
// ffprobe reads back the intended matrix. ffmpeg 6+ has -display_rotation
// (counter-clockwise degrees); ffmpeg 5.1 writes the matrix from a
// "rotate" metadata value, which it also reads as counter-clockwise.
func withRotation(t testing.TB, src, dst string, cw int) {
	t.Helper()
	ccw := (360 - cw) % 360
	err := exec.Command("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-display_rotation:v:0", strconv.Itoa(ccw), "-i", src, "-c", "copy", dst).Run()
	if err != nil {
		ffmpegRun(t, "-i", src, "-c", "copy", "-metadata:s:v:0", "rotate="+strconv.Itoa(ccw), dst)
	}
	got := rawRotation(t, dst)
	if math.IsNaN(got) {
		got = 0
	}
	if quarterTurn(-got) != cw {
		t.Fatalf("test clip %s: display matrix rotation %v (ccw), want %d cw", dst, got, cw)
	}
}

// writePPM writes an RGB24 image as a binary PPM, which ffmpeg reads.
func writePPM(t testing.TB, path string, w, h int, pix []byte) {
	t.Helper()
	data := append([]byte(fmt.Sprintf("P6\n%d %d\n255\n", w, h)), pix...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// quadrantImage returns a w x h image whose quadrants are red (top left),
// green (top right), blue (bottom left) and white (bottom right).
func quadrantImage(w, h int) []byte {
	pix := make([]byte, w*h*3)
	for y := range h {
		for x := range w {
			var c [3]byte
			switch {
			case y < h/2 && x < w/2:
				c = [3]byte{255, 0, 0}
			case y < h/2:
				c = [3]byte{0, 255, 0}
			case x < w/2:
				c = [3]byte{0, 0, 255}
			default:
				c = [3]byte{255, 255, 255}
			}
			copy(pix[3*(y*w+x):], c[:])
		}
	}
	return pix
}

// rotateCCW turns an RGB24 image 90 degrees counter-clockwise k times.
func rotateCCW(pix []byte, w, h, k int) ([]byte, int, int) {
	for range k % 4 {
		out := make([]byte, len(pix))
		// (x, y) in the source goes to (y, w-1-x) in the w'=h, h'=w result.
		for y := range h {
			for x := range w {
				nx, ny := y, w-1-x
				copy(out[3*(ny*h+nx):3*(ny*h+nx)+3], pix[3*(y*w+x):3*(y*w+x)+3])
			}
		}
		pix, w, h = out, h, w
	}
	return pix, w, h
}

// pixelAt returns the RGB colour at (x, y).
func pixelAt(pix []byte, w, x, y int) [3]int {
	i := 3 * (y*w + x)
	return [3]int{int(pix[i]), int(pix[i+1]), int(pix[i+2])}
}

// near reports whether two colours differ by at most tol in every channel.
func near(a, b [3]int, tol int) bool {
	for i := range a {
		if a[i]-b[i] > tol || b[i]-a[i] > tol {
			return false
		}
	}
	return true
}

// decodeAll decodes a whole file and returns clones of every frame's
// metadata (not pixels) in order.
func decodeAll(t testing.TB, path string, opts DecodeOptions) (*Info, []Frame) {
	t.Helper()
	d, err := Decode(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Decode(%s): %v", filepath.Base(path), err)
	}
	defer d.Close()
	var frames []Frame
	for f, err := range d.All() {
		if err != nil {
			t.Fatalf("decoding %s after %d frames: %v", filepath.Base(path), len(frames), err)
		}
		meta := *f
		meta.Pix = nil
		frames = append(frames, meta)
	}
	return d.Info(), frames
}
