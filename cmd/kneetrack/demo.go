package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Names of the files the demo writes into its folder.
const (
	demoVideoName     = "simulated-squats.mp4"
	demoAnnotatedName = "annotated.mp4"
	demoTrackName     = "track.json"
	demoTruthName     = "truth.json"
)

// demoCaption is written on every frame of the annotated video.
const demoCaption = "SIMULATED ATHLETE - kneetrack demo, not a real person"

// demoNote heads the analysis, in the terminal and in the report.
const demoNote = "The athlete is SIMULATED: kneetrack rendered this set itself (a 3D figure, not a real person) " +
	"with a right knee that caves more with every rep. The truth is in " + demoTruthName + "; compare it with what was measured."

type demoOptions struct {
	out     string
	reps    int
	size    string
	fps     float64
	threads int
}

// demoConfig is a checked demoOptions.
type demoConfig struct {
	dir     string
	set     sim.Set
	camera  track.Camera
	threads int
}

// demoResult is what a demo run made, for its tests.
type demoResult struct {
	sim       *sim.Result
	session   *valgus.SessionResult
	report    string // path of report.html
	annotated string
	video     string
	elapsed   time.Duration
}

func newDemoCmd(g *globalOptions) *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Render a simulated set of squats, analyse it and write the report (no video of your own needed)",
		Long: `demo shows kneetrack at work before you film anything. It renders a short
set of bodyweight squats by a SIMULATED athlete (a 3D figure drawn by
kneetrack, not a real person) whose right knee caves in a little more with
every rep (peak knee angle rising from 4 to 30 degrees above standing, just
out of the hole) while the ascents slow down. Then it analyses that video
exactly as it would yours: pose model, reps, knee angles, fatigue trend,
likely causes and a plan.

It writes into --out: report.html (open it in a browser), annotated.mp4 (the
video with the skeleton, knee lines and angles), simulated-squats.mp4 (the
input), track.json (the keypoints) and truth.json (every angle as simulated),
and prints the summary with the simulated and measured cave side by side.

It needs ffmpeg and the pose models ('./scripts/setup.sh' installs both).
How to read the output: docs/demo.md.`,
		Example: `  kneetrack demo
  kneetrack demo --out /tmp/demo --reps 8
  kneetrack demo --size 640x360 --fps 15    # quicker on a slow machine`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.config()
			if err != nil {
				return err
			}
			_, err = runDemo(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr(), newLogger(g.verbose))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "kneetrack-demo", "folder to write the report, videos, track and truth into (created if needed)")
	f.IntVar(&o.reps, "reps", 6, "number of squats (4 to 12; the cave grows from 4 to 30 degrees of FPPA over them)")
	f.StringVar(&o.size, "size", "800x450", "picture size WIDTHxHEIGHT (smaller is faster)")
	f.Float64Var(&o.fps, "fps", 24, "frames per second (15 to 60; lower is faster)")
	f.IntVar(&o.threads, "threads", 0, "goroutines drawing each frame (0: all CPUs)")
	setRange(f, "threads", 0, 1024)
	return cmd
}

// config checks the flags and builds the set and camera.
func (o *demoOptions) config() (demoConfig, error) {
	if o.reps < 4 || o.reps > 12 {
		return demoConfig{}, fmt.Errorf("--reps %d: give 4 to 12 (fewer reps cannot show a trend with any confidence)", o.reps)
	}
	if !(o.fps >= 15 && o.fps <= 60) {
		return demoConfig{}, fmt.Errorf("--fps %g: give 15 to 60 frames per second", o.fps)
	}
	if o.out == "" {
		return demoConfig{}, errors.New("--out: give a folder to write into")
	}
	set, cam, err := sim.DemoSet(o.reps, o.fps, o.size)
	if err != nil {
		return demoConfig{}, err
	}
	return demoConfig{dir: o.out, set: set, camera: cam, threads: o.threads}, nil
}

