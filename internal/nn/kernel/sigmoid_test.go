package kernel

import (
	"math"
	"testing"
)

// TestSigmoidExact: every level gives exactly the bits of the float64
// reference on about 8 million float32 inputs spread over every exponent
// and sign (NaNs and infinities included), dense runs around 0, ±88 and
// ±104 (where results become subnormal and zero in float32) and ±700 (the
// ends of the assembly's fast path), and lengths that leave every possible
// tail.
func TestSigmoidExact(t *testing.T) {
	var src []float32
	for b := uint64(0); b < 1<<32; b += 521 {
		src = append(src, math.Float32frombits(uint32(b)))
	}
	for _, c := range []float32{0, 87.3, 88.7, 103, 104, 700} {
		x := c
		for range 20000 {
			src = append(src, x, -x)
			x = math.Nextafter32(x, float32(math.Inf(1)))
		}
	}
	want := make([]float32, len(src))
	sigmoidGeneric(want, src)
	for _, lv := range levels() {
		got := make([]float32, len(src))
		sigmoidAt(lv, got, src)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%v: sigmoid(%v) = %v (%#x), want %v (%#x)", lv, src[i], got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
		for n := 0; n < 20; n++ {
			got := guarded(t, n)
			sigmoidAt(lv, got, src[1000:1000+n])
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[1000+i]) {
					t.Fatalf("%v: length %d: element %d = %v, want %v", lv, n, i, got[i], want[1000+i])
				}
			}
		}
	}
}

// TestSigmoidValues pins values worked out by hand: σ(0) = 1/2,
// σ(ln 3) = 3/4, σ(±∞) = 1 and 0, σ(−ln 3) = 1/4.
func TestSigmoidValues(t *testing.T) {
	src := []float32{0, float32(math.Log(3)), float32(math.Inf(1)), float32(math.Inf(-1)), -float32(math.Log(3)), 0, 0, 0, 0}
	want := []float32{0.5, 0.75, 1, 0, 0.25, 0.5, 0.5, 0.5, 0.5}
	for _, lv := range levels() {
		got := make([]float32, len(src))
		sigmoidAt(lv, got, src)
		for i := range got {
			if math.Abs(float64(got[i]-want[i])) > 1e-7 {
				t.Errorf("%v: sigmoid(%v) = %v, want %v", lv, src[i], got[i], want[i])
			}
		}
	}
}

// TestSigmoidSettles: the assembly must settle nearly every value itself
// (else it would only be a slow way to call math.Exp): on values spread
// over [−200, 200], at most one block in a thousand may be left to the Go
// code.
func TestSigmoidSettles(t *testing.T) {
	const n = 1 << 16
	src := make([]float32, n)
	for i := range src {
		src[i] = -200 + 400*float32(i)/n
	}
	dst := make([]float32, n)
	for _, lv := range simdLevels(t) {
		block := lv.lanes() / 2
		settled, calls := 0, 0
		for i := 0; i < n; {
			k := sigmoidSIMD(lv, dst[i:], src[i:])
			settled += k
			calls++
			i += k + block
		}
		if settled < n-n/1000 {
			t.Errorf("%v: the assembly settled %d of %d values (%d stops)", lv, settled, n, calls-1)
		}
		t.Logf("%v: %d of %d settled, %d stops", lv, settled, n, calls-1)
	}
}

// BenchmarkSigmoid: BlazePose's heatmap (64×64×39 values).
func BenchmarkSigmoid(b *testing.B) {
	src := make([]float32, 64*64*39)
	for i := range src {
		src[i] = -12 + 24*float32(i%1000)/1000
	}
	dst := make([]float32, len(src))
	measureRate(b, float64(len(src))/1e9, "Gvalues/s", func() { Sigmoid(dst, src) })
}
