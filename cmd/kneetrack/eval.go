package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/eval"
	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/termprogress"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
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
	model     string
	modelsDir string
	threads   int
	mirrorAvg bool
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
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVarP(&o.output, "output", "o", "", "write the scores to this file instead of standard output")
	f.StringVar(&o.cavesFrom, "caves-from", "moderate", "severity from which a knee counts as caving: mild, moderate or severe")
	f.IntVar(&o.worst, "worst", 15, "list at most this many of the worst mistakes in the table")
	f.IntVar(&o.workers, "workers", 0, "analyses run at once (default: one per core)")
	f.Float64Var(&o.cameraYaw, "camera-yaw", 0, "labels file: for 3D tracks, where the virtual camera stands (degrees around the lifter, 0 front)")
	f.Float64Var(&o.fps, "fps", 30, "labels file: frame rate of OpenPose folders, which do not record it")
	f.StringVar(&o.model, "model", pose.ModelBlazePoseFull, "for videos: pose model, "+strings.Join(pose.ModelNames(), ", "))
	f.StringVar(&o.modelsDir, "models-dir", "", "for videos: model folder (default $KNEETRACK_MODELS_DIR, else the user's cache folder)")
	f.IntVar(&o.threads, "threads", 0, "for videos: threads per inference (default: all cores)")
	setRange(f, "worst", 0, 1e6)
	setRange(f, "workers", 0, 1024)
	setRange(f, "camera-yaw", -360, 360)
	setRange(f, "fps", 1, 1000)
	setRange(f, "threads", 0, 1024)
	f.BoolVar(&o.mirrorAvg, "mirror-average", true, "for videos: also run the pose model on the mirrored crop and average (--mirror-average=false: faster)")
	return cmd
}

// parseCavesFrom reads --caves-from.
func parseCavesFrom(s string) (valgus.Severity, error) {
	switch sev := valgus.Severity(strings.ToLower(strings.TrimSpace(s))); sev {
	case valgus.SevMild, valgus.SevModerate, valgus.SevSevere:
		return sev, nil
	}
	return "", fmt.Errorf("--caves-from %q: use mild, moderate or severe", s)
}

