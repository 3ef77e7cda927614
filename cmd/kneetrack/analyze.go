package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/report"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/termprogress"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

type analyzeOptions struct {
	loads      string
	movement   string
	sex        string
	height     string
	output     string
	thresholds string
	cutoff     float64
	cameraYaw  float64
	fps        float64
	// The outputs: --format, --csv, --report, --video, --save-track.
	outs session.Outputs
	// For video inputs: the pose step, as in `kneetrack pose`.
	pose pose.Options
	pick string
	// details: the text report with every detail (--details).
	details bool
}

func newAnalyzeCmd(g *globalOptions) *cobra.Command {
	o := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze FILE...",
		Short: "Report knee cave rep by rep from videos or keypoint tracks (one file per set)",
		Long: `analyze reads one video or keypoint track per set and reports, rep by rep,
whether the knees cave in (dynamic knee valgus), how much, on which side and
when; per set whether it grows with fatigue; across sets whether it grows
with load. It ends with the likely causes, each with its evidence, and what
to do next.

Each FILE is a video (.mp4, .mov, ...: the lifter is found and followed
with a pose model first, exactly as 'kneetrack pose' does; see --model,
--pick, --save-track, --mirror-average), a kneetrack track (.json, from 'kneetrack pose' or
--save-track), a TRC file (OpenCap, Sports2D, motion capture; 3D markers
are filmed with a virtual phone camera in front of the lifter, see
--camera-yaw), or a folder of OpenPose BODY_25 JSON files. Videos and
tracks can be mixed, one per set.

Film from the front, phone at about hip height 2-4 m away, whole body and
feet in the picture. Metrics, thresholds and their sources: docs/method.md.
Causes and advice: docs/coaching.md. JSON schema: docs/analysis-json.md.
This is not a diagnosis.

Outputs never replace an input or each other, are checked before any
tracking, and are put in place together at the end: Ctrl-C writes
nothing. Exit status: 0 analysed, 1 error, 2 wrong usage, 3 read but
nothing could be analysed (the report says why), 130 interrupted
(docs/reliability.md).`,
		Example: `  kneetrack analyze squats.mp4
  kneetrack analyze squats.mp4 --report out/ --video annotated.mp4
  kneetrack analyze set1.mp4 set2.mp4 set3.mp4 --load 60kg,80kg,100kg
  kneetrack analyze squats.mp4 --save-track squats.json    # later: kneetrack analyze squats.json
  kneetrack analyze pistol.json --movement single-leg --sex female --format json -o report.json --csv frames.csv
  kneetrack analyze squats.trc`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd, g, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.loads, "load", "", "load of each set, comma-separated, in the order of the files (e.g. 60kg,80kg,100kg; lb also accepted)")
	f.StringVar(&o.movement, "movement", "auto", "movement: auto, squat, single-leg or split-squat")
	f.StringVar(&o.sex, "sex", "", "female or male, for sex-specific norms where the literature gives them")
	f.StringVar(&o.height, "height", "", "lifter's height (e.g. 175cm or 1.75m) to report distances in cm and speeds in m/s")
	f.StringVar(&o.outs.Format, "format", "text", "output format: text, text-full (text with every detail, as --details) or json")
	f.BoolVar(&o.details, "details", false, "text report with every detail: the full rep table and its legend, every finding, the causes with their evidence, the whole plan")
	f.StringVar(&o.outs.CSV, "csv", "", "also write per-frame metrics to this CSV file")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output (- for standard output)")
	f.StringVar(&o.thresholds, "thresholds", "", "JSON file overriding some or all thresholds (see docs/method.md)")
	f.Float64Var(&o.cutoff, "cutoff", 6, "low-pass smoothing cut-off in Hz (negative: no smoothing)")
	f.Float64Var(&o.cameraYaw, "camera-yaw", 0, "for 3D tracks: where the virtual camera stands, degrees around the lifter (0 front, 90 their right side)")
	f.Float64Var(&o.fps, "fps", 30, "frame rate of OpenPose folders, which do not record it")
	f.StringVar(&o.pose.Model, "model", pose.ModelBlazePoseFull, "for videos: pose model, "+strings.Join(pose.ModelNames(), ", "))
	f.StringVar(&o.pose.ModelsDir, "models-dir", "", "for videos: model folder (default $KNEETRACK_MODELS_DIR, else the user's cache folder)")
	f.IntVar(&o.pose.Threads, "threads", 0, "for videos: threads per inference (default: all cores)")
	f.BoolVar(&o.pose.MirrorAverage, "mirror-average", true, "for videos: also run the pose model on the mirrored crop and average, so that a video and its mirror image agree (--mirror-average=false: faster)")
	f.StringVar(&o.pick, "pick", "", "for videos: follow the person seen at X,Y (normalised 0..1) where first seen, or at any other sampled time (see 'kneetrack pose --list-people')")
	f.BoolVar(&o.pose.AllowFeetOut, "allow-feet-out", false, "for videos: keep going when the feet are mostly out of the picture")
	f.StringVar(&o.outs.SaveTrack, "save-track", "", "for videos: also write the keypoint track to this file (.json, .csv or .trc; NAME-setK.EXT for several videos)")
	f.StringVar(&o.outs.ReportDir, "report", "", "write a self-contained HTML report (charts, key frames) to DIR/report.html")
	f.StringVar(&o.outs.Video, "video", "", "write the video with the skeleton, knee lines and angles drawn on it to this MP4 file (needs the original video)")
	cliflag.SetRange(f, "cutoff", math.Inf(-1), maxCutoffHz)
	cliflag.SetRange(f, "camera-yaw", -360, 360)
	cliflag.SetRange(f, "fps", 1, 1000)
	cliflag.SetRange(f, "threads", 0, 1024)
	return cmd
}

