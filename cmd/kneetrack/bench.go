package main

import (
	"runtime"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/bench"
	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/models"
)

type benchOptions struct {
	models      string
	threads     int
	runs        int
	warmup      int
	format      string
	oldJSON     bool // --json, the old spelling of --format json
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
  kneetrack bench --model movenet-lightning --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd, g, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.models, "model", "m", "blazepose-full", "model(s) to time, comma-separated, or 'all'")
	f.IntVarP(&o.threads, "threads", "t", 0, "threads per inference (default: all cores)")
	f.IntVarP(&o.runs, "runs", "n", 50, "timed inferences per model")
	f.IntVar(&o.warmup, "warmup", 5, "untimed inferences before timing")
	f.StringVar(&o.format, "format", "text", "output format: text (a table) or json (one JSON object per model and line; docs/schema/bench.schema.json)")
	f.BoolVar(&o.oldJSON, "json", false, "same as --format json")
	deprecate(f, "json", "use --format json")
	deprecateShorthand(f, "model", "use --model")
	deprecateShorthand(f, "threads", "use --threads")
	f.StringVar(&o.modelsDir, "models-dir", "", "folder holding the model files (default: $"+models.EnvDir+" or the user cache)")
	f.StringVar(&o.fixturesDir, "fixtures-dir", "", "folder holding the TF.js fixtures (default: $KNEETRACK_FIXTURES_DIR or the user cache)")
	cliflag.SetRange(f, "threads", 0, 1024)
	cliflag.SetRange(f, "runs", 1, 1e6)
	cliflag.SetRange(f, "warmup", 0, 1e6)
	return cmd
}

func runBench(cmd *cobra.Command, g *globalOptions, o *benchOptions) error {
	if o.oldJSON {
		if cmd.Flags().Changed("format") && o.format != "json" {
			return cliflag.Usagef("--json and --format %s disagree: give only --format", o.format)
		}
		o.format = "json"
	}
	if err := checkFormat(o.format); err != nil {
		return err
	}
	threads := o.threads
	if threads == 0 {
		threads = runtime.NumCPU()
	}
	out := cmd.OutOrStdout()
	table := bench.NewTable(out)
	add := table.Add
	asJSON := o.format == "json"
	if asJSON {
		add = func(r *bench.Result) error { return bench.WriteJSONLine(out, r) }
	}
	err := bench.RunModels(cmd.Context(), bench.Names(splitList(o.models)), bench.Files{ModelsDir: o.modelsDir, FixturesDir: o.fixturesDir},
		bench.Options{Threads: threads, Runs: o.runs, Warmup: o.warmup}, newLogger(g.verbose), add)
	if err != nil || asJSON {
		return err
	}
	return table.Flush()
}
