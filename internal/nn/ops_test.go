package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFloat16 checks the float16 widening on values worked out from the
// IEEE 754 binary16 layout.
func TestFloat16(t *testing.T) {
	cases := []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1},
		{0xc000, -2},
		{0x3555, 0.333251953125},
		{0x7bff, 65504},
		{0x0400, 1.0 / 16384},     // smallest normal 2^-14
		{0x0001, 1.0 / (1 << 24)}, // smallest subnormal 2^-24
		{0x03ff, 1023.0 / (1 << 24)},
		{0x8000, float32(math.Copysign(0, -1))},
	}
	for _, c := range cases {
		if got := float16to32(c.h); got != c.want || math.Signbit(float64(got)) != math.Signbit(float64(c.want)) {
			t.Errorf("float16to32(%#04x) = %v, want %v", c.h, got, c.want)
		}
	}
	if got := float16to32(0x7c00); !math.IsInf(float64(got), 1) {
		t.Errorf("float16to32(0x7c00) = %v, want +Inf", got)
	}
	if got := float16to32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("float16to32(0x7e00) = %v, want NaN", got)
	}
}

// TestConvSameByHand: a 3×3 SAME convolution of ones with a ones filter
// counts the in-bounds taps; bias −5 and Relu6 then map 4→0, 6→1, 9→4.
func TestConvSameByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 3, 3, 1)
	w := g.constF16("w", []int{3, 3, 1, 1}, ones(9))
	b := g.constF16("b", []int{1}, []float32{-5})
	g.op("plain", "Conv2D", []string{x, w}, convAttrs("SAME", 1, 1))
	g.op("fused", "_FusedConv2D", []string{x, w, b}, convAttrs("SAME", 1, 1, "BiasAdd", "Relu6"))
	g.output("plain", "plain")
	g.output("fused", "fused")
	r := run(t, g.load(t), Options{Threads: 1}, ones(9))
	got, shape := output(t, r, "plain")
	wantShape(t, "plain", shape, []int{1, 3, 3, 1})
	wantValues(t, "plain", got, []float32{4, 6, 4, 6, 9, 6, 4, 6, 4})
	got, _ = output(t, r, "fused")
	wantValues(t, "fused", got, []float32{0, 1, 0, 1, 4, 1, 0, 1, 0})
}

// TestConvSameStride2Asymmetric: TF's SAME with an even input and stride 2
// pads only after (pad_total = 1, pad_before = 0). Input v(y,x) = 4y + x on
// 4×4, 3×3 ones filter: the four window sums are 45, 39, 66, 50.
func TestConvSameStride2Asymmetric(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 4, 4, 1)
	w := g.constF16("w", []int{3, 3, 1, 1}, ones(9))
	g.op("y", "Conv2D", []string{x, w}, convAttrs("SAME", 2, 2))
	g.output("y", "y")
	r := run(t, g.load(t), Options{Threads: 1}, seq(16, 0, 1))
	got, shape := output(t, r, "y")
	wantShape(t, "y", shape, []int{1, 2, 2, 1})
	wantValues(t, "y", got, []float32{45, 39, 66, 50})
}

// TestConv1x1ByHand: a 1×1 convolution is a matrix product per pixel:
// (1,2)·[[1,0,−1],[2,1,0]] = (5,2,−1), (3,4)·… = (11,4,−3).
func TestConv1x1ByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 1, 2, 2)
	w := g.constF16("w", []int{1, 1, 2, 3}, []float32{1, 0, -1, 2, 1, 0})
	b := g.constF16("b", []int{3}, []float32{0.5, 0, 2})
	g.op("y", "_FusedConv2D", []string{x, w, b}, convAttrs("VALID", 1, 1, "BiasAdd", "Relu"))
	g.output("y", "y")
	r := run(t, g.load(t), Options{Threads: 1}, []float32{1, 2, 3, 4})
	got, _ := output(t, r, "y")
	wantValues(t, "y", got, []float32{5.5, 2, 1, 11.5, 4, 0})
}

