package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestEarlyStopSharedClips replays the check made while a video is tracked
// on the tracks of the shared clips: no squat or single-leg clip
// (labels.csv) is ever stopped, and the side lunge is stopped within its
// first 40%.
func TestEarlyStopSharedClips(t *testing.T) {
	for _, c := range mediaClips {
		t.Run(strings.TrimSuffix(c.file, ".mp4"), func(t *testing.T) {
			mt := clipTrack(t, c)
			tr, err := track.Load(mt.path, track.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			st := session.ReplayEarlyCheck(t.Context(), tr, session.Options{Thresholds: valgus.Defaults()})
			switch {
			case c.analysed && st != nil:
				t.Errorf("a %s stopped at %.1f s (frame %d of %d)", c.movement, st.AtS, st.Frames, st.Total)
			case !c.analysed && st == nil:
				t.Errorf("the %s was tracked to the end", c.movement)
			case !c.analysed && st.Frames*10 >= st.Total*4:
				t.Errorf("the %s stopped only at frame %d of %d (%.1f s)", c.movement, st.Frames, st.Total, st.AtS)
			}
		})
	}
}

// TestSideLungeStopsEarly: `analyze` on the side-lunge video (the light
// pose model, for time) stops tracking within the first 40% of the video,
// ends with errNotAnalysed (exit status 3), says why and what kneetrack
// analyses, and writes none of the files asked for.
func TestSideLungeStopsEarly(t *testing.T) {
	testenv.PoseTools(t)
	clip := testenv.SharedFile(t, "media/side-lunge-front.mp4")
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "annotated.mp4"), filepath.Join(dir, "track.json"), filepath.Join(dir, "frames.csv"),
		filepath.Join(dir, "html", "report.html")}
	root := newRootCmd()
	var out, errOut strings.Builder
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs([]string{"analyze", clip, "--model", "blazepose-lite", "--mirror-average=false",
		"--video", files[0], "--save-track", files[1], "--csv", files[2], "--report", filepath.Join(dir, "html")})
	err := root.ExecuteContext(t.Context())
	if !errors.Is(err, errNotAnalysed) {
		t.Fatalf("error %v, want errNotAnalysed; stderr:\n%s", err, errOut.String())
	}
	text, stderr := out.String(), errOut.String()
	for _, want := range []string{"not supported yet", "kneetrack analyses squats", "tracking stopped after"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	// The note on stderr says where: "after A s of B s of video".
	var at, of float64
	if i := strings.Index(stderr, "tracking stopped after "); i < 0 {
		t.Errorf("stderr does not say where tracking stopped:\n%s", stderr)
	} else if n, _ := fmt.Sscanf(stderr[i:], "tracking stopped after %f s of %f s", &at, &of); n != 2 || at > 0.4*of {
		t.Errorf("stopped after %.1f s of %.1f s, want within the first 40%%:\n%s", at, of, stderr)
	}
	for _, f := range files {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was written (%v), though nothing was analysed", f, err)
		}
	}
}
