package video

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// sharedClip holds the facts of one clip in ../shared/media, measured with
// ffprobe (packet and frame listings) when the clips were added.
type sharedClip struct {
	name          string
	stream        int
	container     string
	codedW, coded int // coded height
	rotation      int
	fps           float64
	frames        int
	duration      float64
	missing       int // frames missing from the constant-rate grid
	audio         bool
}

var sharedClips = []sharedClip{
	{"bodyweight-squat-front-overlay.mp4", 0, "mov,mp4,m4a,3gp,3g2,mj2", 640, 480, 0, 20, 238, 11.9, 0, false},
	{"goblet-squat-front.mp4", 0, "mov,mp4,m4a,3gp,3g2,mj2", 1280, 720, 0, 30, 365, 12.166633, 0, false},
	{"side-lunge-front.mp4", 0, "mov,mp4,m4a,3gp,3g2,mj2", 1280, 720, 0, 30, 964, 32.1333, 0, false},
	// MPEG-TS despite the .mp4 name; one frame is missing at 29.36-29.44 s.
	{"single-leg-squat-alternating-front.mp4", 0, "mpegts", 1280, 720, 0, 25, 673, 26.96, 1, false},
	{"single-leg-squat-front.mp4", 0, "mpegts", 1280, 720, 0, 25, 227, 9.08, 0, true},
	// Portrait as stored (no rotation), with audio and a 1280x720 PNG cover
	// picture as stream 2 that must not be taken for the video.
	{"single-leg-squat-mixed-portrait.mp4", 0, "mov,mp4,m4a,3gp,3g2,mj2", 406, 720, 0, 30, 874, 29.133333, 0, true},
	{"squat-hands-behind-head-front-60fps.mp4", 0, "mov,mp4,m4a,3gp,3g2,mj2", 896, 1592, 0, 60, 540, 9.0, 0, false},
}

func TestProbeSharedClips(t *testing.T) {
	requireTools(t)
	for _, c := range sharedClips {
		t.Run(c.name, func(t *testing.T) {
			path := testenv.SharedFile(t, filepath.Join("media", c.name))
			info, err := Probe(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			checks := []struct {
				what      string
				got, want any
			}{
				{"stream", info.StreamIndex, c.stream},
				{"container", info.Container, c.container},
				{"codec", info.Codec, "h264"},
				{"pixel format", info.PixelFormat, "yuv420p"},
				{"coded size", [2]int{info.CodedWidth, info.CodedHeight}, [2]int{c.codedW, c.coded}},
				{"display size", [2]int{info.Width, info.Height}, [2]int{c.codedW, c.coded}},
				{"rotation", info.Rotation, c.rotation},
				{"frames", info.FrameCount, c.frames},
				{"variable frame rate", info.VariableFrameRate, false},
				{"missing frames", info.MissingFrames, c.missing},
				{"audio", info.HasAudio, c.audio},
			}
			for _, ck := range checks {
				if ck.got != ck.want {
					t.Errorf("%s = %v, want %v", ck.what, ck.got, ck.want)
				}
			}
			if math.Abs(info.AvgFrameRate-c.fps) > 1e-9 || math.Abs(info.RealFrameRate-c.fps) > 1e-9 {
				t.Errorf("frame rates avg %v real %v, want %v", info.AvgFrameRate, info.RealFrameRate, c.fps)
			}
			if math.Abs(info.Duration-c.duration) > 1e-3 {
				t.Errorf("duration %v, want %v", info.Duration, c.duration)
			}
			if math.Abs(info.MinFrameInterval-1/c.fps) > 1e-6 {
				t.Errorf("min frame interval %v, want %v", info.MinFrameInterval, 1/c.fps)
			}
			if want := float64(c.missing+1) / c.fps; math.Abs(info.MaxFrameInterval-want) > 1e-6 {
				t.Errorf("max frame interval %v, want %v", info.MaxFrameInterval, want)
			}
		})
	}
}

// TestProbeRotation makes clips whose display matrix turns the stored
// 200x120 frames by each quarter turn and checks the reported rotation and
// displayed size.
func TestProbeRotation(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.mp4")
	makeTestsrc(t, src, 200, 120, 30, 10)
	for _, cw := range []int{0, 90, 180, 270} {
		dst := filepath.Join(dir, "rot"+strconv.Itoa(cw)+".mp4")
		withRotation(t, src, dst, cw)
		info, err := Probe(context.Background(), dst)
		if err != nil {
			t.Fatal(err)
		}
		wantW, wantH := 200, 120
		if cw%180 != 0 {
			wantW, wantH = 120, 200
		}
		if info.Rotation != cw || info.CodedWidth != 200 || info.CodedHeight != 120 ||
			info.Width != wantW || info.Height != wantH {
			t.Errorf("cw %d: rotation %d coded %dx%d display %dx%d, want rotation %d coded 200x120 display %dx%d",
				cw, info.Rotation, info.CodedWidth, info.CodedHeight, info.Width, info.Height, cw, wantW, wantH)
		}
		if info.FrameCount != 10 || info.VariableFrameRate {
			t.Errorf("cw %d: frames %d vfr %v, want 10 and false", cw, info.FrameCount, info.VariableFrameRate)
		}
	}
}

// TestStreamRotation covers the parsing of both rotation sources.
func TestStreamRotation(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		name string
		s    probeStream
		want int
	}{
		{"none", probeStream{}, 0},
		// ffprobe reports a portrait phone clip's matrix as -90 (ccw).
		{"matrix -90", withSide(f(-90)), 90},
		{"matrix 90", withSide(f(90)), 270},
		{"matrix 180", withSide(f(180)), 180},
		{"matrix -180", withSide(f(-180)), 180},
		{"matrix 89.6 snaps", withSide(f(89.6)), 270},
		{"legacy tag 90 is clockwise", probeStream{Tags: map[string]string{"rotate": "90"}}, 90},
		{"legacy tag 270", probeStream{Tags: map[string]string{"rotate": "270"}}, 270},
		{"matrix wins over tag", func() probeStream {
			s := withSide(f(-90))
			s.Tags = map[string]string{"rotate": "180"}
			return s
		}(), 90},
	}
	for _, c := range cases {
		if got := streamRotation(&c.s); got != c.want {
			t.Errorf("%s: rotation %d, want %d", c.name, got, c.want)
		}
	}
}

