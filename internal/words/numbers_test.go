package words

import (
	"math"
	"testing"
)

func TestNumAndSignedNeverNegativeZero(t *testing.T) {
	for _, c := range []struct {
		v      float64
		prec   int
		signed string
		plain  string
	}{
		{-0.3, 0, "0", "0"},
		{0.3, 0, "0", "0"},
		{-0.04, 1, "0.0", "0.0"},
		{math.Copysign(0, -1), 1, "0.0", "0.0"},
		{2.46, 1, "+2.5", "2.5"},
		{-1, 1, "-1.0", "-1.0"},
		{-0.6, 0, "-1", "-1"},
		{14.2, 0, "+14", "14"},
	} {
		if got := Signed(c.v, c.prec); got != c.signed {
			t.Errorf("Signed(%v, %d) = %q, want %q", c.v, c.prec, got, c.signed)
		}
		if got := Num(c.v, c.prec); got != c.plain {
			t.Errorf("Num(%v, %d) = %q, want %q", c.v, c.prec, got, c.plain)
		}
	}
}

func TestPlusZero(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"-0.0", "0.0"},
		{"+0.0", "0.0"},
		{"+0.0°", "0.0°"},
		{"-0", "0"},
		{"+0.1", "+0.1"},
		{"-2.0°", "-2.0°"},
		{"+10", "+10"},
	} {
		t.Run(c.in, func(t *testing.T) {
			if got := PlusZero(c.in); got != c.want {
				t.Errorf("PlusZero(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestRepList(t *testing.T) {
	for _, c := range []struct {
		name string
		idx  []int
		want string
	}{
		{"none", nil, ""},
		{"one", []int{4}, "4"},
		{"two apart", []int{2, 5}, "2, 5"},
		{"a run", []int{1, 2, 3}, "1-3"},
		{"run then single", []int{1, 2, 3, 5}, "1-3, 5"},
		{"two runs", []int{1, 2, 7, 8, 9}, "1-2, 7-9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := RepList(c.idx); got != c.want {
				t.Errorf("RepList(%v) = %q, want %q", c.idx, got, c.want)
			}
		})
	}
}

func TestSmallHelpers(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"plural 0", Plural(0), "s"},
		{"plural 1", Plural(1), ""},
		{"plural 2", Plural(2), "s"},
		{"capitalise", Capitalise("left knee"), "Left knee"},
		{"capitalise empty", Capitalise(""), ""},
		{"kg whole", KG(100), "100 kg"},
		{"kg half", KG(82.5), "82.5 kg"},
		{"kg rounded to 0.1", KG(61.04), "61 kg"},
		{"kg rounded up", KG(61.06), "61.1 kg"},
		{"angle in", KneeAngle(12.4), "12° in"},
		{"angle out", KneeAngle(-7.6), "8° out"},
		{"angle small in", KneeAngle(0.3), "0°"},
		{"angle small out", KneeAngle(-0.4), "0°"},
		{"angle unknown", KneeAngle(math.NaN()), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}
