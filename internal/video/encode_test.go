package video

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// reencode decodes src (scaled to maxSide) and encodes every frame with
// its timestamp to dst, returning the decoded frame times.
func reencode(t *testing.T, src, dst string, maxSide int) (*Info, []float64) {
	t.Helper()
	ctx := context.Background()
	d, err := Decode(ctx, src, DecodeOptions{MaxSide: maxSide})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	info := d.Info()
	e, err := Encode(ctx, dst, d.Width(), d.Height(), EncodeOptions{FrameRate: info.AvgFrameRate, Duration: info.Duration, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	for f, err := range d.All() {
		if err != nil {
			e.Abort()
			t.Fatal(err)
		}
		if err := e.WriteFrame(f.Pix, f.Time); err != nil {
			t.Fatal(err)
		}
		times = append(times, f.Time)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return info, times
}

// checkRoundTrip probes the encoded file and compares it with the source.
func checkRoundTrip(t *testing.T, dst string, src *Info, times []float64, w, h int) {
	t.Helper()
	out, err := Probe(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	if out.Codec != "h264" || out.PixelFormat != "yuv420p" || out.Width != w || out.Height != h || out.Rotation != 0 {
		t.Errorf("output %s %s %dx%d rot %d, want h264 yuv420p %dx%d rot 0",
			out.Codec, out.PixelFormat, out.Width, out.Height, out.Rotation, w, h)
	}
	if out.FrameCount != len(times) || out.VariableFrameRate != src.VariableFrameRate || out.MissingFrames != src.MissingFrames {
		t.Errorf("output frames %d vfr %v missing %d, want %d %v %d",
			out.FrameCount, out.VariableFrameRate, out.MissingFrames, len(times), src.VariableFrameRate, src.MissingFrames)
	}
	// The MP4 time scale is 1/90000 s: the duration is kept to a tick.
	if math.Abs(out.Duration-src.Duration) > 2e-5 {
		t.Errorf("output duration %.4f s, input %.4f s", out.Duration, src.Duration)
	}
	got := probeFrames(t, dst, out.StreamIndex)
	if len(got) != len(times) {
		t.Fatalf("ffprobe decodes %d frames from the output, want %d", len(got), len(times))
	}
	for i := range got {
		// the MP4 time scale is 1/90000 s
		if math.Abs(got[i]-times[i]) > 1.2e-5 {
			t.Fatalf("output frame %d at %.6f s, input at %.6f s", i, got[i], times[i])
		}
	}
}

func TestEncodeRoundTripConstantRate(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.mp4")
	makeTestsrc(t, src, 320, 240, 30, 45)
	dst := filepath.Join(dir, "out.mp4")
	info, times := reencode(t, src, dst, 0)
	if math.Abs(info.Duration-1.5) > 1e-6 {
		t.Fatalf("source duration %v, want 1.5", info.Duration)
	}
	checkRoundTrip(t, dst, info, times, 320, 240)
	out, err := Probe(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(out.AvgFrameRate-30) > 1e-6 {
		t.Errorf("output frame rate %v, want 30", out.AvgFrameRate)
	}
	// what browsers and phones need: H.264 High, yuv420p, BT.709 tagged
	tags, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
		"stream=profile,color_space,color_primaries,color_transfer,color_range", "-of", "csv=p=0", dst).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(tags)); got != "High,tv,bt709,bt709,bt709" {
		t.Errorf("profile and colour tags %q, want High,tv,bt709,bt709,bt709", got)
	}
	// +faststart: the index (moov) comes before the media data (mdat), so
	// browsers start playing before the whole file has arrived.
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if m, d := strings.Index(string(data), "moov"), strings.Index(string(data), "mdat"); m < 0 || d < 0 || m > d {
		t.Errorf("moov at %d, mdat at %d: want moov first", m, d)
	}
	// No temporary files left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the folder, want src.mp4 and out.mp4 only", len(entries))
	}
}

func TestEncodeRoundTripVariableRate(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "vfr.mp4")
	want := makeVFR(t, src, 160, 120)
	dst := filepath.Join(dir, "out.mp4")
	info, times := reencode(t, src, dst, 0)
	for i := range want {
		if math.Abs(times[i]-want[i]) > 1e-6 {
			t.Fatalf("decoded frame %d at %v, want %v", i, times[i], want[i])
		}
	}
	checkRoundTrip(t, dst, info, times, 160, 120)
}

// TestEncodeRoundTripSharedClip re-encodes (scaled down) the MPEG-TS clip
// with a missing frame: the 80 ms gap must survive.
func TestEncodeRoundTripSharedClip(t *testing.T) {
	requireTools(t)
	src := testenv.SharedFile(t, "media/single-leg-squat-alternating-front.mp4")
	dst := filepath.Join(t.TempDir(), "out.mp4")
	info, times := reencode(t, src, dst, 320)
	if info.MissingFrames != 1 {
		t.Fatalf("source missing frames %d, want 1", info.MissingFrames)
	}
	checkRoundTrip(t, dst, info, times, 320, 180)
}

// ffprobeDuration asks ffprobe (not this package) for a file's video stream
// duration and decoded frame count.
func ffprobeDuration(t *testing.T, path string) (float64, int) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=duration,nb_read_frames", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var d float64
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%g,%d", &d, &n); err != nil {
		t.Fatalf("ffprobe %s: %q: %v", path, out, err)
	}
	return d, n
}

