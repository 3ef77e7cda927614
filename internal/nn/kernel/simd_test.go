package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Tolerance. The Go kernels and the assembly add the same terms in the same
// order; the assembly rounds once per fused multiply-add where Go rounds
// the product and then the sum. For a sum of n terms (the bias and the
// products), each way of rounding is within γ(n)·S of the exact value, with
// S the sum of the terms' magnitudes and γ(n) = n·u/(1−n·u), u = 2⁻²⁴
// (Higham, Accuracy and Stability of Numerical Algorithms, §3.1). So the two
// results differ by at most 2·γ(n)·S. Relu and Relu6 never widen a gap. The
// bound is tight enough to catch a wrong tap, a lost term or a term counted
// twice, all of which change results by roughly one term's size.
const unitRoundoff = 1.0 / (1 << 24)

func bound(terms int, magnitude float64) float64 {
	g := float64(terms) * unitRoundoff
	return 2*g/(1-g)*magnitude + 1e-38 // the floor covers subnormal results
}

// errStats collects the largest gap seen and the largest gap as a share of
// its bound, for the test log.
type errStats struct {
	maxAbs, maxRatio float64
	n                int
}

// check compares got with want within tol, recording the gap; what names
// the value in a failure message (built only on failure: it is costly).
func (s *errStats) check(t *testing.T, what func() string, got, want float32, tol float64) bool {
	t.Helper()
	s.n++
	if math.IsNaN(float64(want)) {
		if !math.IsNaN(float64(got)) {
			t.Errorf("%s: got %v, want NaN", what(), got)
			return false
		}
		return true
	}
	d := math.Abs(float64(got) - float64(want))
	s.maxAbs = max(s.maxAbs, d)
	s.maxRatio = max(s.maxRatio, d/tol)
	if d > tol {
		t.Errorf("%s: got %v, want %v (gap %.3g > bound %.3g)", what(), got, want, d, tol)
		return false
	}
	return true
}

func (s *errStats) log(t *testing.T, lv level) {
	t.Helper()
	t.Logf("%s: %d values, max |gap| %.3g, max gap/bound %.3f", lv, s.n, s.maxAbs, s.maxRatio)
}

// simdLevels lists the assembly levels this machine runs; the test skips
// when there is none (other architectures, purego builds).
func simdLevels(t *testing.T) []level {
	t.Helper()
	var out []level
	for _, lv := range levels() {
		if lv != levelGeneric {
			out = append(out, lv)
		}
	}
	if len(out) == 0 {
		t.Skip("no assembly kernels on this machine or build")
	}
	return out
}

func randFloats(r *rand.Rand, s []float32, scale float32) {
	for i := range s {
		s[i] = (r.Float32()*2 - 1) * scale
	}
}

const sentinel = float32(-12345.5)

// gemmCase is one GEMM problem with its padded strides.
type gemmCase struct {
	m, n, k, lda, ldb, ldc int
	bias                   bool
	act                    Act
}

func (g gemmCase) String() string {
	return fmt.Sprintf("m=%d n=%d k=%d lda=%d ldb=%d ldc=%d bias=%v act=%v", g.m, g.n, g.k, g.lda, g.ldb, g.ldc, g.bias, g.act)
}

