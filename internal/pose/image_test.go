package pose

import (
	"math"
	"testing"
)

// testImage returns a w x h image whose pixel (x, y) is (x, y, x+y) mod 256.
func testImage(w, h int) Image {
	im := Image{Pix: make([]byte, w*h*3), W: w, H: h}
	for y := range h {
		for x := range w {
			o := (y*w + x) * 3
			im.Pix[o], im.Pix[o+1], im.Pix[o+2] = byte(x), byte(y), byte(x+y)
		}
	}
	return im
}

func TestCropIdentity(t *testing.T) {
	// A ROI that is the image itself, sampled at the same size, returns
	// every pixel exactly (bilinear samples at pixel centres).
	im := testImage(16, 16)
	dst := make([]float32, 16*16*3)
	crop(im, ROI{CX: 8, CY: 8, W: 16, H: 16}.ToImage(16, 16), 16, 16, dst, 1)
	for i, v := range dst {
		if v != float32(im.Pix[i]) {
			t.Fatalf("value %d = %v, want %d", i, v, im.Pix[i])
		}
	}
}

func TestCropHalfPixelShift(t *testing.T) {
	// Shifting the ROI by half a pixel averages neighbouring pixels.
	im := testImage(8, 8)
	dst := make([]float32, 4*4*3)
	crop(im, ROI{CX: 4.5, CY: 4, W: 4, H: 4}.ToImage(4, 4), 4, 4, dst, 1)
	// Output pixel (0, 0) samples the image at (2.5+0.5, 2+0.5) = (3, 2.5):
	// halfway between pixels x=2 and x=3 of row 2.
	if dst[0] != 2.5 || dst[1] != 2 {
		t.Errorf("shifted sample = (%v, %v), want (2.5, 2)", dst[0], dst[1])
	}
}

func TestCropSupersamples(t *testing.T) {
	// A one-pixel checkerboard of 0 and 255 shrunk by 3: each output pixel
	// must average the 3 x 3 image pixels it covers (4 or 5 white ones),
	// not take the one under its centre (0 or 255), which would alias.
	const n, out = 12, 4
	im := Image{Pix: make([]byte, n*n*3), W: n, H: n}
	for y := range n {
		for x := range n {
			if (x+y)%2 == 1 {
				o := (y*n + x) * 3
				im.Pix[o], im.Pix[o+1], im.Pix[o+2] = 255, 255, 255
			}
		}
	}
	dst := make([]float32, out*out*3)
	crop(im, ROI{CX: n / 2, CY: n / 2, W: n, H: n}.ToImage(out, out), out, out, dst, 1)
	for j := range out {
		for i := range out {
			white := 4.0
			if (3*i+3*j)%2 == 1 {
				white = 5
			}
			want := white * 255 / 9
			if got := float64(dst[(j*out+i)*3]); math.Abs(got-want) > 1e-3 {
				t.Fatalf("output pixel (%d,%d) = %v, want %v (the mean of the 3x3 pixels it covers)", i, j, got, want)
			}
		}
	}
}

func TestCropRotatedAndOutside(t *testing.T) {
	// Quadrants: top-left red, top-right green, bottom-left blue,
	// bottom-right white. A crop turned 90° clockwise puts the image's
	// right half at the crop's top.
	const n = 8
	im := Image{Pix: make([]byte, n*n*3), W: n, H: n}
	colours := [4][3]byte{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}}
	for y := range n {
		for x := range n {
			q := (y/(n/2))*2 + x/(n/2)
			copy(im.Pix[(y*n+x)*3:], colours[q][:])
		}
	}
	dst := make([]float32, 2*2*3)
	crop(im, ROI{CX: 4, CY: 4, W: 4, H: 4, Rotation: math.Pi / 2}.ToImage(2, 2), 2, 2, dst, 1)
	// Crop top-left ← image top-right (green); crop top-right ← image
	// bottom-right (white); crop bottom-left ← image top-left (red);
	// crop bottom-right ← image bottom-left (blue).
	want := [4][3]byte{colours[1], colours[3], colours[0], colours[2]}
	for i := range 4 {
		for c := range 3 {
			if dst[i*3+c] != float32(want[i][c]) {
				t.Fatalf("rotated crop pixel %d = %v, want %v", i, dst[i*3:i*3+3], want[i])
			}
		}
	}
	// Entirely outside the image: black.
	crop(im, ROI{CX: -100, CY: -100, W: 4, H: 4}.ToImage(2, 2), 2, 2, dst, 1)
	for i, v := range dst {
		if v != 0 {
			t.Fatalf("outside crop value %d = %v, want 0", i, v)
		}
	}
}

func TestImageCheck(t *testing.T) {
	if err := (Image{Pix: make([]byte, 10), W: 2, H: 2}).check(); err == nil {
		t.Error("short pixel buffer accepted")
	}
	if err := (Image{W: 0, H: 0}).check(); err == nil {
		t.Error("empty image accepted")
	}
}

// TestCropThreadsSameResult: splitting a crop's rows between goroutines
// gives the same floats as one goroutine, for band counts that do and do
// not divide the rows, with rotation, supersampling and parts outside the
// picture.
func TestCropThreadsSameResult(t *testing.T) {
	const w, h = 320, 240
	im := Image{Pix: make([]byte, w*h*3), W: w, H: h}
	seed := uint32(12345)
	for i := range im.Pix {
		seed = seed*1664525 + 1013904223
		im.Pix[i] = byte(seed >> 24)
	}
	for _, roi := range []ROI{
		{CX: 160, CY: 120, W: 200, H: 200, Rotation: 0.3}, // inside, 2x2 supersampling at 96
		{CX: 20, CY: 230, W: 150, H: 150, Rotation: -1.1}, // partly outside
	} {
		for _, out := range []int{96, 100} {
			m := roi.ToImage(out, out)
			want := make([]float32, out*out*3)
			crop(im, m, out, out, want, 1)
			for _, threads := range []int{2, 3, 7} {
				got := make([]float32, out*out*3)
				crop(im, m, out, out, got, threads)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("roi %+v, %d px, %d threads: value %d is %v, one goroutine gives %v", roi, out, threads, i, got[i], want[i])
					}
				}
			}
		}
	}
}
