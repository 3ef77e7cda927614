package kernel

import "testing"

// TestBiasActByHand checks two rows of two channels against hand values for
// each activation, and activation alone with a nil bias.
func TestBiasActByHand(t *testing.T) {
	cases := []struct {
		bias []float32
		act  Act
		want []float32
	}{
		{[]float32{1, -2}, ActNone, []float32{0, 1, 8, -7}},
		{[]float32{1, -2}, ActRelu, []float32{0, 1, 8, 0}},
		{[]float32{1, -2}, ActRelu6, []float32{0, 1, 6, 0}},
		{nil, ActRelu6, []float32{0, 3, 6, 0}},
	}
	for _, tc := range cases {
		x := []float32{-1, 3, 7, -5}
		BiasAct(x, tc.bias, tc.act)
		for i := range x {
			if x[i] != tc.want[i] {
				t.Errorf("bias %v act %v: got %v, want %v", tc.bias, tc.act, x, tc.want)
				break
			}
		}
	}
}
