// Package motion turns raw keypoint series into clean movement: it fills
// short gaps, smooths with a zero-phase Butterworth low-pass filter (the
// standard in biomechanics, because it removes jitter without shifting events
// in time), and segments a set into reps with their phases and tempo.
//
// It works on plain series and on track.Track values; it never touches files,
// video or models.
package motion

import (
	"fmt"
	"math"
)

// Biquad is one second-order IIR section, normalised so that a0 = 1:
// y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
type Biquad struct {
	B0, B1, B2, A1, A2 float64
}

// LowPass is a Butterworth low-pass filter as a cascade of biquads.
type LowPass struct {
	Sections []Biquad
	Order    int
	CutoffHz float64
	RateHz   float64
}

// NewButterworth designs a digital Butterworth low-pass filter of the given
// even order (2, 4, ...) with cut-off frequency cutoffHz for samples taken at
// rateHz, by the bilinear transform with pre-warping, so that the digital
// filter's gain at the cut-off is exactly 1/sqrt(2).
func NewButterworth(order int, cutoffHz, rateHz float64) (*LowPass, error) {
	if order < 2 || order%2 != 0 {
		return nil, fmt.Errorf("butterworth filter: order %d must be even and at least 2", order)
	}
	if !(rateHz > 0) || !(cutoffHz > 0) {
		return nil, fmt.Errorf("butterworth filter: cut-off %g Hz and sample rate %g Hz must be positive", cutoffHz, rateHz)
	}
	if cutoffHz >= rateHz/2 {
		return nil, fmt.Errorf("butterworth filter: cut-off %g Hz must be below half the sample rate (%g Hz)", cutoffHz, rateHz/2)
	}
	k := math.Tan(math.Pi * cutoffHz / rateHz) // pre-warped analogue cut-off
	lp := &LowPass{Order: order, CutoffHz: cutoffHz, RateHz: rateHz}
	for i := 1; i <= order/2; i++ {
		// Analogue section s^2 + q s + 1 with the Butterworth pole angle.
		q := 2 * math.Cos(math.Pi*float64(2*i-1)/float64(2*order))
		norm := 1 / (1 + q*k + k*k)
		b0 := k * k * norm
		lp.Sections = append(lp.Sections, Biquad{
			B0: b0, B1: 2 * b0, B2: b0,
			A1: 2 * (k*k - 1) * norm,
			A2: (1 - q*k + k*k) * norm,
		})
	}
	return lp, nil
}

// Gain returns the filter's magnitude response |H| at frequency hz (one
// pass; FiltFilt's gain is its square).
func (lp *LowPass) Gain(hz float64) float64 {
	w := 2 * math.Pi * hz / lp.RateHz
	z1 := complex(math.Cos(-w), math.Sin(-w)) // z^-1
	z2 := z1 * z1
	g := complex(1, 0)
	for _, s := range lp.Sections {
		num := complex(s.B0, 0) + complex(s.B1, 0)*z1 + complex(s.B2, 0)*z2
		den := complex(1, 0) + complex(s.A1, 0)*z1 + complex(s.A2, 0)*z2
		g *= num / den
	}
	return cabs(g)
}

func cabs(c complex128) float64 { return math.Hypot(real(c), imag(c)) }

// run filters x in place with one section, starting from the steady state
// for a constant input equal to x[0] (so a constant signal passes unchanged
// from the first sample).
func (s Biquad) run(x []float64) {
	if len(x) == 0 {
		return
	}
	g := (s.B0 + s.B1 + s.B2) / (1 + s.A1 + s.A2) // DC gain
	// Transposed direct form II state for steady input x0.
	z2 := (s.B2 - s.A2*g) * x[0]
	z1 := (s.B1-s.A1*g)*x[0] + z2
	for i, xi := range x {
		y := s.B0*xi + z1
		z1 = s.B1*xi - s.A1*y + z2
		z2 = s.B2*xi - s.A2*y
		x[i] = y
	}
}

// PadLen returns how many samples FiltFilt mirrors at each end: about one
// period of the cut-off frequency, and at least three times the order.
func (lp *LowPass) PadLen() int {
	p := int(math.Round(lp.RateHz / lp.CutoffHz))
	if m := 3 * (lp.Order + 1); p < m {
		p = m
	}
	return p
}

// FiltFilt returns x filtered forwards and then backwards, which cancels the
// filter's phase shift (no delay) and squares its gain (so the effective
// order doubles and the cut-off gain is 1/2). The ends are extended by odd
// reflection to limit start-up transients. Series shorter than 2 samples are
// returned unchanged; a series shorter than the padding is padded as far as
// it allows.
func (lp *LowPass) FiltFilt(x []float64) []float64 {
	n := len(x)
	out := make([]float64, n)
	copy(out, x)
	if n < 2 {
		return out
	}
	pad := lp.PadLen()
	if pad > n-1 {
		pad = n - 1
	}
	ext := make([]float64, n+2*pad)
	for i := 0; i < pad; i++ {
		ext[i] = 2*x[0] - x[pad-i]
		ext[n+pad+i] = 2*x[n-1] - x[n-2-i]
	}
	copy(ext[pad:], x)
	for _, s := range lp.Sections {
		s.run(ext)
	}
	reverse(ext)
	for _, s := range lp.Sections {
		s.run(ext)
	}
	reverse(ext)
	copy(out, ext[pad:pad+n])
	return out
}

func reverse(x []float64) {
	for i, j := 0, len(x)-1; i < j; i, j = i+1, j-1 {
		x[i], x[j] = x[j], x[i]
	}
}
