// Command gen writes the JSON Schemas of kneetrack's JSON documents into
// docs/schema (run by `go generate ./internal/schema`).
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/schema"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return fmt.Errorf("going to the module root: %w", err)
	}
	for _, d := range schema.Docs() {
		b, err := schema.Generate(d)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(d.Path(), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return fmt.Errorf("writing %s: %w", d.Path(), err)
		}
		fmt.Println("wrote", d.Path())
	}
	return nil
}

// moduleRoot is the nearest folder upwards holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
