package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/termprogress"
	"github.com/kneetrack/kneetrack/internal/track"
)

type poseOptions struct {
	output       string
	format       string
	raw          string
	model        string
	modelsDir    string
	threads      int
	mirrorAvg    bool
	pick         string
	listPeople   bool
	every        int
	maxSeconds   float64
	samples      int
	cutoff       float64
	minConf      float64
	maxGap       float64
	noSwap       bool
	allowFeetOut bool
	quiet        bool
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
	f.StringVar(&o.model, "model", pose.ModelBlazePoseFull, "pose model: "+strings.Join(pose.ModelNames(), ", "))
	f.StringVar(&o.modelsDir, "models-dir", "", "model folder (default $KNEETRACK_MODELS_DIR, else the user's cache folder)")
	f.IntVar(&o.threads, "threads", 0, "threads per inference (default: all cores)")
	f.BoolVar(&o.mirrorAvg, "mirror-average", true, "also run the model on the mirrored crop and average (left/right consistent; --mirror-average=false: about 1.7x faster landmarks)")
	f.StringVar(&o.pick, "pick", "", "follow the person seen at X,Y (normalised 0..1, e.g. 0.5,0.6) where they were first seen, or at any other sampled time; --list-people gives each one's point")
	f.BoolVar(&o.listPeople, "list-people", false, "list the people found in frames sampled over the video, and exit")
	f.IntVar(&o.every, "every", 1, "process one frame in N (quicker, coarser)")
	f.Float64Var(&o.maxSeconds, "max-seconds", 0, "process only the first S seconds of the video")
	f.IntVar(&o.samples, "samples", 8, "frames sampled over the video to find the people and choose the lifter")
	f.Float64Var(&o.cutoff, "cutoff", 6, "smoothing low-pass cut-off in Hz (negative: no smoothing)")
	f.Float64Var(&o.minConf, "min-conf", 0.5, "confidence below which a point is low-confidence and filled across short gaps")
	f.Float64Var(&o.maxGap, "max-gap", 0.25, "longest gap in seconds filled by interpolation (longer gaps are reported)")
	f.BoolVar(&o.noSwap, "no-swap-repair", false, "do not repair left/right swaps")
	f.BoolVar(&o.allowFeetOut, "allow-feet-out", false, "keep the track even when the feet are mostly out of the picture")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar or summary")
	setRange(f, "threads", 0, 1024)
	setRange(f, "every", 1, 1000)
	setRange(f, "max-seconds", 0, 1e7)
	setRange(f, "samples", 1, 1000)
	setRange(f, "cutoff", math.Inf(-1), maxCutoffHz)
	setRange(f, "min-conf", 0, 1)
	setRange(f, "max-gap", 0, 60)
	return cmd
}

func runPose(cmd *cobra.Command, g *globalOptions, o *poseOptions, input string) error {
	ctx := cmd.Context()
	if _, err := os.Stat(input); err != nil {
		return fmt.Errorf("reading video: %w", err)
	}
	format := o.format
	if format == "" {
		format = track.FormatFromName(o.output)
	}
	if format == "" {
		format = track.FormatJSON
	}
	if format != track.FormatJSON && format != track.FormatCSV && format != track.FormatTRC {
		return usagef("--format %q: use json, csv or trc", format)
	}
	output := o.output
	if output == "" {
		base := strings.TrimSuffix(filepath.Base(input), filepath.Ext(input))
		output = base + ".pose." + format
	}
	opts := pose.Options{
		Model: o.model, ModelsDir: o.modelsDir, Threads: o.threads, MirrorAverage: o.mirrorAvg,
		Every: o.every, MaxTime: o.maxSeconds, ScanSamples: o.samples,
		Clean:        pose.CleanOptions{CutoffHz: o.cutoff, MinConf: o.minConf, MaxGapS: o.maxGap, NoSwapRepair: o.noSwap},
		AllowFeetOut: o.allowFeetOut,
		Logger:       newLogger(g.verbose),
	}
	if o.pick != "" {
		x, y, err := parsePoint(o.pick)
		if err != nil {
			return asUsage(err)
		}
		opts.Pick, opts.PickX, opts.PickY = true, x, y
	}
	stderr := cmd.ErrOrStderr()
	if o.listPeople {
		scan, err := pose.ListPeople(ctx, input, opts)
		if err != nil {
			return err
		}
		return printPeople(cmd.OutOrStdout(), scan)
	}
	var bar *termprogress.Bar
	if !o.quiet {
		bar = termprogress.New(stderr, "pose")
		opts.Progress = bar.Func()
	}
	res, err := session.TrackVideo(ctx, input, opts, session.TrackOutputs{Track: output, Raw: o.raw, Format: format})
	bar.Finish(err == nil)
	if err != nil {
		return err
	}
	if output == "-" {
		if err := track.Write(cmd.OutOrStdout(), res.Track, format); err != nil {
			return err
		}
	}
	if !o.quiet {
		printSummary(stderr, res, output)
	}
	return nil
}

