package main

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
)

func TestCheckNumber(t *testing.T) {
	bounds := func(lo, hi float64) []string {
		return []string{strconv.FormatFloat(lo, 'g', -1, 64), strconv.FormatFloat(hi, 'g', -1, 64)}
	}
	tests := []struct {
		value  string
		bounds []string
		ok     bool
		want   string
	}{
		{"0.5", bounds(0, 1), true, ""},
		{"0", bounds(0, 1), true, ""},
		{"1", bounds(0, 1), true, ""},
		{"2", bounds(0, 1), false, "between 0 and 1"},
		{"-0.01", bounds(0, 1), false, "between 0 and 1"},
		{"NaN", bounds(0, 1), false, "finite"},
		{"nan", nil, false, "finite"},
		{"+Inf", nil, false, "finite"},
		{"-inf", bounds(math.Inf(-1), 1000), false, "finite"},
		{"-5", bounds(math.Inf(-1), 1000), true, ""},
		{"5000", bounds(math.Inf(-1), 1000), false, "at most 1000"},
		{"2000000", bounds(1, 1e6), false, "between 1 and 1000000"},
		{"1e308", nil, true, ""},
		{"x", nil, false, "finite"},
	}
	for _, tc := range tests {
		t.Run(tc.value, func(t *testing.T) {
			err := checkNumber("flag", tc.value, tc.bounds)
			if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("checkNumber(%q, %v) = %v; want ok=%v, %q", tc.value, tc.bounds, err, tc.ok, tc.want)
			}
			if err != nil && (!isUsage(err) || !strings.Contains(err.Error(), "--flag")) {
				t.Errorf("%v: not a usage error naming the flag", err)
			}
		})
	}
}

// FuzzNumericFlags: whatever text a numeric flag gets, the checks and
// parsers never panic, and a value they accept is finite and in range.
func FuzzNumericFlags(f *testing.F) {
	for _, s := range []string{"0", "1", "0.5", "NaN", "nan", "Inf", "-Inf", "1e308", "-1e308", "1e-320", "80kg", "175lb",
		"60kg,80kg", "nan,80", "1.75m", "175cm", "0.5,0.6", "nan,0.5", "0x1p-2", "1_000", " 7 ", "", ",", "kg", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := checkNumber("x", s, []string{"0", "1"}); err == nil {
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
