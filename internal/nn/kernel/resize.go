package kernel

import "fmt"

// ResizeRow computes one output row of a bilinear resize of an image with
// c channels per pixel. Output column x interpolates between the source
// columns whose element offsets are xo[2x] and xo[2x+1] (in rows top and
// bot) with weight fx[x], then between the two rows with weight fy:
//
//	t = top[l] + (top[r] − top[l])·fx[x]
//	b = bot[l] + (bot[r] − bot[l])·fx[x]
//	dst[x·c + ch] = float32(t + (b − t)·fy)        (l, r offset by ch)
//
// each operation in float64 and rounded separately, exactly as TF.js's cpu
// backend computes it in JavaScript. len(fx) is the output width. With a
// residual res (nil: none, else laid out like dst) the result becomes
// act(dst + res) in float32: a resize followed by a residual AddV2 (and
// Relu), fused.
//
// ResizeRow keeps no state and does not allocate. It panics, like an
// out-of-range index, when an offset or a slice does not fit.
func ResizeRow(dst, top, bot []float32, xo []int, fx []float64, c int, fy float64, res []float32, act Act) {
	w := len(fx)
	switch {
	case c < 1 || len(xo) < 2*w:
		panic(fmt.Sprintf("kernel: ResizeRow with %d channels, %d offsets for %d columns", c, len(xo), w))
	case len(dst) < w*c || res != nil && len(res) < w*c:
		panic(fmt.Sprintf("kernel: ResizeRow output of %d elements for %d columns of %d channels", len(dst), w, c))
	}
	for _, o := range xo[:2*w] {
		if o < 0 || o+c > len(top) || o+c > len(bot) {
			panic(fmt.Sprintf("kernel: ResizeRow offset %d outside rows of %d and %d elements", o, len(top), len(bot)))
		}
	}
	resizeRowAt(active, dst, top, bot, xo, fx, c, fy, res, act)
}

func resizeRowAt(lv level, dst, top, bot []float32, xo []int, fx []float64, c int, fy float64, res []float32, act Act) {
	// The assembly takes whole vectors of channels.
	if lv == levelGeneric || len(fx) == 0 || c%(lv.lanes()/2) != 0 {
		resizeRowGeneric(dst, top, bot, xo, fx, c, fy, res, act)
		return
	}
	resizeRowSIMD(lv, dst, top, bot, xo, fx, c, fy, res, act)
}

func resizeRowGeneric(dst, top, bot []float32, xo []int, fx []float64, c int, fy float64, res []float32, act Act) {
	for x, f := range fx {
		l, r := xo[2*x], xo[2*x+1]
		out := dst[x*c : (x+1)*c]
		for ch := range out {
			tl, tr := float64(top[l+ch]), float64(top[r+ch])
			bl, br := float64(bot[l+ch]), float64(bot[r+ch])
			t := tl + (tr-tl)*f
			b := bl + (br-bl)*f
			v := float32(t + (b-t)*fy)
			if res != nil {
				v = act.apply(v + res[x*c+ch])
			}
			out[ch] = v
		}
	}
}