// runGemmCase runs g at level lv (directly and through a packed B) and
// compares with the Go kernel element by element. A, B and C end at a guard
// page, and the padding of C between rows must stay untouched.
func runGemmCase(t *testing.T, r *rand.Rand, lv level, g gemmCase, st *errStats) {
	t.Helper()
	a := guarded(t, (g.m-1)*g.lda+g.k)
	b := guarded(t, (g.k-1)*g.ldb+g.n)
	randFloats(r, a, 2)
	randFloats(r, b, 1)
	var bias []float32
	if g.bias {
		bias = guarded(t, g.n)
		randFloats(r, bias, 3)
	}
	want := make([]float32, (g.m-1)*g.ldc+g.n)
	gemmGeneric(g.m, g.n, g.k, a, g.lda, b, g.ldb, want, g.ldc, bias, g.act)

	got := guarded(t, len(want))
	for i := range got {
		got[i] = sentinel
	}
	gemmAt(lv, g.m, g.n, g.k, a, g.lda, b, g.ldb, got, g.ldc, bias, g.act)
	bad := 0
	for i := 0; i < g.m && bad < 5; i++ {
		for j := 0; j < g.ldc && bad < 5; j++ {
			if i*g.ldc+j >= len(got) {
				break
			}
			if j >= g.n {
				if got[i*g.ldc+j] != sentinel {
					t.Errorf("%v %v: C padding [%d][%d] overwritten", lv, g, i, j)
					bad++
				}
				continue
			}
			mag := 0.0
			if bias != nil {
				mag = math.Abs(float64(bias[j]))
			}
			for p := 0; p < g.k; p++ {
				mag += math.Abs(float64(a[i*g.lda+p]) * float64(b[p*g.ldb+j]))
			}
			if !st.check(t, func() string { return fmt.Sprintf("%v %v C[%d][%d]", lv, g, i, j) }, got[i*g.ldc+j], want[i*g.ldc+j], bound(g.k+1, mag)) {
				bad++
			}
		}
	}

	// The packed form must give the same bits as the direct one.
	if g.ldb != g.n {
		return
	}
	pb := packB(lv, g.k, g.n, b)
	packed := guarded(t, len(want))
	for i := range packed {
		packed[i] = sentinel
	}
	GemmPacked(g.m, a, g.lda, pb, packed, g.ldc, bias, g.act)
	for i := range packed {
		if math.Float32bits(packed[i]) != math.Float32bits(got[i]) {
			t.Errorf("%v %v: packed C[%d] = %v, direct %v", lv, g, i, packed[i], got[i])
			break
		}
	}

	// Column ranges split at multiples of ColBlock give the same bits and
	// write only their columns.
	if g.n > ColBlock {
		split := guarded(t, len(want))
		for i := range split {
			split[i] = sentinel
		}
		cut := ColBlock * (1 + r.IntN((g.n-1)/ColBlock))
		GemmPackedCols(g.m, a, g.lda, pb, 0, cut, split, g.ldc, bias, g.act, nil, ActNone)
		for i := range split {
			if j := i % g.ldc; j >= cut && split[i] != sentinel {
				t.Fatalf("%v %v: columns [0, %d) wrote C[%d][%d]", lv, g, cut, i/g.ldc, j)
			}
		}
		GemmPackedCols(g.m, a, g.lda, pb, cut, g.n, split, g.ldc, bias, g.act, nil, ActNone)
		for i := range split {
			if math.Float32bits(split[i]) != math.Float32bits(got[i]) {
				t.Fatalf("%v %v: split at column %d: C[%d] = %v, whole %v", lv, g, cut, i, split[i], got[i])
			}
		}
	}

	// With a residual: exactly the product above, then one float32
	// addition, then act2; the padding of C stays untouched.
	res := guarded(t, len(want))
	randFloats(r, res, 4)
	act2 := Act((int(g.act) + g.m) % 3)
	fused := guarded(t, len(want))
	for i := range fused {
		fused[i] = sentinel
	}
	GemmPackedRes(g.m, a, g.lda, pb, fused, g.ldc, bias, g.act, res, act2)
	for i := range fused {
		want := sentinel
		if i%g.ldc < g.n {
			want = act2.apply(got[i] + res[i])
		}
		if math.Float32bits(fused[i]) != math.Float32bits(want) {
			t.Errorf("%v %v act2=%v: residual C[%d] = %v, want %v", lv, g, act2, i, fused[i], want)
			break
		}
	}
}

