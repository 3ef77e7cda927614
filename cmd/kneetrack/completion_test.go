package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/video"
)

// complete runs cobra's hidden __complete command, as a shell does, and
// returns the suggested values (descriptions dropped) and the directive.
func complete(t *testing.T, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	out, err := execute(t, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if err != nil {
		t.Fatalf("__complete %v: %v", args, err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	var d int
	if _, err := fmt.Sscanf(last, ":%d", &d); err != nil {
		t.Fatalf("__complete %v: no directive in %q", args, out)
	}
	var vals []string
	for _, l := range lines[:len(lines)-1] {
		name, _, _ := strings.Cut(l, "\t")
		vals = append(vals, name)
	}
	return vals, cobra.ShellCompDirective(d)
}

func TestCompletion(t *testing.T) {
	videos := []string{"mp4", "mov", "m4v", "avi", "mkv", "webm", "3gp", "mpg", "mpeg", "wmv", "ts", "mts", "m2ts", "flv", "ogv", "gif"}
	for _, tc := range []struct {
		name string
		args []string
		want []string
		dir  cobra.ShellCompDirective
	}{
		{"analyze --model", []string{"analyze", "--model", ""}, pose.ModelNames(), cobra.ShellCompDirectiveNoFileComp},
		{"pose --model prefix", []string{"pose", "--model", "move"}, []string{"movenet-lightning", "movenet-thunder"}, cobra.ShellCompDirectiveNoFileComp},
		{"bench --model", []string{"bench", "--model", ""}, []string{"blazepose-detector", "blazepose-lite", "blazepose-full", "blazepose-heavy", "movenet-lightning", "movenet-thunder", "all"}, cobra.ShellCompDirectiveNoFileComp},
		{"analyze --movement", []string{"analyze", "--movement", ""}, []string{"auto", "squat", "single-leg", "split-squat"}, cobra.ShellCompDirectiveNoFileComp},
		{"simulate --movement", []string{"simulate", "--movement", ""}, []string{"squat", "single-leg"}, cobra.ShellCompDirectiveNoFileComp},
		{"analyze --format", []string{"analyze", "--format", ""}, []string{"text", "text-full", "json"}, cobra.ShellCompDirectiveNoFileComp},
		{"eval --format", []string{"eval", "--format", ""}, []string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp},
		{"bench --format", []string{"bench", "--format", ""}, []string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp},
		{"pose --format", []string{"pose", "--format", ""}, []string{"json", "csv", "trc"}, cobra.ShellCompDirectiveNoFileComp},
		{"analyze --sex", []string{"analyze", "--sex", ""}, []string{"female", "male"}, cobra.ShellCompDirectiveNoFileComp},
		{"eval --caves-from", []string{"eval", "--caves-from", ""}, []string{"mild", "moderate", "severe"}, cobra.ShellCompDirectiveNoFileComp},
		{"analyze --thresholds", []string{"analyze", "--thresholds", ""}, []string{"json"}, cobra.ShellCompDirectiveFilterFileExt},
		{"analyze --csv", []string{"analyze", "--csv", ""}, []string{"csv"}, cobra.ShellCompDirectiveFilterFileExt},
		{"analyze --video", []string{"analyze", "--video", ""}, []string{"mp4"}, cobra.ShellCompDirectiveFilterFileExt},
		{"pose -o", []string{"pose", "x.mp4", "-o", ""}, []string{"json", "csv", "trc"}, cobra.ShellCompDirectiveFilterFileExt},
		{"analyze inputs", []string{"analyze", ""}, append(slices.Clone(videos), "json", "trc"), cobra.ShellCompDirectiveFilterFileExt},
		{"analyze second input", []string{"analyze", "a.mp4", ""}, append(slices.Clone(videos), "json", "trc"), cobra.ShellCompDirectiveFilterFileExt},
		{"pose input", []string{"pose", ""}, videos, cobra.ShellCompDirectiveFilterFileExt},
		{"eval labels", []string{"eval", ""}, []string{"csv"}, cobra.ShellCompDirectiveFilterFileExt},
		{"models --models-dir", []string{"models", "list", "--models-dir", ""}, nil, cobra.ShellCompDirectiveFilterDirs},
		{"analyze --report", []string{"analyze", "--report", ""}, nil, cobra.ShellCompDirectiveFilterDirs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, dir := complete(t, tc.args...)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) || dir != tc.dir {
				t.Errorf("suggested %q with directive %d, want %q with %d", got, dir, want, tc.dir)
			}
		})
	}
}

// TestCompletionVideoExtensions: every video extension completed for
// inputs is one the video package takes for a video, and the reverse.
func TestCompletionVideoExtensions(t *testing.T) {
	for _, ext := range videoExtensions() {
		if !video.IsName("clip." + ext) {
			t.Errorf(".%s is completed as a video but video.IsName refuses it", ext)
		}
	}
	for _, ext := range trackExtensions() {
		if video.IsName("track." + ext) {
			t.Errorf(".%s is a track extension but video.IsName takes it for a video", ext)
		}
	}
}
