// Package schematest validates JSON documents in tests against the schemas
// shipped in docs/schema (package schema makes them), with
// github.com/santhosh-tekuri/jsonschema/v6. Every test that writes one of
// kneetrack's JSON documents calls Validate (or ValidateLines for JSON
// lines) on what was written.
package schematest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Names of the shipped schemas.
const (
	Analysis = "analysis"
	Track    = "track"
	Eval     = "eval"
	Bench    = "bench"
)

// Check validates one JSON document against docs/schema/NAME.schema.json
// of the module the working directory is in.
func Check(name string, data []byte) error {
	sch, err := compile(name)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("reading the document as JSON: %w", err)
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("not a valid %s document: %w", name, err)
	}
	return nil
}

// Validate fails t when data is not a valid NAME document.
func Validate(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := Check(name, data); err != nil {
		t.Errorf("%v", err)
	}
}

// ValidateLines fails t when a line of data (JSON lines) is not a valid
// NAME document, or when there is none.
func ValidateLines(t testing.TB, name string, data []byte) {
	t.Helper()
	n := 0
	for line := range bytes.Lines(data) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n++
		Validate(t, name, line)
	}
	if n == 0 {
		t.Errorf("no %s JSON line to validate", name)
	}
}

// compile loads and compiles a shipped schema.
func compile(name string) (*jsonschema.Schema, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, "docs", "schema", name+".schema.json")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the %s schema (go generate ./internal/schema makes it): %w", name, err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	c := jsonschema.NewCompiler()
	url := "file://" + filepath.ToSlash(path)
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", path, err)
	}
	return sch, nil
}

// moduleRoot is the nearest folder upwards from the working directory
// holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: the schemas are in the repository's docs/schema")
		}
		dir = parent
	}
}