// TestGemmMatchesGeneric runs every assembly level on random shapes with m,
// n, k in 1..70 (covering every tile row count and every column tail),
// padded and unpadded strides, all activations, with and without bias.
func TestGemmMatchesGeneric(t *testing.T) {
	for _, lv := range simdLevels(t) {
		r := rand.New(rand.NewPCG(1, uint64(lv)))
		var st errStats
		for it := 0; it < 400; it++ {
			g := gemmCase{m: 1 + r.IntN(70), n: 1 + r.IntN(70), k: 1 + r.IntN(70), bias: r.IntN(2) == 0, act: Act(r.IntN(3))}
			g.lda, g.ldb, g.ldc = g.k, g.n, g.n
			if r.IntN(3) == 0 {
				g.lda += r.IntN(5)
				g.ldc += r.IntN(5)
			}
			if r.IntN(4) == 0 {
				g.ldb += 1 + r.IntN(5)
			}
			runGemmCase(t, r, lv, g, &st)
			if t.Failed() {
				return
			}
		}
		st.log(t, lv)
	}
}

// TestGemmEdges covers the shapes most likely to break a tiled kernel: one
// row or column, k of 1 (no reuse) and 3 or 27 (first convolution's im2col),
// widths one either side of a vector and of a panel, and m either side of a
// full row block.
func TestGemmEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, lv := range simdLevels(t) {
		var st errStats
		for _, m := range []int{1, 5, 6, 7, 11, 12, 13, 25} {
			for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48} {
				for _, k := range []int{1, 3, 27} {
					for act := ActNone; act <= ActRelu6; act++ {
						runGemmCase(t, r, lv, gemmCase{m: m, n: n, k: k, lda: k, ldb: n, ldc: n, bias: act != ActRelu, act: act}, &st)
					}
				}
			}
		}
		st.log(t, lv)
	}
}

// TestGemmModelShapes runs the 1×1 and im2col convolution shapes of the pose
// models, including B wider than one column chunk.
func TestGemmModelShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("model-sized shapes skipped in -short mode")
	}
	r := rand.New(rand.NewPCG(3, 3))
	shapes := [][3]int{ // m, n, k
		{16384, 24, 27}, {9216, 32, 27}, {16384, 24, 24}, {4096, 48, 288}, {4096, 288, 48},
		{1024, 96, 576}, {256, 192, 1152}, {64, 288, 2592}, {1, 195, 1152}, {4, 288, 1152},
	}
	for _, lv := range simdLevels(t) {
		var st errStats
		for i, s := range shapes {
			runGemmCase(t, r, lv, gemmCase{m: s[0], n: s[1], k: s[2], lda: s[2], ldb: s[1], ldc: s[1], bias: i%3 != 2, act: Act(i % 3)}, &st)
		}
		st.log(t, lv)
	}
}

// TestGemmZeroSizes: empty products write nothing (m or n zero) or only
// act(bias) (k zero), at every level.
func TestGemmZeroSizes(t *testing.T) {
	for _, lv := range levels() {
		c := []float32{sentinel, sentinel, sentinel, sentinel}
		gemmAt(lv, 0, 2, 3, nil, 3, nil, 2, c, 2, nil, ActNone)
		gemmAt(lv, 2, 0, 3, nil, 3, nil, 0, c, 0, nil, ActNone)
		for _, v := range c {
			if v != sentinel {
				t.Fatalf("%v: empty GEMM wrote C: %v", lv, c)
			}
		}
		gemmAt(lv, 2, 2, 0, nil, 0, nil, 2, c, 2, []float32{-1, 7}, ActRelu6)
		if want := []float32{0, 6, 0, 6}; fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("%v: k=0 GEMM gave %v, want %v", lv, c, want)
		}
	}
}

// TestActivationNaN: a NaN sum stays NaN through every activation, in Go
// and in assembly, and Relu keeps -0 as the Go code does.
func TestActivationNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, lv := range levels() {
		for act := ActNone; act <= ActRelu6; act++ {
			c := make([]float32, 2)
			gemmAt(lv, 1, 2, 1, []float32{1}, 1, []float32{nan, 0}, 2, c, 2, []float32{0, float32(math.Copysign(0, -1))}, act)
			if !math.IsNaN(float64(c[0])) {
				t.Errorf("%v %v: NaN sum became %v", lv, act, c[0])
			}
		}
	}
}

