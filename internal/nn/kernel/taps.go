package kernel

import "fmt"

// TapConv computes a run of outputs of a convolution with one output
// channel, its input laid out so that every filter tap reads a contiguous
// run (for example channel-planar rows, see the runtime's use):
//
//	out[x] = act((Σ_t src[offs[t] + x] · w[t]) + bias)
//
// for x < len(out). The taps are summed from zero in order of t, then the
// bias is added, then the activation applied, as TF.js's convolution does
// when the taps are listed in filter order. A regular convolution producing
// one channel has too little output width for Gemm's vectors (one lane
// each); TapConv vectorises over output positions instead.
//
// TapConv keeps no state and does not allocate. It panics, like an
// out-of-range index, if len(offs) != len(w) or a tap reads outside src.
func TapConv(out, src []float32, offs []int, w []float32, bias float32, act Act) {
	if len(offs) != len(w) {
		panic(fmt.Sprintf("kernel: TapConv with %d offsets and %d weights", len(offs), len(w)))
	}
	if len(out) == 0 {
		return
	}
	for _, o := range offs {
		if o < 0 || o+len(out) > len(src) {
			panic(fmt.Sprintf("kernel: TapConv tap at %d reads past src of %d elements for %d outputs", o, len(src), len(out)))
		}
	}
	tapConvAt(active, out, src, offs, w, bias, act)
}

// tapConvAt runs TapConv with the kernels of level lv.
func tapConvAt(lv level, out, src []float32, offs []int, w []float32, bias float32, act Act) {
	if lv == levelGeneric || len(offs) == 0 {
		tapConvGeneric(out, src, offs, w, bias, act)
		return
	}
	tapConvSIMD(lv, out, src, offs, w, bias, act)
}

func tapConvGeneric(out, src []float32, offs []int, w []float32, bias float32, act Act) {
	for x := range out {
		var acc float32
		for t, o := range offs {
			acc = float32(float64(acc) + float64(src[o+x])*float64(w[t])) // one rounding, as FMA and TF.js do
		}
		out[x] = act.apply(acc + bias)
	}
}
