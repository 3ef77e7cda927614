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