// dwCase is one depthwise problem.
type dwCase struct{ p DepthwiseParams }

func (d dwCase) String() string {
	p := d.p
	return fmt.Sprintf("in=%dx%dx%d out=%dx%d k=%dx%d s=%dx%d pad=%d,%d bias=%v act=%v",
		p.InH, p.InW, p.C, p.OutH, p.OutW, p.KH, p.KW, p.StrideH, p.StrideW, p.PadTop, p.PadLeft, p.Bias != nil, p.Act)
}

// newDW makes a depthwise problem with random data in guarded slices, its
// output size and padding following TF's SAME or VALID rule.
func newDW(t testing.TB, r *rand.Rand, h, w, c, kh, kw, s int, same, bias bool, act Act) (dwCase, []float32) {
	t.Helper()
	p := DepthwiseParams{InH: h, InW: w, C: c, KH: kh, KW: kw, StrideH: s, StrideW: s, Act: act}
	if same {
		p.OutH, p.OutW = (h+s-1)/s, (w+s-1)/s
		p.PadTop = max(0, ((p.OutH-1)*s+kh-h)/2)
		p.PadLeft = max(0, ((p.OutW-1)*s+kw-w)/2)
	} else {
		p.OutH, p.OutW = max(0, (h-kh)/s+1), max(0, (w-kw)/s+1)
	}
	p.Filter = guarded(t, kh*kw*c)
	randFloats(r, p.Filter, 1)
	if bias {
		p.Bias = guarded(t, c)
		randFloats(r, p.Bias, 2)
	}
	src := guarded(t, h*w*c)
	randFloats(r, src, 3)
	return dwCase{p}, src
}

// runDWCase compares level lv with the Go kernel on every output value.
func runDWCase(t *testing.T, lv level, d dwCase, src []float32, st *errStats) {
	t.Helper()
	p := &d.p
	n := p.OutH * p.OutW * p.C
	want := make([]float32, n)
	depthwiseGeneric(want, src, p, 0, p.OutH)
	got := guarded(t, n)
	for i := range got {
		got[i] = sentinel
	}
	depthwiseAt(lv, got, src, p, 0, p.OutH)
	bad := 0
	for oy := 0; oy < p.OutH && bad < 5; oy++ {
		for ox := 0; ox < p.OutW && bad < 5; ox++ {
			for ch := 0; ch < p.C && bad < 5; ch++ {
				mag, terms := 0.0, 1
				if p.Bias != nil {
					mag = math.Abs(float64(p.Bias[ch]))
				}
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH+ky-p.PadTop, ox*p.StrideW+kx-p.PadLeft
						if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
							continue
						}
						terms++
						mag += math.Abs(float64(src[(iy*p.InW+ix)*p.C+ch]) * float64(p.Filter[(ky*p.KW+kx)*p.C+ch]))
					}
				}
				i := (oy*p.OutW+ox)*p.C + ch
				if !st.check(t, func() string { return fmt.Sprintf("%v %v out[%d][%d][%d]", lv, d, oy, ox, ch) }, got[i], want[i], bound(terms, mag)) {
					bad++
				}
			}
		}
	}
}

// TestDepthwiseMatchesGeneric runs every assembly level on random images
// (1..20 pixels a side, 1..40 channels so every tail of a vector occurs),
// filters 1..7 wide and 8 (beyond the assembly: Go fallback), strides 1..3,
// SAME and VALID padding, all activations, with and without bias.
func TestDepthwiseMatchesGeneric(t *testing.T) {
	for _, lv := range simdLevels(t) {
		r := rand.New(rand.NewPCG(4, uint64(lv)))
		var st errStats
		for it := 0; it < 300; it++ {
			k := []int{1, 2, 3, 5, 7, 8}[r.IntN(6)]
			kh := k
			if r.IntN(4) == 0 {
				kh = 1 + r.IntN(5)
			}
			d, src := newDW(t, r, 1+r.IntN(20), 1+r.IntN(20), 1+r.IntN(40), kh, k, 1+r.IntN(3), r.IntN(2) == 0, r.IntN(2) == 0, Act(r.IntN(3)))
			runDWCase(t, lv, d, src, &st)
			if t.Failed() {
				return
			}
		}
		st.log(t, lv)
	}
}

