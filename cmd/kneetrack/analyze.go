package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/report"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

type analyzeOptions struct {
	loads      string
	movement   string
	sex        string
	height     string
	format     string
	csvPath    string
	output     string
	thresholds string
	cutoff     float64
	cameraYaw  float64
	fps        float64
	out        outputOptions // --report, --video (outputs.go)

	// For video inputs: the pose step, as in `kneetrack pose`.
	model        string
	modelsDir    string
	threads      int
	mirrorAvg    bool
	pick         string
	allowFeetOut bool
	saveTrack    string
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
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.StringVar(&o.csvPath, "csv", "", "also write per-frame metrics to this CSV file")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output (- for standard output)")
	f.StringVar(&o.thresholds, "thresholds", "", "JSON file overriding some or all thresholds (see docs/method.md)")
	f.Float64Var(&o.cutoff, "cutoff", 6, "low-pass smoothing cut-off in Hz (negative: no smoothing)")
	f.Float64Var(&o.cameraYaw, "camera-yaw", 0, "for 3D tracks: where the virtual camera stands, degrees around the lifter (0 front, 90 their right side)")
	f.Float64Var(&o.fps, "fps", 30, "frame rate of OpenPose folders, which do not record it")
	f.StringVar(&o.model, "model", pose.ModelBlazePoseFull, "for videos: pose model, "+strings.Join(pose.ModelNames(), ", "))
	f.StringVar(&o.modelsDir, "models-dir", "", "for videos: model folder (default $KNEETRACK_MODELS_DIR, else the user's cache folder)")
	f.IntVar(&o.threads, "threads", 0, "for videos: threads per inference (default: all cores)")
	f.BoolVar(&o.mirrorAvg, "mirror-average", true, "for videos: also run the pose model on the mirrored crop and average, so that a video and its mirror image agree (--mirror-average=false: faster)")
	f.StringVar(&o.pick, "pick", "", "for videos: follow the person seen at X,Y (normalised 0..1) where first seen, or at any other sampled time (see 'kneetrack pose --list-people')")
	f.BoolVar(&o.allowFeetOut, "allow-feet-out", false, "for videos: keep going when the feet are mostly out of the picture")
	f.StringVar(&o.saveTrack, "save-track", "", "for videos: also write the keypoint track to this file (.json, .csv or .trc; NAME-setK.EXT for several videos)")
	addOutputFlags(f, &o.out)
	setRange(f, "cutoff", math.Inf(-1), maxCutoffHz)
	setRange(f, "camera-yaw", -360, 360)
	setRange(f, "fps", 1, 1000)
	setRange(f, "threads", 0, 1024)
	return cmd
}