// TestPadFusedIntoDepthwise: Pad (top 1, left 1) then a VALID stride-2 2×2
// depthwise convolution; worked by hand on the padded 4×4 image of 1..9:
// 4, 2·3+3·4 = 18, 4·2+7·4 = 36, 5+2·6+3·8+4·9 = 77. The Pad must be fused
// into both of its readers, and the unfused path (Pad also an output) must
// agree.
func TestPadFusedIntoDepthwise(t *testing.T) {
	for _, fused := range []bool{true, false} {
		g := newGraph()
		x := g.input("x", "float32", 1, 3, 3, 1)
		pads := g.constI32("pads", []int{4, 2}, []int32{0, 0, 1, 0, 1, 0, 0, 0})
		p := g.op("pad", "Pad", []string{x, pads}, map[string]any{"T": tF, "Tpaddings": tI})
		w := g.constF16("w", []int{2, 2, 1, 1}, []float32{1, 2, 3, 4})
		g.op("y", "DepthwiseConv2dNative", []string{p, w}, convAttrs("VALID", 2, 2))
		// A second reader, as in the detector: a regular convolution with
		// the same filter gives the same values.
		g.op("z", "Conv2D", []string{p, w}, convAttrs("VALID", 2, 2))
		g.output("y", "y")
		g.output("z", "z")
		if !fused {
			g.output("padded", "pad")
		}
		m := g.load(t)
		if want := map[bool]int{true: 2, false: 3}[fused]; len(m.ops) != want {
			t.Errorf("fused=%v: %d ops planned, want %d", fused, len(m.ops), want)
		}
		r := run(t, m, Options{Threads: 1}, seq(9, 1, 1))
		got, _ := output(t, r, "y")
		wantValues(t, "y", got, []float32{4, 18, 36, 77})
		got, _ = output(t, r, "z")
		wantValues(t, "z", got, []float32{4, 18, 36, 77})
		if !fused {
			got, shape := output(t, r, "padded")
			wantShape(t, "padded", shape, []int{1, 4, 4, 1})
			wantValues(t, "padded", got, []float32{0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9})
		} else if _, _, err := r.Tensor("pad"); err == nil || !strings.Contains(err.Error(), "fused") {
			t.Errorf("Tensor of a fused Pad: err = %v, want a 'fused' error", err)
		}
	}
}

// refConv is a direct float64 convolution (regular or depthwise) used to
// check im2col, padding and row splitting on random shapes.
func refConv(in []float32, h, w, c int, f []float32, kh, kw, cout int, bias []float32, sh, sw, padT, padL, oh, ow int, depthwise bool) []float64 {
	if depthwise {
		cout = c
	}
	out := make([]float64, oh*ow*cout)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			for co := 0; co < cout; co++ {
				s := float64(bias[co])
				for ky := 0; ky < kh; ky++ {
					for kx := 0; kx < kw; kx++ {
						iy, ix := oy*sh+ky-padT, ox*sw+kx-padL
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						if depthwise {
							s += float64(in[(iy*w+ix)*c+co]) * float64(f[(ky*kw+kx)*c+co])
							continue
						}
						for ci := 0; ci < c; ci++ {
							s += float64(in[(iy*w+ix)*c+ci]) * float64(f[((ky*kw+kx)*c+ci)*cout+co])
						}
					}
				}
				out[(oy*ow+ox)*cout+co] = s
			}
		}
	}
	return out
}

// tfOutSize is TensorFlow's output size and leading pad, written out
// independently of the runtime's outSize: VALID: ⌊(in−k)/s⌋+1, no pad;
// SAME: ⌈in/s⌉, pad_total = max((out−1)·s + k − in, 0), half of it (rounded
// down) before.
func tfOutSize(in, k, s int, padding string) (out, before int) {
	if padding == "VALID" {
		return (in-k)/s + 1, 0
	}
	out = int(math.Ceil(float64(in) / float64(s)))
	total := (out-1)*s + k - in
	if total < 0 {
		total = 0
	}
	return out, total / 2
}

