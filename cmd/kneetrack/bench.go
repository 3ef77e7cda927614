package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/bench"
	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/tfjsfixture"
)

type benchOptions struct {
	models      []string
	threads     int
	runs        int
	warmup      int
	asJSON      bool
	modelsDir   string
	fixturesDir string
}

func newBenchCmd(g *globalOptions) *cobra.Command {
	o := &benchOptions{}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time pose-model inference on this machine",
		Long: `bench loads a pose model, checks one of its outputs against the TF.js
reference fixture (so a fast wrong answer cannot pass), warms up, then times
inferences on a fixed input and prints the median and 90th percentile
latency, the multiply-accumulates per inference and the GFLOP/s achieved.

The fixtures are made by scripts/setup.sh (tools/tfjs/fixtures.sh).`,
		Example: `  kneetrack bench --model blazepose-full
  kneetrack bench --model all --threads 1 --runs 30
  kneetrack bench --model movenet-lightning --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVarP(&o.models, "model", "m", []string{"blazepose-full"}, "model(s) to time, comma-separated, or 'all'")
	f.IntVarP(&o.threads, "threads", "t", runtime.NumCPU(), "goroutines one inference may use")
	f.IntVarP(&o.runs, "runs", "n", 50, "timed inferences per model")
	f.IntVar(&o.warmup, "warmup", 5, "untimed inferences before timing")
	f.BoolVar(&o.asJSON, "json", false, "print one JSON object per model instead of a table")
	f.StringVar(&o.modelsDir, "models-dir", "", "folder holding the model files (default: $"+models.EnvDir+" or the user cache)")
	f.StringVar(&o.fixturesDir, "fixtures-dir", "", "folder holding the TF.js fixtures (default: $KNEETRACK_FIXTURES_DIR or the user cache)")
	setRange(f, "threads", 1, 1024)
	setRange(f, "runs", 1, 1e6)
	setRange(f, "warmup", 0, 1e6)
	return cmd
}

func runBench(cmd *cobra.Command, g *globalOptions, o *benchOptions) error {
	log := newLogger(g.verbose)
	names := o.models
	if len(names) == 1 && names[0] == "all" {
		names = models.Names()
	}
	if o.threads < 1 {
		return fmt.Errorf("--threads must be at least 1, got %d", o.threads)
	}
	modelsDir, err := resolveModelsDir(o.modelsDir)
	if err != nil {
		return err
	}
	fixturesDir := o.fixturesDir
	if fixturesDir == "" {
		if fixturesDir, err = tfjsfixture.Dir(); err != nil {
			return err
		}
	}
	out := cmd.OutOrStdout()
	var table *tabwriter.Writer
	if !o.asJSON {
		table = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(table, "model\tthreads\truns\tmedian ms\tp90 ms\tGMACs\tGFLOP/s\tcheck vs TF.js\t")
	}
	for _, name := range names {
		jsonPath, binPath, err := models.Paths(modelsDir, name)
		if err != nil {
			return err
		}
		fx, err := tfjsfixture.Load(fixturesDir, name, "lcg")
		if err != nil {
			return fmt.Errorf("bench %s needs its TF.js fixture to check the output first: %w", name, err)
		}
		log.Debug("loading model", "model", name, "json", jsonPath)
		m, err := nn.LoadFiles(jsonPath, binPath)
		if err != nil {
			return fmt.Errorf("loading %s: %w", name, err)
		}
		res, err := bench.Run(cmd.Context(), name, m, fx, bench.Options{Threads: o.threads, Runs: o.runs, Warmup: o.warmup})
		if err != nil {
			return err
		}
		if o.asJSON {
			if err := writeJSONLine(out, res); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(table, "%s\t%d\t%d\t%.2f\t%.2f\t%.3f\t%.1f\t%s max|diff| %.2g\t\n",
			res.Model, res.Threads, res.Runs, res.MedianMS, res.P90MS, res.GMACs, res.GFLOPS, res.Check, res.CheckDiff)
	}
	if table != nil {
		return table.Flush()
	}
	return nil
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding JSON: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