// TestDepthwiseOddPadding covers output pixels that no tap reaches (padding
// wider than the filter), asymmetric padding and outputs larger than SAME.
func TestDepthwiseOddPadding(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, lv := range simdLevels(t) {
		var st errStats
		for _, pad := range [][2]int{{0, 3}, {3, 0}, {4, 4}, {1, 2}} {
			for _, act := range []Act{ActNone, ActRelu6} {
				d, src := newDW(t, r, 5, 6, 19, 3, 3, 1, false, true, act)
				p := &d.p
				p.PadTop, p.PadLeft = pad[0], pad[1]
				p.OutH, p.OutW = 9, 10
				runDWCase(t, lv, d, src, &st)
			}
		}
		st.log(t, lv)
	}
}

// TestDepthwiseModelShapes runs the depthwise shapes of the pose models.
func TestDepthwiseModelShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	shapes := []struct {
		h, c, k, s int
		same       bool
	}{
		{128, 24, 3, 1, true}, {128, 24, 3, 2, false}, {64, 48, 5, 1, true}, {32, 96, 5, 2, false},
		{32, 96, 3, 2, true}, {16, 192, 5, 1, true}, {8, 288, 5, 1, true}, {48, 1000, 3, 1, true},
	}
	for _, lv := range simdLevels(t) {
		var st errStats
		for i, s := range shapes {
			d, src := newDW(t, r, s.h, s.h, s.c, s.k, s.k, s.s, s.same, i%2 == 0, []Act{ActRelu6, ActNone, ActRelu}[i%3])
			runDWCase(t, lv, d, src, &st)
		}
		st.log(t, lv)
	}
}

// TestDepthwiseRows: computing rows in two ranges gives the whole result,
// and a range writes only its own rows.
func TestDepthwiseRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, lv := range levels() {
		d, src := newDW(t, r, 11, 9, 20, 3, 3, 2, true, true, ActRelu6)
		p := &d.p
		whole := make([]float32, p.OutH*p.OutW*p.C)
		depthwiseAt(lv, whole, src, p, 0, p.OutH)
		split := make([]float32, len(whole))
		for i := range split {
			split[i] = sentinel
		}
		mid := p.OutH / 2
		depthwiseAt(lv, split, src, p, 0, mid)
		for i := mid * p.OutW * p.C; i < len(split); i++ {
			if split[i] != sentinel {
				t.Fatalf("%v: rows [0,%d) wrote element %d of row %d", lv, mid, i, i/(p.OutW*p.C))
			}
		}
		depthwiseAt(lv, split, src, p, mid, p.OutH)
		for i := range whole {
			if math.Float32bits(split[i]) != math.Float32bits(whole[i]) {
				t.Fatalf("%v: split rows differ at %d: %v vs %v", lv, i, split[i], whole[i])
			}
		}
	}
}

// TestDetectLevel: the environment switches lower the level and never
// raise it.
func TestDetectLevel(t *testing.T) {
	none := func(string) bool { return false }
	only := func(name string) func(string) bool { return func(s string) bool { return s == name } }
	best := detectLevel(none)
	if got := detectLevel(only("KNEETRACK_NOASM")); got != levelGeneric {
		t.Errorf("KNEETRACK_NOASM=1 gave %v, want generic", got)
	}
	if got := detectLevel(only("KNEETRACK_NOAVX512")); got == levelAVX512 || got > best {
		t.Errorf("KNEETRACK_NOAVX512=1 gave %v (best %v)", got, best)
	}
	lv := levels()
	if best != lv[len(lv)-1] {
		t.Errorf("detectLevel = %v, but the best level this machine runs is %v", best, lv[len(lv)-1])
	}
	t.Logf("kernels in use: %s", Impl())
}

