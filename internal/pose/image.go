package pose

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Image is an upright picture as packed RGB24: 3 bytes per pixel, rows top
// to bottom, no padding (the layout video.Frame uses).
type Image struct {
	Pix  []byte
	W, H int
}

func (im Image) check() error {
	if im.W <= 0 || im.H <= 0 || len(im.Pix) != im.W*im.H*3 {
		return fmt.Errorf("pose: image of %dx%d needs %d bytes of RGB, has %d", im.W, im.H, max(0, im.W*im.H*3), len(im.Pix))
	}
	return nil
}

// maxSuper bounds the supersampling factor of a crop: at most 4x4 samples
// per output pixel.
const maxSuper = 4

// crop fills dst (outW x outH x 3, RGB, values 0..255) from the part of im
// that the map toImage (output coordinates → image coordinates) covers,
// sampling bilinearly. When one output pixel spans about k ≥ 2 image
// pixels, it averages k x k bilinear samples spread over it (a box
// prefilter), so that a 1280-pixel-tall person shrunk to 256 pixels is not
// aliased. Parts outside the image are black, as in MediaPipe's crops.
//
// threads > 1 splits the rows between that many goroutines (a crop is
// about a third of a landmark model's time on one core, and the model's
// other threads wait for it); the result does not depend on it.
func crop(im Image, toImage Affine, outW, outH int, dst []float32, threads int) {
	threads = min(threads, outH/16) // bands of at least 16 rows
	if threads <= 1 {
		cropRows(im, toImage, outW, 0, outH, dst)
		return
	}
	var wg sync.WaitGroup
	for t := range threads {
		j0, j1 := t*outH/threads, (t+1)*outH/threads
		wg.Go(func() { cropRows(im, toImage, outW, j0, j1, dst) })
	}
	wg.Wait()
}

// cropRows is crop for output rows j0 to j1-1.
func cropRows(im Image, toImage Affine, outW, j0, j1 int, dst []float32) {
	// How many image pixels one output pixel spans, along each output axis.
	spanX := math.Hypot(toImage.A, toImage.D)
	spanY := math.Hypot(toImage.B, toImage.E)
	// A bilinear sample already blends a 2-pixel footprint, so k samples
	// per axis cover a span of about k pixels when k is the span rounded.
	k := int(math.Round(math.Max(spanX, spanY)))
	k = min(max(k, 1), maxSuper)
	fk := float64(k)
	inv := 1 / float32(k*k)
	// Sample positions in "index space", where pixel (i, j) has its centre
	// at (i, j): hence the -0.5.
	m := toImage
	m.C -= 0.5
	m.F -= 0.5
	stepUX, stepUY := m.A/fk, m.D/fk // one sample to the right
	for j := j0; j < j1; j++ {
		for i := 0; i < outW; i++ {
			var r, g, b float32
			u := float64(i) + 0.5/fk
			for sj := 0; sj < k; sj++ {
				v := float64(j) + (float64(sj)+0.5)/fk
				x, y := m.Apply(u, v)
				for si := 0; si < k; si++ {
					sr, sg, sb := bilinearIndex(im, x, y)
					r += sr
					g += sg
					b += sb
					x += stepUX
					y += stepUY
				}
			}
			o := (j*outW + i) * 3
			dst[o], dst[o+1], dst[o+2] = r*inv, g*inv, b*inv
		}
	}
}

// bilinearIndex samples im at (x, y) in index space (pixel (i, j) centred
// at (i, j)). Pixels outside the image count as black.
func bilinearIndex(im Image, x, y float64) (r, g, b float32) {
	if x >= 0 && y >= 0 {
		x0, y0 := int(x), int(y)
		if x0+1 < im.W && y0+1 < im.H {
			// Fast path: all four neighbours inside.
			ax, ay := float32(x-float64(x0)), float32(y-float64(y0))
			w00, w10 := (1-ax)*(1-ay), ax*(1-ay)
			w01, w11 := (1-ax)*ay, ax*ay
			o := (y0*im.W + x0) * 3
			p := im.Pix[o : o+6 : o+6]
			q := im.Pix[o+im.W*3 : o+im.W*3+6 : o+im.W*3+6]
			r = w00*float32(p[0]) + w10*float32(p[3]) + w01*float32(q[0]) + w11*float32(q[3])
			g = w00*float32(p[1]) + w10*float32(p[4]) + w01*float32(q[1]) + w11*float32(q[4])
			b = w00*float32(p[2]) + w10*float32(p[5]) + w01*float32(q[2]) + w11*float32(q[5])
			return r, g, b
		}
	}
	return bilinearEdge(im, x, y)
}

// bilinearEdge is bilinearIndex near and beyond the image's border.
func bilinearEdge(im Image, x, y float64) (r, g, b float32) {
	x0f, y0f := math.Floor(x), math.Floor(y)
	if x0f < -1 || y0f < -1 || x0f >= float64(im.W) || y0f >= float64(im.H) || math.IsNaN(x) || math.IsNaN(y) {
		return 0, 0, 0
	}
	x0, y0 := int(x0f), int(y0f)
	ax, ay := float32(x-x0f), float32(y-y0f)
	w := [4]float32{(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay}
	for n, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		px, py := x0+d[0], y0+d[1]
		if px < 0 || py < 0 || px >= im.W || py >= im.H || w[n] == 0 {
			continue
		}
		o := (py*im.W + px) * 3
		r += w[n] * float32(im.Pix[o])
		g += w[n] * float32(im.Pix[o+1])
		b += w[n] * float32(im.Pix[o+2])
	}
	return r, g, b
}

// cropThreads is how many goroutines a crop uses for a model run with
// threads goroutines (0: all cores, as nn.Options).
func cropThreads(threads int) int {
	if threads <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return threads
}
