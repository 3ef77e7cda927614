package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/kneetrack/kneetrack/internal/cliflag"
)

// The conventions every command's flags follow (docs/cli.md; checked by
// TestFlagConventions):
//
//   - a flag name means the same thing, with the same type and shorthand,
//     on every command: -o/--output the file the main output goes to,
//     --format its format, --model the pose model, --models-dir the model
//     folder, --threads the threads to use (0: all cores);
//   - -v/--verbose and -q/--quiet are on every command (root persistent);
//   - an old spelling stays as a hidden, deprecated alias that still works
//     and says on stderr what to type instead.

// deprecate hides an old flag spelling that still works; pflag prints
// "Flag --NAME has been deprecated, USE" on stderr when it is used.
func deprecate(f *pflag.FlagSet, name, use string) {
	if err := f.MarkDeprecated(name, use); err != nil {
		panic(err) // a programming error: no such flag, found by any test of the command
	}
}

// deprecateShorthand keeps an old one-letter spelling working, hidden from
// help, with a note on stderr when it is used.
func deprecateShorthand(f *pflag.FlagSet, name, use string) {
	if err := f.MarkShorthandDeprecated(name, use); err != nil {
		panic(err)
	}
}

// checkFormat checks a report --format value: text or json.
func checkFormat(format string) error {
	if format != "text" && format != "json" {
		return cliflag.Usagef("--format %q: use text or json", format)
	}
	return nil
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