// runDemo simulates, renders, tracks and analyses the demo set and writes
// its outputs into cfg.dir: the summary goes to stdout, progress to stderr.
func runDemo(ctx context.Context, cfg demoConfig, stdout, stderr io.Writer, log *slog.Logger) (*demoResult, error) {
	start := time.Now()
	if err := demoPreflight(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the demo folder: %w", err)
	}
	res, err := sim.Simulate(cfg.set, cfg.camera)
	if err != nil {
		return nil, fmt.Errorf("simulating the demo set: %w", err)
	}
	out := &demoResult{sim: res, video: filepath.Join(cfg.dir, demoVideoName),
		annotated: filepath.Join(cfg.dir, demoAnnotatedName)}
	fmt.Fprintf(stderr, "kneetrack demo: a SIMULATED athlete (rendered by kneetrack, not a real person) squats %d times;\n"+
		"the right knee caves a little more every rep. Rendering %.0f s of %dx%d video, then analysing it like any other.\n",
		cfg.set.Reps, res.Truth.DurationS, cfg.camera.Width, cfg.camera.Height)

	t0 := time.Now()
	bar := demoBar(stderr, "render")
	_, err = res.RenderVideo(ctx, out.video, sim.VideoOptions{Threads: cfg.threads, Progress: demoBarFunc(bar), Logger: log})
	demoFinishBar(bar, err)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "rendered %d frames in %s\n", len(res.Frames), demoElapsed(t0))
	if err := atomicfile.Write(filepath.Join(cfg.dir, demoTruthName), res.Truth.WriteJSON); err != nil {
		return nil, err
	}

	// Analyse it as 'kneetrack analyze' does, with the lifter's height
	// known, and say in every output that the athlete is simulated.
	t0 = time.Now()
	in := session.Input{Path: out.video, Label: demoVideoName + " (simulated athlete, not a real person)", Note: demoNote}
	oc, err := session.Analyze(ctx, []session.Input{in}, session.Options{HeightCM: 100 * res.Set.HeightM,
		Thresholds: valgus.Defaults(), Pose: pose.Options{Logger: log}, Generator: "kneetrack " + version + " (demo, simulated athlete)",
		Progress: &barProgress{w: stderr, label: func(session.Stage) string { return "pose  " }}, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("tracking the simulated athlete: %w", err)
	}
	tracked := oc.Sets[0]
	fmt.Fprintf(stderr, "tracked %d frames in %s\n", tracked.Pose.Stats.Tracked, demoElapsed(t0))
	if err := track.WriteFile(filepath.Join(cfg.dir, demoTrackName), tracked.Pose.Track, track.FormatJSON); err != nil {
		return nil, err
	}
	setRes := tracked.Result
	out.session = oc.Session

	// Each file is put in place once finished: the report, then the
	// annotated video with the caption on every frame (not burned into the
	// simulated video itself: the pose model reads the same pictures as in
	// the accuracy tests, and the report's key frames are not cut through
	// it).
	t0 = time.Now()
	if _, err := oc.Write(ctx, session.Outputs{ReportDir: cfg.dir}); err != nil {
		return nil, outputErr(err)
	}
	out.report = filepath.Join(cfg.dir, htmlreport.FileName)
	if _, err := oc.Write(ctx, session.Outputs{Video: out.annotated, Caption: demoCaption}); err != nil {
		return nil, fmt.Errorf("annotating the demo video: %w", outputErr(err))
	}
	log.Debug("demo: report and annotated video written", "seconds", time.Since(t0).Seconds())

	fmt.Fprintln(stdout, "SIMULATED ATHLETE: this demo analyses a set kneetrack rendered itself; no real person was filmed.")
	fmt.Fprintln(stdout)
	if err := oc.WriteReport(stdout, "text"); err != nil {
		return nil, err
	}
	fmt.Fprintln(stdout)
	if err := writeDemoComparison(stdout, &res.Truth, setRes); err != nil {
		return nil, err
	}
	out.elapsed = time.Since(start)
	fmt.Fprintf(stdout, "\nWritten to %s (in %s):\n", cfg.dir, demoElapsed(start))
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, f := range [][2]string{
		{htmlreport.FileName, "the report: open it in a browser"},
		{demoAnnotatedName, "the video with the skeleton, knee lines and angles drawn on it"},
		{demoVideoName, "the simulated video that was analysed"},
		{demoTrackName, "the keypoints found in it ('kneetrack analyze " + filepath.Join(cfg.dir, demoTrackName) + "' repeats the analysis)"},
		{demoTruthName, "every angle as simulated, to check the measurements against"},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", f[0], f[1])
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	fmt.Fprintln(stdout, "How to read it: docs/demo.md. Film your own set from the front and run 'kneetrack analyze' on it.")
	return out, nil
}

// demoPreflight checks for ffmpeg and the pose models before minutes of
// rendering, naming what is missing and how to get it.
func demoPreflight() error {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("the demo needs %s to write and read video and it is not on PATH: run ./scripts/setup.sh, "+
				"or install it (Debian: apt-get install ffmpeg)", tool)
		}
	}
	dir, err := resolveModelsDir("")
	if err != nil {
		return fmt.Errorf("finding the pose models: %w", err)
	}
	for _, name := range []string{"blazepose-detector", pose.ModelBlazePoseFull} {
		if _, _, err := models.Paths(dir, name); err != nil {
			return fmt.Errorf("the demo needs the pose models: %w", err)
		}
	}
	return nil
}

