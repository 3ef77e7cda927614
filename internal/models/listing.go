package models

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
)

// Dir returns the model folder: flag (a command's --models-dir)
// when given, else DefaultDir.
func Dir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return DefaultDir()
}

// Presence says whether a model's files are in dir and intact: "yes",
// "no", "DAMAGED" or "unreadable".
func Presence(dir, name string) string {
	_, _, err := Paths(dir, name)
	switch {
	case err == nil:
		return "yes"
	case errors.Is(err, ErrNotPresent):
		return "no"
	case errors.Is(err, ErrDamaged):
		return "DAMAGED"
	}
	return "unreadable"
}

// WriteList prints the catalogue (`kneetrack models list`): each model's
// size, whether it is present in dir, and what it is for.
func WriteList(w io.Writer, dir string) error {
	fmt.Fprintf(w, "pose models from %s %s in %s\n\n", Package, Version, dir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tSIZE\tPRESENT\tPURPOSE")
	for _, m := range Catalog() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name, megabytes(m.Size()), Presence(dir, m.Name), m.Purpose)
	}
	return tw.Flush()
}

// WriteStatuses prints what Verify found in dir, file by file.
func WriteStatuses(w io.Writer, dir string, statuses []FileStatus) error {
	fmt.Fprintf(w, "model files in %s\n\n", dir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tSIZE\tSTATUS")
	for _, s := range statuses {
		size := "-"
		if s.Size >= 0 {
			size = fmt.Sprint(s.Size)
		}
		status := s.Status.String()
		if s.Detail != "" {
			status += "  " + s.Detail
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.File.Name, size, status)
	}
	return tw.Flush()
}

// megabytes formats a byte count in decimal megabytes.
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
