package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Names of the files the demo writes into its folder (with
// htmlreport.FileName, the report).
const (
	DemoVideoName     = "simulated-squats.mp4"
	DemoAnnotatedName = "annotated.mp4"
	DemoTrackName     = "track.json"
	DemoTruthName     = "truth.json"
)

// demoCaption is written on every frame of the annotated video.
const demoCaption = "SIMULATED ATHLETE - kneetrack demo, not a real person"

// demoNote heads the analysis, in the terminal and in the report.
const demoNote = "The athlete is SIMULATED: kneetrack rendered this set itself (a 3D figure, not a real person) " +
	"with a right knee that caves more with every rep. The truth is in " + DemoTruthName + "; compare it with what was measured."

// Demo is `kneetrack demo`: a simulated set rendered to video and analysed
// exactly as a user's video is. NewDemo simulates it; Render, Analyze and
// Write then make its files, in that order, so that a caller can tell the
// user how each step went.
type Demo struct {
	// Dir is the folder the files are written into.
	Dir string
	// Sim is the simulated set and its truth.
	Sim *sim.Result
	// Outcome is the analysis (nil until Analyze).
	Outcome *Outcome
}

// DemoPreflight checks that ffmpeg and the pose models in modelsDir are
// there, before minutes of rendering, naming what is missing and how to
// get it.
func DemoPreflight(modelsDir string) error {
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("the demo needs %s to write and read video and it is not on PATH: run ./scripts/setup.sh, "+
				"or install it (Debian: apt-get install ffmpeg)", tool)
		}
	}
	for _, name := range []string{"blazepose-detector", pose.ModelBlazePoseFull} {
		if _, _, err := models.Paths(modelsDir, name); err != nil {
			return fmt.Errorf("the demo needs the pose models: %w", err)
		}
	}
	return nil
}

// NewDemo checks that the demo can run (DemoPreflight on the default model
// folder), creates dir and simulates the set as cam films it.
func NewDemo(dir string, set sim.Set, cam track.Camera) (*Demo, error) {
	modelsDir, err := models.DefaultDir()
	if err != nil {
		return nil, fmt.Errorf("finding the pose models: %w", err)
	}
	if err := DemoPreflight(modelsDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the demo folder: %w", err)
	}
	res, err := sim.Simulate(set, cam)
	if err != nil {
		return nil, fmt.Errorf("simulating the demo set: %w", err)
	}
	return &Demo{Dir: dir, Sim: res}, nil
}

// Path is the path of the demo's file name.
func (d *Demo) Path(name string) string { return filepath.Join(d.Dir, name) }

// Render renders the simulated video and writes the truth beside it.
func (d *Demo) Render(ctx context.Context, opts sim.VideoOptions) error {
	if _, err := d.Sim.RenderVideo(ctx, d.Path(DemoVideoName), opts); err != nil {
		return err
	}
	return atomicfile.Write(d.Path(DemoTruthName), d.Sim.Truth.WriteJSON)
}

// Analyze analyses the rendered video as `kneetrack analyze` does, with the
// lifter's height known and default thresholds, saying in every output that
// the athlete is simulated, and writes the keypoints it tracked. opts gives
// the pose step, the generator, the progress and the logger.
func (d *Demo) Analyze(ctx context.Context, opts Options) error {
	in := Input{Path: d.Path(DemoVideoName), Label: DemoVideoName + " (simulated athlete, not a real person)", Note: demoNote}
	opts.HeightCM, opts.Thresholds = 100*d.Sim.Set.HeightM, valgus.Defaults()
	opts.TrackAll = true // the simulated squat: its whole track is kept
	oc, err := Analyze(ctx, []Input{in}, opts)
	if err != nil {
		return fmt.Errorf("tracking the simulated athlete: %w", err)
	}
	d.Outcome = oc
	return track.WriteFile(d.Path(DemoTrackName), oc.Sets[0].Pose.Track, track.FormatJSON)
}

// Write writes the HTML report, then the annotated video with the caption
// on every frame (not burned into the simulated video itself: the pose
// model reads the same pictures as in the accuracy tests, and the report's
// key frames are not cut through it). Each file is put in place once
// finished.
func (d *Demo) Write(ctx context.Context) error {
	if _, err := d.Outcome.Write(ctx, Outputs{ReportDir: d.Dir}); err != nil {
		return outputErr(err)
	}
	if _, err := d.Outcome.Write(ctx, Outputs{Video: d.Path(DemoAnnotatedName), Caption: demoCaption}); err != nil {
		return fmt.Errorf("annotating the demo video: %w", outputErr(err))
	}
	return nil
}

// outputErr is err without the name of analyze's flag for the output.
func outputErr(err error) error {
	var oe *OutputError
	if errors.As(err, &oe) {
		return oe.Err
	}
	return err
}

// Comparison is the simulated set beside its analysis, rep by rep (reps
// paired in order), for words.WriteTruthComparison.
func (d *Demo) Comparison() words.TruthComparison {
	return CompareTruth(&d.Sim.Truth, d.Outcome.Sets[0].Result)
}

// CompareTruth pairs a simulated set's truth with the analysis of its
// video, rep by rep in order.
func CompareTruth(truth *sim.Truth, set *valgus.SetResult) words.TruthComparison {
	c := words.TruthComparison{Counted: len(set.Reps), RightSlope: truth.FatigueSlope.Right,
		RightTrend: set.Summary.Fatigue[body.Right]}
	for i, tr := range truth.Reps {
		r := words.TruthRep{Rep: tr.Rep,
			Right: words.TruthKnee{Simulated: tr.Right.PeakChange, SimulatedPhase: tr.Right.PeakPhase},
			Left:  words.TruthKnee{Simulated: tr.Left.PeakChange, SimulatedPhase: tr.Left.PeakPhase}}
		if i < len(set.Reps) {
			m := set.Reps[i].Side
			r.Counted = true
			r.Right.Measured, r.Right.MeasuredPhase = m[body.Right].PeakFPPAChange, m[body.Right].PeakPhase
			r.Left.Measured, r.Left.MeasuredPhase = m[body.Left].PeakFPPAChange, m[body.Left].PeakPhase
		}
		c.Reps = append(c.Reps, r)
	}
	return c
}