func withSide(r *float64) probeStream {
	var s probeStream
	s.SideData = append(s.SideData, struct {
		Type     string   `json:"side_data_type"`
		Rotation *float64 `json:"rotation"`
	}{"Display Matrix", r})
	return s
}

// TestAnalyseIntervals checks the frame-rate classification on hand-made
// timestamp series (ticks).
func TestAnalyseIntervals(t *testing.T) {
	grid := func(n int, step int64) []int64 {
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(i) * step
		}
		return s
	}
	// 1/1000 time base at 30 fps rounds to 33 and 34 ms: still constant.
	ms := make([]int64, 90)
	for i := range ms {
		ms[i] = int64(math.Round(float64(i) * 1000 / 30))
	}
	gap := append(grid(100, 3600), 360000+3600, 360000+7200) // frame at 360000 missing
	vfr := append(grid(30, 512), 29*512+1024, 29*512+1536, 29*512+2560)
	cases := []struct {
		name     string
		ticks    []int64
		variable bool
		missing  int
		min, max int64
	}{
		{"constant", grid(50, 1000), false, 0, 1000, 1000},
		{"ms rounding", ms, false, 0, 33, 34},
		{"one missing frame", gap, false, 1, 3600, 7200},
		{"variable", vfr, true, 0, 512, 1024},
		{"one 1.5x interval", append(grid(100, 512), 99*512+768), true, 0, 512, 768},
		{"rate halves", append(grid(30, 1000), 31000, 33000, 35000, 37000), true, 0, 1000, 2000},
		{"single frame", []int64{5}, false, 0, 0, 0},
	}
	for _, c := range cases {
		st := analyseIntervals(c.ticks)
		if st.variable != c.variable || st.missing != c.missing || st.min != c.min || st.max != c.max {
			t.Errorf("%s: variable %v missing %d min %d max %d, want %v %d %d %d",
				c.name, st.variable, st.missing, st.min, st.max, c.variable, c.missing, c.min, c.max)
		}
	}
}

// makeVFR writes a 60-frame clip: frames 0-29 every 1/30 s, then frames
// 30-59 every 1/15 s, and returns the exact timestamps.
func makeVFR(t testing.TB, path string, w, h int) []float64 {
	t.Helper()
	makeTestsrc(t, path, w, h, 30, 60,
		"-vf", "setpts='round(if(lt(N,30),N/30,1+(N-30)/15)/TB)'", "-fps_mode", "passthrough", "-bf", "0")
	ts := make([]float64, 60)
	for i := range ts {
		if i < 30 {
			ts[i] = float64(i) / 30
		} else {
			ts[i] = 1 + float64(i-30)/15
		}
	}
	return ts
}

func TestProbeVariableFrameRate(t *testing.T) {
	requireTools(t)
	path := filepath.Join(t.TempDir(), "vfr.mp4")
	makeVFR(t, path, 160, 120)
	info, err := Probe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !info.VariableFrameRate || info.FrameCount != 60 || info.MissingFrames != 0 {
		t.Errorf("vfr %v frames %d missing %d, want true 60 0", info.VariableFrameRate, info.FrameCount, info.MissingFrames)
	}
	if math.Abs(info.MinFrameInterval-1.0/30) > 1e-4 || math.Abs(info.MaxFrameInterval-1.0/15) > 1e-4 {
		t.Errorf("intervals %v..%v, want 1/30..1/15", info.MinFrameInterval, info.MaxFrameInterval)
	}
}

