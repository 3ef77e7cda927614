package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// TestDecodeSharedClips decodes every shared clip in full and compares the
// frame count and every frame's timestamp with ffprobe's own decode.
func TestDecodeSharedClips(t *testing.T) {
	requireTools(t)
	for _, c := range sharedClips {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := testenv.SharedFile(t, filepath.Join("media", c.name))
			want := probeFrames(t, path, c.stream)
			info, frames := decodeAll(t, path, DecodeOptions{})
			if len(frames) != len(want) || len(frames) != c.frames || info.FrameCount != c.frames {
				t.Fatalf("decoded %d frames, ffprobe decodes %d, Info.FrameCount %d, want %d",
					len(frames), len(want), info.FrameCount, c.frames)
			}
			for i, f := range frames {
				if f.Index != i || f.Width != c.codedW || f.Height != c.coded {
					t.Fatalf("frame %d: index %d size %dx%d, want %d %dx%d", i, f.Index, f.Width, f.Height, i, c.codedW, c.coded)
				}
				if math.Abs(f.PTS-want[i]) > 2e-6 {
					t.Fatalf("frame %d: PTS %.6f, ffprobe %.6f", i, f.PTS, want[i])
				}
				if math.Abs(f.Time-(f.PTS-info.StartTime)) > 1e-9 {
					t.Fatalf("frame %d: Time %v is not PTS %v - start %v", i, f.Time, f.PTS, info.StartTime)
				}
				if i > 0 && f.PTS <= frames[i-1].PTS {
					t.Fatalf("frame %d: PTS %v not after %v", i, f.PTS, frames[i-1].PTS)
				}
			}
			if frames[0].Time != 0 {
				t.Errorf("first frame Time %v, want 0", frames[0].Time)
			}
			// The last frame ends where the stream does.
			if end := frames[len(frames)-1].Time + 1/c.fps; math.Abs(end-c.duration) > 1e-3 {
				t.Errorf("last frame ends at %.4f s, duration %.4f s", end, c.duration)
			}
		})
	}
}

