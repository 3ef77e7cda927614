package kernel

import (
	"fmt"
	"math"
)

// Sigmoid sets dst[i] = 1 / (1 + e^(−src[i])), evaluated in float64 and
// rounded once to float32: exactly the value TF.js's cpu backend stores
// (JavaScript computes in double precision). dst and src must have the
// same length; they may be the same slice.
//
// The assembly evaluates e^x with its own approximation, whose float64
// result can differ from math.Exp's in the last bits; it checks every value
// and recomputes with math.Exp the rare ones (about one in a million)
// where that difference could change the float32 rounding, so the results
// are identical to the Go code's at every level.
func Sigmoid(dst, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("kernel: Sigmoid of %d values into %d", len(src), len(dst)))
	}
	sigmoidAt(active, dst, src)
}

func sigmoidAt(lv level, dst, src []float32) {
	if lv == levelGeneric {
		sigmoidGeneric(dst, src)
		return
	}
	// The kernel stops before a block it cannot settle; that block (or
	// the short tail) is computed exactly, then the kernel resumes.
	block := lv.lanes() / 2
	for i := 0; i < len(dst); {
		i += sigmoidSIMD(lv, dst[i:], src[i:])
		j := min(i+block, len(dst))
		sigmoidGeneric(dst[i:j], src[i:j])
		i = j
	}
}

func sigmoidGeneric(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
	}
}
