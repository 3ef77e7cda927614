package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// The benchmarks run the kernels this process selected (see Impl). To
// compare implementations, run them once per setting and feed both outputs
// to benchstat, e.g.
//
//	KNEETRACK_NOASM=1 go test -run='^$' -bench=. -count=5 ./internal/nn/kernel | tee generic.txt
//	go test -run='^$' -bench=. -count=5 ./internal/nn/kernel | tee asm.txt
//	benchstat generic.txt asm.txt
//
// Names carry only the shape, so results of different settings line up.
// GFLOP/s counts two flops per multiply-add of the nominal convolution
// (padding taps included for depthwise) and divides by the CPU time of the
// benchmark's thread where the OS reports it (Linux), not by wall-clock
// time: on a shared 2-core machine other processes take turns on our core,
// and that waiting is not the kernel's cost. ns/op remains wall-clock.

// measure runs op in b.Loop on one locked OS thread and reports GFLOP/s
// for flops per call.
func measure(b *testing.B, flops float64, op func()) {
	measureRate(b, flops/1e9, "GFLOP/s", op)
}

// measureRate runs op in b.Loop on one locked OS thread and reports
// per·calls/second (CPU time, see above) as metric unit.
func measureRate(b *testing.B, per float64, unit string, op func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	op() // warm caches and the branch predictor outside the timing
	b.ResetTimer()
	cpu0, ok := threadCPU()
	for b.Loop() {
		op()
	}
	elapsed := b.Elapsed()
	if cpu1, ok1 := threadCPU(); ok && ok1 && cpu1 > cpu0 {
		elapsed = min(elapsed, cpu1-cpu0)
	}
	b.ReportMetric(per*float64(b.N)/elapsed.Seconds(), unit)
}

// gemmShapes are GEMMs of the pose models: 1×1 convolutions (m = pixels,
// k = input channels, n = output channels) and im2col'd 3×3 convolutions
// (k = 9·input channels).
var gemmShapes = []struct{ m, n, k int }{
	{16384, 24, 27},  // blazepose 3×3/2 stem via im2col, 128×128 out
	{9216, 32, 27},   // movenet-lightning 3×3/2 stem via im2col, 96×96 out
	{16384, 24, 24},  // 1×1 at 128×128
	{4096, 48, 48},   // 1×1 at 64×64
	{4096, 48, 288},  // 1×1 at 64×64, wide input
	{4096, 144, 24},  // movenet-thunder expansion at 64×64
	{2304, 24, 144},  // movenet-lightning projection at 48×48
	{1024, 96, 96},   // 1×1 at 32×32
	{1024, 96, 576},  // 1×1 at 32×32, wide input
	{576, 192, 32},   // movenet expansion at 24×24
	{256, 192, 192},  // 1×1 at 16×16
	{256, 192, 1152}, // 3×3 conv of 128 channels at 16×16 via im2col
	{144, 576, 96},   // movenet expansion at 12×12
	{64, 288, 288},   // 1×1 at 8×8
	{64, 1680, 280},  // movenet-thunder expansion at 8×8
	{64, 280, 1680},  // movenet-thunder projection at 8×8
	{64, 1632, 272},  // blazepose-heavy expansion at 8×8
}

func benchGemm(b *testing.B, packed bool) {
	for _, s := range gemmShapes {
		b.Run(fmt.Sprintf("m=%d/n=%d/k=%d", s.m, s.n, s.k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			a := make([]float32, s.m*s.k)
			w := make([]float32, s.k*s.n)
			bias := make([]float32, s.n)
			c := make([]float32, s.m*s.n)
			randFloats(r, a, 1)
			randFloats(r, w, 1)
			randFloats(r, bias, 1)
			pb := PackB(s.k, s.n, w)
			measure(b, 2*float64(s.m*s.n*s.k), func() {
				if packed {
					GemmPacked(s.m, a, s.k, pb, c, s.n, bias, ActRelu6)
				} else {
					Gemm(s.m, s.n, s.k, a, s.k, w, s.n, c, s.n, bias, ActRelu6)
				}
			})
		})
	}
}

