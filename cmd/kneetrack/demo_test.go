package main

import (
	"bytes"
	"context"
	"image"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/video"
)

// TestDemoSetAsDocumented checks, without rendering, that the demo's
// default set is the one docs/demo.md describes: six reps filmed from the
// front at 800x450 and 24 fps, the right knee's peak FPPA rise growing
// from 4° to 30° in equal steps (5.2° a rep), peaking out of the hole, the
// left knee tracking straight (2° out), and the last ascent 25% slower
// than the first.
func TestDemoSetAsDocumented(t *testing.T) {
	cmd := newDemoCmd(&globalOptions{})
	if err := cmd.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	o := &demoOptions{}
	o.out, _ = cmd.Flags().GetString("out")
	o.reps, _ = cmd.Flags().GetInt("reps")
	o.size, _ = cmd.Flags().GetString("size")
	o.fps, _ = cmd.Flags().GetFloat64("fps")
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.dir != "kneetrack-demo" || cfg.camera.Width != 800 || cfg.camera.Height != 450 || cfg.set.FPS != 24 || cfg.camera.YawDeg != 0 {
		t.Errorf("defaults: folder %q, %dx%d at %g fps, yaw %g", cfg.dir, cfg.camera.Width, cfg.camera.Height, cfg.set.FPS, cfg.camera.YawDeg)
	}
	res, err := sim.Simulate(cfg.set, cfg.camera)
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Truth
	if len(tr.Reps) != 6 {
		t.Fatalf("%d reps", len(tr.Reps))
	}
	for i, r := range tr.Reps {
		want := 4 + 26*float64(i)/5
		if math.Abs(r.Right.PeakChange-want) > 0.05 {
			t.Errorf("rep %d: right peak rise %.2f°, want %.1f°", i+1, r.Right.PeakChange, want)
		}
		if wantPhase := body.PhaseOutOfTheHole; want >= 5 && r.Right.PeakPhase != wantPhase {
			t.Errorf("rep %d: right peak in phase %s, want %s", i+1, r.Right.PeakPhase, wantPhase)
		}
		if r.Left.PeakChange > 0.01 {
			t.Errorf("rep %d: left peak rise %.2f°, want none", i+1, r.Left.PeakChange)
		}
	}
	if math.Abs(tr.FatigueSlope.Right-5.2) > 0.01 || math.Abs(tr.AscentVelocityLoss-0.25) > 0.001 || tr.Lifter.KneesOutDeg != 2 {
		t.Errorf("right slope %.3f°/rep (want 5.2), velocity loss %.3f (want 0.25), knees out %g° (want 2)", tr.FatigueSlope.Right, tr.AscentVelocityLoss, tr.Lifter.KneesOutDeg)
	}
}