// TestChecksPanic: shapes that do not fit their slices are refused before
// any assembly touches memory.
func TestChecksPanic(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	mustPanic("short A", func() {
		Gemm(2, 2, 2, make([]float32, 3), 2, make([]float32, 4), 2, make([]float32, 4), 2, nil, ActNone)
	})
	mustPanic("short B", func() {
		Gemm(2, 2, 2, make([]float32, 4), 2, make([]float32, 3), 2, make([]float32, 4), 2, nil, ActNone)
	})
	mustPanic("short C", func() {
		Gemm(2, 2, 2, make([]float32, 4), 2, make([]float32, 4), 2, make([]float32, 3), 2, nil, ActNone)
	})
	mustPanic("short bias", func() {
		Gemm(2, 2, 2, make([]float32, 4), 2, make([]float32, 4), 2, make([]float32, 4), 2, make([]float32, 1), ActNone)
	})
	mustPanic("ldc < n", func() {
		Gemm(2, 2, 2, make([]float32, 4), 2, make([]float32, 4), 2, make([]float32, 4), 1, nil, ActNone)
	})
	p := DepthwiseParams{InH: 3, InW: 3, C: 2, OutH: 3, OutW: 3, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1,
		Filter: make([]float32, 18)}
	mustPanic("short src", func() { Depthwise(make([]float32, 18), make([]float32, 17), &p) })
	mustPanic("short dst", func() { Depthwise(make([]float32, 17), make([]float32, 18), &p) })
	mustPanic("rows", func() { DepthwiseRows(make([]float32, 18), make([]float32, 18), &p, 2, 4) })
	p.StrideW = 0
	mustPanic("stride 0", func() { Depthwise(make([]float32, 18), make([]float32, 18), &p) })
}

// TestNoAllocs: the kernels allocate nothing per call, at every level, so
// the runtime can run inference without garbage.
func TestNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	const m, n, k = 50, 40, 30
	a, b, c, bias := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n), make([]float32, n)
	randFloats(r, a, 1)
	randFloats(r, b, 1)
	d, src := newDW(t, r, 9, 9, 20, 3, 3, 1, true, true, ActRelu6)
	d5, src5 := newDW(t, r, 9, 9, 20, 5, 5, 2, true, false, ActRelu)
	dst := make([]float32, d.p.OutH*d.p.OutW*d.p.C)
	res := make([]float32, m*n)
	offs, w := []int{0, 1, 5, 9}, []float32{1, 2, 3, 4}
	fx, xo := []float64{0.25, 0.75}, []int{0, 8, 8, 16}
	for _, lv := range levels() {
		pb := packB(lv, k, n, b)
		allocs := testing.AllocsPerRun(20, func() {
			gemmAt(lv, m, n, k, a, k, b, n, c, n, bias, ActRelu6)
			GemmPacked(m, a, k, pb, c, n, nil, ActNone)
			GemmPackedRes(m, a, k, pb, c, n, bias, ActNone, res, ActRelu6)
			GemmPackedCols(m, a, k, pb, ColBlock, n, c, n, bias, ActNone, res, ActRelu6)
			depthwiseAt(lv, dst, src, &d.p, 0, d.p.OutH)
			depthwiseAt(lv, dst, src5, &d5.p, 0, d5.p.OutH)
			tapConvAt(lv, c[:30], a, offs, w, 1, ActRelu)
			sigmoidAt(lv, c[:37], a[:37])
			resizeRowAt(lv, c[:16], a[:24], a[24:48], xo, fx, 8, 0.5, res[:16], ActRelu6)
			deinterleaveAt(lv, c, 40, a, 8, 37)
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per call", lv, allocs)
		}
	}
}

