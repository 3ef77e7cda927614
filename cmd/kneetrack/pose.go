package main

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/termprogress"
	"github.com/kneetrack/kneetrack/internal/track"
)

type poseOptions struct {
	output     string
	format     string
	raw        string
	pick       string
	listPeople bool
	// The pose step: model, threads, sampling, cleaning.
	pose pose.Options
}

func newPoseCmd(g *globalOptions) *cobra.Command {
	o := &poseOptions{}
	cmd := &cobra.Command{
		Use:   "pose VIDEO",
		Short: "Track the lifter's keypoints through a video and write them to a file",
		Long: `pose finds the lifter in a video (the person who is central, large and
moving; or the one you pick), follows them frame by frame with a pose model
running in pure Go, cleans the keypoints (low-confidence points and short
gaps filled, left/right swaps repaired, zero-phase low-pass smoothing) and
writes, for every frame, its timestamp and every keypoint by name with pixel
and normalised coordinates, confidence and, for BlazePose, 3D world
coordinates.

Models: blazepose-full (default; 33 landmarks including heels and toes),
blazepose-lite (faster), blazepose-heavy (more accurate, slower),
movenet-lightning and movenet-thunder (17 COCO keypoints: NO heels or toes,
so foot-based measures such as knee over toes are unavailable).
Fetch them once with 'kneetrack models pull'.

Mirror averaging (on by default): the landmark model runs on each crop and
on its mirror image and the two results, sides exchanged, are averaged. The
models are not mirror-symmetric: without it a knee's angle depends by a few
degrees on which side of the picture the leg is, and a video and its mirror
image (a front camera) disagree. It costs about 1.7x the landmark time;
--mirror-average=false turns it off (docs/pose.md, "Mirrored video").

Formats: json (kneetrack.track/v1, docs/track-json.md; read by 'kneetrack
analyze'), csv (one row per frame and keypoint), trc (OpenSim markers:
BlazePose world coordinates in metres, or pixels for MoveNet). The format
follows -o's extension unless --format says otherwise. Without -o the track
goes to VIDEO-NAME.pose.FORMAT in the current folder ('-o -' writes to
standard output). The input video is never overwritten; files are written
in full or not at all. Details: docs/pose.md.`,
		Example: `  kneetrack pose squats.mp4
  kneetrack pose squats.mp4 -o squats.trc
  kneetrack pose gym.mp4 --list-people
  kneetrack pose gym.mp4 --pick 0.42,0.55 -o set1.json --raw set1.raw.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPose(cmd, g, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "output file (default VIDEO-NAME.pose.FORMAT in the current folder; - for standard output)")
	f.StringVar(&o.format, "format", "", "output format: json, csv or trc (default from -o's extension, else json)")
	f.StringVar(&o.raw, "raw", "", "also write the track before cleaning (same format) to this file")
	f.StringVar(&o.pose.Model, "model", pose.ModelBlazePoseFull, "pose model: "+strings.Join(pose.ModelNames(), ", "))
	f.StringVar(&o.pose.ModelsDir, "models-dir", "", "model folder (default $KNEETRACK_MODELS_DIR, else the user's cache folder)")
	f.IntVar(&o.pose.Threads, "threads", 0, "threads per inference (default: all cores)")
	f.BoolVar(&o.pose.MirrorAverage, "mirror-average", true, "also run the model on the mirrored crop and average (left/right consistent; --mirror-average=false: about 1.7x faster landmarks)")
	f.StringVar(&o.pick, "pick", "", "follow the person seen at X,Y (normalised 0..1, e.g. 0.5,0.6) where they were first seen, or at any other sampled time; --list-people gives each one's point")
	f.BoolVar(&o.listPeople, "list-people", false, "list the people found in frames sampled over the video, and exit")
	f.IntVar(&o.pose.Every, "every", 1, "process one frame in N (quicker, coarser)")
	f.Float64Var(&o.pose.MaxTime, "max-seconds", 0, "process only the first S seconds of the video")
	f.IntVar(&o.pose.ScanSamples, "samples", 8, "frames sampled over the video to find the people and choose the lifter")
	f.Float64Var(&o.pose.Clean.CutoffHz, "cutoff", 6, "smoothing low-pass cut-off in Hz (negative: no smoothing)")
	f.Float64Var(&o.pose.Clean.MinConf, "min-conf", 0.5, "confidence below which a point is low-confidence and filled across short gaps")
	f.Float64Var(&o.pose.Clean.MaxGapS, "max-gap", 0.25, "longest gap in seconds filled by interpolation (longer gaps are reported)")
	f.BoolVar(&o.pose.Clean.NoSwapRepair, "no-swap-repair", false, "do not repair left/right swaps")
	f.BoolVar(&o.pose.AllowFeetOut, "allow-feet-out", false, "keep the track even when the feet are mostly out of the picture")
	cliflag.SetRange(f, "threads", 0, 1024)
	cliflag.SetRange(f, "every", 1, 1000)
	cliflag.SetRange(f, "max-seconds", 0, 1e7)
	cliflag.SetRange(f, "samples", 1, 1000)
	cliflag.SetRange(f, "cutoff", math.Inf(-1), maxCutoffHz)
	cliflag.SetRange(f, "min-conf", 0, 1)
	cliflag.SetRange(f, "max-gap", 0, 60)
	return cmd
}

func runPose(cmd *cobra.Command, g *globalOptions, o *poseOptions, input string) error {
	ctx := cmd.Context()
	if _, err := os.Stat(input); err != nil {
		return fmt.Errorf("reading video: %w", err)
	}
	outs, err := session.PoseOutputs(input, o.output, o.raw, o.format)
	if err != nil {
		return err
	}
	opts := o.pose
	opts.Logger = newLogger(g.verbose)
	if opts.Pick, opts.PickX, opts.PickY, err = parsePick(o.pick); err != nil {
		return cliflag.AsUsage(err)
	}
	stderr := cmd.ErrOrStderr()
	if o.listPeople {
		scan, err := pose.ListPeople(ctx, input, opts)
		if err != nil {
			return err
		}
		return scan.WriteTable(cmd.OutOrStdout())
	}
	var bar *termprogress.Bar
	if !g.quiet {
		bar = termprogress.New(stderr, "pose")
		opts.Progress = bar.Func()
	}
	res, err := session.TrackVideo(ctx, input, opts, outs)
	bar.Finish(err == nil)
	if err != nil {
		return err
	}
	if outs.Track == "-" {
		if err := track.Write(cmd.OutOrStdout(), res.Track, outs.Format); err != nil {
			return err
		}
	}
	if !g.quiet {
		res.WriteSummary(stderr, outs.Track)
	}
	return nil
}

// parsePick reads --pick ("" for none).
func parsePick(s string) (pick bool, x, y float64, err error) {
	if s == "" {
		return false, 0, 0, nil
	}
	if x, y, err = pose.ParsePoint(s); err != nil {
		return false, 0, 0, fmt.Errorf("--pick %q: %w", s, err)
	}
	return true, x, y, nil
}