// outputErr is err without the name of analyze's flag for the output.
func outputErr(err error) error {
	var oe *session.OutputError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}

// writeDemoComparison prints, rep by rep, each knee's peak FPPA rise as
// simulated and as measured, with the phase of the peak, and the trend of
// the right knee over the set.
func writeDemoComparison(w io.Writer, truth *sim.Truth, set *valgus.SetResult) error {
	fmt.Fprintln(w, "Simulated vs measured: each knee's peak FPPA rise above standing (degrees) and when it peaked")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rep\tright simulated\tright measured\tright phase (sim / measured)\tleft simulated\tleft measured\t")
	for i, tr := range truth.Reps {
		meas := func(s int) (string, string) { return "-", "-" }
		if i < len(set.Reps) {
			r := set.Reps[i]
			meas = func(s int) (string, string) {
				return signed(r.Side[s].PeakFPPAChange), demoPhase(r.Side[s].PeakPhase)
			}
		}
		rv, rp := meas(int(body.Right))
		lv, _ := meas(int(body.Left))
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s / %s\t%s\t%s\t\n", tr.Rep, signed(tr.Right.PeakChange), rv,
			demoPhase(tr.Right.PeakPhase), rp, signed(tr.Left.PeakChange), lv)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(set.Reps) != len(truth.Reps) {
		fmt.Fprintf(w, "  %d reps simulated, %d counted.\n", len(truth.Reps), len(set.Reps))
	}
	f := set.Summary.Fatigue[body.Right]
	verdict := "found the right knee's cave growing over the set"
	if f.Verdict != valgus.TrendWorsening {
		verdict = "did NOT find the right knee's cave growing (" + f.Verdict + ")"
	}
	_, err := fmt.Fprintf(w, "  Right knee over the set: simulated FPPA rise %+.1f°/rep; measured cave angle %+.1f°/rep (95%% CI %+.1f to %+.1f): kneetrack %s.\n",
		truth.FatigueSlope.Right, f.Slope, f.CILow, f.CIHigh, verdict)
	return err
}

// signed writes an angle with its sign to a tenth of a degree, never as
// "-0.0".
func signed(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no negative zero
	}
	return fmt.Sprintf("%+.1f", v)
}

// demoPhase shortens a phase name for the comparison table.
func demoPhase(p body.Phase) string {
	switch p {
	case body.PhaseOutOfTheHole:
		return "out of hole"
	case "":
		return "-"
	}
	return string(p)
}

// demoBar returns a progress bar on a terminal, nil elsewhere.
func demoBar(w io.Writer, label string) *progress {
	if !isTerminal(w) {
		return nil
	}
	return newProgress(w, label)
}

func demoBarFunc(bar *progress) func(done, total int) {
	if bar == nil {
		return nil
	}
	return bar.update
}

func demoFinishBar(bar *progress, err error) {
	if bar != nil {
		bar.finish(err == nil)
	}
}

// demoElapsed formats the time since t for people: "48 s" or "1 min 32 s".
func demoElapsed(t time.Time) string {
	d := time.Since(t).Seconds()
	if d < 60 {
		return fmt.Sprintf("%.0f s", math.Max(d, 0))
	}
	return fmt.Sprintf("%d min %02d s", int(d)/60, int(d)%60)
}
