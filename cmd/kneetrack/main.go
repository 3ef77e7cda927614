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
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root := newRootCmd()
	if err := root.ExecuteContext(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "kneetrack: interrupted")
			return 130
		}
		fmt.Fprintf(os.Stderr, "kneetrack: %v\n", err)
		return 1
	}
	return 0
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
