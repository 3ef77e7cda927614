// Package cliflag holds what kneetrack's commands share about their flags:
// the range of every numeric flag (declared with SetRange, checked with
// CheckCommand before any command runs, NaN and infinities refused
// everywhere) and usage errors, the mistakes in how a command was called,
// which the command line reports with exit status 2 and a pointer to
// --help (MarkUsageErrors makes cobra's own parsing errors usage errors).
//
// It knows nothing of what the commands do; each command declares its own
// flags and ranges.
package cliflag

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// UsageError is a mistake in how a command was called (a flag value, the
// number of files).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// AsUsage marks err (when not nil) as a usage error.
func AsUsage(err error) error {
	if err == nil {
		return nil
	}
	return UsageError{err}
}

// IsUsage reports whether err is, or wraps, a UsageError.
func IsUsage(err error) bool {
	var u UsageError
	return errors.As(err, &u)
}

// rangeKey is the flag annotation that holds a numeric flag's range.
const rangeKey = "kneetrack-range"

// SetRange declares the values a numeric flag accepts, both ends included.
func SetRange(f *pflag.FlagSet, name string, lo, hi float64) {
	if f.Lookup(name) == nil {
		panic("SetRange: no flag --" + name) // a programming error, found by any test of the command
	}
	_ = f.SetAnnotation(name, rangeKey, []string{strconv.FormatFloat(lo, 'g', -1, 64), strconv.FormatFloat(hi, 'g', -1, 64)})
}

// CheckNumbers checks every numeric flag the user set: a number, finite
// (NaN and Inf are refused everywhere), inside its declared range.
func CheckNumbers(f *pflag.FlagSet) error {
	var err error
	f.Visit(func(fl *pflag.Flag) {
		if err != nil {
			return
		}
		switch fl.Value.Type() {
		case "float64", "float32", "int", "int64", "int32", "uint", "uint64":
		default:
			return
		}
		err = CheckNumber(fl.Name, fl.Value.String(), fl.Annotations[rangeKey])
	})
	return err
}

// CheckNumber checks one numeric flag value against its range ([lo, hi] as
// strings, or nil for any finite number).
func CheckNumber(name, value string, bounds []string) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return Usagef("--%s %s: give a finite number", name, value)
	}
	if len(bounds) != 2 {
		return nil
	}
	lo, err1 := strconv.ParseFloat(bounds[0], 64)
	hi, err2 := strconv.ParseFloat(bounds[1], 64)
	if err1 != nil || err2 != nil {
		return nil
	}
	if v < lo || v > hi {
		switch {
		case math.IsInf(lo, -1):
			return Usagef("--%s %s: must be at most %s", name, value, boundText(hi))
		case math.IsInf(hi, 1):
			return Usagef("--%s %s: must be at least %s", name, value, boundText(lo))
		}
		return Usagef("--%s %s: must be between %s and %s", name, value, boundText(lo), boundText(hi))
	}
	return nil
}

// CheckCommand checks the numeric flags of the command about to run; set
// it as the root command's PersistentPreRunE.
func CheckCommand(cmd *cobra.Command, _ []string) error {
	return CheckNumbers(cmd.Flags())
}

// MarkUsageErrors makes every error cobra finds before a command runs (an
// unknown command or flag, a flag value that does not parse, the wrong
// number of arguments) a UsageError, and returns a function that reports
// whether a command's RunE was reached.
func MarkUsageErrors(root *cobra.Command) (started func() bool) {
	ran := false
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError{err} })
	var wrap func(c *cobra.Command)
	wrap = func(c *cobra.Command) {
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				ran = true
				return run(cmd, args)
			}
		}
		for _, sub := range c.Commands() {
			wrap(sub)
		}
	}
	wrap(root)
	return func() bool { return ran }
}

// boundText writes a range bound as people write it (1000000, not 1e+06).
func boundText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
