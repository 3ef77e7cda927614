package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
)

// FuzzNumericFlags: whatever text a numeric flag gets, the checks and
// parsers never panic, and a value they accept is finite and in range.
func FuzzNumericFlags(f *testing.F) {
	for _, s := range []string{"0", "1", "0.5", "NaN", "nan", "Inf", "-Inf", "1e308", "-1e308", "1e-320", "80kg", "175lb",
		"60kg,80kg", "nan,80", "1.75m", "175cm", "0.5,0.6", "nan,0.5", "0x1p-2", "1_000", " 7 ", "", ",", "kg", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := cliflag.CheckNumber("x", s, []string{"0", "1"}); err == nil {
			v, _ := strconv.ParseFloat(s, 64)
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%q accepted for a 0..1 flag", s)
			}
		}
		if loads, err := session.ParseLoads(s, strings.Count(s, ",")+1); err == nil {
			for _, l := range loads {
				if !(l >= 0 && l <= session.MaxLoadKG) {
					t.Fatalf("load %q accepted as %g", s, l)
				}
			}
		}
		if h, err := session.ParseHeight(s); err == nil && h != 0 && !(h >= 50 && h <= 250) {
			t.Fatalf("height %q accepted as %g", s, h)
		}
		if x, y, err := pose.ParsePoint(s); err == nil && !(x >= 0 && x <= 1 && y >= 0 && y <= 1) {
			t.Fatalf("point %q accepted as %g,%g", s, x, y)
		}
	})
}
