package cliflag

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
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
			err := CheckNumber("flag", tc.value, tc.bounds)
			if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("CheckNumber(%q, %v) = %v; want ok=%v, %q", tc.value, tc.bounds, err, tc.ok, tc.want)
			}
			if err != nil && (!IsUsage(err) || !strings.Contains(err.Error(), "--flag")) {
				t.Errorf("%v: not a usage error naming the flag", err)
			}
		})
	}
}

func TestCommandChecks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		usage   bool
		started bool
	}{
		{"in range", []string{"run", "--x", "0.5"}, false, true},
		{"out of range", []string{"run", "--x", "2"}, true, false},
		{"not a number", []string{"run", "--x", "a"}, true, false},
		{"unknown flag", []string{"run", "--y", "1"}, true, false},
		{"unknown command", []string{"walk"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := &cobra.Command{Use: "root", PersistentPreRunE: CheckCommand, SilenceErrors: true, SilenceUsage: true}
			var x float64
			run := &cobra.Command{Use: "run", RunE: func(*cobra.Command, []string) error { return nil }}
			run.Flags().Float64Var(&x, "x", 0, "a fraction")
			SetRange(run.Flags(), "x", 0, 1)
			root.AddCommand(run)
			started := MarkUsageErrors(root)
			root.SetArgs(tc.args)
			err := root.Execute()
			if IsUsage(err) != tc.usage || started() != tc.started {
				t.Errorf("err %v: usage %v, started %v; want %v, %v", err, IsUsage(err), started(), tc.usage, tc.started)
			}
		})
	}
}