// TestEncodeKeepsDurationFullSize re-encodes the goblet clip at its full
// 1280x720. At this size ffmpeg 5.1 probes too few frames to guess a frame
// rate and its MP4 muxer gave the last frame no duration: the output was
// 12.133 s long instead of 12.167 s (one frame short).
func TestEncodeKeepsDurationFullSize(t *testing.T) {
	requireTools(t)
	src := testenv.SharedFile(t, "media/goblet-squat-front.mp4")
	dst := filepath.Join(t.TempDir(), "out.mp4")
	info, times := reencode(t, src, dst, 0)
	inDur, inFrames := ffprobeDuration(t, src)
	outDur, outFrames := ffprobeDuration(t, dst)
	if inFrames != 365 || outFrames != 365 || len(times) != 365 {
		t.Fatalf("frames: input %d, output %d, decoded %d; want 365", inFrames, outFrames, len(times))
	}
	// 12.166633 s in the input's 1/30000 s time base; the output keeps it
	// to one 1/90000 s tick.
	if math.Abs(inDur-12.166633) > 1e-6 || math.Abs(outDur-inDur) > 1.2e-5 {
		t.Errorf("duration: output %.6f s, input %.6f s", outDur, inDur)
	}
	checkRoundTrip(t, dst, info, times, 1280, 720)
}

