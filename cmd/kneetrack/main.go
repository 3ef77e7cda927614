// Command kneetrack reads a front-view video of squats (or keypoints from
// other tools) and reports, rep by rep, whether and how the knees cave in.
//
// The command is deliberately thin: it parses flags, wires packages under
// internal/ together and maps failures to exit codes. Analysis logic lives in
// those packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kneetrack/kneetrack/internal/cliflag"
	"github.com/kneetrack/kneetrack/internal/session"
)

func main() {
	os.Exit(run())
}

// Exit statuses, documented in the README for scripts.
const (
	exitOK          = 0   // analysed (or the command did what it was asked)
	exitError       = 1   // something went wrong: the message says what
	exitUsage       = 2   // the command was called wrongly: a flag, a value, the files
	exitNotAnalysed = 3   // the input was read but nothing in it could be analysed
	exitInterrupted = 130 // stopped by Ctrl-C or SIGTERM
)

// errNotAnalysed ends a run whose input was read, and whose report says
// why, but in which nothing could be analysed.
var errNotAnalysed = session.ErrNotAnalysed

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runRoot(ctx, newRootCmd(), os.Args[1:], os.Stderr)
}

// runRoot runs root with args and maps the outcome to an exit status,
// printing any error to stderr.
func runRoot(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) int {
	started := cliflag.MarkUsageErrors(root)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		fmt.Fprintln(stderr, "kneetrack: interrupted")
		return exitInterrupted
	case errors.Is(err, errNotAnalysed):
		fmt.Fprintf(stderr, "kneetrack: %v\n", err)
		return exitNotAnalysed
	case isUsage(err) || !started():
		fmt.Fprintf(stderr, "kneetrack: %v\nRun 'kneetrack help' or 'kneetrack COMMAND --help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "kneetrack: %v\n", err)
	return exitError
}

// isUsage reports whether err is a mistake in how the command was called.
func isUsage(err error) bool {
	var su *session.UsageError
	return cliflag.IsUsage(err) || errors.As(err, &su)
}

// newLogger returns the logger used by all subcommands: human-readable text on
// stderr, debug level when verbose is set.
func newLogger(verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
