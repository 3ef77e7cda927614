package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

// poseInputs returns the goblet clip after checking ffmpeg and the models.
func poseInputs(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "install it with: sudo apt-get install ffmpeg")
		}
	}
	testenv.ModelFiles(t, "blazepose-detector")
	testenv.ModelFiles(t, "blazepose-full")
	return testenv.SharedFile(t, "media/goblet-squat-front.mp4")
}

// quick flags: the first second, one frame in five (frames 0, 5, ..., 30).
var quick = []string{"--max-seconds", "1", "--every", "5", "--samples", "2", "-q"}

func TestPoseWritesEachFormat(t *testing.T) {
	clip := poseInputs(t)
	dir := t.TempDir()
	for _, format := range []string{"json", "csv", "trc"} {
		out := filepath.Join(dir, "set."+format)
		args := append([]string{"pose", clip, "-o", out}, quick...)
		if format == "json" {
			args = append(args, "--raw", filepath.Join(dir, "raw.json"))
		}
		if _, err := execute(t, args...); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var tr *track.Track
		switch format {
		case "json":
			if b, err := os.ReadFile(out); err == nil {
				schematest.Validate(t, schematest.Track, b)
			}
			tr, err = track.ReadJSON(f)
		case "csv":
			tr, err = track.ReadCSV(f, 1280, 720)
		case "trc":
			tr, err = track.ReadTRC(f, "set.trc")
		}
		f.Close()
		if err != nil {
			t.Fatalf("%s read back: %v", format, err)
		}
		// TRC numbers its rows 1, 2, ...; JSON and CSV keep the video's
		// frame numbers.
		last := tr.Frames[len(tr.Frames)-1]
		if len(tr.Frames) != 7 || !poseNear(last.Time, 1.0, 1e-6) || (format != "trc" && last.Index != 30) {
			t.Errorf("%s: %d frames, the last %d at %.3f s; want 7, the last frame 30 at 1 s", format, len(tr.Frames), last.Index, last.Time)
		}
		if !tr.Has(track.LeftHeel) || !tr.Has(track.RightFootIndex) || !tr.Has(track.LeftKnee) {
			t.Errorf("%s: keypoints %v lack heels, toes or knees", format, tr.Keypoints)
		}
		switch format {
		case "json", "csv":
			k := tr.Index(track.LeftKnee)
			p := tr.Frames[0].Points[k]
			if !p.Valid() || p.Conf < 0.5 || !poseNear(p.NX, p.X/1280, 1e-6) || !p.HasWorld || tr.Skeleton != track.SkeletonBlazePose33 {
				t.Errorf("%s: left knee %+v (skeleton %s), want found, normalised, with a world position", format, p, tr.Skeleton)
			}
		case "trc":
			if tr.WorldUp == "" || !tr.HasWorld() {
				t.Errorf("trc: world up %q, want 3D world landmarks in metres", tr.WorldUp)
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "raw.json"))
	if err != nil || !strings.Contains(string(raw), `"right_foot_index"`) {
		schematest.Validate(t, schematest.Track, raw)
		t.Errorf("raw track: %v", err)
	}
}

func TestPoseToStdout(t *testing.T) {
	clip := poseInputs(t)
	out, err := execute(t, append([]string{"pose", clip, "-o", "-", "--format", "csv"}, quick...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "frame,time_s,keypoint,") || strings.Count(out, "\n") != 1+7*33 {
		t.Errorf("stdout CSV starts %q with %d lines, want a header and 231 rows", poseFirst(out, 40), strings.Count(out, "\n"))
	}
}

func TestPoseListPeople(t *testing.T) {
	clip := poseInputs(t)
	out, err := execute(t, "pose", clip, "--list-people", "--samples", "2", "--max-seconds", "1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 people found in 2 frames") || !strings.Contains(out, "--pick 0.51,0.5") {
		t.Errorf("list-people printed:\n%s\nwant one person picked near (0.51, 0.52)", out)
	}
	// Picking an empty corner fails and says how to see who is where.
	_, err = execute(t, append([]string{"pose", clip, "--pick", "0.05,0.05", "-o", filepath.Join(t.TempDir(), "x.json")}, quick...)...)
	if !errors.Is(err, pose.ErrPickMissed) || !strings.Contains(err.Error(), "--list-people") {
		t.Errorf("pick on nobody: %v", err)
	}
}

func TestPoseBadInput(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.mp4")
	if err := os.WriteFile(text, []byte("shopping list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string
		is   error
	}{
		{[]string{"pose", filepath.Join(dir, "missing.mp4")}, "no such file", nil},
		{[]string{"pose", text, "--format", "xml"}, "use json, csv or trc", nil},
		{[]string{"pose", text, "--pick", "2,0.5"}, "fractions of the picture", nil},
		{[]string{"pose", text, "--every", "0"}, "--every 0: must be between 1 and 1000", nil},
	}
	if _, err := exec.LookPath("ffprobe"); err == nil {
		cases = append(cases, struct {
			args []string
			want string
			is   error
		}{[]string{"pose", text, "-o", filepath.Join(dir, "t.json")}, "notes.mp4", video.ErrNotVideo})
	}
	for _, c := range cases {
		_, err := execute(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%v: error %v, want one containing %q", c.args[1:], err, c.want)
		}
	}
	if b, _ := os.ReadFile(text); string(b) != "shopping list\n" {
		t.Error("the input was changed")
	}
}

func TestPoseRefusesToOverwriteInput(t *testing.T) {
	clip := poseInputs(t)
	dir := t.TempDir()
	copyOf := filepath.Join(dir, "set.mp4")
	data, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyOf, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = execute(t, append([]string{"pose", copyOf, "-o", copyOf, "--format", "json"}, quick...)...)
	if err == nil || !strings.Contains(err.Error(), "would overwrite the input") {
		t.Errorf("-o the input: %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(copyOf); len(after) != len(data) {
		t.Error("the input video was changed")
	}
}

func poseNear(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

func poseFirst(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