func runAnalyze(cmd *cobra.Command, g *globalOptions, o *analyzeOptions, files []string) (err error) {
	ctx := cmd.Context()
	log := newLogger(g.verbose)
	if o.format != "text" && o.format != "json" {
		return usagef("--format %q: use text or json", o.format)
	}
	mv, err := valgus.ParseMovement(o.movement)
	if err != nil {
		return usagef("--movement: %w", err)
	}
	sex, err := valgus.ParseSex(o.sex)
	if err != nil {
		return usagef("--sex: %w", err)
	}
	heightCM, err := parseHeight(o.height)
	if err != nil {
		return usagef("--height: %w", err)
	}
	loads, err := parseLoads(o.loads, len(files))
	if err != nil {
		return usagef("--load: %w", err)
	}
	poseOpts, err := o.poseOptions(log)
	if err != nil {
		return asUsage(err)
	}
	th := valgus.Defaults()
	if o.thresholds != "" {
		if th, err = readThresholds(o.thresholds); err != nil {
			return err
		}
	}

	// Read every track and check every output first, so that a mistake in
	// the last file or an output that cannot be written is found before
	// minutes of pose tracking.
	ins := make([]setInput, len(files))
	nVideos := 0
	for i, f := range files {
		ins[i] = setInput{file: f, isVideo: track.IsVideoFile(f)}
		if ins[i].isVideo {
			if _, err := os.Stat(f); err != nil {
				return fmt.Errorf("reading video: %w", err)
			}
			nVideos++
			continue
		}
		t, err := track.Load(f, track.LoadOptions{
			Camera:   track.Camera{YawDeg: o.cameraYaw},
			OpenPose: track.OpenPoseOptions{FPS: o.fps},
		})
		if err != nil {
			return err
		}
		ins[i].track = t
	}
	if err := o.checkSaveTrack(nVideos); err != nil {
		return err
	}
	if err := o.out.prepare(ins); err != nil {
		return err
	}
	if err := o.plan(ins, nVideos).Check(); err != nil {
		return err
	}

	// Outputs are staged and put in place together at the end: a failed
	// or cancelled run leaves every existing file as it was. Saved tracks
	// are kept after a later failure (minutes of tracking), not after a
	// cancel.
	var tracks, outs atomicfile.Batch
	defer tracks.Discard()
	defer outs.Discard()
	defer func() { keepTracks(ctx, &tracks, cmd, err) }()
	var made []string
	done := func(s string) { made = append(made, s) }

	var sets []*valgus.SetResult
	k := 0 // videos tracked so far
	for i := range ins {
		in := &ins[i]
		if in.isVideo {
			k++
			if err := o.trackVideo(cmd, in, poseOpts, &tracks, k, nVideos, done); err != nil {
				return err
			}
		}
		in.track.Video.Source = displaySource(in)
		opt := valgus.Options{Movement: mv, Sex: sex, HeightCM: heightCM, Thresholds: &th,
			Clean: motion.CleanOptions{CutoffHz: o.cutoff}, Logger: log}
		if loads != nil {
			opt.LoadKG, opt.HasLoad = loads[i], true
		}
		res, err := valgus.AnalyzeSet(ctx, in.track, opt)
		if err != nil {
			return err
		}
		log.Debug("analysed set", "file", in.file, "reps", len(res.Reps), "movement", res.Movement, "view", res.View.View)
		sets = append(sets, res)
	}
	ss, err := valgus.AnalyzeSession(sets)
	if err != nil {
		return err
	}
	adv, err := coach.Advise(ss)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch o.format {
	case "json":
		settings := report.Settings{Movement: string(mv), Sex: string(sex), Thresholds: ss.Thresholds}
		if mv == valgus.MoveAuto {
			settings.Movement = "auto"
		}
		if heightCM > 0 {
			settings.HeightCM = &heightCM
		}
		doc := report.Build(ss, settings, "kneetrack "+version)
		doc.AddAdvice(adv)
		err = report.WriteJSON(&buf, doc)
	default:
		err = report.WriteTextWithAdvice(&buf, ss, adv)
	}
	if err != nil {
		return err
	}
	if o.csvPath != "" {
		if err := outs.Write(o.csvPath, func(w io.Writer) error { return report.WriteCSV(w, ss) }); err != nil {
			return fmt.Errorf("--csv: %w", err)
		}
	}
	if toFile(o.output) {
		if err := outs.Write(o.output, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
			return fmt.Errorf("-o: %w", err)
		}
	} else if ctx.Err() == nil {
		if _, err := cmd.OutOrStdout().Write(buf.Bytes()); err != nil {
			return fmt.Errorf("writing the report to standard output: %w", err)
		}
	}
	if err := o.out.stage(ctx, &outs, log, ins, ss, coachingFromAdvice(adv), done); err != nil {
		return err
	}
	if err := tracks.Commit(ctx); err != nil {
		return err
	}
	if err := outs.Commit(ctx); err != nil {
		return err
	}
	for _, s := range made {
		fmt.Fprintln(cmd.ErrOrStderr(), s)
	}
	for _, set := range ss.Sets {
		if set.Analysed {
			return nil
		}
	}
	return errNotAnalysed
}

// toFile reports whether an -o value names a file (not standard output).
func toFile(output string) bool { return output != "" && output != "-" }

// keepTracks handles a failure after tracking: unless the run was
// cancelled, the saved tracks (minutes of work, complete) are still put in
// place. Tracks already committed by a successful run are not staged any
// more, so it does nothing then.
func keepTracks(ctx context.Context, tracks *atomicfile.Batch, cmd *cobra.Command, err error) {
	if err == nil || ctx.Err() != nil || tracks.Len() == 0 {
		return
	}
	if tracks.Commit(ctx) == nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "the keypoint tracks were saved (--save-track) although the analysis failed\n")
	}
}

// plan lists the run's inputs and outputs for checking before any work.
func (o *analyzeOptions) plan(ins []setInput, nVideos int) *atomicfile.Plan {
	p := &atomicfile.Plan{}
	p.Input(o.thresholds)
	for _, in := range ins {
		p.Input(in.file)
		p.Input(in.video)
	}
	p.Output("--csv", o.csvPath)
	p.Output("-o", o.output)
	if o.saveTrack != "" {
		for k := range nVideos {
			p.Output("--save-track", videoOutPath(o.saveTrack, k, nVideos))
		}
	}
	o.out.plan(p, len(ins))
	return p
}