// TestConvRandomVsReference compares random convolutions (kernel sizes,
// strides, SAME/VALID, regular/depthwise, 1 and 2 threads) with refConv.
func TestConvRandomVsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f16 := func(n int) []float32 { // values exact in float16
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(rng.IntN(64)-32) / 32
		}
		return out
	}
	for trial := 0; trial < 40; trial++ {
		depthwise := trial%2 == 1
		h, w, c := 3+rng.IntN(12), 3+rng.IntN(12), 1+rng.IntN(9)
		kh, kw := 1+rng.IntN(3), 1+rng.IntN(3)
		if trial%5 == 0 {
			kh, kw = 5, 5
		}
		sh, sw := 1+rng.IntN(2), 1+rng.IntN(2)
		cout := 1 + rng.IntN(9)
		padding := []string{"SAME", "VALID"}[rng.IntN(2)]
		if padding == "VALID" && (h < kh || w < kw) {
			padding = "SAME"
		}
		oh, padT := tfOutSize(h, kh, sh, padding)
		ow, padL := tfOutSize(w, kw, sw, padding)
		fc := cout
		if depthwise {
			fc = 1
			cout = c
		}
		filter := f16(kh * kw * c * fc)
		bias := f16(cout)
		in := f16(h * w * c)

		g := newGraph()
		x := g.input("x", "float32", 1, h, w, c)
		fw := g.constF16("w", []int{kh, kw, c, fc}, filter)
		b := g.constF16("b", []int{cout}, bias)
		op := "_FusedConv2D"
		if depthwise {
			op = "FusedDepthwiseConv2dNative"
		}
		g.op("y", op, []string{x, fw, b}, convAttrs(padding, sh, sw, "BiasAdd"))
		g.output("y", "y")
		m := g.load(t)
		want := refConv(in, h, w, c, filter, kh, kw, cout, bias, sh, sw, padT, padL, oh, ow, depthwise)
		for _, threads := range []int{1, 2} {
			r := run(t, m, Options{Threads: threads}, in)
			got, shape := output(t, r, "y")
			wantShape(t, "y", shape, []int{1, oh, ow, cout})
			for i := range want {
				// Inputs are multiples of 1/32 with |x| ≤ 1 and at most
				// 5·5·9 terms: every partial sum is exact in float32.
				if float64(got[i]) != want[i] {
					t.Fatalf("trial %d (%s %dx%dx%d k%dx%d s%dx%d %s cout %d, threads %d): element %d = %v, want %v",
						trial, op, h, w, c, kh, kw, sh, sw, padding, cout, threads, i, got[i], want[i])
				}
			}
		}
	}
}

// TestMaxPoolByHand: 2×2 VALID stride-2 pooling of 0..15 on 4×4 keeps the
// bottom-right of each block.
func TestMaxPoolByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 4, 4, 1)
	g.op("y", "MaxPool", []string{x}, map[string]any{"T": tF, "ksize": aInts(1, 2, 2, 1),
		"strides": aInts(1, 2, 2, 1), "padding": aStr("VALID"), "data_format": aStr("NHWC")})
	g.output("y", "y")
	r := run(t, g.load(t), Options{Threads: 1}, seq(16, 0, 1))
	got, _ := output(t, r, "y")
	wantValues(t, "y", got, []float32{5, 7, 13, 15})
}

// TestResizeBilinearHalfPixel: resizing the 2×2 image v(y,x) = 2y + x to
// 4×4 with half-pixel centres samples source coordinates −0.25, 0.25, 0.75,
// 1.25, clamped to [0, 1]; bilinear interpolation of a linear image gives
// 2·Y + X at the clamped coordinates.
func TestResizeBilinearHalfPixel(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 2, 2, 1)
	size := g.constI32("size", []int{2}, []int32{4, 4})
	g.op("y", "ResizeBilinear", []string{x, size}, map[string]any{"T": tF,
		"align_corners": aBool(false), "half_pixel_centers": aBool(true)})
	g.output("y", "y")
	r := run(t, g.load(t), Options{Threads: 1}, []float32{0, 1, 2, 3})
	got, shape := output(t, r, "y")
	wantShape(t, "y", shape, []int{1, 4, 4, 1})
	wantValues(t, "y", got, []float32{
		0, 0.25, 0.75, 1,
		0.5, 0.75, 1.25, 1.5,
		1.5, 1.75, 2.25, 2.5,
		2, 2.25, 2.75, 3,
	})
}

// TestDepthToSpaceByHand: 8 channels of one pixel become a 2×2 block of
// 2-channel pixels in TF's order.
func TestDepthToSpaceByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 1, 1, 8)
	g.op("y", "DepthToSpace", []string{x}, map[string]any{"T": tF, "block_size": aInt(2), "data_format": aStr("NHWC")})
	g.output("y", "y")
	r := run(t, g.load(t), Options{Threads: 1}, seq(8, 0, 1))
	got, shape := output(t, r, "y")
	wantShape(t, "y", shape, []int{1, 2, 2, 2})
	wantValues(t, "y", got, seq(8, 0, 1))

	g = newGraph()
	x = g.input("x", "float32", 1, 1, 2, 4)
	g.op("y", "DepthToSpace", []string{x}, map[string]any{"T": tF, "block_size": aInt(2), "data_format": aStr("NHWC")})
	g.output("y", "y")
	r = run(t, g.load(t), Options{Threads: 1}, seq(8, 0, 1))
	got, _ = output(t, r, "y")
	// pixel 0 channels 0..3 → (0,0)(0,1)(1,0)(1,1); pixel 1 → (0,2)(0,3)(1,2)(1,3)
	wantValues(t, "y", got, []float32{0, 1, 4, 5, 2, 3, 6, 7})
}