// TestEncodeDurationOption: the last frame lasts until EncodeOptions.Duration
// (or 1/FrameRate without it), however long that is; the files play, keep
// every frame's timestamp and the index stays in front.
func TestEncodeDurationOption(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	pix := make([]byte, 64*48*3)
	for _, c := range []struct {
		name string
		opts EncodeOptions
		w, h int
		want float64
	}{
		{"rate only", EncodeOptions{FrameRate: 10}, 64, 48, 1.0},
		{"long last frame", EncodeOptions{FrameRate: 10, Duration: 1.55}, 64, 48, 1.55},
		{"short last frame", EncodeOptions{FrameRate: 10, Duration: 0.92}, 64, 48, 0.92},
		{"long last frame, large", EncodeOptions{FrameRate: 10, Duration: 1.55}, 1280, 720, 1.55},
	} {
		dst := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".mp4")
		e, err := Encode(context.Background(), dst, c.w, c.h, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(pix) != c.w*c.h*3 {
			pix = make([]byte, c.w*c.h*3)
		}
		var times []float64
		for i := range 10 {
			for p := range pix {
				pix[p] = byte(25 * i)
			}
			times = append(times, float64(i)/10)
			if err := e.WriteFrame(pix, times[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Close(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		d, n := ffprobeDuration(t, dst)
		if n != 10 || math.Abs(d-c.want) > 1.2e-5 {
			t.Errorf("%s: %d frames lasting %.6f s, want 10 lasting %.6f s", c.name, n, d, c.want)
		}
		got := probeFrames(t, dst, 0)
		for i := range got {
			if math.Abs(got[i]-times[i]) > 1.2e-5 {
				t.Errorf("%s: frame %d at %.6f s, want %.6f s", c.name, i, got[i], times[i])
			}
		}
		data, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		if m, md := strings.Index(string(data), "moov"), strings.Index(string(data), "mdat"); m < 0 || md < 0 || m > md {
			t.Errorf("%s: moov at %d, mdat at %d: want moov first", c.name, m, md)
		}
		// The last frame decodes with its own content (its chunk offset
		// is right even when the index grew).
		dec, err := Decode(context.Background(), dst, DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var last []byte
		for f, err := range dec.All() {
			if err != nil {
				t.Fatal(err)
			}
			last = f.Pix
		}
		if v := last[len(last)/2]; v < 225-4 || v > 225+4 {
			t.Errorf("%s: last frame grey level %d, want 225", c.name, v)
		}
		dec.Close()
	}
}

// TestEncodeFileMode: the output gets the mode a new file gets (0666 less
// the umask, typically 0644), not the 0600 of a private temporary file.
func TestEncodeFileMode(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out.mp4")
	e, err := Encode(context.Background(), dst, 64, 48, EncodeOptions{FrameRate: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WriteFrame(make([]byte, 64*48*3), 0); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	want, _ := os.Stat(ref)
	got, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mode().Perm() != want.Mode().Perm() || got.Mode().Perm()&0o044 == 0 && want.Mode().Perm()&0o044 != 0 {
		t.Errorf("output mode %v, want %v (like any new file)", got.Mode().Perm(), want.Mode().Perm())
	}
}

// TestEncodeColoursAndOddSize checks colours survive the RGB -> yuv420p ->
// RGB trip and that an odd size is padded to even. (The padding column is
// not black: it shares chroma samples with the picture's last column.)
func TestEncodeColoursAndOddSize(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	const w, h = 161, 121
	colours := [][3]int{{200, 40, 40}, {30, 160, 60}, {40, 60, 200}, {128, 128, 128}}
	dst := filepath.Join(dir, "solid.mp4")
	e, err := Encode(context.Background(), dst, w, h, EncodeOptions{FrameRate: 10})
	if err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, w*h*3)
	for i, c := range colours {
		for p := 0; p < len(pix); p += 3 {
			pix[p], pix[p+1], pix[p+2] = byte(c[0]), byte(c[1]), byte(c[2])
		}
		if err := e.WriteFrame(pix, float64(i)/10); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	d, err := Decode(context.Background(), dst, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Width() != w+1 || d.Height() != h+1 {
		t.Fatalf("output %dx%d, want %dx%d (padded to even)", d.Width(), d.Height(), w+1, h+1)
	}
	if math.Abs(d.Info().Duration-0.4) > 1e-3 {
		t.Errorf("duration %v, want 0.4 (4 frames at 10 fps)", d.Info().Duration)
	}
	for i, c := range colours {
		f, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if got := pixelAt(f.Pix, f.Width, w/2, h/2); !near(got, c, 4) {
			t.Errorf("frame %d colour %v, want %v", i, got, c)
		}
	}
}

func TestEncodeRefusesInput(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "in.mp4")
	makeTestsrc(t, src, 64, 48, 10, 5)
	before, _ := os.ReadFile(src)
	for _, out := range []string{src, filepath.Join(dir, ".", "sub", "..", "in.mp4")} {
		_, err := Encode(context.Background(), out, 64, 48, EncodeOptions{Source: src})
		if !errors.Is(err, ErrSameFile) {
			t.Errorf("Encode over the input (%s): %v, want ErrSameFile", out, err)
		}
	}
	// a hard link is the same file under another name
	link := filepath.Join(dir, "link.mp4")
	if err := os.Link(src, link); err == nil {
		if _, err := Encode(context.Background(), link, 64, 48, EncodeOptions{Source: src}); !errors.Is(err, ErrSameFile) {
			t.Errorf("Encode over a hard link to the input: %v, want ErrSameFile", err)
		}
	}
	after, _ := os.ReadFile(src)
	if string(before) != string(after) {
		t.Error("the input file changed")
	}
}

// TestEncodeFailureKeepsExisting: a cancelled, aborted or invalid encode
// leaves an existing output untouched and no temporary file.
func TestEncodeFailureKeepsExisting(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	dst := filepath.Join(dir, "report.mp4")
	const old = "previous good output"
	if err := os.WriteFile(dst, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	pix := make([]byte, 64*48*3)

	ctx, cancel := context.WithCancel(context.Background())
	e, err := Encode(ctx, dst, 64, 48, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := e.WriteFrame(pix, float64(i)/10); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	var werr error
	for i := 5; i < 1000 && werr == nil; i++ { // ffmpeg dies; writes start failing
		werr = e.WriteFrame(pix, float64(i)/10)
	}
	if err := e.Close(); !errors.Is(err, context.Canceled) {
		t.Errorf("Close after cancel: %v (write error %v), want context.Canceled", err, werr)
	}

	e, err = Encode(context.Background(), dst, 64, 48, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WriteFrame(pix, 0); err != nil {
		t.Fatal(err)
	}
	e.Abort()
	if err := e.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}

	e, err = Encode(context.Background(), dst, 64, 48, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); !errors.Is(err, ErrNoFrames) {
		t.Errorf("Close with no frame: %v, want ErrNoFrames", err)
	}

	got, _ := os.ReadFile(dst)
	if string(got) != old {
		t.Errorf("existing output changed to %q", got)
	}
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		if en.Name() != "report.mp4" {
			t.Errorf("left behind: %s", en.Name())
		}
	}
}

func TestEncodeRejectsBadFrames(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	e, err := Encode(context.Background(), filepath.Join(dir, "x.mp4"), 64, 48, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Abort()
	pix := make([]byte, 64*48*3)
	if err := e.WriteFrame(pix[:100], 0); err == nil || !strings.Contains(err.Error(), "bytes") {
		t.Errorf("short frame: %v", err)
	}
	if err := e.WriteFrame(pix, 0.5); err != nil {
		t.Fatal(err)
	}
	for _, ts := range []float64{0.5, 0.4, math.NaN(), -1} {
		if err := e.WriteFrame(pix, ts); err == nil {
			t.Errorf("timestamp %v after 0.5 accepted", ts)
		}
	}
	if _, err := Encode(context.Background(), filepath.Join(dir, "y.mp4"), 0, 48, EncodeOptions{}); err == nil {
		t.Error("zero width accepted")
	}
}