// readThresholds reads a --thresholds file.
func readThresholds(path string) (valgus.Thresholds, error) {
	fh, err := os.Open(path)
	if err != nil {
		return valgus.Thresholds{}, fmt.Errorf("--thresholds: %w", err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() {
		return valgus.Thresholds{}, fmt.Errorf("--thresholds %s: not a regular file; give a JSON file (see docs/method.md)", path)
	}
	th, err := valgus.ReadThresholds(io.LimitReader(fh, 1<<20))
	if err != nil {
		return th, fmt.Errorf("--thresholds %s: %w", path, err)
	}
	return th, nil
}

// poseOptions are the pose step's options for video inputs.
func (o *analyzeOptions) poseOptions(log *slog.Logger) (pose.Options, error) {
	opts := pose.Options{Model: o.model, ModelsDir: o.modelsDir, Threads: o.threads, MirrorAverage: o.mirrorAvg,
		AllowFeetOut: o.allowFeetOut, Logger: log}
	if !slices.Contains(pose.ModelNames(), o.model) {
		return opts, fmt.Errorf("--model %q: use one of %s", o.model, strings.Join(pose.ModelNames(), ", "))
	}
	if o.threads < 0 {
		return opts, fmt.Errorf("--threads %d: must be 0 (all cores) or more", o.threads)
	}
	if o.pick != "" {
		x, y, err := parsePoint(o.pick)
		if err != nil {
			return opts, err
		}
		opts.Pick, opts.PickX, opts.PickY = true, x, y
	}
	return opts, nil
}

// checkSaveTrack refuses --save-track without a video to track or with a
// name kneetrack cannot write a track to (the plan checks the rest).
func (o *analyzeOptions) checkSaveTrack(nVideos int) error {
	if o.saveTrack == "" {
		return nil
	}
	if nVideos == 0 {
		return usagef("--save-track writes the keypoint track of a video, but no input is a video")
	}
	if f := track.FormatFromName(o.saveTrack); f == "" {
		return usagef("--save-track %s: name the file .json, .csv or .trc", o.saveTrack)
	}
	return nil
}

// trackVideo runs the pose step on in's video (the k-th of n), with a
// progress bar when standard error is a terminal, and keeps the track; the
// track records the video's absolute path, so that --report and --video
// find the video from the saved track wherever they are run.
func (o *analyzeOptions) trackVideo(cmd *cobra.Command, in *setInput, opts pose.Options, tracks *atomicfile.Batch, k, n int, done func(string)) error {
	stderr := cmd.ErrOrStderr()
	var bar *progress
	if isTerminal(stderr) {
		label := "pose"
		if n > 1 {
			label = fmt.Sprintf("pose %d/%d", k, n)
		}
		bar = newProgress(stderr, label)
		opts.Progress = bar.update
	}
	res, err := pose.Run(cmd.Context(), in.file, opts)
	if bar != nil {
		bar.finish(err == nil)
	}
	if err != nil {
		return err
	}
	in.track = res.Track
	in.track.Video.Source = absPath(in.file)
	st := res.Stats
	fmt.Fprintf(stderr, "%s: lifter tracked in %d of %d frames (%s, %.1f s)\n", in.file, st.Tracked, st.Processed, opts.Model, st.WallS)
	for _, s := range res.Notes {
		fmt.Fprintf(stderr, "%s: note: %s\n", in.file, s)
	}
	if o.saveTrack != "" {
		out := videoOutPath(o.saveTrack, k-1, n)
		if err := tracks.Write(out, func(w io.Writer) error { return track.Write(w, in.track, track.FormatFromName(out)) }); err != nil {
			return fmt.Errorf("--save-track: %w", err)
		}
		done("keypoint track: " + out)
	}
	return nil
}

// absPath returns path made absolute (as given when that fails).
func absPath(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// displaySource names a set in the results: the video as given on the
// command line; for a track, the file name of the video it records (the
// track keeps the full path), else what the reader made of it.
func displaySource(in *setInput) string {
	if in.isVideo {
		return in.file
	}
	if src := in.track.Video.Source; track.IsVideoName(src) {
		return filepath.Base(src)
	}
	return in.track.Video.Source
}

// maxCutoffHz is the highest smoothing cut-off accepted; a cut-off at or
// above half the frame rate means no smoothing.
const maxCutoffHz = 1000

// maxLoadKG is the heaviest load accepted: above the heaviest squats ever
// lifted, so that a typo (800 for 80) or an absurd value is caught.
const maxLoadKG = 600

// parseLoads reads "60kg,80kg,100kg" (kg by default, lb accepted) and
// checks there is one load per file.
func parseLoads(s string, files int) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, part := range strings.Split(s, ",") {
		p := strings.ToLower(strings.TrimSpace(part))
		factor := 1.0
		switch {
		case strings.HasSuffix(p, "kg"):
			p = strings.TrimSuffix(p, "kg")
		case strings.HasSuffix(p, "lbs"):
			p, factor = strings.TrimSuffix(p, "lbs"), 0.45359237
		case strings.HasSuffix(p, "lb"):
			p, factor = strings.TrimSuffix(p, "lb"), 0.45359237
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || v < 0 {
			return nil, fmt.Errorf("%q is not a load (write e.g. 80kg or 175lb)", part)
		}
		if v*factor > maxLoadKG {
			return nil, fmt.Errorf("%q is more than %d kg; give the load on the bar in kg or lb", part, maxLoadKG)
		}
		out = append(out, v*factor)
	}
	if len(out) != files {
		return nil, fmt.Errorf("%d loads for %d files: give one load per file, in the same order", len(out), files)
	}
	return out, nil
}

// parseHeight reads "175", "175cm" or "1.75m" and returns centimetres.
func parseHeight(s string) (float64, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	if p == "" {
		return 0, nil
	}
	factor := 1.0
	switch {
	case strings.HasSuffix(p, "cm"):
		p = strings.TrimSuffix(p, "cm")
	case strings.HasSuffix(p, "m"):
		p, factor = strings.TrimSuffix(p, "m"), 100
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a height (write e.g. 175cm or 1.75m)", s)
	}
	v *= factor
	if !(v >= 50 && v <= 250) {
		return 0, errors.New("height must be between 50 and 250 cm")
	}
	return v, nil
}
