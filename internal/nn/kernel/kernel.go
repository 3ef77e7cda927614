// Package kernel holds the numeric inner loops of the pose runtime: matrix
// multiplication (which every convolution reduces to) and depthwise
// convolution, each with bias and activation fused.
//
// Every kernel has a portable pure-Go version (the reference, used on every
// architecture and in tests) and, on amd64, assembly versions for AVX2+FMA
// and AVX-512 (see simd_amd64.go). Which one runs is decided once, when the
// package is initialised, from the CPU's features; the choice never changes
// afterwards (Impl reports it). Two environment variables, read at that
// moment only, narrow the choice for testing and measurement:
//
//	KNEETRACK_NOASM=1      use the pure-Go kernels
//	KNEETRACK_NOAVX512=1   use AVX2 even where AVX-512 is available
//
// The build tag purego leaves the assembly out altogether.
//
// The assembly sums products in the same order as the Go code, but with one
// fused multiply-add per product, so results differ from the Go code by
// rounding only (see the tests for the bound). A zero in A times an infinite
// or NaN weight gives NaN in the assembly where the Go GEMM skips the term;
// model weights are finite, so this does not arise in practice.
package kernel

import "fmt"

// Act is an activation fused into a kernel's output.
type Act uint8

// The fused activations the pose models use. The assembly kernels take
// these values as integers, so they must stay 0, 1, 2.
const (
	ActNone  Act = iota // identity
	ActRelu             // max(x, 0)
	ActRelu6            // min(max(x, 0), 6)
)

func (a Act) String() string {
	switch a {
	case ActNone:
		return "none"
	case ActRelu:
		return "relu"
	case ActRelu6:
		return "relu6"
	}
	return "unknown"
}

// apply returns act(x).
func (a Act) apply(x float32) float32 {
	switch a {
	case ActRelu:
		if x < 0 {
			return 0
		}
	case ActRelu6:
		if x < 0 {
			return 0
		}
		if x > 6 {
			return 6
		}
	}
	return x
}

// Gemm computes C = act(A·B + bias) for row-major matrices, in TF.js's
// order of operations: each element's products are summed from zero in
// order of k, then the bias is added, then the activation applied.
// A is m×k with row stride lda, B is k×n with row stride ldb, C is m×n with
// row stride ldc, bias has n elements or is nil. C is overwritten.
//
// Rows are independent: to split one product across goroutines, give each a
// disjoint row range [m0, m1) as Gemm(m1-m0, n, k, a[m0*lda:], lda, b, ldb,
// c[m0*ldc:], ldc, bias, act). Gemm keeps no state and does not allocate.
//
// Gemm panics, like an out-of-range index, when a dimension or stride is
// negative, ldc < n, or a slice is too short for the shapes given.
func Gemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	checkGemm(m, n, k, a, lda, c, ldc, bias)
	if m > 0 && n > 0 && k > 0 && (ldb < 0 || len(b) < (k-1)*ldb+n) {
		panic(fmt.Sprintf("kernel: Gemm B has %d elements and stride %d, needs %d×%d", len(b), ldb, k, n))
	}
	gemmAt(active, m, n, k, a, lda, b, ldb, c, ldc, bias, act)
}

// gemmAt runs Gemm with the kernels of level lv (tests compare the levels).
func gemmAt(lv level, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	if m == 0 || n == 0 {
		return
	}
	if lv == levelGeneric || k == 0 {
		gemmGeneric(m, n, k, a, lda, b, ldb, c, ldc, bias, act)
		return
	}
	gemmSIMD(lv, m, n, k, a, lda, b, ldb, c, ldc, bias, act)
}

// checkGemm panics with a message naming the problem when the arguments of
// a GEMM do not describe A, C and bias inside the given slices (the callers
// check B). The assembly kernels index memory directly, so this is what
// keeps them in bounds.
func checkGemm(m, n, k int, a []float32, lda int, c []float32, ldc int, bias []float32) {
	switch {
	case m < 0 || n < 0 || k < 0:
		panic(fmt.Sprintf("kernel: Gemm with negative dimension m=%d n=%d k=%d", m, n, k))
	case lda < 0 || ldc < n:
		panic(fmt.Sprintf("kernel: Gemm strides lda=%d ldc=%d invalid for n=%d", lda, ldc, n))
	case m == 0 || n == 0:
		return
	case len(c) < (m-1)*ldc+n:
		panic(fmt.Sprintf("kernel: Gemm C has %d elements, needs %d", len(c), (m-1)*ldc+n))
	case bias != nil && len(bias) < n:
		panic(fmt.Sprintf("kernel: Gemm bias has %d elements, needs %d", len(bias), n))
	case k == 0:
		return
	case len(a) < (m-1)*lda+k:
		panic(fmt.Sprintf("kernel: Gemm A has %d elements, needs %d", len(a), (m-1)*lda+k))
	}
}

func gemmGeneric(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	gemmGenericRes(m, n, k, a, lda, b, ldb, c, ldc, bias, act, nil, ActNone)
}

// gemmGenericRes is the reference GEMM with an optional residual (see
// GemmPackedRes).
func gemmGenericRes(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act, res []float32, act2 Act) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		clear(ci)
		ai := a[i*lda : i*lda+k]
		for p, av := range ai {
			if av == 0 {
				continue
			}
			bp := b[p*ldb : p*ldb+n]
			for j, bv := range bp {
				ci[j] = float32(float64(ci[j]) + float64(av)*float64(bv)) // one rounding, as FMA and TF.js do
			}
		}
		finish(ci, bias, act)
		if res != nil {
			finish(ci, res[i*ldc:i*ldc+n], act2)
		}
	}
}