// TestBinaryBroadcastByHand covers the broadcast patterns and each binary op.
func TestBinaryBroadcastByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 2, 3)
	row := g.constF32("row", []int{3}, []float32{10, 20, 30})
	col := g.constF32("col", []int{2, 1}, []float32{2, -1})
	sc := g.constF32("sc", []int{}, []float32{4})
	g.op("add", "AddV2", []string{x, row}, map[string]any{"T": tF})
	g.op("mul", "Mul", []string{col, x}, map[string]any{"T": tF})
	g.op("sub", "Sub", []string{sc, x}, map[string]any{"T": tF})
	g.op("div", "RealDiv", []string{x, sc}, map[string]any{"T": tF})
	g.op("sq", "SquaredDifference", []string{row, x}, map[string]any{"T": tF})
	g.op("outer", "AddV2", []string{col, row}, map[string]any{"T": tF})
	for _, k := range []string{"add", "mul", "sub", "div", "sq", "outer"} {
		g.output(k, k)
	}
	r := run(t, g.load(t), Options{Threads: 1}, []float32{0, 1, 2, 3, 4, 5})
	for _, c := range []struct {
		name string
		want []float32
	}{
		{"add", []float32{10, 21, 32, 13, 24, 35}},
		{"mul", []float32{0, 2, 4, -3, -4, -5}},
		{"sub", []float32{4, 3, 2, 1, 0, -1}},
		{"div", []float32{0, 0.25, 0.5, 0.75, 1, 1.25}},
		{"sq", []float32{100, 361, 784, 49, 256, 625}},
		{"outer", []float32{12, 22, 32, 9, 19, 29}},
	} {
		got, _ := output(t, r, c.name)
		wantValues(t, c.name, got, c.want)
	}
}

// TestIntArithmeticByHand: int32 FloorDiv rounds toward −∞ and gives 0 for
// a zero divisor; Mul and Sub wrap like int32; Cast converts exactly.
func TestIntArithmeticByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "int32", 4)
	d := g.constI32("d", []int{4}, []int32{2, -2, 0, 3})
	g.op("fd", "FloorDiv", []string{x, d}, map[string]any{"T": tI})
	g.op("mul", "Mul", []string{x, d}, map[string]any{"T": tI})
	g.op("sub", "Sub", []string{x, d}, map[string]any{"T": tI})
	g.op("cast", "Cast", []string{x}, map[string]any{"SrcT": tI, "DstT": tF, "Truncate": aBool(false)})
	for _, k := range []string{"fd", "mul", "sub", "cast"} {
		g.output(k, k)
	}
	r := run(t, g.load(t), Options{Threads: 1}, []int32{-7, 7, 5, -9})
	for _, c := range []struct {
		name string
		want []float32
	}{
		{"fd", []float32{-4, -4, 0, -3}},
		{"mul", []float32{-14, -14, 0, -27}},
		{"sub", []float32{-9, 9, 5, -12}},
		{"cast", []float32{-7, 7, 5, -9}},
	} {
		got, _ := output(t, r, c.name)
		wantValues(t, c.name, got, c.want)
	}
}

// TestUnaryAndFusedAddRelu6: the unary ops on hand values, and an Add whose
// only reader is Relu6 is fused into one op with the same result.
func TestUnaryAndFusedAddRelu6(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 4)
	g.op("relu", "Relu", []string{x}, map[string]any{"T": tF})
	g.op("relu6", "Relu6", []string{x}, map[string]any{"T": tF})
	g.op("sig", "Sigmoid", []string{x}, map[string]any{"T": tF})
	g.op("sqrt", "Sqrt", []string{x}, map[string]any{"T": tF})
	g.op("sum", "AddV2", []string{x, x}, map[string]any{"T": tF})
	g.op("sum6", "Relu6", []string{"sum"}, map[string]any{"T": tF})
	for _, k := range []string{"relu", "relu6", "sig", "sqrt", "sum6"} {
		g.output(k, k)
	}
	m := g.load(t)
	if len(m.ops) != 5 {
		t.Errorf("%d ops planned, want 5 (AddV2 and its Relu6 fused)", len(m.ops))
	}
	r := run(t, m, Options{Threads: 1}, []float32{-1, 0, 4, 9})
	for _, c := range []struct {
		name string
		want []float32
	}{
		{"relu", []float32{0, 0, 4, 9}},
		{"relu6", []float32{0, 0, 4, 6}},
		{"sig", []float32{float32(1 / (1 + math.E)), 0.5, float32(1 / (1 + math.Exp(-4))), float32(1 / (1 + math.Exp(-9)))}},
		{"sum6", []float32{0, 0, 6, 6}},
	} {
		got, _ := output(t, r, c.name)
		wantValues(t, c.name, got, c.want)
	}
	got, _ := output(t, r, "sqrt")
	if got[1] != 0 || got[2] != 2 || got[3] != 3 || !math.IsNaN(float64(got[0])) {
		t.Errorf("sqrt = %v, want [NaN 0 2 3]", got)
	}
}