// TestTapConvMatchesGeneric runs the tap convolution at every assembly level
// on random runs (1..100 outputs: every vector tail, one to several runs
// of four vectors), 1..80 taps at random offsets, every activation, with
// and without bias. src and out end at a guard page, so reading one
// element too far faults.
func TestTapConvMatchesGeneric(t *testing.T) {
	for _, lv := range simdLevels(t) {
		r := rand.New(rand.NewPCG(9, uint64(lv)))
		var st errStats
		for it := 0; it < 300; it++ {
			count, ntaps, span := 1+r.IntN(100), 1+r.IntN(80), r.IntN(50)
			src := guarded(t, count+span)
			randFloats(r, src, 3)
			offs := make([]int, ntaps)
			w := make([]float32, ntaps)
			for i := range offs {
				offs[i] = r.IntN(span + 1)
			}
			offs[r.IntN(ntaps)] = span // one tap reads up to the last element
			randFloats(r, w, 1)
			var bias float32
			if r.IntN(2) == 0 {
				bias = (r.Float32()*2 - 1) * 2
			}
			act := Act(r.IntN(3))
			want := make([]float32, count)
			tapConvGeneric(want, src, offs, w, bias, act)
			got := guarded(t, count)
			tapConvAt(lv, got, src, offs, w, bias, act)
			for x := range got {
				mag := math.Abs(float64(bias))
				for i, o := range offs {
					mag += math.Abs(float64(src[o+x]) * float64(w[i]))
				}
				if !st.check(t, func() string {
					return fmt.Sprintf("%v count=%d taps=%d act=%v out[%d]", lv, count, ntaps, act, x)
				}, got[x], want[x], bound(ntaps+1, mag)) {
					return
				}
			}
		}
		st.log(t, lv)
	}
}

// TestResizeRowMatchesGeneric: the assembly computes exactly the Go code's
// bits (both round every float64 operation the same way), on random rows
// with 1..70 output columns (stretching and shrinking), channel counts
// that are and are not whole vectors, with and without a residual, every
// activation. Rows and outputs end at guard pages.
func TestResizeRowMatchesGeneric(t *testing.T) {
	for _, lv := range simdLevels(t) {
		r := rand.New(rand.NewPCG(10, uint64(lv)))
		for it := 0; it < 300; it++ {
			c := []int{4, 8, 16, 24, 48, 3, 12}[r.IntN(7)]
			inW, w := 1+r.IntN(40), 1+r.IntN(70)
			top, bot := guarded(t, inW*c), guarded(t, inW*c)
			randFloats(r, top, 5)
			randFloats(r, bot, 5)
			xo := make([]int, 2*w)
			fx := make([]float64, w)
			for x := range fx {
				l := r.IntN(inW)
				xo[2*x], xo[2*x+1] = l*c, min(l+1, inW-1)*c
				fx[x] = r.Float64()
			}
			fy := r.Float64()
			var res []float32
			if r.IntN(2) == 0 {
				res = guarded(t, w*c)
				randFloats(r, res, 5)
			}
			act := Act(r.IntN(3))
			want := make([]float32, w*c)
			resizeRowGeneric(want, top, bot, xo, fx, c, fy, res, act)
			got := guarded(t, w*c)
			resizeRowAt(lv, got, top, bot, xo, fx, c, fy, res, act)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%v c=%d w=%d res=%v act=%v: element %d = %v, want %v", lv, c, w, res != nil, act, i, got[i], want[i])
				}
			}
		}
	}
}

// TestDeinterleave: every level copies exactly the right element to every
// plane position, for channel counts 1..20 and pixel counts around the
// vector sizes, leaving the padding between planes untouched; source and
// destination end at guard pages.
func TestDeinterleave(t *testing.T) {
	for _, lv := range levels() {
		for c := 1; c <= 20; c++ {
			for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 31, 33, 100} {
				src := guarded(t, n*c)
				for i := range src {
					src[i] = float32(i)
				}
				stride := n + 3
				dst := guarded(t, (c-1)*stride+n)
				for i := range dst {
					dst[i] = sentinel
				}
				deinterleaveAt(lv, dst, stride, src, c, n)
				for i, v := range dst {
					ci, x := i/stride, i%stride
					want := sentinel
					if x < n {
						want = float32(x*c + ci)
					}
					if v != want {
						t.Fatalf("%v c=%d n=%d: dst[%d] (plane %d, x %d) = %v, want %v", lv, c, n, i, ci, x, v, want)
					}
				}
			}
		}
	}
}
