package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/motion"
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
}

func newAnalyzeCmd(g *globalOptions) *cobra.Command {
	o := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze FILE...",
		Short: "Report knee cave rep by rep from keypoint tracks (one file per set)",
		Long: `analyze reads one keypoint track per set and reports, rep by rep, whether the
knees cave in (dynamic knee valgus), how much, on which side and when; per set
whether it grows with fatigue; across sets whether it grows with load. It
ends with the likely causes, each with its evidence, and what to do next.

Each FILE is a kneetrack track (.json, from 'kneetrack pose'), a TRC file
(OpenCap, Sports2D, motion capture; 3D markers are filmed with a virtual
phone camera in front of the lifter, see --camera-yaw), or a folder of
OpenPose BODY_25 JSON files. Video files need 'kneetrack pose' first.

Metrics, thresholds and their sources: docs/method.md. Causes and advice:
docs/coaching.md. JSON schema: docs/analysis-json.md. This is not a diagnosis.`,
		Example: `  kneetrack analyze squats.trc
  kneetrack analyze set1.json set2.json set3.json --load 60kg,80kg,100kg
  kneetrack analyze pistol.json --movement single-leg --sex female --format json -o report.json --csv frames.csv
  kneetrack analyze set.json --report out/ --video annotated.mp4`,
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
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&o.thresholds, "thresholds", "", "JSON file overriding some or all thresholds (see docs/method.md)")
	f.Float64Var(&o.cutoff, "cutoff", 6, "low-pass smoothing cut-off in Hz (negative: no smoothing)")
	f.Float64Var(&o.cameraYaw, "camera-yaw", 0, "for 3D tracks: where the virtual camera stands, degrees around the lifter (0 front, 90 their right side)")
	f.Float64Var(&o.fps, "fps", 30, "frame rate of OpenPose folders, which do not record it")
	addOutputFlags(f, &o.out)
	return cmd
}

func runAnalyze(cmd *cobra.Command, g *globalOptions, o *analyzeOptions, files []string) error {
	ctx := cmd.Context()
	log := newLogger(g.verbose)
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("--format %q: use text or json", o.format)
	}
	mv, err := valgus.ParseMovement(o.movement)
	if err != nil {
		return fmt.Errorf("--movement: %w", err)
	}
	sex, err := valgus.ParseSex(o.sex)
	if err != nil {
		return fmt.Errorf("--sex: %w", err)
	}
	heightCM, err := parseHeight(o.height)
	if err != nil {
		return fmt.Errorf("--height: %w", err)
	}
	loads, err := parseLoads(o.loads, len(files))
	if err != nil {
		return fmt.Errorf("--load: %w", err)
	}
	th := valgus.Defaults()
	if o.thresholds != "" {
		fh, err := os.Open(o.thresholds)
		if err != nil {
			return fmt.Errorf("--thresholds: %w", err)
		}
		th, err = valgus.ReadThresholds(fh)
		fh.Close()
		if err != nil {
			return fmt.Errorf("--thresholds %s: %w", o.thresholds, err)
		}
	}
	for _, f := range files {
		if track.IsVideoName(f) {
			return fmt.Errorf("%s is a video: video input needs the pose step, `kneetrack pose VIDEO -o track.json` (coming soon); "+
				"analyze takes keypoint tracks for now (kneetrack .json, .trc, or an OpenPose JSON folder)", f)
		}
	}

	var sets []*valgus.SetResult
	var tracks []*track.Track
	for i, f := range files {
		t, err := track.Load(f, track.LoadOptions{
			Camera:   track.Camera{YawDeg: o.cameraYaw},
			OpenPose: track.OpenPoseOptions{FPS: o.fps},
		})
		if err != nil {
			return err
		}
		tracks = append(tracks, t)
		opt := valgus.Options{Movement: mv, Sex: sex, HeightCM: heightCM, Thresholds: &th,
			Clean: motion.CleanOptions{CutoffHz: o.cutoff}, Logger: log}
		if loads != nil {
			opt.LoadKG, opt.HasLoad = loads[i], true
		}
		res, err := valgus.AnalyzeSet(ctx, t, opt)
		if err != nil {
			return err
		}
		log.Debug("analysed set", "file", f, "reps", len(res.Reps), "movement", res.Movement, "view", res.View.View)
		sets = append(sets, res)
	}
	ss, err := valgus.AnalyzeSession(sets, &th)
	if err != nil {
		return err
	}
	outputs, err := o.out.prepare(files, tracks)
	if err != nil {
		return err
	}

	adv, err := coach.Advise(ss, th)
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	switch o.format {
	case "json":
		settings := report.Settings{Movement: string(mv), Sex: string(sex), Thresholds: th}
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
		if err := writeFile(o.csvPath, func(w io.Writer) error { return report.WriteCSV(w, ss) }); err != nil {
			return err
		}
	}
	if o.output != "" {
		err = writeFile(o.output, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
	} else {
		_, err = cmd.OutOrStdout().Write(buf.Bytes())
	}
	if err != nil {
		return err
	}
	return o.out.write(ctx, log, outputs, ss, th, motion.CleanOptions{CutoffHz: o.cutoff}, coachingFromAdvice(adv),
		func(s string) { fmt.Fprintln(cmd.ErrOrStderr(), s) })
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

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
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%q is not a load (write e.g. 80kg or 175lb)", part)
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
	if err != nil {
		return 0, fmt.Errorf("%q is not a height (write e.g. 175cm or 1.75m)", s)
	}
	v *= factor
	if v < 50 || v > 250 {
		return 0, errors.New("height must be between 50 and 250 cm")
	}
	return v, nil
}