// finish completes sums in place: x[j] = act(x[j] + bias[j]), the bias
// added after the whole sum as TF.js does (nil: no bias).
func finish(x, bias []float32, act Act) {
	if bias != nil {
		bias = bias[:len(x)]
		for j, b := range bias {
			x[j] += b
		}
	}
	if act != ActNone {
		for j := range x {
			x[j] = act.apply(x[j])
		}
	}
}

// DepthwiseParams describes a depthwise 2-D convolution over one NHWC image
// (batch 1): every channel is convolved with its own KH×KW filter.
type DepthwiseParams struct {
	InH, InW, C      int
	OutH, OutW       int
	KH, KW           int
	StrideH, StrideW int
	PadTop, PadLeft  int       // implicit zero padding before the first row/column
	Filter           []float32 // KH*KW*C, layout [kh][kw][c] (TF's HWIO with a channel multiplier of 1)
	Bias             []float32 // C elements, or nil
	Act              Act
}

// Depthwise computes dst (OutH×OutW×C) from src (InH×InW×C).
//
// Depthwise keeps no state and does not allocate; see DepthwiseRows to split
// one convolution across goroutines. It panics, like an out-of-range index,
// when the parameters do not fit the slices.
func Depthwise(dst, src []float32, p *DepthwiseParams) {
	DepthwiseRows(dst, src, p, 0, p.OutH)
}

// DepthwiseRows computes output rows [oy0, oy1) of Depthwise(dst, src, p),
// writing only those rows of dst (which still holds the whole output image).
// Calls with disjoint row ranges may run concurrently on the same dst.
func DepthwiseRows(dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	checkDepthwise(dst, src, p, oy0, oy1)
	depthwiseAt(active, dst, src, p, oy0, oy1)
}

// depthwiseAt runs DepthwiseRows with the kernels of level lv.
func depthwiseAt(lv level, dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	if oy0 == oy1 || p.OutW == 0 {
		return
	}
	if lv == levelGeneric {
		depthwiseGeneric(dst, src, p, oy0, oy1)
		return
	}
	depthwiseSIMD(lv, dst, src, p, oy0, oy1)
}

// checkDepthwise panics with a message naming the problem when p does not
// describe a convolution inside the given slices.
func checkDepthwise(dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	switch {
	case p.C < 1 || p.KH < 1 || p.KW < 1 || p.StrideH < 1 || p.StrideW < 1:
		panic(fmt.Sprintf("kernel: Depthwise needs C, KH, KW, strides >= 1, got C=%d KH=%d KW=%d strides=%dx%d",
			p.C, p.KH, p.KW, p.StrideH, p.StrideW))
	case p.InH < 0 || p.InW < 0 || p.OutH < 0 || p.OutW < 0:
		panic(fmt.Sprintf("kernel: Depthwise with negative size in=%dx%d out=%dx%d", p.InH, p.InW, p.OutH, p.OutW))
	case oy0 < 0 || oy0 > oy1 || oy1 > p.OutH:
		panic(fmt.Sprintf("kernel: Depthwise rows [%d, %d) outside [0, %d)", oy0, oy1, p.OutH))
	case len(src) < p.InH*p.InW*p.C:
		panic(fmt.Sprintf("kernel: Depthwise src has %d elements, needs %d", len(src), p.InH*p.InW*p.C))
	case len(dst) < p.OutH*p.OutW*p.C:
		panic(fmt.Sprintf("kernel: Depthwise dst has %d elements, needs %d", len(dst), p.OutH*p.OutW*p.C))
	case len(p.Filter) < p.KH*p.KW*p.C:
		panic(fmt.Sprintf("kernel: Depthwise filter has %d elements, needs %d", len(p.Filter), p.KH*p.KW*p.C))
	case p.Bias != nil && len(p.Bias) < p.C:
		panic(fmt.Sprintf("kernel: Depthwise bias has %d elements, needs %d", len(p.Bias), p.C))
	}
}

// depthwiseGeneric is the reference for output rows [oy0, oy1).
func depthwiseGeneric(dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	c := p.C
	for oy := oy0; oy < oy1; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			out := dst[(oy*p.OutW+ox)*c : (oy*p.OutW+ox+1)*c]
			clear(out)
			for ky := 0; ky < p.KH; ky++ {
				iy := oy*p.StrideH + ky - p.PadTop
				if iy < 0 || iy >= p.InH {
					continue
				}
				for kx := 0; kx < p.KW; kx++ {
					ix := ox*p.StrideW + kx - p.PadLeft
					if ix < 0 || ix >= p.InW {
						continue
					}
					in := src[(iy*p.InW+ix)*c : (iy*p.InW+ix+1)*c]
					f := p.Filter[(ky*p.KW+kx)*c : (ky*p.KW+kx+1)*c]
					for ch := range out {
						out[ch] = float32(float64(out[ch]) + float64(in[ch])*float64(f[ch])) // one rounding, as FMA and TF.js do
					}
				}
			}
			finish(out, p.Bias, p.Act)
		}
	}
}
