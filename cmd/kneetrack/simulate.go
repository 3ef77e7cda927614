package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

type simulateOptions struct {
	reps                         int
	movement, standOn, arms      string
	leftValgus, rightValgus      string
	onset, peak, release         string
	velocityLoss                 float64
	depth, stance, toeOut        float64
	kneesOut, lateralShift, lean float64
	lifterHeight                 string
	fps                          float64
	yaw, camHeight, camDistance  float64
	size                         string
	mirror                       bool
	noise, dropouts, outliers    float64
	seed                         uint64
	video, truthPath, trackPath  string
	threads                      int
}

func newSimulateCmd(g *globalOptions) *cobra.Command {
	o := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Simulate a set of squats with known knee valgus, as a track and a rendered video",
		Long: `simulate makes a set of squats by a simulated lifter whose every joint is
known: the keypoint track a camera would give (--track), a rendered video of
the lifter (-o, H.264 MP4; needs ffmpeg) and the exact truth (--truth): rep
times, each knee's peak FPPA, when and in which phase it peaks.

Valgus is given per leg as each rep's peak FPPA change from standing, in
degrees, as a camera straight in front would measure it: "10" for every
rep, "4:14" growing from 4 on the first rep to 14 on the last, or "0,0,6,12"
rep by rep. --onset, --peak and --release say where in the rep the cave
starts, peaks and has gone: descent:F, bottom[:F] or ascent:F (F from 0 to
1 within that phase).

The lifter is simulated: say so wherever its video or numbers are shown.`,
		Example: `  kneetrack simulate --reps 6 --right-valgus 4:14 -o set.mp4 --truth truth.json
  kneetrack simulate --movement single-leg --right-valgus 12 --peak ascent:0.3 --track sls.json --truth sls-truth.json
  kneetrack simulate --right-valgus 10 --camera-yaw 30 --noise 2 --dropouts 0.03 --track noisy.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSimulate(cmd, g, o) },
	}
	f := cmd.Flags()
	f.IntVar(&o.reps, "reps", 5, "number of reps")
	f.StringVar(&o.movement, "movement", "squat", "squat or single-leg")
	f.StringVar(&o.standOn, "stand-on", "right", "single-leg squat: the leg stood on (left or right)")
	f.StringVar(&o.arms, "arms", "auto", "hand position: chest, hips or forward (auto: chest for squats, hips for single-leg)")
	f.StringVar(&o.leftValgus, "left-valgus", "", "left knee's peak FPPA change per rep in degrees (e.g. 10, 4:14 or 0,5,10)")
	f.StringVar(&o.rightValgus, "right-valgus", "", "right knee's peak FPPA change per rep in degrees")
	f.StringVar(&o.onset, "onset", "descent:0.3", "where in the rep the cave starts")
	f.StringVar(&o.peak, "peak", "bottom", "where in the rep the cave peaks")
	f.StringVar(&o.release, "release", "ascent:1", "where in the rep the cave has gone")
	f.Float64Var(&o.velocityLoss, "velocity-loss", 0, "how much slower the last ascent is than the first, as a fraction (0..0.8)")
	f.Float64Var(&o.depth, "depth", 0, "hip drop at the bottom in metres (0: 24% of height for squats, 14% single-leg)")
	f.Float64Var(&o.stance, "stance", 0, "distance between the ankles in metres (0: 19% of height)")
	f.Float64Var(&o.toeOut, "toe-out", 12, "each foot's turn outwards, degrees")
	f.Float64Var(&o.kneesOut, "knees-out", 10, "how far outwards from forward the knees bend without valgus, degrees")
	f.Float64Var(&o.lateralShift, "lateral-shift", 0, "pelvis shift towards the right at the bottom, metres (negative: left)")
	f.Float64Var(&o.lean, "trunk-lean", 0, "forward trunk lean at the bottom, degrees (0: 35 squat, 25 single-leg)")
	f.StringVar(&o.lifterHeight, "lifter-height", "175cm", "the lifter's height (e.g. 175cm or 1.75m)")
	f.Float64Var(&o.fps, "fps", 30, "frames per second")
	f.Float64Var(&o.yaw, "camera-yaw", 0, "where the camera stands around the lifter, degrees (0 in front, 90 at their right)")
	f.Float64Var(&o.camHeight, "camera-height", 0.9, "lens height above the floor, metres")
	f.Float64Var(&o.camDistance, "camera-distance", 3, "camera's distance from the lifter, metres")
	f.StringVar(&o.size, "size", "1280x720", "picture size WIDTHxHEIGHT (the field of view stays a phone's: focal length 0.75 x width)")
	f.BoolVar(&o.mirror, "mirror", false, "flip the picture left-right, as a front camera does")
	f.Float64Var(&o.noise, "noise", 0, "track only: keypoint jitter, pixels (standard deviation)")
	f.Float64Var(&o.dropouts, "dropouts", 0, "track only: fraction of frames in which a leg's keypoints are lost")
	f.Float64Var(&o.outliers, "outliers", 0, "track only: fraction of frames with one keypoint thrown 30 px off")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the track's noise")
	f.StringVarP(&o.video, "output", "o", "", "write the rendered video to this MP4 file")
	f.StringVar(&o.truthPath, "truth", "", "write the truth to this JSON file")
	f.StringVar(&o.trackPath, "track", "", "write the keypoint track (kneetrack track JSON) to this file")
	f.IntVar(&o.threads, "threads", 0, "goroutines drawing each frame (0: all CPUs)")
	setRange(f, "reps", 1, 100)
	setRange(f, "velocity-loss", 0, 0.8)
	setRange(f, "depth", 0, 2)
	setRange(f, "stance", 0, 2)
	setRange(f, "toe-out", -45, 60)
	setRange(f, "knees-out", -45, 45)
	setRange(f, "lateral-shift", -1, 1)
	setRange(f, "trunk-lean", 0, 80)
	setRange(f, "fps", 1, 240)
	setRange(f, "camera-yaw", -360, 360)
	setRange(f, "camera-height", 0, 5)
	setRange(f, "camera-distance", 0.5, 50)
	setRange(f, "noise", 0, 100)
	setRange(f, "dropouts", 0, 1)
	setRange(f, "outliers", 0, 1)
	setRange(f, "threads", 0, 1024)
	return cmd
}

// settings are the flags as sim.Settings.
func (o *simulateOptions) settings() sim.Settings {
	return sim.Settings{Reps: o.reps, Movement: o.movement, StandOn: o.standOn, Arms: o.arms,
		LeftValgus: o.leftValgus, RightValgus: o.rightValgus, Onset: o.onset, Peak: o.peak, Release: o.release,
		VelocityLoss: o.velocityLoss, Depth: o.depth, Stance: o.stance, ToeOut: o.toeOut, KneesOut: o.kneesOut,
		LateralShift: o.lateralShift, Lean: o.lean, FPS: o.fps, Noise: o.noise, Dropouts: o.dropouts, Outliers: o.outliers,
		Seed: o.seed, Size: o.size, Yaw: o.yaw, CameraHeight: o.camHeight, CameraDist: o.camDistance, Mirror: o.mirror}
}

// simulateSet turns the flags into a set.
func simulateSet(o *simulateOptions) (sim.Set, error) {
	s, err := o.settings().Set()
	if err != nil {
		return s, err
	}
	h, err := session.ParseHeight(o.lifterHeight)
	if err != nil {
		return s, fmt.Errorf("--lifter-height: %w", err)
	}
	s.HeightM = h / 100
	return s, nil
}

func runSimulate(cmd *cobra.Command, g *globalOptions, o *simulateOptions) error {
	log := newLogger(g.verbose)
	if o.video == "" && o.truthPath == "" && o.trackPath == "" {
		return fmt.Errorf("nothing to write: give -o VIDEO.mp4, --track TRACK.json and/or --truth TRUTH.json")
	}
	set, err := simulateSet(o)
	if err != nil {
		return err
	}
	cam, err := o.settings().Camera()
	if err != nil {
		return err
	}
	var plan atomicfile.Plan
	plan.Output("--track", o.trackPath)
	plan.Output("--truth", o.truthPath)
	plan.Output("-o", o.video)
	if err := plan.Check(); err != nil {
		return err
	}
	res, err := sim.Simulate(set, cam)
	if err != nil {
		return err
	}
	// Staged, then put in place together: an interrupted run writes nothing.
	var outs atomicfile.Batch
	defer outs.Discard()
	if o.trackPath != "" {
		if err := outs.Write(o.trackPath, func(w io.Writer) error { return track.WriteJSON(w, res.Track) }); err != nil {
			return err
		}
	}
	if o.truthPath != "" {
		if err := outs.Write(o.truthPath, res.Truth.WriteJSON); err != nil {
			return err
		}
	}
	out := cmd.OutOrStdout()
	var wrote string
	if o.video != "" {
		if o.noise > 0 || o.dropouts > 0 || o.outliers > 0 {
			log.Warn("--noise, --dropouts and --outliers spoil the track only; the video shows the exact movement")
		}
		tmp, err := outs.Reserve(o.video)
		if err != nil {
			return err
		}
		st, err := res.RenderVideo(cmd.Context(), tmp, sim.VideoOptions{Threads: o.threads, Logger: log,
			Progress: func(done, total int) {
				if g.verbose && (done%30 == 0 || done == total) {
					log.Debug("rendering", "frame", done, "of", total)
				}
			}})
		if err != nil {
			return err
		}
		wrote = fmt.Sprintf("wrote %s: %d frames, %dx%d, %.1f ms per frame to draw\n", o.video, st.Frames, cam.Width, cam.Height, st.RenderMS)
	}
	if err := outs.Commit(cmd.Context()); err != nil {
		return err
	}
	fmt.Fprint(out, wrote)
	return writeTruthTable(out, &res.Truth)
}

// writeTruthTable prints the truth rep by rep.
func writeTruthTable(w io.Writer, t *sim.Truth) error {
	fmt.Fprintf(w, "Simulated lifter (not a real person): %s, %d reps, %.1f s, camera yaw %g°\n",
		strings.ReplaceAll(t.Movement, "_", " "), len(t.Reps), t.DurationS, t.Camera.YawDeg)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rep\tstart s\tend s\tleft peak FPPA change\tphase\tright peak FPPA change\tphase\tascent m/s")
	for _, r := range t.Reps {
		leg := func(l sim.LegTruth) string {
			if !l.Assessed {
				return "free leg\t-"
			}
			return fmt.Sprintf("%+.1f°\t%s", l.PeakChange, l.PeakPhase)
		}
		fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%s\t%s\t%.2f\n", r.Rep, r.Analysed.Start, r.Analysed.End, leg(r.Left), leg(r.Right), r.AscentVelocity)
	}
	return tw.Flush()
}
