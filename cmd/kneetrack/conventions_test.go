package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kneetrack/kneetrack/internal/cliflag"
)

// commandFlag is one flag as one command offers it.
type commandFlag struct {
	cmd  string // "kneetrack models list"
	flag *pflag.Flag
}

// allFlags walks the command tree and returns every flag each runnable
// command accepts (its own and those it inherits), by name.
func allFlags(root *cobra.Command) map[string][]commandFlag {
	byName := map[string][]commandFlag{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() {
			c.Flags().AddFlagSet(c.InheritedFlags())
			c.Flags().VisitAll(func(f *pflag.Flag) {
				byName[f.Name] = append(byName[f.Name], commandFlag{c.CommandPath(), f})
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return byName
}

// TestFlagConventions: a flag name means the same everywhere: the same
// type and shorthand on every command, the same default unless the reason
// is written below, and old spellings only as hidden deprecated aliases.
func TestFlagConventions(t *testing.T) {
	// Flags whose default rightly differs between commands, and why.
	defaultsDiffer := map[string]string{
		"format":   "pose writes a track (json, csv or trc, default from -o's extension); the others a report (text or json)",
		"movement": "simulate makes a known movement (squat); analyze recognises it (auto)",
		"fps":      "demo renders at 24 fps to be quick; simulate and OpenPose folders assume 30",
		"reps":     "demo needs 4 to 12 reps to show a trend; simulate defaults to 5",
		"size":     "demo renders a smaller picture to be quick",
		"seed":     "none yet; listed so that a change is a decision",
		"dir":      "eval --dir is the labels file's folder; models' --dir is the hidden old spelling of --models-dir",
	}
	// Old spellings: each must remain a hidden, deprecated alias.
	old := []struct{ cmd, flag, use string }{
		{"kneetrack bench", "json", "--format json"},
		{"kneetrack models list", "dir", "--models-dir"},
		{"kneetrack models pull", "dir", "--models-dir"},
		{"kneetrack models verify", "dir", "--models-dir"},
	}
	// What a shared flag must be wherever it appears.
	shared := []struct {
		name, typ, shorthand, def, usage string
	}{
		{"output", "string", "o", "", ""},
		{"quiet", "bool", "q", "false", "no progress"},
		{"verbose", "bool", "v", "false", ""},
		{"model", "string", "", "blazepose-full", ""},
		{"models-dir", "string", "", "", ""},
		{"threads", "int", "", "0", "all cores"},
		{"format", "string", "", "", "output format: "},
		{"mirror-average", "bool", "", "true", ""},
		{"camera-yaw", "float64", "", "0", ""},
		{"cutoff", "float64", "", "6", ""},
	}
	byName := allFlags(newRootCmd())
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	isOld := func(cf commandFlag) bool {
		for _, o := range old {
			if o.cmd == cf.cmd && o.flag == cf.flag.Name {
				return true
			}
		}
		return false
	}
	for _, name := range names {
		t.Run("same/"+name, func(t *testing.T) {
			var current []commandFlag
			for _, cf := range byName[name] {
				if !isOld(cf) {
					current = append(current, cf)
				}
			}
			for _, cf := range current[min(1, len(current)):] {
				first := current[0]
				if cf.flag.Value.Type() != first.flag.Value.Type() {
					t.Errorf("%s --%s is a %s, %s --%s a %s", cf.cmd, name, cf.flag.Value.Type(), first.cmd, name, first.flag.Value.Type())
				}
				if shorthand(cf.flag) != shorthand(first.flag) {
					t.Errorf("%s --%s has shorthand %q, %s %q", cf.cmd, name, shorthand(cf.flag), first.cmd, shorthand(first.flag))
				}
				if _, ok := defaultsDiffer[name]; !ok && cf.flag.DefValue != first.flag.DefValue {
					t.Errorf("%s --%s defaults to %q, %s to %q (add the reason to defaultsDiffer if it is right)",
						cf.cmd, name, cf.flag.DefValue, first.cmd, first.flag.DefValue)
				}
				if cf.flag.Hidden != first.flag.Hidden || (cf.flag.Deprecated == "") != (first.flag.Deprecated == "") {
					t.Errorf("--%s is hidden or deprecated on %s but not on %s", name, cf.cmd, first.cmd)
				}
			}
		})
	}
	for _, s := range shared {
		t.Run("shared/"+s.name, func(t *testing.T) {
			if len(byName[s.name]) == 0 {
				t.Fatalf("no command has --%s", s.name)
			}
			for _, cf := range byName[s.name] {
				f := cf.flag
				if f.Value.Type() != s.typ || shorthand(f) != s.shorthand {
					t.Errorf("%s --%s: %s -%s, want %s -%s", cf.cmd, s.name, f.Value.Type(), shorthand(f), s.typ, s.shorthand)
				}
				if s.name != "format" && f.DefValue != s.def {
					t.Errorf("%s --%s defaults to %q, want %q", cf.cmd, s.name, f.DefValue, s.def)
				}
				if !strings.Contains(f.Usage, s.usage) {
					t.Errorf("%s --%s usage %q does not say %q", cf.cmd, s.name, f.Usage, s.usage)
				}
			}
		})
	}
	for _, o := range old {
		t.Run("old/"+o.cmd+"/"+o.flag, func(t *testing.T) {
			var found *pflag.Flag
			for _, cf := range byName[o.flag] {
				if cf.cmd == o.cmd {
					found = cf.flag
				}
			}
			if found == nil {
				t.Fatalf("%s --%s is gone: keep it as a hidden deprecated alias", o.cmd, o.flag)
			}
			if !found.Hidden || !strings.Contains(found.Deprecated, o.use) {
				t.Errorf("%s --%s: hidden %v, deprecated %q; want hidden and pointing to %s", o.cmd, o.flag, found.Hidden, found.Deprecated, o.use)
			}
		})
	}
	// Every runnable command takes -q and -v (the progress and notes of
	// every command go through cmd.ErrOrStderr, which -q silences).
	for _, name := range []string{"quiet", "verbose"} {
		runnable := 0
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			if c.Runnable() {
				runnable++
			}
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(newRootCmd())
		if got := len(byName[name]); got != runnable {
			t.Errorf("--%s is on %d of the %d commands", name, got, runnable)
		}
	}
}

// shorthand is a flag's one-letter spelling, unless deprecated.
func shorthand(f *pflag.Flag) string {
	if f.ShorthandDeprecated != "" {
		return ""
	}
	return f.Shorthand
}

// TestOldSpellingsStillWork runs each old spelling: it works (or is read,
// as the same as the new one) and says it is deprecated.
func TestOldSpellingsStillWork(t *testing.T) {
	dir := t.TempDir()
	t.Run("models --dir", func(t *testing.T) {
		out, err := execute(t, "models", "list", "--dir", dir)
		if err != nil {
			t.Fatalf("models list --dir: %v", err)
		}
		if !strings.Contains(out, "in "+dir) || !strings.Contains(out, "--dir has been deprecated, use --models-dir") {
			t.Errorf("models list --dir %s printed:\n%s\nwant the listing of that folder and the deprecation note", dir, out)
		}
	})
	t.Run("bench --json", func(t *testing.T) {
		// --json is --format json: said together with --format text, the
		// two disagree, before any model is loaded.
		_, err := execute(t, "bench", "--json", "--format", "text")
		if !cliflag.IsUsage(err) || !strings.Contains(fmt.Sprint(err), "--json and --format text disagree") {
			t.Errorf("bench --json --format text: %v, want a usage error saying they disagree", err)
		}
	})
	t.Run("bench -t", func(t *testing.T) {
		out, err := execute(t, "bench", "-t", "-3")
		if !cliflag.IsUsage(err) || !strings.Contains(fmt.Sprint(err), "--threads -3") || !strings.Contains(out, "-t has been deprecated") {
			t.Errorf("bench -t -3: %v (printed %q), want -t read as --threads with a deprecation note", err, out)
		}
	})
}

// TestFormatValues: every report --format takes text or json (analyze also
// text-full) and refuses anything else with a usage error naming them.
func TestFormatValues(t *testing.T) {
	for _, args := range [][]string{{"analyze", "x.json"}, {"eval", "--small"}, {"bench"}} {
		t.Run(args[0], func(t *testing.T) {
			_, err := execute(t, append(args, "--format", "xml")...)
			msg := fmt.Sprint(err)
			if !cliflag.IsUsage(err) || !strings.Contains(msg, "use text") || !strings.Contains(msg, "or json") {
				t.Errorf("%s --format xml: %v, want a usage error naming text and json", args[0], err)
			}
		})
	}
}
