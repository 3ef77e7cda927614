package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/eval"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/termprogress"
	"github.com/kneetrack/kneetrack/internal/track"
)

type evalOptions struct {
	mocap     string
	small     bool
	seed      int64
	dir       string
	format    string
	output    string
	cavesFrom string
	worst     int
	workers   int
	cameraYaw float64
	fps       float64

	// For videos in a labels file: the pose step, as in `kneetrack analyze`.
	pose pose.Options
}

func newEvalCmd(g *globalOptions) *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval [LABELS.csv]",
		Short: "Score kneetrack's knee-cave verdicts against labelled clips",
		Long: `eval runs the analysis on labelled clips and scores its verdicts: per clip
and per knee, "caves" when a knee is graded at least --caves-from in some
rep, against the labels; precision, recall and F1 per class, the share of
clips analysed, whether the movement was recognised, the same per group and
the worst mistakes.

Without an argument it scores the built-in labelled set: synthetic lifters
and motion capture (the shared mocap folder: --mocap, else ../shared/mocap
beside the repository or the binary; without it, synthetic cases only),
filmed by virtual phone cameras with the pose model's errors imitated
(docs/evalset.md). --small scores a quick subset.

With LABELS.csv it scores your own labelled clips. The CSV has a header
row; a file column (file, path, clip, video or track) names each clip,
relative to --dir (default: the CSV's folder); labels are per knee
(left_knee, right_knee) or per clip (label, class or verdict), in free text
("caves", "knees in", "no cave", "straight", "not assessed", ...); an
optional movement column ("squat", "single-leg squat", "split squat",
"lateral lunge", "jump landing"). Keypoint tracks (kneetrack JSON, TRC,
OpenPose folders) are analysed directly; videos are tracked first, as
'kneetrack analyze' does (--model, --threads, --mirror-average). A row whose
clip is missing or unreadable is reported and skipped; eval fails only when
no clip could be scored. Details: docs/eval.md.`,
		Example: `  kneetrack eval --small
  kneetrack eval
  kneetrack eval labels.csv
  kneetrack eval labels.csv --dir clips/ --format json -o scores.json
  kneetrack eval labels.csv --caves-from mild`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(cmd, g, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.mocap, "mocap", "", "built-in set: folder of the motion-capture TRC files (default ../shared/mocap beside the repository or binary)")
	f.BoolVar(&o.small, "small", false, "built-in set: a quick subset")
	f.Int64Var(&o.seed, "seed", 1, "built-in set: the seed that makes the set (the same seed gives the same set)")
	f.StringVar(&o.dir, "dir", "", "labels file: folder the file names are relative to (default: the labels file's folder)")
	f.StringVar(&o.format, "format", "text", "output format: text or json (docs/schema/eval.schema.json)")
	f.StringVarP(&o.output, "output", "o", "", "write the scores to this file instead of standard output")
	f.StringVar(&o.cavesFrom, "caves-from", "moderate", "severity from which a knee counts as caving: mild, moderate or severe")
	f.IntVar(&o.worst, "worst", 15, "list at most this many of the worst mistakes in the table")
	f.IntVar(&o.workers, "workers", 0, "analyses run at once (default: one per core)")
	f.Float64Var(&o.cameraYaw, "camera-yaw", 0, "labels file: for 3D tracks, where the virtual camera stands (degrees around the lifter, 0 front)")
	f.Float64Var(&o.fps, "fps", 30, "labels file: frame rate of OpenPose folders, which do not record it")
	f.StringVar(&o.pose.Model, "model", pose.ModelBlazePoseFull, "for videos: pose model, "+strings.Join(pose.ModelNames(), ", "))
	f.StringVar(&o.pose.ModelsDir, "models-dir", "", "for videos: model folder (default $KNEETRACK_MODELS_DIR, else the user's cache folder)")
	f.IntVar(&o.pose.Threads, "threads", 0, "for videos: threads per inference (default: all cores)")
	cliflag.SetRange(f, "worst", 0, 1e6)
	cliflag.SetRange(f, "workers", 0, 1024)
	cliflag.SetRange(f, "camera-yaw", -360, 360)
	cliflag.SetRange(f, "fps", 1, 1000)
	cliflag.SetRange(f, "threads", 0, 1024)
	f.BoolVar(&o.pose.MirrorAverage, "mirror-average", true, "for videos: also run the pose model on the mirrored crop and average (--mirror-average=false: faster)")
	return cmd
}

func runEval(cmd *cobra.Command, g *globalOptions, o *evalOptions, args []string) error {
	ctx := cmd.Context()
	log := newLogger(g.verbose)
	stderr := cmd.ErrOrStderr()
	if err := checkFormat(o.format); err != nil {
		return err
	}
	from, err := eval.ParseCavesFrom(o.cavesFrom)
	if err != nil {
		return fmt.Errorf("--caves-from %q: %w", o.cavesFrom, err)
	}
	if o.worst < 0 {
		return fmt.Errorf("--worst %d: must be 0 or more", o.worst)
	}
	if o.workers < 0 {
		return fmt.Errorf("--workers %d: must be 0 (one per core) or more", o.workers)
	}
	cfg := eval.Config{Mocap: o.mocap, Small: o.small, Seed: o.seed, Dir: o.dir, Output: o.output, CavesFrom: from,
		Workers: o.workers, Status: stderr, Logger: log}
	if len(args) == 1 {
		if err := checkPoseFlags(o.pose.Model, o.pose.Threads); err != nil {
			return err
		}
		cfg.Labels, cfg.VideoModel = args[0], o.pose.Model
		if o.pose.MirrorAverage {
			cfg.VideoModel += ", mirror-averaged"
		}
		cfg.Track = track.LoadOptions{Camera: track.Camera{YawDeg: o.cameraYaw}, OpenPose: track.OpenPoseOptions{FPS: o.fps}}
		popts := o.pose
		popts.Logger = log
		cfg.Video = func(ctx context.Context, video string) (*track.Track, error) {
			return termprogress.TrackVideo(ctx, stderr, video, popts)
		}
	}
	ev, err := eval.Evaluate(ctx, cfg)
	if err != nil {
		return err
	}
	scores, err := ev.Report(o.format, o.worst)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if toFile(o.output) {
		if err := atomicfile.Write(o.output, func(w io.Writer) error { _, err := w.Write(scores); return err }); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", o.output)
	} else if _, err := cmd.OutOrStdout().Write(scores); err != nil {
		return err
	}
	if n := len(ev.NotScored); n > 0 {
		fmt.Fprintf(stderr, "%d of %d labelled clips could not be scored (see above)\n", n, n+len(ev.Outcomes))
	}
	return ev.Err()
}