// badInputs makes the files every decoding entry point must reject, each
// with the sentinel error expected.
func badInputs(t *testing.T) []struct {
	name string
	path string
	want error
} {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := filepath.Join(dir, "good.mp4")
	makeTestsrc(t, good, 320, 240, 30, 60)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	fast := filepath.Join(dir, "fast.mp4")
	ffmpegRun(t, "-i", good, "-c", "copy", "-movflags", "+faststart", fast)
	fastData, err := os.ReadFile(fast)
	if err != nil {
		t.Fatal(err)
	}
	jpeg := filepath.Join(dir, "photo.jpg")
	ffmpegRun(t, "-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", jpeg)
	jpegData, err := os.ReadFile(jpeg)
	if err != nil {
		t.Fatal(err)
	}
	audio := filepath.Join(dir, "voice.mp4")
	ffmpegRun(t, "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", audio)

	// A Matroska file declaring a video track but holding no frame.
	zero := filepath.Join(dir, "zero.mkv")
	zf, err := os.Create(zero)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeMKVHeader(zf, 64, 48); err != nil {
		t.Fatal(err)
	}
	// an empty cluster, without which ffprobe rejects the file outright
	if _, err := zf.Write(ebmlBytes(nil, idCluster, ebmlUint(nil, idClusterTimestamp, 0))); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}

	return []struct {
		name string
		path string
		want error
	}{
		{"text file", write("notes.mp4", []byte("squat notes: 3x5 at 100 kg\n")), ErrNotVideo},
		{"empty file", write("empty.mp4", nil), ErrNotVideo},
		{"jpeg renamed", write("photo.mp4", jpegData), ErrNotVideo},
		{"audio only", audio, ErrNoVideoStream},
		// moov (the index) is at the end, so the first half has none.
		{"truncated", write("cut.mp4", data[:len(data)/2]), ErrTruncated},
		// index at the front: the header lists 60 frames, half the data is there.
		{"truncated faststart", write("cutfast.mp4", fastData[:len(fastData)/2]), ErrTruncated},
		{"zero frames", zero, ErrNoFrames},
		// the sample entry's codec tag replaced by one no decoder knows.
		{"unknown codec", write("alien.mp4", []byte(strings.ReplaceAll(string(data), "avc1", "zzzz"))), ErrUnsupportedCodec},
	}
}

func TestProbeBadInputs(t *testing.T) {
	requireTools(t)
	for _, c := range badInputs(t) {
		_, err := Probe(context.Background(), c.path)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
			continue
		}
		var ve *Error
		if !errors.As(err, &ve) || ve.Path != c.path || ve.Hint == "" || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: error %q should be an *Error naming the file with a hint", c.name, err)
		}
		t.Logf("%s: %v", c.name, err)
	}
}

func TestProbeMissingFileOrDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Probe(context.Background(), filepath.Join(dir, "nope.mp4"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want one wrapping os.ErrNotExist", err)
	}
	if _, err := Probe(context.Background(), dir); !errors.Is(err, ErrNotVideo) {
		t.Errorf("directory: error %v, want ErrNotVideo", err)
	}
}

// TestToolMissing empties PATH so neither tool is found.
func TestToolMissing(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	clip := filepath.Join(dir, "a.mp4")
	makeTestsrc(t, clip, 64, 48, 10, 3)
	t.Setenv("PATH", dir)
	_, errProbe := Probe(context.Background(), clip)
	_, errEnc := Encode(context.Background(), filepath.Join(dir, "out.mp4"), 64, 48, EncodeOptions{})
	_, errDec := Decode(context.Background(), clip, DecodeOptions{Info: &Info{Width: 64, Height: 48}})
	for _, err := range []error{errProbe, errEnc, errDec} {
		if !errors.Is(err, ErrToolMissing) || !strings.Contains(err.Error(), "sudo apt-get install ffmpeg") {
			t.Errorf("error %v: want ErrToolMissing with the install command", err)
		}
	}
}

func TestClassifyToolOutput(t *testing.T) {
	cases := []struct {
		stderr string
		want   error
	}{
		{"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5614d01ba180] moov atom not found\nx.mp4: Invalid data found when processing input", ErrTruncated},
		{"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] stream 0, offset 0x198c: partial file", ErrTruncated},
		{"Decoder (codec none) not found for input stream #0:0", ErrUnsupportedCodec},
		{"Unrecognized option 'fps_mode'.\nError splitting the argument list: Option not found", ErrToolTooOld},
		{"notes.txt: Invalid data found when processing input", ErrNotVideo},
		{"Conversion failed!", nil},
	}
	for _, c := range cases {
		hint, kind := classifyToolOutput(c.stderr)
		if kind != c.want || (kind != nil && hint == "") {
			t.Errorf("%q: kind %v hint %q, want %v with a hint", c.stderr, kind, hint, c.want)
		}
	}
	if got := shorten("[h264 @ 0x55aa] Invalid NAL unit size\n[mov @ 0x1] partial file", 100); got != "Invalid NAL unit size partial file" {
		t.Errorf("shorten: %q", got)
	}
}
