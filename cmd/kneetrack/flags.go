package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kneetrack/kneetrack/internal/session"
)

// usageError is a mistake in how the command was called (a flag value, the
// number of files): the exit status is 2 and the message ends with a
// pointer to --help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef makes a usageError.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// asUsage marks err (when not nil) as a usage error.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

func isUsage(err error) bool {
	var u usageError
	var su *session.UsageError
	return errors.As(err, &u) || errors.As(err, &su)
}

// rangeKey is the flag annotation that holds a numeric flag's range.
const rangeKey = "kneetrack-range"

// setRange declares the values a numeric flag accepts, both ends included.
func setRange(f *pflag.FlagSet, name string, lo, hi float64) {
	if f.Lookup(name) == nil {
		panic("setRange: no flag --" + name) // a programming error, found by any test of the command
	}
	_ = f.SetAnnotation(name, rangeKey, []string{strconv.FormatFloat(lo, 'g', -1, 64), strconv.FormatFloat(hi, 'g', -1, 64)})
}

// checkNumbers checks every numeric flag the user set: a number, finite
// (NaN and Inf are refused everywhere), inside its declared range.
func checkNumbers(f *pflag.FlagSet) error {
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
		err = checkNumber(fl.Name, fl.Value.String(), fl.Annotations[rangeKey])
	})
	return err
}

// checkNumber checks one numeric flag value against its range ([lo, hi] as
// strings, or nil for any finite number).
func checkNumber(name, value string, bounds []string) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return usagef("--%s %s: give a finite number", name, value)
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
			return usagef("--%s %s: must be at most %s", name, value, boundText(hi))
		case math.IsInf(hi, 1):
			return usagef("--%s %s: must be at least %s", name, value, boundText(lo))
		}
		return usagef("--%s %s: must be between %s and %s", name, value, boundText(lo), boundText(hi))
	}
	return nil
}

// checkCommandNumbers checks the numeric flags of the command about to run;
// the root command calls it before any subcommand.
func checkCommandNumbers(cmd *cobra.Command, _ []string) error {
	return checkNumbers(cmd.Flags())
}

// markUsageErrors makes every error cobra finds before a command runs (an
// unknown command or flag, a flag value that does not parse, the wrong
// number of arguments) a usageError, and returns a function that reports
// whether a command's RunE was reached.
func markUsageErrors(root *cobra.Command) (started func() bool) {
	ran := false
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
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

// num prints a range bound as people write it (1000000, not 1e+06).
func boundText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
