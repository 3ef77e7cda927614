package kernel

import "testing"

// TestGemmByHand checks a 2×3 · 3×2 product with bias and each activation
// against values worked out by hand.
func TestGemmByHand(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, -1, 0, 2, 1, 1}
	bias := []float32{0.5, -10}
	// A·B = [[1+0+3, -1+4+3], [4+0+6, -4+10+6]] = [[4, 6], [10, 12]]
	cases := []struct {
		act  Act
		want []float32
	}{
		{ActNone, []float32{4.5, -4, 10.5, 2}},
		{ActRelu, []float32{4.5, 0, 10.5, 2}},
		{ActRelu6, []float32{4.5, 0, 6, 2}},
	}
	for _, tc := range cases {
		c := make([]float32, 4)
		Gemm(2, 2, 3, a, 3, b, 2, c, 2, bias, tc.act)
		for i := range c {
			if c[i] != tc.want[i] {
				t.Errorf("act %v: c = %v, want %v", tc.act, c, tc.want)
				break
			}
		}
	}
}

// TestDepthwiseByHand checks a 3×3 depthwise convolution with SAME padding on
// a 3×3 single-channel image of ones: each output counts the in-bounds taps.
func TestDepthwiseByHand(t *testing.T) {
	src := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	filter := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}
	dst := make([]float32, 9)
	Depthwise(dst, src, &DepthwiseParams{InH: 3, InW: 3, C: 1, OutH: 3, OutW: 3, KH: 3, KW: 3,
		StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1, Filter: filter})
	want := []float32{4, 6, 4, 6, 9, 6, 4, 6, 4}
	for i := range dst {
		if dst[i] != want[i] {
			t.Fatalf("dst = %v, want %v", dst, want)
		}
	}
}

// TestTapConvByHand: a 3-tap filter [1, 2, -1] over 0, 1, 2, ... gives
// x + 2(x+1) − (x+2) = 2x; then bias −5 and each activation.
func TestTapConvByHand(t *testing.T) {
	src := make([]float32, 40)
	for i := range src {
		src[i] = float32(i)
	}
	for _, act := range []Act{ActNone, ActRelu, ActRelu6} {
		out := make([]float32, 37)
		TapConv(out, src, []int{0, 1, 2}, []float32{1, 2, -1}, -5, act)
		for x, got := range out {
			want := act.apply(float32(2*x) - 5)
			if got != want {
				t.Fatalf("act %v: out[%d] = %v, want %v", act, x, got, want)
			}
		}
	}
}

// TestGemmResidualByHand: the 2×2 product of TestGemmByHand plus bias
// [0.5, −10] gives [[4.5, −4], [10.5, 2]]; adding the residual
// [[1, 1], [−20, 5]] gives [[5.5, −3], [−9.5, 7]], then act2. Every level
// (Go and assembly) must give exactly these values.
func TestGemmResidualByHand(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, -1, 0, 2, 1, 1}
	bias := []float32{0.5, -10}
	res := []float32{1, 1, -20, 5}
	want := map[Act][]float32{
		ActNone:  {5.5, -3, -9.5, 7},
		ActRelu:  {5.5, 0, 0, 7},
		ActRelu6: {5.5, 0, 0, 6},
	}
	for _, lv := range levels() {
		pb := packB(lv, 3, 2, b)
		for act2, w := range want {
			c := make([]float32, 4)
			GemmPackedRes(2, a, 3, pb, c, 2, bias, ActNone, res, act2)
			for i := range c {
				if c[i] != w[i] {
					t.Errorf("%v act2 %v: c = %v, want %v", lv, act2, c, w)
					break
				}
			}
		}
	}
}

// TestResizeRowByHand: two source columns [0, 4] and [8, 12] (two
// channels) in the top row, [2, 6] and [10, 14] in the bottom row;
// halfway in both directions gives the mean of the four, (0+8+2+10)/4 = 5
// and 9; at fx = 0.25, fy = 0: 0 + 8/4 = 2 and 4 + 8/4 = 6. A residual
// [−10, 1] with Relu6 then gives 0 and 6.
func TestResizeRowByHand(t *testing.T) {
	top := []float32{0, 4, 8, 12}
	bot := []float32{2, 6, 10, 14}
	xo := []int{0, 2}
	for _, lv := range levels() {
		got := make([]float32, 2)
		resizeRowAt(lv, got, top, bot, xo, []float64{0.5}, 2, 0.5, nil, ActNone)
		if got[0] != 5 || got[1] != 9 {
			t.Errorf("%v: middle = %v, want [5 9]", lv, got)
		}
		resizeRowAt(lv, got, top, bot, xo, []float64{0.25}, 2, 0, []float32{-10, 1}, ActRelu6)
		if got[0] != 0 || got[1] != 6 {
			t.Errorf("%v: with residual = %v, want [0 6]", lv, got)
		}
	}
}
