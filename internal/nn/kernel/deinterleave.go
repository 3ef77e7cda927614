package kernel

import "fmt"

// Deinterleave copies n pixels of c interleaved channels (src, NHWC) to c
// planes of n values, dstStride apart:
//
//	dst[ci·dstStride + x] = src[x·c + ci]    for ci < c, x < n
//
// the channel-planar layout TapConv reads. It keeps no state and does not
// allocate; it panics, like an out-of-range index, when the slices are too
// short.
func Deinterleave(dst []float32, dstStride int, src []float32, c, n int) {
	if n <= 0 || c <= 0 {
		return
	}
	if len(src) < n*c || dstStride < n || len(dst) < (c-1)*dstStride+n {
		panic(fmt.Sprintf("kernel: Deinterleave of %d×%d into %d elements (stride %d) from %d", n, c, len(dst), dstStride, len(src)))
	}
	deinterleaveAt(active, dst, dstStride, src, c, n)
}

func deinterleaveAt(lv level, dst []float32, dstStride int, src []float32, c, n int) {
	done := 0
	if lv != levelGeneric {
		done = deinterleaveSIMD(lv, dst, dstStride, src, c, n)
	}
	for ci := 0; ci < c; ci++ {
		plane := dst[ci*dstStride : ci*dstStride+n]
		for x := done; x < n; x++ {
			plane[x] = src[x*c+ci]
		}
	}
}