// TestConcatPackUnpackByHand checks the data-movement ops on small tensors.
func TestConcatPackUnpackByHand(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 2, 2)
	c := g.constF32("c", []int{2, 1}, []float32{8, 9})
	ax := g.constI32("ax", []int{}, []int32{-1})
	g.op("cat", "ConcatV2", []string{x, c, ax}, map[string]any{"T": tF, "N": aInt(2), "Tidx": tI})
	g.op("pack", "Pack", []string{x, x}, map[string]any{"T": tF, "N": aInt(2), "axis": aInt(1)})
	g.op("un", "Unpack", []string{x}, map[string]any{"T": tF, "num": aInt(2), "axis": aInt(1)})
	g.output("cat", "cat")
	g.output("pack", "pack")
	g.output("un0", "un")
	g.output("un1", "un:1")
	r := run(t, g.load(t), Options{Threads: 1}, []float32{1, 2, 3, 4})
	got, shape := output(t, r, "cat")
	wantShape(t, "cat", shape, []int{2, 3})
	wantValues(t, "cat", got, []float32{1, 2, 8, 3, 4, 9})
	got, shape = output(t, r, "pack")
	wantShape(t, "pack", shape, []int{2, 2, 2})
	wantValues(t, "pack", got, []float32{1, 2, 1, 2, 3, 4, 3, 4})
	got, _ = output(t, r, "un0")
	wantValues(t, "un0", got, []float32{1, 3})
	got, _ = output(t, r, "un1")
	wantValues(t, "un1", got, []float32{2, 4})
	if got, _, err := r.Output("un:1"); err != nil || got[0] != 2 {
		t.Errorf(`Output("un:1") = %v, %v; want the second column`, got, err)
	}
}

// TestShapeArithmeticFolds reproduces the detector's reshape pattern:
// Shape → StridedSlice (shrink) → Pack with −1 and 2 → Reshape. Everything
// before the Reshape is folded at load time, and the Reshape is a view, so
// nothing is left to run.
func TestShapeArithmeticFolds(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 2, 2, 2)
	g.op("shape", "Shape", []string{x}, map[string]any{"T": tF, "out_type": tI})
	b := g.constI32("b", []int{1}, []int32{0})
	e := g.constI32("e", []int{1}, []int32{1})
	s := g.constI32("s", []int{1}, []int32{1})
	g.op("batch", "StridedSlice", []string{"shape", b, e, s}, map[string]any{"T": tI, "Index": tI,
		"begin_mask": aInt(0), "end_mask": aInt(0), "ellipsis_mask": aInt(0), "new_axis_mask": aInt(0), "shrink_axis_mask": aInt(1)})
	m1 := g.constI32("m1", []int{}, []int32{-1})
	two := g.constI32("two", []int{}, []int32{2})
	g.op("target", "Pack", []string{"batch", m1, two}, map[string]any{"T": tI, "N": aInt(3), "axis": aInt(0)})
	g.op("y", "Reshape", []string{x, "target"}, map[string]any{"T": tF, "Tshape": tI})
	g.output("y", "y")
	m := g.load(t)
	if len(m.ops) != 0 {
		t.Errorf("%d ops left to run, want 0", len(m.ops))
	}
	r := run(t, m, Options{Threads: 1}, seq(8, 0, 1))
	got, shape := output(t, r, "y")
	wantShape(t, "y", shape, []int{1, 4, 2})
	wantValues(t, "y", got, seq(8, 0, 1))
	tgt, shape, err := r.Tensor("target")
	if err != nil {
		t.Fatal(err)
	}
	wantShape(t, "target", shape, []int{3})
	wantValues(t, "target", tgt, []float32{1, -1, 2})
}