// TestDemo runs the whole demo (at a smaller picture and frame rate than
// its defaults, to keep the test short): kneetrack must count the six reps,
// measure each right-knee peak within 8° of the simulated one, find the
// right knee's cave growing and the left knee's not, and write a report
// and an annotated video that, like the terminal summary, say the athlete
// is simulated.
func TestDemo(t *testing.T) {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "install ffmpeg or run ./scripts/setup.sh")
		}
	}
	testenv.ModelFiles(t, "blazepose-detector")
	testenv.ModelFiles(t, pose.ModelBlazePoseFull)

	dir := filepath.Join(t.TempDir(), "demo")
	cfg, err := (&demoOptions{out: dir, reps: 6, size: "640x360", fps: 15}).config()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	start := time.Now()
	res, err := runDemo(context.Background(), cfg, &stdout, &stderr, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	t.Logf("demo at 640x360, 15 fps: %s\n%s", time.Since(start).Round(time.Second), stdout.String())

	set := res.Outcome.Session.Sets[0]
	if len(set.Reps) != 6 || set.Summary.PartialReps != 0 {
		t.Fatalf("%d reps counted (%d partial), 6 simulated", len(set.Reps), set.Summary.PartialReps)
	}
	for i, r := range set.Reps {
		got, want := r.Side[body.Right].PeakFPPAChange, res.Sim.Truth.Reps[i].Right.PeakChange
		if math.Abs(got-want) > 8 {
			t.Errorf("rep %d: right peak rise measured %+.1f°, simulated %+.1f°", i+1, got, want)
		}
	}
	if f := set.Summary.Fatigue[body.Right]; f.Verdict != valgus.TrendWorsening {
		t.Errorf("right knee: %s (%+.2f°/rep, CI %+.2f to %+.2f); the cave grows by 5.2°/rep of FPPA", f.Verdict, f.Slope, f.CILow, f.CIHigh)
	}
	if f := set.Summary.Fatigue[body.Left]; f.Verdict == valgus.TrendWorsening {
		t.Errorf("left knee: %s (%+.2f°/rep); it does not cave", f.Verdict, f.Slope)
	}

	out := stdout.String()
	for _, want := range []string{"SIMULATED ATHLETE", "simulated athlete, not a real person",
		"kneetrack found the right knee's cave growing over the set", htmlreport.FileName} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary does not say %q", want)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, htmlreport.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"simulated athlete, not a real person", "The athlete is SIMULATED"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("the report does not say %q", want)
		}
	}
	// The annotated video is the rendered one, frame for frame.
	ctx := context.Background()
	in, err := video.Probe(ctx, filepath.Join(dir, session.DemoVideoName))
	if err != nil {
		t.Fatal(err)
	}
	ann, err := video.Probe(ctx, filepath.Join(dir, session.DemoAnnotatedName))
	if err != nil {
		t.Fatal(err)
	}
	if in.Width != 640 || in.Height != 360 || ann.Width != 640 || ann.Height != 360 ||
		in.FrameCount != len(res.Sim.Frames) || ann.FrameCount != in.FrameCount {
		t.Errorf("videos: rendered %dx%d %d frames, annotated %dx%d %d frames; %d simulated",
			in.Width, in.Height, in.FrameCount, ann.Width, ann.Height, ann.FrameCount, len(res.Sim.Frames))
	}
	// The annotated video carries the caption in its bottom right corner:
	// there it differs from the rendered video (the skeleton is drawn
	// elsewhere, over the athlete).
	at := []float64{0.5}
	a, _, err := overlay.GrabFrames(ctx, filepath.Join(dir, session.DemoAnnotatedName), at)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := overlay.GrabFrames(ctx, filepath.Join(dir, session.DemoVideoName), at)
	if err != nil {
		t.Fatal(err)
	}
	if d := meanDiff(a[0], r[0], image.Rect(400, 335, 635, 355)); d < 20 {
		t.Errorf("caption corner differs by %.1f grey levels on average; no caption drawn?", d)
	}
	if d := meanDiff(a[0], r[0], image.Rect(5, 150, 200, 330)); d > 2 {
		t.Errorf("left of the athlete the annotated frame differs by %.1f grey levels on average", d)
	}
	// The track reads back and names its video; the truth is there too.
	tr, err := track.Load(filepath.Join(dir, session.DemoTrackName), track.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Video.Source != session.DemoVideoName || len(tr.Frames) != len(res.Sim.Frames) {
		t.Errorf("track: source %q, %d frames", tr.Video.Source, len(tr.Frames))
	}
	if b, err := os.ReadFile(filepath.Join(dir, session.DemoTruthName)); err != nil || !bytes.Contains(b, []byte(`"simulated": true`)) {
		t.Errorf("truth.json: %v", err)
	}
}

// meanDiff is the mean absolute difference of two pictures' RGB values
// over rectangle r.
func meanDiff(a, b *image.RGBA, r image.Rectangle) float64 {
	var sum float64
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i, j := a.PixOffset(x, y), b.PixOffset(x, y)
			for c := range 3 {
				sum += math.Abs(float64(a.Pix[i+c]) - float64(b.Pix[j+c]))
				n++
			}
		}
	}
	return sum / float64(max(n, 1))
}

// TestDemoNamesWhatIsMissing: without the pose models or ffmpeg the demo
// stops before rendering anything, saying what is missing and how to get
// it.
func TestDemoNamesWhatIsMissing(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		testenv.Missing(t, "ffmpeg", "install ffmpeg or run ./scripts/setup.sh")
	}
	out := filepath.Join(t.TempDir(), "demo")
	t.Setenv("KNEETRACK_MODELS_DIR", t.TempDir())
	_, err := execute(t, "demo", "--out", out)
	if err == nil || !strings.Contains(err.Error(), "pose models") || !strings.Contains(err.Error(), "models pull") {
		t.Errorf("no models: error %v, want one naming the pose models and 'kneetrack models pull'", err)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = execute(t, "demo", "--out", out)
	if err == nil || !strings.Contains(err.Error(), "ffmpeg") || !strings.Contains(err.Error(), "setup.sh") {
		t.Errorf("no ffmpeg: error %v, want one naming ffmpeg and the set-up script", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the demo folder was created before the checks failed (%v)", err)
	}
}

func TestDemoRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--reps", "2"}, "--reps 2"},
		{[]string{"--reps", "40"}, "--reps 40"},
		{[]string{"--size", "100x50"}, "--size"},
		{[]string{"--size", "big"}, "--size"},
		{[]string{"--fps", "5"}, "--fps 5"},
		{[]string{"--out", ""}, "--out"},
	} {
		_, err := execute(t, append([]string{"demo"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("demo %v: error %v, want one naming %s", tc.args, err, tc.want)
		}
	}
}
