package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/report"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/termprogress"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/words"
)

type demoOptions struct {
	out     string
	reps    int
	size    string
	fps     float64
	threads int
	details bool
}

// demoConfig is a checked demoOptions.
type demoConfig struct {
	dir     string
	set     sim.Set
	camera  track.Camera
	threads int
	// text lays out the summary (width, colour, details).
	text report.TextOptions
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
			cfg.text = textLayout(cmd.OutOrStdout(), false)
			cfg.text.Details = o.details
			_, err = runDemo(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr(), newLogger(g.verbose))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "kneetrack-demo", "folder to write the report, videos, track and truth into (created if needed)")
	f.IntVar(&o.reps, "reps", 6, "number of squats (4 to 12; the cave grows from 4 to 30 degrees of FPPA over them)")
	f.StringVar(&o.size, "size", "800x450", "picture size WIDTHxHEIGHT (smaller is faster)")
	f.Float64Var(&o.fps, "fps", 24, "frames per second (15 to 60; lower is faster)")
	f.IntVar(&o.threads, "threads", 0, "threads drawing each frame (default: all cores)")
	f.BoolVar(&o.details, "details", false, "print the whole summary: every column, finding, cause and plan step")
	cliflag.SetRange(f, "threads", 0, 1024)
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
func runDemo(ctx context.Context, cfg demoConfig, stdout, stderr io.Writer, log *slog.Logger) (*session.Demo, error) {
	start := time.Now()
	d, err := session.NewDemo(cfg.dir, cfg.set, cfg.camera)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "kneetrack demo: a SIMULATED athlete (rendered by kneetrack, not a real person) squats %d times;\n"+
		"the right knee caves a little more every rep. Rendering %.0f s of %dx%d video, then analysing it like any other.\n",
		cfg.set.Reps, d.Sim.Truth.DurationS, cfg.camera.Width, cfg.camera.Height)

	t0 := time.Now()
	bar := termprogress.New(stderr, "render")
	err = d.Render(ctx, sim.VideoOptions{Threads: cfg.threads, Progress: bar.Func(), Logger: log})
	bar.Finish(err == nil)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "rendered %d frames in %s\n", len(d.Sim.Frames), words.Elapsed(time.Since(t0)))

	t0 = time.Now()
	err = d.Analyze(ctx, session.Options{Pose: pose.Options{Logger: log}, Generator: "kneetrack " + version + " (demo, simulated athlete)",
		Progress: &termprogress.Session{W: stderr, Term: termprogress.IsTerminal(stderr)}, Logger: log})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "tracked %d frames in %s\n", d.Outcome.Sets[0].Pose.Stats.Tracked, words.Elapsed(time.Since(t0)))
	t0 = time.Now()
	if err := d.Write(ctx); err != nil {
		return nil, err
	}
	log.Debug("demo: report and annotated video written", "seconds", time.Since(t0).Seconds())

	fmt.Fprintln(stdout, "SIMULATED ATHLETE: this demo analyses a set kneetrack rendered itself; no real person was filmed.")
	fmt.Fprintln(stdout)
	if err := report.WriteTextReport(stdout, d.Outcome.Session, d.Outcome.Advice, cfg.text); err != nil {
		return nil, err
	}
	fmt.Fprintln(stdout)
	if err := words.WriteTruthComparison(stdout, d.Comparison()); err != nil {
		return nil, err
	}
	err = words.WriteDemoFiles(stdout, cfg.dir, time.Since(start), words.DemoFiles{Report: htmlreport.FileName,
		Annotated: session.DemoAnnotatedName, Video: session.DemoVideoName, Track: session.DemoTrackName,
		Truth: session.DemoTruthName, TrackPath: d.Path(session.DemoTrackName)})
	return d, err
}