// TestStridedSliceMasks: begin/end masks, negative indices and negative
// strides on a 2×5 tensor (folded at load time, then read back).
func TestStridedSliceMasks(t *testing.T) {
	g := newGraph()
	x := g.constI32("x", []int{2, 5}, []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	b := g.constI32("b", []int{2}, []int32{0, -1})
	e := g.constI32("e", []int{2}, []int32{0, 0})
	s := g.constI32("s", []int{2}, []int32{1, -2})
	// dim 0: begin and end masked → all rows; dim 1: from the last column
	// back to (not including) column 0, every second: columns 4, 2.
	g.op("y", "StridedSlice", []string{x, b, e, s}, map[string]any{"T": tI, "Index": tI,
		"begin_mask": aInt(1), "end_mask": aInt(1)})
	in := g.input("in", "float32", 1)
	g.op("id", "Identity", []string{in}, map[string]any{"T": tF})
	g.output("y", "y")
	g.output("id", "id")
	r := run(t, g.load(t), Options{Threads: 1}, []float32{0})
	got, shape := output(t, r, "y")
	wantShape(t, "y", shape, []int{2, 2})
	wantValues(t, "y", got, []float32{4, 2, 9, 7})
}

// TestArgMaxTiesFirst: ArgMax along axis 1 picks the first of equal
// maxima, as TF.js does.
func TestArgMaxTiesFirst(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 2, 4)
	ax := g.constI32("ax", []int{}, []int32{1})
	g.op("am", "ArgMax", []string{x, ax}, map[string]any{"T": tF, "Tidx": tI, "output_type": tI})
	g.output("am", "am")
	r := run(t, g.load(t), Options{Threads: 1}, []float32{1, 3, 3, 2, -5, -4, -4, -6})
	got, shape := output(t, r, "am")
	wantShape(t, "am", shape, []int{2})
	wantValues(t, "am", got, []float32{1, 1})
}

// TestGatherNdRuntimeIndices: GatherNd with indices from the input reads the
// chosen rows; an out-of-range index is a Run error naming the node.
func TestGatherNdRuntimeIndices(t *testing.T) {
	g := newGraph()
	idx := g.input("idx", "int32", 2, 2)
	params := g.constF32("params", []int{2, 3, 2}, seq(12, 0, 1))
	g.op("gather", "GatherNd", []string{params, idx}, map[string]any{"Tparams": tF, "Tindices": tI})
	g.output("gather", "gather")
	m := g.load(t)
	r := run(t, m, Options{Threads: 1}, []int32{1, 2, 0, 1})
	got, shape := output(t, r, "gather")
	wantShape(t, "gather", shape, []int{2, 2})
	wantValues(t, "gather", got, []float32{10, 11, 2, 3})

	copy(r.InputInt32(), []int32{1, 3, 0, 0})
	err := r.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), `"gather"`) || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("Run with index 3 of 3: err = %v, want an out-of-range error naming the node", err)
	}
}

// TestViewsShareStorage: Reshape, ExpandDims, Squeeze and Identity are views
// with the right shapes and values, and cost no op.
func TestViewsShareStorage(t *testing.T) {
	g := newGraph()
	x := g.input("x", "float32", 1, 2, 3)
	shp := g.constI32("shp", []int{2}, []int32{3, -1})
	dim := g.constI32("dim", []int{}, []int32{-1})
	g.op("r", "Reshape", []string{x, shp}, map[string]any{"T": tF, "Tshape": tI})
	g.op("e", "ExpandDims", []string{"r", dim}, map[string]any{"T": tF, "Tdim": tI})
	g.op("s", "Squeeze", []string{x}, map[string]any{"T": tF, "squeeze_dims": aInts(0)})
	g.op("i", "Identity", []string{"e"}, map[string]any{"T": tF})
	g.output("i", "i")
	g.output("s", "s")
	m := g.load(t)
	if len(m.ops) != 0 {
		t.Errorf("%d ops planned, want 0", len(m.ops))
	}
	r := run(t, m, Options{Threads: 1}, seq(6, 1, 1))
	got, shape := output(t, r, "i")
	wantShape(t, "i", shape, []int{3, 2, 1})
	wantValues(t, "i", got, seq(6, 1, 1))
	_, shape = output(t, r, "s")
	wantShape(t, "s", shape, []int{2, 3})
}
