// Package kernel holds the numeric inner loops of the pose runtime: matrix
// multiplication (which every convolution reduces to) and depthwise
// convolution, each with bias and activation fused.
//
// Every kernel has a portable pure-Go version (the reference, used on every
// architecture and in tests) and may have an assembly version chosen at run
// time from the CPU's features. Both must agree; see the tests.
package kernel

// Act is an activation fused into a kernel's output.
type Act uint8

// The fused activations the pose models use.
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

// Gemm computes C = act(A·B + bias) for row-major matrices:
// A is m×k with row stride lda, B is k×n with row stride ldb, C is m×n with
// row stride ldc, bias has n elements or is nil. C is overwritten.
func Gemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	gemmGeneric(m, n, k, a, lda, b, ldb, c, ldc, bias, act)
}

func gemmGeneric(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32, act Act) {
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if bias != nil {
			copy(ci, bias[:n])
		} else {
			clear(ci)
		}
		ai := a[i*lda : i*lda+k]
		for p, av := range ai {
			if av == 0 {
				continue
			}
			bp := b[p*ldb : p*ldb+n]
			for j, bv := range bp {
				ci[j] += av * bv
			}
		}
		if act != ActNone {
			for j := range ci {
				ci[j] = act.apply(ci[j])
			}
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
func Depthwise(dst, src []float32, p *DepthwiseParams) {
	depthwiseGeneric(dst, src, p)
}

func depthwiseGeneric(dst, src []float32, p *DepthwiseParams) {
	c := p.C
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			out := dst[(oy*p.OutW+ox)*c : (oy*p.OutW+ox+1)*c]
			if p.Bias != nil {
				copy(out, p.Bias[:c])
			} else {
				clear(out)
			}
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
						out[ch] += in[ch] * f[ch]
					}
				}
			}
			if p.Act != ActNone {
				for ch := range out {
					out[ch] = p.Act.apply(out[ch])
				}
			}
		}
	}
}
