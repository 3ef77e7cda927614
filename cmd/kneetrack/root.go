package main

import (
	"io"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/spf13/cobra"
)

// globalOptions are the flags every subcommand shares.
type globalOptions struct {
	verbose bool
	// quiet drops progress, notes and summaries on stderr (errors and
	// warnings still show); see quietErr.
	quiet bool
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
		// Every numeric flag of every command: finite, in its range; and
		// --quiet for every command, in one place.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := cliflag.CheckCommand(cmd, args); err != nil {
				return err
			}
			if opts.quiet {
				quietErr(cmd)
			}
			return nil
		},
	}
	root.SetVersionTemplate("kneetrack {{.Version}}\n")
	root.PersistentFlags().BoolVarP(&opts.verbose, "verbose", "v", false, "log progress and diagnostics to stderr")
	root.PersistentFlags().BoolVarP(&opts.quiet, "quiet", "q", false, "no progress bars, notes or summaries on stderr (errors and warnings still show)")
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
		newManCmd(opts),
	)
	registerCompletions(root)
	return root
}

// quietErr silences what cmd writes to its stderr: every command writes
// its progress bars, notes and summaries there (cmd.ErrOrStderr), and its
// results to stdout or files. Errors are printed by runRoot and warnings
// by the logger, both straight to the process's stderr, so they still show.
func quietErr(cmd *cobra.Command) { cmd.SetErr(io.Discard) }