// parsePoint reads "X,Y" with both in 0..1.
func parsePoint(s string) (x, y float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		x, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err == nil {
			y, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		}
	}
	if !ok || err != nil || !(x >= 0 && x <= 1 && y >= 0 && y <= 1) { // NaN fails too
		return 0, 0, fmt.Errorf("--pick %q: give X,Y as fractions of the picture's width and height, e.g. 0.5,0.6", s)
	}
	return x, y, nil
}

// printPeople lists the people a scan found, likeliest lifter first.
func printPeople(w io.Writer, scan *pose.Scan) error {
	if len(scan.People) == 0 {
		_, err := fmt.Fprintf(w, "nobody found in %d frames sampled over the video\n", len(scan.SampleTimes))
		return err
	}
	fmt.Fprintf(w, "%d people found in %d frames sampled over the video (%dx%d); the first is followed unless you --pick another\n"+
		"(a --pick point is looked for where each person was first seen, then wherever they were seen):\n\n",
		len(scan.People), len(scan.SampleTimes), scan.Width, scan.Height)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERSON\tLIFTER-LIKE\tSEEN\tFIRST SEEN\tBOX ON FIRST SIGHTING (x0,y0 - x1,y1 px)\tPICK WITH")
	for _, p := range scan.People {
		s := p.First()
		b := s.Box
		x, y := scan.PickPoint(p) // the hip centre on first sighting
		fmt.Fprintf(tw, "%d\t%.2f\t%d/%d\t%.2f s\t%.0f,%.0f - %.0f,%.0f\t--pick %.2f,%.2f\n",
			p.ID, p.Likeness, len(p.Sightings), len(scan.SampleTimes), s.Time, b.X0, b.Y0, b.X1, b.Y1, x, y)
	}
	return tw.Flush()
}

// printSummary tells the user what was tracked and written.
func printSummary(w io.Writer, res *pose.Result, output string) {
	st := res.Stats
	who := "the lifter"
	if res.Person.ID != 0 {
		who = fmt.Sprintf("person %d of %d", res.Person.ID, len(res.People))
	}
	fmt.Fprintf(w, "tracked %s in %d of %d frames (%.0f ms per frame in the models, %.1f s in all)\n",
		who, st.Tracked, st.Processed, st.MsPerFrame(), st.WallS)
	c := res.Clean
	fmt.Fprintf(w, "cleaning: %d low-confidence points, %d filled, left/right swaps repaired in %d frames", c.LowConfPoints, c.FilledPoints, c.SwappedFrames)
	if c.Filtered {
		fmt.Fprintf(w, ", smoothed below %g Hz", c.CutoffHz)
	}
	fmt.Fprintln(w)
	if n := countLegGaps(c.LongGaps); n > 0 {
		fmt.Fprintf(w, "gaps too long to fill in hips, knees, ankles or feet: %d (see the track's conf 0 or low-confidence points)\n", n)
	}
	for _, s := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", s)
	}
	if output != "-" {
		fmt.Fprintf(w, "wrote %s\n", output)
	}
}

func countLegGaps(gaps []pose.Gap) int {
	n := 0
	for _, g := range gaps {
		for _, part := range []string{"hip", "knee", "ankle", "heel", "foot_index"} {
			if strings.HasSuffix(g.Keypoint, part) {
				n++
				break
			}
		}
	}
	return n
}
