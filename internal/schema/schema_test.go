package schema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/bench"
	"github.com/kneetrack/kneetrack/internal/schema"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
)

// TestShippedSchemas: the schemas in docs/schema are what the generator
// makes from today's Go types; a type changed without regenerating fails.
func TestShippedSchemas(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	for _, d := range schema.Docs() {
		t.Run(d.Name, func(t *testing.T) {
			want, err := schema.Generate(d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(d.Path())
			if err != nil {
				t.Fatalf("%v (run go generate ./internal/schema)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is not what the Go types make now: run go generate ./internal/schema and commit it", d.Path())
			}
		})
	}
}

// TestValidatorRejects: a document kneetrack writes passes; the same
// document broken in each way the schema forbids is rejected.
func TestValidatorRejects(t *testing.T) {
	good, err := json.Marshal(bench.Result{Model: "movenet-lightning", Threads: 1, Runs: 3, MedianMS: 5, P90MS: 6, MinMS: 4,
		GMACs: 0.27, GFLOPS: 100, Check: "output", CheckDiff: 0, CheckLimit: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if err := schematest.Check(schematest.Bench, good); err != nil {
		t.Fatalf("a bench result kneetrack writes is rejected: %v", err)
	}
	for _, tc := range []struct{ name, from, to, why string }{
		{"wrong type", `"threads":1`, `"threads":"one"`, "threads"},
		{"fraction for an integer", `"runs":3`, `"runs":2.5`, "runs"},
		{"missing field", `"model":"movenet-lightning",`, ``, "model"},
		{"unknown field", `{`, `{"speed":"fast",`, "speed"},
		{"null for a number", `"gmacs":0.27`, `"gmacs":null`, "gmacs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tc.from, tc.to, 1)
			if bad == string(good) {
				t.Fatalf("%q not in %s", tc.from, good)
			}
			err := schematest.Check(schematest.Bench, []byte(bad))
			if err == nil || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("%s accepted or rejected for another reason (%v); want a rejection naming %s", bad, err, tc.why)
			}
		})
	}
	if err := schematest.Check(schematest.Analysis, []byte(`{"schema":"kneetrack.analysis/v1"}`)); err == nil {
		t.Errorf("an analysis document with only its schema field was accepted")
	}
	if err := schematest.Check(schematest.Track, []byte(`not json`)); err == nil {
		t.Errorf("text that is not JSON was accepted as a track")
	}
}
