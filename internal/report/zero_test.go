package report

import "testing"

// Signed numbers never print as "-0.0": a sign on a zero reads as a
// direction that is not there.
func TestNoNegativeZero(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{deg(-0.04), "0.0°"}, {deg(0.04), "0.0°"}, {deg(1.26), "+1.3°"}, {deg(-2.5), "-2.5°"},
		{f2s(-0.001), "0.00"}, {f2s(0.13), "+0.13"}, {f2s(-0.05), "-0.05"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
