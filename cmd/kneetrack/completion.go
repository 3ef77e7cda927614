package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/pose"
)

// Shell completion for flag values and inputs ('kneetrack completion bash'
// and friends write the script; docs/cli.md says how to install it).

// videoExtensions are the video names completed for inputs; every one is a
// video to the video package (TestCompletionVideoExtensions).
func videoExtensions() []string {
	return []string{"mp4", "mov", "m4v", "avi", "mkv", "webm", "3gp", "mpg", "mpeg", "wmv", "ts", "mts", "m2ts", "flv", "ogv", "gif"}
}

// trackExtensions are the keypoint track files kneetrack reads and writes.
func trackExtensions() []string { return []string{"json", "csv", "trc"} }

// completion says how one flag's value completes on one command.
type completion struct {
	values []string // fixed values, "value\tdescription" allowed
	exts   []string // file names with these extensions
	dirs   bool     // folders only
}

// flagCompletion is how a flag's value completes on the command at path
// (e.g. "kneetrack pose"); ok is false for flags without a rule.
func flagCompletion(path, flag string) (completion, bool) {
	sub := strings.TrimPrefix(path, "kneetrack ")
	switch flag {
	case "model":
		if sub == "bench" {
			return completion{values: append(modelValues(models.Names()), "all\tevery model, one after another")}, true
		}
		return completion{values: modelValues(pose.ModelNames())}, true
	case "movement":
		if sub == "simulate" {
			return completion{values: []string{"squat", "single-leg"}}, true
		}
		return completion{values: []string{"auto\trecognise it from the video", "squat", "single-leg", "split-squat"}}, true
	case "format":
		if sub == "pose" {
			return completion{values: trackExtensions()}, true
		}
		if sub == "analyze" {
			return completion{values: []string{"text", "text-full\ttext with every detail (as --details)", "json"}}, true
		}
		return completion{values: []string{"text", "json"}}, true
	case "sex":
		return completion{values: []string{"female", "male"}}, true
	case "caves-from":
		return completion{values: []string{"mild", "moderate", "severe"}}, true
	case "thresholds", "truth", "track":
		return completion{exts: []string{"json"}}, true
	case "csv":
		return completion{exts: []string{"csv"}}, true
	case "video":
		return completion{exts: []string{"mp4"}}, true
	case "save-track", "raw":
		return completion{exts: trackExtensions()}, true
	case "output":
		switch sub {
		case "pose":
			return completion{exts: trackExtensions()}, true
		case "simulate":
			return completion{exts: []string{"mp4"}}, true
		}
	case "models-dir", "dir", "report", "out", "mocap", "fixtures-dir":
		return completion{dirs: true}, true
	}
	return completion{}, false
}

// argCompletion is how a command's arguments complete.
func argCompletion(path string) (completion, bool) {
	switch strings.TrimPrefix(path, "kneetrack ") {
	case "analyze":
		// Videos, tracks, TRC files and OpenPose folders (folders always
		// complete along with the extensions).
		return completion{exts: slices.Concat(videoExtensions(), []string{"json", "trc"})}, true
	case "pose":
		return completion{exts: videoExtensions()}, true
	case "eval":
		return completion{exts: []string{"csv"}}, true
	}
	return completion{}, false
}

// modelValues lists models by name with what each is for, from the models
// table.
func modelValues(names []string) []string {
	var out []string
	for _, m := range models.Catalog() {
		if slices.Contains(names, m.Name) {
			out = append(out, m.Name+"\t"+m.Purpose)
		}
	}
	return out
}

// complete is the cobra completion function of c.
func (c completion) complete(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	switch {
	case c.dirs:
		return nil, cobra.ShellCompDirectiveFilterDirs
	case c.exts != nil:
		return c.exts, cobra.ShellCompDirectiveFilterFileExt
	}
	var out []cobra.Completion
	for _, v := range c.values {
		if strings.HasPrefix(v, toComplete) {
			out = append(out, v)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// registerCompletions gives every command's flags and arguments their
// completion, by the rules above.
func registerCompletions(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if comp, ok := flagCompletion(c.CommandPath(), f.Name); ok {
				if err := c.RegisterFlagCompletionFunc(f.Name, comp.complete); err != nil {
					panic(err) // a programming error: registered twice
				}
			}
		})
		if comp, ok := argCompletion(c.CommandPath()); ok && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = comp.complete
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