// BenchmarkGemm multiplies with B as given (row-major, as Gemm takes it).
func BenchmarkGemm(b *testing.B) { benchGemm(b, false) }

// BenchmarkGemmPacked multiplies with B packed once by PackB.
func BenchmarkGemmPacked(b *testing.B) { benchGemm(b, true) }

// dwShapes are depthwise convolutions of the pose models: input size and
// channels, square filter, stride, SAME (else VALID) padding.
var dwShapes = []struct {
	h, c, k, s int
	same       bool
}{
	{128, 24, 3, 1, true},
	{128, 24, 3, 2, false},
	{64, 48, 3, 1, true},
	{64, 48, 5, 1, true},
	{48, 144, 3, 1, true},
	{32, 96, 5, 1, true},
	{32, 96, 5, 2, false},
	{24, 192, 3, 2, true},
	{16, 192, 5, 1, true},
	{12, 576, 3, 1, true},
	{8, 288, 5, 1, true},
}

// BenchmarkDepthwise runs Depthwise with bias and Relu6, as the models do.
func BenchmarkDepthwise(b *testing.B) {
	for _, s := range dwShapes {
		pad := "valid"
		if s.same {
			pad = "same"
		}
		b.Run(fmt.Sprintf("in=%dx%dx%d/k=%d/s=%d/%s", s.h, s.h, s.c, s.k, s.s, pad), func(b *testing.B) {
			r := rand.New(rand.NewPCG(3, 4))
			d, src := newDW(b, r, s.h, s.h, s.c, s.k, s.k, s.s, s.same, true, ActRelu6)
			dst := make([]float32, d.p.OutH*d.p.OutW*d.p.C)
			flops := 2 * float64(d.p.OutH*d.p.OutW*d.p.C*d.p.KH*d.p.KW)
			measure(b, flops, func() { Depthwise(dst, src, &d.p) })
		})
	}
}

// BenchmarkTapConv: BlazePose's segmentation output, a 3×3 convolution of
// 8 channels to 1 over 256×256, as TapConv runs it (one output row per
// call, over channel-planar rows of 258 columns).
func BenchmarkTapConv(b *testing.B) {
	const h, w, c, cols = 256, 256, 8, 258
	r := rand.New(rand.NewPCG(5, 6))
	planar := make([]float32, (h+2)*c*cols)
	randFloats(r, planar, 1)
	var offs []int
	for ky := range 3 {
		for kx := range 3 {
			for ci := range c {
				offs = append(offs, (ky*c+ci)*cols+kx)
			}
		}
	}
	wts := make([]float32, len(offs))
	randFloats(r, wts, 1)
	out := make([]float32, h*w)
	measure(b, 2*float64(h*w*len(offs)), func() {
		for y := range h {
			TapConv(out[y*w:(y+1)*w], planar[y*c*cols:], offs, wts, 0.5, ActNone)
		}
	})
}

// BenchmarkResizeRow: BlazePose's last upsampling, 128×128×8 to
// 256×256×8, with the residual add fused; the rate is output values.
func BenchmarkResizeRow(b *testing.B) {
	const in, out, c = 128, 256, 8
	r := rand.New(rand.NewPCG(7, 8))
	src := make([]float32, in*in*c)
	randFloats(r, src, 1)
	res := make([]float32, out*out*c)
	dst := make([]float32, out*out*c)
	xo := make([]int, 2*out)
	fx := make([]float64, out)
	for x := range out {
		s := (float64(x)+0.5)/2 - 0.5
		l := max(0, int(s))
		xo[2*x], xo[2*x+1] = l*c, min(l+1, in-1)*c
		fx[x] = max(0, s-float64(l))
	}
	measureRate(b, float64(out*out*c)/1e9, "Gvalues/s", func() {
		for y := range out {
			top := (y / 2) * in * c
			ResizeRow(dst[y*out*c:], src[top:top+in*c], src[top:top+in*c], xo, fx, c, 0.25, res[y*out*c:], ActRelu6)
		}
	})
}
