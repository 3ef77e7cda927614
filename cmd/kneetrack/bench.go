package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/bench"
	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/models"
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
	cliflag.SetRange(f, "threads", 1, 1024)
	cliflag.SetRange(f, "runs", 1, 1e6)
	cliflag.SetRange(f, "warmup", 0, 1e6)
	return cmd
}

func runBench(cmd *cobra.Command, g *globalOptions, o *benchOptions) error {
	if o.threads < 1 {
		return fmt.Errorf("--threads must be at least 1, got %d", o.threads)
	}
	out := cmd.OutOrStdout()
	table := bench.NewTable(out)
	add := table.Add
	if o.asJSON {
		add = func(r *bench.Result) error { return bench.WriteJSONLine(out, r) }
	}
	err := bench.RunModels(cmd.Context(), bench.Names(o.models), bench.Files{ModelsDir: o.modelsDir, FixturesDir: o.fixturesDir},
		bench.Options{Threads: o.threads, Runs: o.runs, Warmup: o.warmup}, newLogger(g.verbose), add)
	if err != nil || o.asJSON {
		return err
	}
	return table.Flush()
}
