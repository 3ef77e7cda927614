package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

type streamFacts struct {
	frames, width, height int
	duration              float64
}

// probe asks ffprobe (not our video package) for a file's decoded frame
// count, size and duration.
func probe(t *testing.T, path string) streamFacts {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height,duration,codec_name", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var v struct {
		Streams []struct {
			Codec    string `json:"codec_name"`
			Frames   string `json:"nb_read_frames"`
			Width    int    `json:"width"`
			Height   int    `json:"height"`
			Duration string `json:"duration"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &v); err != nil || len(v.Streams) != 1 || v.Streams[0].Codec != "h264" {
		t.Fatalf("ffprobe %s: %s %v", path, out, err)
	}
	s := v.Streams[0]
	f := streamFacts{width: s.Width, height: s.Height}
	f.frames, _ = strconv.Atoi(s.Frames)
	f.duration, _ = strconv.ParseFloat(s.Duration, 64)
	return f
}

// One command turns a track (that names its video) into a report and an
// annotated video with the input's frames, duration and size.
func TestAnalyzeReportAndVideo(t *testing.T) {
	dir := t.TempDir()
	clip := overlaytest.Make(t, dir, sim.StickSet{Reps: 3, RightValgusDeg: []float64{6, 14, 22}}, 360, 640)
	reportDir, out := filepath.Join(dir, "report"), filepath.Join(dir, "annotated.mp4")
	if _, err := execute(t, "analyze", clip.TrackFile, "--report", reportDir, "--video", out); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(reportDir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-section="verdict"`, `data-section="key-frames"`, `data-section="causes"`, `data-section="plan"`,
		`data-section="charts"`, "data:image/jpeg;base64,"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %s", want)
		}
	}
	in, got := probe(t, clip.Video), probe(t, out)
	if got.frames != in.frames || got.frames != len(clip.Track.Frames) || got.width != 360 || got.height != 640 ||
		math.Abs(got.duration-in.duration) > 1e-3 {
		t.Fatalf("annotated video %+v, input %+v (%d track frames)", got, in, len(clip.Track.Frames))
	}
}

func TestAnalyzeVideoNeedsVideo(t *testing.T) {
	trc := testenv.SharedFile(t, "mocap/opencap-squats.trc")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.mp4")
	_, err := execute(t, "analyze", trc, "--video", out)
	if err == nil || !strings.Contains(err.Error(), "--video needs the original video; pass the video, not a track file") {
		t.Fatalf("error %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("an output video was written")
	}
	// --report works without the video, drawing the keypoints alone.
	if _, err := execute(t, "analyze", trc, "--report", dir); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(page), "plain background") || !strings.Contains(string(page), "data:image/png;base64,") {
		t.Error("a report without video does not say so or has no drawn key frames")
	}
}
