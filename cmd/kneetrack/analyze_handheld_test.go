package main

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/testenv"
)

// TestAnalyzeShortHandheldSquat: a 2-s clip of a single squat filmed
// hand-held is analysed as a squat. It is made from the hands-behind-head
// clip (60 fps; by eye, from a contact sheet: standing until 1.3 s, bottom
// at about 2.0 s, standing again by 2.8 s, next descent from 3.5 s): 2.1 s
// from 0.95 s, at 30 fps, with a slowly moving crop (a sideways sway of 3%
// of the width at 2 rad/s and a 2%-of-the-height-per-second drift down)
// scaled to 540x960, as a phone held in the hand moves.
func TestAnalyzeShortHandheldSquat(t *testing.T) {
	testenv.PoseTools(t)
	src := testenv.SharedFile(t, "media/squat-hands-behind-head-front-60fps.mp4")
	dir := t.TempDir()
	clip := filepath.Join(dir, "one-squat-handheld.mp4")
	vf := "fps=30,crop=iw*0.9:ih*0.9:x='(iw-ow)/2+sin(t*2)*iw*0.03':y='(ih-oh)/2+t*ih*0.02',scale=540:960"
	cmd := exec.CommandContext(t.Context(), "ffmpeg", "-v", "error", "-y", "-ss", "0.95", "-t", "2.1", "-i", src,
		"-vf", vf, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-an", clip)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the clip: %v: %s", err, out)
	}
	start := time.Now()
	jsonPath := filepath.Join(dir, "analysis.json")
	if _, err := execute(t, "analyze", clip, "--format", "json", "-o", jsonPath); err != nil {
		t.Fatal(err)
	}
	t.Logf("analyze took %.1f s", time.Since(start).Seconds())
	doc := readAnalysis(t, jsonPath)
	if len(doc.Sets) != 1 {
		t.Fatalf("%d sets", len(doc.Sets))
	}
	s := doc.Sets[0]
	t.Logf("movement %s, view %s, analysed %v, %d reps, notes %q", s.Movement, s.View, s.Analysed, len(s.Reps), s.Notes)
	for _, r := range s.Reps {
		t.Logf("rep: start %v bottom %v end %v partial %v, left %s (FPPA %s), right %s (FPPA %s)", fv(r.StartS), fv(r.BottomS), fv(r.EndS),
			r.Partial, r.Left.Severity, r.Left.PeakFPPA, r.Right.Severity, r.Right.PeakFPPA)
	}
	if s.Movement != "bilateral_squat" || !s.Analysed || len(s.Reps) != 1 {
		t.Errorf("want an analysed squat (both legs) with 1 rep; got movement %s, analysed %v, %d reps", s.Movement, s.Analysed, len(s.Reps))
	}
	for _, r := range s.Reps {
		for side, sev := range map[string]string{"left": r.Left.Severity, "right": r.Right.Severity} {
			if sev != "none" {
				t.Errorf("%s knee graded %q, want none", side, sev)
			}
		}
	}
}

func fv(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}
