package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/sim"
)

// simulateOptions are the flags: the set and camera as sim.Settings, the
// lifter's height and the outputs.
type simulateOptions struct {
	set          sim.Settings
	lifterHeight string
	outs         sim.Outputs
	threads      int
	seed         int64
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
	f.IntVar(&o.set.Reps, "reps", 5, "number of reps")
	f.StringVar(&o.set.Movement, "movement", "squat", "squat or single-leg")
	f.StringVar(&o.set.StandOn, "stand-on", "right", "single-leg squat: the leg stood on (left or right)")
	f.StringVar(&o.set.Arms, "arms", "auto", "hand position: chest, hips or forward (auto: chest for squats, hips for single-leg)")
	f.StringVar(&o.set.LeftValgus, "left-valgus", "", "left knee's peak FPPA change per rep in degrees (e.g. 10, 4:14 or 0,5,10)")
	f.StringVar(&o.set.RightValgus, "right-valgus", "", "right knee's peak FPPA change per rep in degrees")
	f.StringVar(&o.set.Onset, "onset", "descent:0.3", "where in the rep the cave starts")
	f.StringVar(&o.set.Peak, "peak", "bottom", "where in the rep the cave peaks")
	f.StringVar(&o.set.Release, "release", "ascent:1", "where in the rep the cave has gone")
	f.Float64Var(&o.set.VelocityLoss, "velocity-loss", 0, "how much slower the last ascent is than the first, as a fraction (0..0.8)")
	f.Float64Var(&o.set.Depth, "depth", 0, "hip drop at the bottom in metres (0: 24% of height for squats, 14% single-leg)")
	f.Float64Var(&o.set.Stance, "stance", 0, "distance between the ankles in metres (0: 19% of height)")
	f.Float64Var(&o.set.ToeOut, "toe-out", 12, "each foot's turn outwards, degrees")
	f.Float64Var(&o.set.KneesOut, "knees-out", 10, "how far outwards from forward the knees bend without valgus, degrees")
	f.Float64Var(&o.set.LateralShift, "lateral-shift", 0, "pelvis shift towards the right at the bottom, metres (negative: left)")
	f.Float64Var(&o.set.Lean, "trunk-lean", 0, "forward trunk lean at the bottom, degrees (0: 35 squat, 25 single-leg)")
	f.StringVar(&o.lifterHeight, "lifter-height", "175cm", "the lifter's height (e.g. 175cm or 1.75m)")
	f.Float64Var(&o.set.FPS, "fps", 30, "frames per second")
	f.Float64Var(&o.set.Yaw, "camera-yaw", 0, "where the camera stands around the lifter, degrees (0 in front, 90 at their right)")
	f.Float64Var(&o.set.CameraHeight, "camera-height", 0.9, "lens height above the floor, metres")
	f.Float64Var(&o.set.CameraDist, "camera-distance", 3, "camera's distance from the lifter, metres")
	f.StringVar(&o.set.Size, "size", "1280x720", "picture size WIDTHxHEIGHT (the field of view stays a phone's: focal length 0.75 x width)")
	f.BoolVar(&o.set.Mirror, "mirror", false, "flip the picture left-right, as a front camera does")
	f.Float64Var(&o.set.Noise, "noise", 0, "track only: keypoint jitter, pixels (standard deviation)")
	f.Float64Var(&o.set.Dropouts, "dropouts", 0, "track only: fraction of frames in which a leg's keypoints are lost")
	f.Float64Var(&o.set.Outliers, "outliers", 0, "track only: fraction of frames with one keypoint thrown 30 px off")
	f.Int64Var(&o.seed, "seed", 1, "seed of the track's noise (the same seed gives the same track)")
	f.StringVarP(&o.outs.Video, "output", "o", "", "write the rendered video to this MP4 file")
	f.StringVar(&o.outs.Truth, "truth", "", "write the truth to this JSON file")
	f.StringVar(&o.outs.Track, "track", "", "write the keypoint track (kneetrack track JSON) to this file")
	f.IntVar(&o.threads, "threads", 0, "threads drawing each frame (default: all cores)")
	cliflag.SetRange(f, "reps", 1, 100)
	cliflag.SetRange(f, "velocity-loss", 0, 0.8)
	cliflag.SetRange(f, "depth", 0, 2)
	cliflag.SetRange(f, "stance", 0, 2)
	cliflag.SetRange(f, "toe-out", -45, 60)
	cliflag.SetRange(f, "knees-out", -45, 45)
	cliflag.SetRange(f, "lateral-shift", -1, 1)
	cliflag.SetRange(f, "trunk-lean", 0, 80)
	cliflag.SetRange(f, "fps", 1, 240)
	cliflag.SetRange(f, "camera-yaw", -360, 360)
	cliflag.SetRange(f, "camera-height", 0, 5)
	cliflag.SetRange(f, "camera-distance", 0.5, 50)
	cliflag.SetRange(f, "noise", 0, 100)
	cliflag.SetRange(f, "dropouts", 0, 1)
	cliflag.SetRange(f, "outliers", 0, 1)
	cliflag.SetRange(f, "threads", 0, 1024)
	return cmd
}

func runSimulate(cmd *cobra.Command, g *globalOptions, o *simulateOptions) error {
	log := newLogger(g.verbose)
	if o.outs == (sim.Outputs{}) {
		return fmt.Errorf("nothing to write: give -o VIDEO.mp4, --track TRACK.json and/or --truth TRUTH.json")
	}
	o.set.Seed = uint64(o.seed)
	set, err := o.set.Set()
	if err != nil {
		return err
	}
	h, err := session.ParseHeight(o.lifterHeight)
	if err != nil {
		return fmt.Errorf("--lifter-height: %w", err)
	}
	set.HeightM = h / 100
	cam, err := o.set.Camera()
	if err != nil {
		return err
	}
	res, st, err := sim.WriteFiles(cmd.Context(), set, cam, o.outs, sim.VideoOptions{Threads: o.threads, Logger: log,
		Progress: func(done, total int) {
			if g.verbose && (done%30 == 0 || done == total) {
				log.Debug("rendering", "frame", done, "of", total)
			}
		}})
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if o.outs.Video != "" {
		fmt.Fprintf(out, "wrote %s: %d frames, %dx%d, %.1f ms per frame to draw\n", o.outs.Video, st.Frames, cam.Width, cam.Height, st.RenderMS)
	}
	return res.Truth.WriteTable(out)
}
