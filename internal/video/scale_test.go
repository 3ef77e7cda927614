package video

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
)

func TestFrameBytes(t *testing.T) {
	cases := []struct {
		w, h   int
		pixFmt string
		want   int
	}{
		{1920, 1080, "yuv420p", 1920 * 1080 * 3 / 2},
		{1920, 1080, "yuvj420p", 1920 * 1080 * 3 / 2},
		{1920, 1080, "nv12", 1920 * 1080 * 3 / 2},
		{1920, 1080, "yuv420p10le", 1920 * 1080 * 3},
		{1920, 1080, "p010le", 1920 * 1080 * 3},
		{1920, 1080, "yuv422p", 1920 * 1080 * 2},
		{1920, 1080, "yuv422p10le", 1920 * 1080 * 4},
		{1920, 1080, "yuv444p", 1920 * 1080 * 3},
		{1920, 1080, "yuv444p12be", 1920 * 1080 * 6},
		{1920, 1080, "rgb24", 1920 * 1080 * 3},
		{1920, 1080, "", 1920 * 1080 * 3}, // unknown: assume 3 bytes a pixel
	}
	for _, c := range cases {
		if got := frameBytes(c.w, c.h, c.pixFmt); got != c.want {
			t.Errorf("frameBytes(%d, %d, %q) = %d, want %d", c.w, c.h, c.pixFmt, got, c.want)
		}
	}
}

func TestDecodeThreads(t *testing.T) {
	info := func(w, h int, pf string) *Info { return &Info{CodedWidth: w, CodedHeight: h, PixelFormat: pf} }
	cases := []struct {
		name string
		info *Info
		cpus int
		want int
	}{
		{"720p, 2 cores", info(1280, 720, "yuv420p"), 2, 0},
		{"1080p, 2 cores", info(1920, 1080, "yuv420p"), 2, 0},
		{"1080p, 8 cores", info(1920, 1080, "yuv420p"), 8, 0},
		{"1080p, 16 cores", info(1920, 1080, "yuv420p"), 16, 10},
		{"4K, 2 cores", info(3840, 2160, "yuv420p"), 2, 2}, // ffmpeg would run 3
		{"4K, 4 cores", info(3840, 2160, "yuv420p"), 4, 2},
		{"4K 10-bit, 4 cores", info(3840, 2160, "yuv420p10le"), 4, 1},
		{"8K, 2 cores", info(7680, 4320, "yuv420p"), 2, 1},
		{"8K, 64 cores", info(7680, 4320, "yuv420p"), 64, 1},
		{"portrait 8K, 1 core", info(4320, 7680, "yuv420p"), 1, 1},
		{"no size", info(0, 0, "yuv420p"), 8, 0},
	}
	for _, c := range cases {
		if got := decodeThreads(c.info, c.cpus); got != c.want {
			t.Errorf("%s: decodeThreads = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestDecodeScaledPositions decodes synthetic videos larger than
// WorkingMaxSide, each a black picture with one white square at a known
// place, scaled down to WorkingMaxSide as the pose pipeline decodes them,
// and checks that the square's centre in the decoded frame, mapped back by
// the ratio of the sizes (as DecodeOptions.MaxSide documents), is where it
// was drawn, to a tenth of a decoded pixel.
func TestDecodeScaledPositions(t *testing.T) {
	requireTools(t)
	cases := []struct {
		w, h       int
		x, y, side int // the square, in the video's pixels
	}{
		{3840, 2160, 2000, 600, 96},  // 4K: exactly half
		{2560, 1440, 1001, 333, 90},  // 1440p: three quarters
		{4096, 2160, 3001, 1501, 90}, // DCI 4K: 1920x1013, the two axes differ
		{2160, 3840, 500, 3100, 120}, // portrait 4K
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "square.mp4")
			ffmpegRun(t, "-f", "lavfi", "-i", fmt.Sprintf("color=c=black:size=%dx%d:rate=10,drawbox=x=%d:y=%d:w=%d:h=%d:color=white:t=fill",
				c.w, c.h, c.x, c.y, c.side, c.side),
				"-frames:v", "2", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", path)
			d, err := Decode(context.Background(), path, DecodeOptions{MaxSide: WorkingMaxSide})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			ww, wh := ScaledSize(c.w, c.h, WorkingMaxSide)
			if d.Width() != ww || d.Height() != wh || max(ww, wh) != WorkingMaxSide {
				t.Fatalf("decoded at %dx%d, want %dx%d", d.Width(), d.Height(), ww, wh)
			}
			f, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			// Brightness-weighted centre of the square in the frame.
			var sx, sy, sum float64
			for y := range f.Height {
				for x := range f.Width {
					v := float64(f.Pix[3*(y*f.Width+x)+1]) // green: full-resolution luma
					if v > 8 {
						sx += v * (float64(x) + 0.5)
						sy += v * (float64(y) + 0.5)
						sum += v
					}
				}
			}
			if sum == 0 {
				t.Fatal("the square is not in the decoded frame")
			}
			kx, ky := float64(c.w)/float64(f.Width), float64(c.h)/float64(f.Height)
			gotX, gotY := sx/sum*kx, sy/sum*ky
			wantX, wantY := float64(c.x)+float64(c.side)/2, float64(c.y)+float64(c.side)/2
			if math.Abs(gotX-wantX) > 0.1*kx || math.Abs(gotY-wantY) > 0.1*ky {
				t.Errorf("square centre mapped back to (%.2f, %.2f), drawn at (%.1f, %.1f)", gotX, gotY, wantX, wantY)
			}
		})
	}
}
