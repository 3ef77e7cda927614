//go:build amd64 && !purego

package kernel

//go:generate go run ./genasm

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// gemmKernel is a GEMM micro-kernel (see gemm in genasm/gemm.go): one tile of
// up to 12 (AVX-512) or 6 (AVX2) rows by two vectors of columns, the whole
// k dimension, with bias and activation fused into the store.
type gemmKernel func(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, bias *float32, act int, tail int, res *float32, act2 int)

// dwKernel is one pass of a depthwise convolution over a run of output
// pixels for one filter row (see depthwise in genasm/depthwise.go).
type dwKernel func(out, in, f, bias *float32, count, sw, c int)

// dw2dKernel computes a run of output pixels with the whole filter held in
// registers (see dw2d in genasm/depthwise.go).
type dw2dKernel func(out, in, f, bias *float32, count, sw, c, rowStride int)

// detectLevel picks the best level the CPU and the OS support, unless the
// environment asks for less (KNEETRACK_NOASM=1: Go code; KNEETRACK_NOAVX512=1:
// at most AVX2).
func detectLevel(env func(string) bool) level {
	if env("KNEETRACK_NOASM") {
		return levelGeneric
	}
	// x/sys/cpu's HasAVX/HasAVX512 flags include the OS's consent (XCR0) to
	// save the wider registers.
	if hasAVX512() && !env("KNEETRACK_NOAVX512") {
		return levelAVX512
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		return levelAVX2
	}
	return levelGeneric
}

// hasAVX512 reports whether the CPU and OS support the AVX-512 subsets the
// kernels use: the foundation (F) and its 8-lane forms (VL).
func hasAVX512() bool { return cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL }

// levels lists the levels this machine can run, for tests.
func levels() []level {
	lv := []level{levelGeneric}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		lv = append(lv, levelAVX2)
	}
	if hasAVX512() {
		lv = append(lv, levelAVX512)
	}
	return lv
}

// maxRows is the number of rows of a full GEMM tile at level lv.
func (lv level) maxRows() int {
	if lv == levelAVX512 {
		return 12
	}
	return 6
}

// pickGemm returns the micro-kernel for mr rows and a panel w columns wide
// (1 ≤ w ≤ two vectors), with its tail argument. The plan numbers follow
// the plans in main of genasm/genasm.go.
func pickGemm(lv level, mr, w int) (gemmKernel, int) {
	if lv == levelAVX512 {
		switch {
		case w == 32:
			return gemmKernel512(mr, 0), 0
		case w == 16:
			return gemmKernel512(mr, 1), 0
		case w == 24:
			return gemmKernel512(mr, 2), 0
		case w == 8:
			return gemmKernel512(mr, 3), 0
		case w > 16:
			return gemmKernel512(mr, 4), 1<<(w-16) - 1
		default:
			return gemmKernel512(mr, 5), 1<<w - 1
		}
	}
	switch {
	case w == 16:
		return gemmKernel256(mr, 0), 0
	case w == 8:
		return gemmKernel256(mr, 1), 0
	case w > 8:
		return gemmKernel256(mr, 2), w - 8
	default:
		return gemmKernel256(mr, 3), w
	}
}

func gemmSIMD(lv level, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	nr := lv.panelWidth()
	// In row-major B, panel q starts q·nr columns in.
	gemmDrive(lv, m, 0, n, k, a, lda, unsafe.SliceData(b), nr, ldb, c, ldc, bias, act, nil, ActNone)
}

func gemmPackedSIMD(pb *PackedB, m int, a []float32, lda int, j0, j1 int, c []float32, ldc int, bias []float32, act Act, res []float32, act2 Act) {
	// Packed panels are k·nr elements apart, rows nr apart.
	gemmDrive(pb.lv, m, j0, j1, pb.k, a, lda, unsafe.SliceData(pb.data), pb.k*pb.nr, pb.nr, c, ldc, bias, act, res, act2)
}

