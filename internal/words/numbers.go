package words

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Num formats v with prec decimals, never as a negative zero ("-0" for
// -0.3 would read as a sign that means something).
func Num(v float64, prec int) string {
	t := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Trim(t, "-0.") == "" {
		return strings.TrimPrefix(t, "-")
	}
	return t
}

// Signed is Num with a + on positive values ("+2.5", "-1.0", "0.0").
func Signed(v float64, prec int) string {
	t := Num(v, prec)
	if v > 0 && strings.Trim(t, "0.") != "" {
		return "+" + t
	}
	return t
}

// PlusZero keeps a number already formatted with its sign from reading as
// a negative (or positive) zero: "-0.0" and "+0.0" become "0.0", "+0.0°"
// becomes "0.0°"; anything else is returned as it is.
func PlusZero(s string) string {
	if strings.Trim(s, "+-0.°") == "" {
		return strings.TrimLeft(s, "+-")
	}
	return s
}

// KG writes a load in kilograms to the nearest 0.1 kg, without trailing
// zeros ("82.5 kg", "100 kg").
func KG(kg float64) string { return fmt.Sprintf("%g kg", math.Round(kg*10)/10) }

// RepList writes rep numbers compactly, runs as ranges: "1-3, 5".
func RepList(idx []int) string {
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		} else {
			parts = append(parts, fmt.Sprint(idx[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// Plural is the "s" that follows a count of n in English ("" for one).
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Capitalise upper-cases the first letter of a sentence (ASCII).
func Capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// KneeAngle writes a knee's frontal-plane angle (FPPA, + inwards) in plain
// words for the pictures: "12° in" (valgus), "8° out" (varus), "0°"; ""
// when unknown.
func KneeAngle(fppa float64) string {
	r := math.Round(fppa)
	switch {
	case math.IsNaN(fppa):
		return ""
	case r > 0:
		return fmt.Sprintf("%.0f° in", r)
	case r < 0:
		return fmt.Sprintf("%.0f° out", -r)
	}
	return "0°"
}