// TestDecodePortraitClipPicture checks that the portrait clip's video, not
// its 1280x720 cover picture, is decoded, and that the frames hold a
// picture (a cover or blank stream would be uniform).
func TestDecodePortraitClipPicture(t *testing.T) {
	requireTools(t)
	path := testenv.SharedFile(t, "media/single-leg-squat-mixed-portrait.mp4")
	d, err := Decode(context.Background(), path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Width() != 406 || d.Height() != 720 {
		t.Fatalf("frames %dx%d, want 406x720 (portrait)", d.Width(), d.Height())
	}
	var first *Frame
	for i := range 100 {
		f, err := d.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if i == 0 {
			first = f.Clone()
		}
	}
	last, _ := d.Next()
	if sd := stddev(first.Pix); sd < 20 {
		t.Errorf("first frame pixel standard deviation %.1f: looks blank", sd)
	}
	if diff := meanAbsDiff(first.Pix, last.Pix); diff < 1 {
		t.Errorf("frames 0 and 100 differ by %.2f on average: the picture does not move", diff)
	}
	if first.Index != 0 || last.Index != 100 {
		t.Errorf("clone index %d, frame index %d", first.Index, last.Index)
	}
}

func stddev(p []byte) float64 {
	var s, s2 float64
	for _, v := range p {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(len(p))
	return math.Sqrt(s2/n - (s/n)*(s/n))
}

func meanAbsDiff(a, b []byte) float64 {
	var s float64
	for i := range a {
		s += math.Abs(float64(a[i]) - float64(b[i]))
	}
	return s / float64(len(a))
}

// TestDecodeUpright simulates a phone: the upright scene is a 120x200
// portrait picture with coloured quadrants; the stored frames are that
// picture turned counter-clockwise by each quarter turn, with a display
// matrix saying to turn them back clockwise. Decoded frames must show the
// upright picture, also when scaled.
func TestDecodeUpright(t *testing.T) {
	requireTools(t)
	dir := t.TempDir()
	const W, H = 120, 200
	upright := quadrantImage(W, H)
	for _, cw := range []int{0, 90, 180, 270} {
		stored, sw, sh := rotateCCW(upright, W, H, cw/90)
		img := filepath.Join(dir, fmt.Sprintf("stored%d.ppm", cw))
		writePPM(t, img, sw, sh, stored)
		plain := filepath.Join(dir, fmt.Sprintf("plain%d.mp4", cw))
		ffmpegRun(t, "-loop", "1", "-framerate", "30", "-i", img, "-frames:v", "5",
			"-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p", plain)
		clip := filepath.Join(dir, fmt.Sprintf("rot%d.mp4", cw))
		withRotation(t, plain, clip, cw)

		for _, maxSide := range []int{0, 100} {
			wantW, wantH := W, H
			if maxSide > 0 {
				wantW, wantH = 60, 100
			}
			d, err := Decode(context.Background(), clip, DecodeOptions{MaxSide: maxSide})
			if err != nil {
				t.Fatal(err)
			}
			if d.Info().Rotation != cw || d.Info().CodedWidth != sw || d.Info().CodedHeight != sh {
				t.Errorf("cw %d: Info rotation %d coded %dx%d, want %d %dx%d",
					cw, d.Info().Rotation, d.Info().CodedWidth, d.Info().CodedHeight, cw, sw, sh)
			}
			f, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			if f.Width != wantW || f.Height != wantH {
				t.Fatalf("cw %d max %d: frame %dx%d, want %dx%d", cw, maxSide, f.Width, f.Height, wantW, wantH)
			}
			// sample the middle of each quadrant of the upright picture
			for _, q := range [][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				ux, uy := int(q[0]*W), int(q[1]*H)
				fx, fy := int(q[0]*float64(wantW)), int(q[1]*float64(wantH))
				want := pixelAt(upright, W, ux, uy)
				if got := pixelAt(f.Pix, f.Width, fx, fy); !near(got, want, 12) {
					t.Errorf("cw %d max %d: colour at (%.2f,%.2f) %v, want %v: picture not upright",
						cw, maxSide, q[0], q[1], got, want)
				}
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDecodeVariableFrameRate checks the true timestamps of a clip whose
// rate halves after one second.
func TestDecodeVariableFrameRate(t *testing.T) {
	requireTools(t)
	path := filepath.Join(t.TempDir(), "vfr.mp4")
	want := makeVFR(t, path, 160, 120)
	info, frames := decodeAll(t, path, DecodeOptions{})
	if !info.VariableFrameRate {
		t.Error("Info.VariableFrameRate false for a variable-rate clip")
	}
	if len(frames) != len(want) {
		t.Fatalf("decoded %d frames, want %d", len(frames), len(want))
	}
	for i, f := range frames {
		if math.Abs(f.Time-want[i]) > 1e-6 {
			t.Errorf("frame %d: Time %.6f, want %.6f", i, f.Time, want[i])
		}
	}
}

// TestDecodeCancel cancels the context mid-stream: ffmpeg must be killed
// (not run to its end) and reaped (no zombie).
func TestDecodeCancel(t *testing.T) {
	requireTools(t)
	path := filepath.Join(t.TempDir(), "long.mp4")
	makeTestsrc(t, path, 320, 240, 30, 600)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := Decode(ctx, path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := d.Next(); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	var n int
	for ; n < 1000; n++ {
		if _, err = d.Next(); err != nil {
			break
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v, want context.Canceled", err)
	}
	if n >= 597 {
		t.Errorf("%d frames still came after cancel: ffmpeg was not stopped", n)
	}
	if err := d.Close(); !errors.Is(err, context.Canceled) {
		t.Errorf("Close after cancel: %v", err)
	}
	assertReaped(t, d, true)
}

// TestDecodeCloseEarly stops reading after one frame.
func TestDecodeCloseEarly(t *testing.T) {
	requireTools(t)
	path := filepath.Join(t.TempDir(), "a.mp4")
	makeTestsrc(t, path, 320, 240, 30, 300)
	d, err := Decode(context.Background(), path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	assertReaped(t, d, true)
	if _, err := d.Next(); err == nil {
		t.Error("Next after Close returned no error")
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestDecodeToEnd reads to io.EOF; ffmpeg exits by itself.
func TestDecodeToEnd(t *testing.T) {
	requireTools(t)
	path := filepath.Join(t.TempDir(), "a.mp4")
	makeTestsrc(t, path, 64, 48, 25, 7)
	d, err := Decode(context.Background(), path, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		f, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(n) / 25; math.Abs(f.Time-want) > 1e-6 {
			t.Errorf("frame %d Time %v, want %v", n, f.Time, want)
		}
		n++
	}
	if n != 7 {
		t.Errorf("%d frames, want 7", n)
	}
	if _, err := d.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after the end: %v, want io.EOF", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	assertReaped(t, d, false)
}

// assertReaped checks that ffmpeg has exited and been waited for (kill 0
// on a zombie would still succeed), and whether it was killed.
func assertReaped(t *testing.T, d *Decoder, killed bool) {
	t.Helper()
	ps := d.cmd.ProcessState
	if ps == nil {
		t.Fatal("ffmpeg was not waited for")
	}
	if err := syscall.Kill(d.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("ffmpeg pid %d still exists after Close (kill 0: %v)", d.cmd.Process.Pid, err)
	}
	ws, _ := ps.Sys().(syscall.WaitStatus)
	if ws.Signaled() != killed {
		t.Errorf("ffmpeg killed = %v (status %v), want %v", ws.Signaled(), ps, killed)
	}
}

func TestFrameClone(t *testing.T) {
	f := &Frame{Index: 3, PTS: 1.5, Time: 1.25, Width: 1, Height: 1, Pix: []byte{1, 2, 3}}
	c := f.Clone()
	f.Pix[0] = 9
	if c.Pix[0] != 1 || c.Index != 3 || c.PTS != 1.5 || c.Time != 1.25 || c.Width != 1 {
		t.Errorf("clone %+v shares or lost data", c)
	}
}

func TestScaledSize(t *testing.T) {
	cases := []struct{ w, h, max, ww, wh int }{
		{1280, 720, 0, 1280, 720},
		{1280, 720, 2000, 1280, 720},
		{1280, 720, 640, 640, 360},
		{406, 720, 256, 144, 256}, // 406*256/720 = 144.36
		{896, 1592, 1592, 896, 1592},
		{3, 1000, 10, 1, 10}, // never below one pixel
	}
	for _, c := range cases {
		if w, h := ScaledSize(c.w, c.h, c.max); w != c.ww || h != c.wh {
			t.Errorf("ScaledSize(%d,%d,%d) = %dx%d, want %dx%d", c.w, c.h, c.max, w, h, c.ww, c.wh)
		}
	}
}

func TestParseShowinfo(t *testing.T) {
	line := "[Parsed_showinfo_2 @ 0x55e01b8dc880] n:  12 pts:3360000 pts_time:3.36    pos:    36660 fmt:yuv420p sar:1/1 s:1280x720 i:P iskey:1 type:I "
	m, ok := parseShowinfo(line)
	if !ok || m.n != 12 || m.pts != 3.36 || m.w != 1280 || m.h != 720 {
		t.Errorf("parsed %+v %v", m, ok)
	}
	m, ok = parseShowinfo("[Parsed_showinfo_1 @ 0x1] n:   0 pts:NOPTS pts_time:NOPTS pos: 1 fmt:rgb24 sar:0/1 s:4x2 i:P")
	if !ok || !math.IsNaN(m.pts) || m.w != 4 || m.h != 2 {
		t.Errorf("NOPTS parsed %+v %v", m, ok)
	}
	for _, l := range []string{
		"[Parsed_showinfo_1 @ 0x55] color_range:tv color_space:bt709",
		"  Duration: 00:00:11.03, start: 1.405167, bitrate: 485 kb/s",
	} {
		if _, ok := parseShowinfo(l); ok {
			t.Errorf("%q parsed as a frame", l)
		}
	}
}

// TestDecodeBadInputs: Decode reports the same errors as Probe, and a
// stream that yields no frame ends with ErrNoFrames rather than io.EOF.
func TestDecodeBadInputs(t *testing.T) {
	requireTools(t)
	for _, c := range badInputs(t) {
		_, err := Decode(context.Background(), c.path, DecodeOptions{})
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
		if c.want == ErrNoFrames {
			// bypass the probe: ffmpeg itself finds nothing to decode
			d, err := Decode(context.Background(), c.path, DecodeOptions{Info: &Info{Width: 64, Height: 48}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Next(); !errors.Is(err, ErrNoFrames) {
				t.Errorf("zero-frame stream: Next %v, want ErrNoFrames", err)
			}
			_ = d.Close()
		}
		if c.want == ErrUnsupportedCodec {
			d, err := Decode(context.Background(), c.path, DecodeOptions{Info: &Info{Width: 320, Height: 240}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Next(); !errors.Is(err, ErrUnsupportedCodec) {
				t.Errorf("unknown codec: Next %v, want ErrUnsupportedCodec", err)
			}
			_ = d.Close()
		}
	}
}

// BenchmarkDecode measures decoding speed (frames per second) of a
// 1280x720 30 fps shared clip at full size and scaled for the pose models.
func BenchmarkDecode(b *testing.B) {
	requireTools(b)
	path := testenv.SharedFile(b, "media/goblet-squat-front.mp4")
	info, err := Probe(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	for _, maxSide := range []int{0, 256} {
		b.Run(fmt.Sprintf("maxside=%d", maxSide), func(b *testing.B) {
			frames := 0
			for b.Loop() {
				d, err := Decode(context.Background(), path, DecodeOptions{Info: info, MaxSide: maxSide})
				if err != nil {
					b.Fatal(err)
				}
				for _, err := range d.All() {
					if err != nil {
						b.Fatal(err)
					}
					frames++
				}
				_ = d.Close()
			}
			b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