// gemmDrive computes columns [jlo, n) of C (jlo a multiple of the panel
// width): it tiles them into row blocks of maxRows and column panels of two
// vectors and runs a micro-kernel per tile. Panel q of B starts
// q·panelStride elements after b, its rows ldb elements apart. Panels are
// taken in chunks that stay in L2 while every row block of A passes over
// them; within a chunk, one row block of A (in L1) meets each panel in turn.
// The caller has checked that every index lies inside the slices (res,
// when not nil, has C's layout).
func gemmDrive(lv level, m, jlo, n, k int, a []float32, lda int, b *float32, panelStride, ldb int, c []float32, ldc int, bias []float32, act Act, res []float32, act2 Act) {
	nr := lv.panelWidth()
	mrMax := lv.maxRows()
	nc := chunkCols(k, nr)
	for j0 := jlo; j0 < n; j0 += nc {
		j1 := min(n, j0+nc)
		for i0 := 0; i0 < m; i0 += mrMax {
			mr := min(mrMax, m-i0)
			full, fullTail := pickGemm(lv, mr, nr)
			ap := &a[i0*lda]
			for jj := j0; jj < j1; jj += nr {
				kern, tail := full, fullTail
				if w := j1 - jj; w < nr {
					kern, tail = pickGemm(lv, mr, w)
				}
				var bp, rp *float32
				if bias != nil {
					bp = &bias[jj]
				}
				if res != nil {
					rp = &res[i0*ldc+jj]
				}
				panel := (*float32)(unsafe.Add(unsafe.Pointer(b), 4*(jj/nr)*panelStride))
				kern(k, ap, lda, panel, ldb, &c[i0*ldc+jj], ldc, bp, int(act), tail, rp, int(act2))
			}
		}
	}
}

// pick2D returns the whole-filter depthwise kernel for p at level lv, or
// nil when the one-filter-row passes are faster. Measured on the pose
// models' shapes: holding the filter in registers pays for 3×3 filters
// (at stride 1 with AVX-512, at any stride with AVX2); a 5×5 filter makes
// each output a chain of 25 dependent multiply-adds, which the CPU cannot
// overlap well enough, and five short passes win.
func pick2D(lv level, p *DepthwiseParams) dw2dKernel {
	if p.KH != 3 || p.KW != 3 {
		return nil
	}
	if lv == levelAVX512 {
		if p.StrideW != 1 {
			return nil
		}
		return dw2dKernel512(3, p.Act)
	}
	return dw2dKernel256(3, p.Act)
}

// pickDW returns the one-filter-row depthwise pass for kw taps at level lv.
func pickDW(lv level, kw int, init, final bool, act Act) dwKernel {
	if lv == levelAVX512 {
		return dwKernel512(kw, init, final, act)
	}
	return dwKernel256(kw, init, final, act)
}

// depthwiseSIMD computes output rows [oy0, oy1).
//
// In a row whose filter rows all fall inside the input, the run of pixels
// whose taps all fall inside the input takes one call of the whole-filter
// kernel (filter in registers), where one exists for this filter size.
// Everything else, the rows at the top and bottom, the pixels at the left
// and right edges, and filters without a whole-filter kernel, goes one
// filter row at a time: each valid filter row ky adds its valid taps to
// the output (the first one starting from zero, the last adding the bias
// and applying the activation). Either way each output value receives its
// taps in the same order as in depthwiseGeneric.
func depthwiseSIMD(lv level, dst, src []float32, p *DepthwiseParams, oy0, oy1 int) {
	if p.KW > dwMaxKW {
		depthwiseGeneric(dst, src, p, oy0, oy1)
		return
	}
	c, sw := p.C, p.StrideW
	var bias *float32
	if p.Bias != nil {
		bias = unsafe.SliceData(p.Bias)
	}
	// Interior columns [oxL, oxR): 0 ≤ ox·sw − PadLeft and ox·sw − PadLeft + KW ≤ InW.
	oxL := 0
	if p.PadLeft > 0 {
		oxL = (p.PadLeft + sw - 1) / sw
	}
	oxR := 0
	if span := p.InW + p.PadLeft - p.KW; span >= 0 {
		oxR = span/sw + 1
	}
	oxL, oxR = min(oxL, p.OutW), min(oxR, p.OutW)
	right := max(oxL, oxR)
	whole := pick2D(lv, p)
	rowStride, fRowStride := p.InW*c, p.KW*c

	for oy := oy0; oy < oy1; oy++ {
		iy0 := oy*p.StrideH - p.PadTop
		ky0, ky1 := max(0, -iy0), min(p.KH, p.InH-iy0)
		row := dst[oy*p.OutW*c : (oy+1)*p.OutW*c]
		if ky0 >= ky1 {
			biasAct(row, p.Bias, c, p.Act)
			continue
		}
		use2D := whole != nil && ky0 == 0 && ky1 == p.KH && oxL < oxR
		if use2D {
			whole(&row[oxL*c], &src[iy0*rowStride+(oxL*sw-p.PadLeft)*c], &p.Filter[0], bias, oxR-oxL, sw, c, rowStride)
		}
		for ky := ky0; ky < ky1; ky++ {
			init, final := ky == ky0, ky == ky1-1
			in := src[(iy0+ky)*rowStride : (iy0+ky+1)*rowStride]
			f := p.Filter[ky*fRowStride : (ky+1)*fRowStride]
			for ox := 0; ox < p.OutW; {
				if ox == oxL && oxL < oxR {
					if !use2D {
						pickDW(lv, p.KW, init, final, p.Act)(&row[ox*c], &in[(ox*sw-p.PadLeft)*c], &f[0], bias, oxR-oxL, sw, c)
					}
					ox = right
					continue
				}
				ix0 := ox*sw - p.PadLeft
				kxa, kxb := max(0, -ix0), min(p.KW, p.InW-ix0)
				if kxa < kxb {
					pickDW(lv, kxb-kxa, init, final, p.Act)(&row[ox*c], &in[(ix0+kxa)*c], &f[kxa*c], bias, 1, sw, c)
				} else if ky == ky0 {
					biasAct(row[ox*c:(ox+1)*c], p.Bias, c, p.Act)
				}
				ox++
			}
		}
	}
}