func runAnalyze(cmd *cobra.Command, g *globalOptions, o *analyzeOptions, files []string) error {
	ctx := cmd.Context()
	log := newLogger(g.verbose)
	if o.outs.Format != "text" && o.outs.Format != "text-full" && o.outs.Format != "json" {
		return cliflag.Usagef("--format %q: use text, text-full or json", o.outs.Format)
	}
	mv, err := valgus.ParseMovement(o.movement)
	if err != nil {
		return cliflag.Usagef("--movement: %w", err)
	}
	sex, err := valgus.ParseSex(o.sex)
	if err != nil {
		return cliflag.Usagef("--sex: %w", err)
	}
	heightCM, err := session.ParseHeight(o.height)
	if err != nil {
		return cliflag.Usagef("--height: %w", err)
	}
	loads, err := session.ParseLoads(o.loads, len(files))
	if err != nil {
		return cliflag.Usagef("--load: %w", err)
	}
	if err := checkPoseFlags(o.pose.Model, o.pose.Threads); err != nil {
		return cliflag.AsUsage(err)
	}
	if o.pose.Pick, o.pose.PickX, o.pose.PickY, err = parsePick(o.pick); err != nil {
		return cliflag.AsUsage(err)
	}
	o.pose.Logger = log
	th := valgus.Defaults()
	if o.thresholds != "" {
		if th, err = session.ReadThresholds(o.thresholds); err != nil {
			return err
		}
	}
	ins := session.Inputs(files, loads)
	outs := o.outs
	outs.Inputs = []string{o.thresholds}
	if toFile(o.output) {
		outs.ReportFile = o.output
	} else {
		outs.Stdout = cmd.OutOrStdout()
	}
	outs.Text = textLayout(cmd.OutOrStdout(), toFile(o.output))
	outs.Text.Details = o.details
	stderr := cmd.ErrOrStderr()
	// One line per stage with the time left, only on a terminal (decided
	// here, once); the notes are written either way.
	prog := &termprogress.Session{W: stderr, Term: termprogress.IsTerminal(stderr)}
	// Every track is read and every output checked before any tracking
	// (minutes); the outputs are put in place together at the end.
	made, kept, err := session.Run(ctx, ins, session.Options{Movement: mv, Sex: sex, HeightCM: heightCM, Thresholds: th,
		Clean: motion.CleanOptions{CutoffHz: o.cutoff}, Pose: o.pose, Generator: "kneetrack " + version,
		Track:    track.LoadOptions{Camera: track.Camera{YawDeg: o.cameraYaw}, OpenPose: track.OpenPoseOptions{FPS: o.fps}},
		Progress: prog, Logger: log}, outs)
	if len(kept) > 0 {
		fmt.Fprintf(stderr, "the keypoint tracks were saved (--save-track) although the analysis failed\n")
	}
	for _, f := range made {
		fmt.Fprintln(stderr, f)
	}
	return err
}

// textLayout says how wide the text report is and whether it is
// coloured (report.ForTerminal): it asks the terminal when the report goes
// to one.
func textLayout(stdout io.Writer, toFile bool) report.TextOptions {
	t := report.Terminal{Columns: os.Getenv("COLUMNS"), NoColor: os.Getenv("NO_COLOR")}
	if f, ok := stdout.(*os.File); ok && !toFile && term.IsTerminal(int(f.Fd())) {
		t.IsTerminal = true
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			t.Width = w
		}
	}
	return report.ForTerminal(t)
}

// toFile reports whether an -o value names a file (not standard output).
func toFile(output string) bool { return output != "" && output != "-" }

// checkPoseFlags checks --model and --threads of the pose step.
func checkPoseFlags(model string, threads int) error {
	if !slices.Contains(pose.ModelNames(), model) {
		return fmt.Errorf("--model %q: use one of %s", model, strings.Join(pose.ModelNames(), ", "))
	}
	if threads < 0 {
		return fmt.Errorf("--threads %d: must be 0 (all cores) or more", threads)
	}
	return nil
}

// maxCutoffHz is the highest smoothing cut-off accepted; a cut-off at or
// above half the frame rate means no smoothing.
const maxCutoffHz = 1000