func runEval(cmd *cobra.Command, g *globalOptions, o *evalOptions, args []string) error {
	ctx := cmd.Context()
	log := newLogger(g.verbose)
	stderr := cmd.ErrOrStderr()
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("--format %q: use text or json", o.format)
	}
	from, err := parseCavesFrom(o.cavesFrom)
	if err != nil {
		return err
	}
	if o.worst < 0 {
		return fmt.Errorf("--worst %d: must be 0 or more", o.worst)
	}
	if o.workers < 0 {
		return fmt.Errorf("--workers %d: must be 0 (one per core) or more", o.workers)
	}

	var items []eval.Item
	var notScored []eval.NotScored
	start := time.Now()
	if len(args) == 0 {
		if o.dir != "" {
			return errors.New("--dir goes with a labels file: kneetrack eval LABELS.csv --dir DIR")
		}
		mocap, note := eval.FindMocapDir(o.mocap)
		if note != "" {
			fmt.Fprintf(stderr, "note: %s\n", note)
		}
		var inputs []string // files the output must not overwrite
		if mocap != "" {
			inputs, _ = filepath.Glob(filepath.Join(mocap, "*.trc"))
		}
		if err := eval.CheckOutput(o.output, inputs); err != nil {
			return err
		}
		size := "full"
		if o.small {
			size = "small"
		}
		fmt.Fprintf(stderr, "building the built-in labelled set (%s, seed %d)...\n", size, o.seed)
		cases, err := evalset.Build(evalset.Options{MocapDir: mocap, Seed: o.seed, Small: o.small})
		if err != nil {
			return fmt.Errorf("building the labelled set: %w", err)
		}
		items = eval.FromEvalset(cases)
	} else {
		items, notScored, err = o.loadLabelled(ctx, cmd, log, args[0])
		if err != nil {
			return err
		}
	}

	fmt.Fprintf(stderr, "analysing %d clips...\n", len(items))
	outs, err := eval.Run(ctx, items, valgus.Options{Logger: log}, o.workers)
	if err != nil {
		return fmt.Errorf("analysing the clips: %w", err)
	}
	sm := eval.Summarise(outs, from)
	log.Debug("evaluated", "clips", len(items), "seconds", time.Since(start).Seconds())

	var buf bytes.Buffer
	if o.format == "json" {
		err = eval.WriteJSON(&buf, sm, notScored)
	} else {
		err = sm.WriteTable(&buf, o.worst)
		if err == nil && len(notScored) > 0 {
			fmt.Fprintf(&buf, "\n  %d labelled clips could not be scored:\n", len(notScored))
			for _, r := range notScored {
				fmt.Fprintf(&buf, "  - %s\n", r.Error)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("writing the scores: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if toFile(o.output) {
		if err := atomicfile.Write(o.output, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", o.output)
	} else if _, err := cmd.OutOrStdout().Write(buf.Bytes()); err != nil {
		return err
	}
	if len(notScored) > 0 {
		fmt.Fprintf(stderr, "%d of %d labelled clips could not be scored (see above)\n", len(notScored), len(notScored)+len(items))
	}
	if sm.Errors > 0 && sm.Errors == sm.Clips {
		for _, o := range outs {
			if o.Err != nil {
				return fmt.Errorf("none of the %d clips could be analysed; the first: %s: %w", sm.Clips, o.Item.Name, o.Err)
			}
		}
	}
	return nil
}

// loadLabelled reads a labels file and its clips (tracking the videos), and
// checks that -o names none of them. It fails only when the labels file is
// unusable or no clip could be read.
func (o *evalOptions) loadLabelled(ctx context.Context, cmd *cobra.Command, log *slog.Logger, labels string) ([]eval.Item, []eval.NotScored, error) {
	stderr := cmd.ErrOrStderr()
	if !slices.Contains(pose.ModelNames(), o.model) {
		return nil, nil, fmt.Errorf("--model %q: use one of %s", o.model, strings.Join(pose.ModelNames(), ", "))
	}
	if o.threads < 0 {
		return nil, nil, fmt.Errorf("--threads %d: must be 0 (all cores) or more", o.threads)
	}
	bad := func(e error) { fmt.Fprintf(stderr, "%s: %v\n", labels, e) }
	l, err := eval.OpenLabels(labels, o.dir, bad)
	if err != nil {
		return nil, nil, err
	}
	if err := eval.CheckOutput(o.output, l.Files()); err != nil {
		return nil, nil, err
	}
	nVideos, n := l.Videos(), len(l.Rows)
	popts := pose.Options{Model: o.model, ModelsDir: o.modelsDir, Threads: o.threads, MirrorAverage: o.mirrorAvg, Logger: log}
	opt := eval.LoadOptions{
		Track: track.LoadOptions{Camera: track.Camera{YawDeg: o.cameraYaw}, OpenPose: track.OpenPoseOptions{FPS: o.fps}},
		Progress: func(i, n int, path string) {
			if nVideos > 0 {
				fmt.Fprintf(stderr, "[%d/%d] %s\n", i+1, n, path)
			}
			log.Debug("loading clip", "index", i+1, "of", n, "path", path)
		},
		Video: func(ctx context.Context, video string) (*track.Track, error) {
			po := popts
			bar := termprogress.New(stderr, "pose "+filepath.Base(video))
			po.Progress = bar.Func()
			res, err := session.TrackVideo(ctx, video, po, session.TrackOutputs{})
			bar.Finish(err == nil)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(stderr, "%s: lifter tracked in %d of %d frames (%.1f s)\n", video, res.Stats.Tracked, res.Stats.Processed, res.Stats.WallS)
			return res.Track, nil
		},
	}
	if nVideos > 0 {
		how := o.model
		if o.mirrorAvg {
			how += ", mirror-averaged"
		}
		fmt.Fprintf(stderr, "%d labelled clips, %d of them videos to track first (%s)\n", n, nVideos, how)
	}
	items, err := l.Load(ctx, opt, bad)
	if err != nil {
		return nil, nil, err
	}
	return items, l.NotScored, nil
}