// biasAct sets output pixels (c channels each) that no filter tap reaches
// to act(bias).
func biasAct(out, bias []float32, c int, act Act) {
	for i := 0; i < len(out); i += c {
		px := out[i : i+c]
		if bias != nil {
			copy(px, bias[:c])
		} else {
			clear(px)
		}
		if act != ActNone {
			for j := range px {
				px[j] = act.apply(px[j])
			}
		}
	}
}

// tapConvSIMD runs TapConv's assembly; the caller has checked the bounds
// and that there is at least one tap.
func tapConvSIMD(lv level, out, src []float32, offs []int, w []float32, bias float32, act Act) {
	b := bias
	if lv == levelAVX512 {
		taps512(&out[0], &src[0], &offs[0], &w[0], len(offs), len(out), &b, int(act))
		return
	}
	taps256(&out[0], &src[0], &offs[0], &w[0], len(offs), len(out), &b, int(act))
}

// sigmoidSIMD runs the sigmoid kernel over dst (len(src) ≥ len(dst)) and
// returns how many values it settled.
func sigmoidSIMD(lv level, dst, src []float32) int {
	if len(dst) == 0 {
		return 0
	}
	if lv == levelAVX512 {
		return sigmoid512(&dst[0], &src[0], len(dst))
	}
	return sigmoid256(&dst[0], &src[0], len(dst))
}

// resizeRowSIMD runs the resize kernel; the caller has checked the bounds
// and that c is a whole number of vectors.
func resizeRowSIMD(lv level, dst, top, bot []float32, xo []int, fx []float64, c int, fy float64, res []float32, act Act) {
	var rp *float32
	if res != nil {
		rp = &res[0]
	}
	if lv == levelAVX512 {
		resize512(&dst[0], &top[0], &bot[0], &xo[0], &fx[0], len(fx), c, fy, rp, int(act))
		return
	}
	resize256(&dst[0], &top[0], &bot[0], &xo[0], &fx[0], len(fx), c, fy, rp, int(act))
}

// deinterleaveSIMD copies the first pixels with the assembly and returns
// how many it did (all with AVX-512, a multiple of 8 with AVX2).
func deinterleaveSIMD(lv level, dst []float32, dstStride int, src []float32, c, n int) int {
	if lv == levelAVX512 {
		deint512(&dst[0], dstStride, &src[0], c, n)
		return n
	}
	m := n / 8 * 8
	if m > 0 {
		deint256(&dst[0], dstStride, &src[0], c, m)
	}
	return m
}
