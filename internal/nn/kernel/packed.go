package kernel

import (
	"fmt"
	"unsafe"
)

// PackedB is a GEMM right-hand side (k×n, such as a convolution's weights)
// rearranged once, at model load time, into the layout the micro-kernels
// read fastest: column panels two vectors wide, each stored row after row,
// zero-padded to full width and 64-byte aligned. A PackedB is read-only
// after PackB returns, so goroutines may share it.
type PackedB struct {
	k, n int
	lv   level     // the kernels it was packed for
	nr   int       // panel width; panel q holds columns [q·nr, q·nr+nr)
	data []float32 // panels one after another, k·nr elements each
}

// K is the number of rows of the packed matrix (the GEMM's inner dimension).
func (p *PackedB) K() int { return p.k }

// N is the number of columns of the packed matrix (the GEMM's output width).
func (p *PackedB) N() int { return p.n }

// PackB packs the row-major k×n matrix b (row stride n) for GemmPacked,
// for the kernels this process uses (see Impl). It panics if b has fewer
// than k·n elements or a dimension is negative.
func PackB(k, n int, b []float32) *PackedB {
	return packB(active, k, n, b)
}

func packB(lv level, k, n int, b []float32) *PackedB {
	if k < 0 || n < 0 || len(b) < k*n {
		panic(fmt.Sprintf("kernel: PackB of %d×%d from %d elements", k, n, len(b)))
	}
	if lv == levelGeneric {
		return &PackedB{k: k, n: n, lv: lv, nr: n, data: append([]float32(nil), b[:k*n]...)}
	}
	nr := lv.panelWidth()
	panels := (n + nr - 1) / nr
	data := alignedFloats(panels * k * nr)
	for q := 0; q < panels; q++ {
		j0 := q * nr
		w := min(nr, n-j0)
		panel := data[q*k*nr : (q+1)*k*nr]
		for p := 0; p < k; p++ {
			copy(panel[p*nr:p*nr+w], b[p*n+j0:p*n+j0+w])
		}
	}
	return &PackedB{k: k, n: n, lv: lv, nr: nr, data: data}
}

// alignedFloats returns n zeroed float32s starting at a 64-byte boundary.
func alignedFloats(n int) []float32 {
	const align = 64 / 4
	buf := make([]float32, n+align)
	off := 0
	if r := uintptr(unsafe.Pointer(unsafe.SliceData(buf))) % 64; r != 0 {
		off = int(64-r) / 4
	}
	return buf[off : off+n : off+n]
}

// GemmPacked computes C = act(A·B + bias) like Gemm, with B = pb
// (pb.K()×pb.N()): A is m×pb.K() with row stride lda, C is m×pb.N() with row
// stride ldc, bias has pb.N() elements or is nil. Results equal Gemm's bit
// for bit. Row ranges split across goroutines as for Gemm.
func GemmPacked(m int, a []float32, lda int, pb *PackedB, c []float32, ldc int, bias []float32, act Act) {
	GemmPackedRes(m, a, lda, pb, c, ldc, bias, act, nil, ActNone)
}

// GemmPackedRes is GemmPacked followed by a residual addition, fused into
// the store: C = act2(act(A·B + bias) + res), where res (nil: none) is laid
// out like C (m rows of pb.N() elements, row stride ldc) and does not
// overlap it. This is a convolution followed by a residual AddV2 (and the
// Relu that may follow it), each element rounded where TF.js rounds it,
// with one pass over the output instead of three.
func GemmPackedRes(m int, a []float32, lda int, pb *PackedB, c []float32, ldc int, bias []float32, act Act, res []float32, act2 Act) {
	GemmPackedCols(m, a, lda, pb, 0, pb.n, c, ldc, bias, act, res, act2)
}

// ColBlock is the column granularity of GemmPackedCols: a multiple of
// every kernel's panel width.
const ColBlock = 32

// GemmPackedCols computes only columns [j0, j1) of GemmPackedRes's result
// (c, bias and res are still indexed by absolute column), so a product
// with few rows and many columns can be split across goroutines by
// columns: each then reads only its share of B. j0 must be a multiple of
// ColBlock.
func GemmPackedCols(m int, a []float32, lda int, pb *PackedB, j0, j1 int, c []float32, ldc int, bias []float32, act Act, res []float32, act2 Act) {
	n, k := pb.n, pb.k
	checkGemm(m, n, k, a, lda, c, ldc, bias)
	if j0 < 0 || j0%ColBlock != 0 || j1 > n || j0 > j1 {
		panic(fmt.Sprintf("kernel: GemmPackedCols columns [%d, %d) of %d (start must be a multiple of %d)", j0, j1, n, ColBlock))
	}
	if m == 0 || j0 == j1 {
		return
	}
	if res != nil && len(res) < (m-1)*ldc+n {
		panic(fmt.Sprintf("kernel: GemmPackedRes residual has %d elements, needs %d", len(res), (m-1)*ldc+n))
	}
	if pb.lv == levelGeneric || k == 0 {
		var bs, rs []float32
		if bias != nil {
			bs = bias[j0:]
		}
		if res != nil {
			rs = res[j0:]
		}
		// Generic packing is B itself, row-major with row stride n.
		gemmGenericRes(m, j1-j0, k, a, lda, pb.data[j0:], pb.nr, c[j0:], ldc, bs, act, rs, act2)
		return
	}
	gemmPackedSIMD(pb, m, a, lda, j0, j1, c, ldc, bias, act, res, act2)
}
