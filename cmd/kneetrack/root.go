package main

import (
	"fmt"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// globalOptions are the flags every subcommand shares.
type globalOptions struct {
	verbose bool
}

func newRootCmd() *cobra.Command {
	opts := &globalOptions{}
	root := &cobra.Command{
		Use:   "kneetrack",
		Short: "Find and explain knee cave (dynamic knee valgus) in squat videos",
		Long: `kneetrack reads a front-view video of a set of squats, lunges or single-leg
squats and tells you, rep by rep, whether the knees cave inward, how much,
on which side and at which moment, and what to do about it.

It runs its own pose-estimation models in pure Go; fetch them once with
'kneetrack models pull'.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Every numeric flag of every command: finite, in its range.
		PersistentPreRunE: cliflag.CheckCommand,
	}
	root.PersistentFlags().BoolVarP(&opts.verbose, "verbose", "v", false, "log progress and diagnostics to stderr")
	// Every subcommand lives in its own file; add it here, one line each.
	root.AddCommand(
		newVersionCmd(opts),
		newModelsCmd(opts),
		newBenchCmd(opts),
		newAnalyzeCmd(opts),
		newPoseCmd(opts),
		newSimulateCmd(opts),
		newDemoCmd(opts),
		newEvalCmd(opts),
	)
	return root
}

func newVersionCmd(*globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kneetrack's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "kneetrack %s\n", version)
			return err
		},
	}
}
