package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

func TestSimulateTrackAndTruth(t *testing.T) {
	dir := t.TempDir()
	trackPath, truthPath := filepath.Join(dir, "set.json"), filepath.Join(dir, "truth.json")
	// A lifter whose knees track straight ahead (--knees-out 0) when they
	// do not cave: the FPPA rise is a knee turning in past straight ahead.
	out, err := execute(t, "simulate", "--reps", "6", "--right-valgus", "6:26", "--knees-out", "0", "--track", trackPath, "--truth", truthPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Simulated lifter (not a real person)") || strings.Count(out, "\n") != 8 {
		t.Errorf("summary:\n%s", out)
	}
	tr, err := track.Load(trackPath, track.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Skeleton != track.SkeletonBlazePose33 || tr.Video.Width != 1280 || tr.Video.Height != 720 || len(tr.Frames) < 100 {
		t.Errorf("track: %s %dx%d, %d frames", tr.Skeleton, tr.Video.Width, tr.Video.Height, len(tr.Frames))
	}
	var truth struct {
		Simulated bool    `json:"simulated"`
		FPS       float64 `json:"fps"`
		Standing  struct {
			Right float64 `json:"right"`
		} `json:"standing_fppa_deg"`
		Reps []struct {
			Start float64 `json:"start_s"`
			End   float64 `json:"end_s"`
			Right struct {
				Change float64 `json:"peak_fppa_change_deg"`
			} `json:"right"`
		} `json:"reps"`
		PerFrame []struct {
			T    float64 `json:"t"`
			FPPA struct {
				Right float64 `json:"right"`
			} `json:"fppa_deg"`
		} `json:"per_frame"`
	}
	b, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	if !truth.Simulated || len(truth.Reps) != 6 {
		t.Fatalf("truth: %s", b)
	}
	for i, r := range truth.Reps {
		if want := 6 + 4*float64(i); math.Abs(r.Right.Change-want) > 0.05 {
			t.Errorf("rep %d: right peak change %.2f°, want %.0f°", i+1, r.Right.Change, want)
		}
	}
	// The exact track analyses to the truth: six reps, each right peak
	// FPPA change as simulated (less what the 0.1 s the analysis holds a
	// peak for takes off it: the truth's frames held for 0.1 s, computed
	// from its per-frame FPPA), the right knee's cave growing.
	rep, err := execute(t, "analyze", "--format", "json", trackPath)
	if err != nil {
		t.Fatal(err)
	}
	var an struct {
		Sets []struct {
			Reps []struct {
				Right struct {
					Change float64 `json:"peak_fppa_change_deg"`
				} `json:"right"`
			} `json:"reps"`
			Summary struct {
				Fatigue map[string]trendJSON `json:"fatigue_graded_deg_per_rep"`
			} `json:"summary"`
		} `json:"sets"`
	}
	schematest.Validate(t, schematest.Analysis, []byte(rep))
	if err := json.Unmarshal([]byte(rep), &an); err != nil {
		t.Fatal(err)
	}
	if len(an.Sets) != 1 || len(an.Sets[0].Reps) != 6 {
		t.Fatalf("analysis found %+v", an)
	}
	k := int(math.Ceil(0.1*truth.FPS - 1e-9)) // frames in 0.1 s
	k = max(k, 3)
	for i, r := range an.Sets[0].Reps {
		var in []float64
		for _, f := range truth.PerFrame {
			if f.T >= truth.Reps[i].Start-1e-9 && f.T <= truth.Reps[i].End+1e-9 {
				in = append(in, f.FPPA.Right)
			}
		}
		held := math.Inf(-1)
		for j := 0; j+k <= len(in); j++ {
			held = math.Max(held, slices.Min(in[j:j+k]))
		}
		want := held - truth.Standing.Right
		if d := r.Right.Change - want; math.Abs(d) > 0.1 {
			t.Errorf("rep %d: analysis %.2f°, truth held for 0.1 s %.2f° (at its single peak frame %.2f°)", i+1, r.Right.Change, want, truth.Reps[i].Right.Change)
		}
	}
	if f := an.Sets[0].Summary.Fatigue["right"]; f.Verdict != "worsening" || !(f.Slope > 0) {
		t.Errorf("right trend %+v, want worsening", f)
	}
}

func TestSimulateVideo(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg is not installed")
	}
	path := filepath.Join(t.TempDir(), "set.mp4")
	out, err := execute(t, "simulate", "--reps", "1", "--size", "160x90", "--fps", "10", "-o", path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "wrote "+path) {
		t.Errorf("output:\n%s", out)
	}
	info, err := video.Probe(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	// 1 s lead-in, 1.3 + 0.3 + 1.0 s rep, 1 s lead-out at 10 fps: 47 frames.
	if info.Width != 160 || info.Height != 90 || info.FrameCount != 47 {
		t.Errorf("video %dx%d with %d frames, want 160x90 and 47", info.Width, info.Height, info.FrameCount)
	}
}

func TestSimulateBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"simulate", "--track", "x.json", "--reps", "0"},
		{"simulate", "--track", "x.json", "--right-valgus", "a:b"},
		{"simulate", "--track", "x.json", "--peak", "sideways"},
		{"simulate", "--track", "x.json", "--size", "100"},
		{"simulate", "--track", "x.json", "--movement", "jump"},
		{"simulate", "--track", "x.json", "--stand-on", "both"},
		{"simulate", "--track", "x.json", "--lifter-height", "tall"},
		{"simulate"},
	} {
		if _, err := execute(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
