// Package schema makes the JSON Schemas of the JSON documents kneetrack
// writes (the analysis, the keypoint track, the eval scores, bench's JSON
// lines) from their Go types, with the types' and fields' doc comments as
// descriptions. The schemas are shipped in docs/schema (regenerated with
// `go generate ./internal/schema`); TestShippedSchemas fails when a type
// changed and they were not, and the tests of every JSON output validate
// it against them (package schematest).
package schema

//go:generate go run ./gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/kneetrack/kneetrack/internal/bench"
	"github.com/kneetrack/kneetrack/internal/eval"
	"github.com/kneetrack/kneetrack/internal/report"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Module is the module path the Go comments are read under.
const Module = "github.com/kneetrack/kneetrack"

// Doc is one JSON document kneetrack writes.
type Doc struct {
	Name        string // file name stem: docs/schema/NAME.schema.json
	Title       string
	Description string
	value       any // a value of the Go type that is encoded
}

// Path is where the schema is shipped, relative to the module root.
func (d Doc) Path() string { return "docs/schema/" + d.Name + ".schema.json" }

// Docs lists the documents, in a fixed order.
func Docs() []Doc {
	return []Doc{
		{"analysis", "kneetrack analysis JSON (" + report.SchemaV1 + ")",
			"What 'kneetrack analyze --format json' writes: docs/analysis-json.md.", report.Document{}},
		{"track", "kneetrack keypoint track JSON (" + track.SchemaV1 + ")",
			"What 'kneetrack pose' and 'analyze --save-track' write as .json: docs/track-json.md.", track.JSONDocument()},
		{"eval", "kneetrack eval scores JSON (kneetrack.eval/v1)",
			"What 'kneetrack eval --format json' writes: docs/eval.md.", eval.JSONDocument()},
		{"bench", "kneetrack bench JSON line",
			"One line of 'kneetrack bench --format json': one model's timing: docs/performance.md.", bench.Result{}},
	}
}

// commentDirs are the packages whose doc comments describe the documents'
// types, relative to the module root.
var commentDirs = [...]string{"internal/report", "internal/track", "internal/eval", "internal/bench", "internal/valgus", "internal/coach", "internal/words", "internal/body"}

// Generate makes d's schema, indented, with a final newline. The working
// directory must be the module root: the descriptions are read from the
// Go source there.
func Generate(d Doc) ([]byte, error) {
	r := &jsonschema.Reflector{
		// Names qualified by package: report.Video and track's video
		// differ.
		Namer: func(t reflect.Type) string {
			if t.Name() == "" || t.PkgPath() == "" {
				return ""
			}
			return strings.TrimPrefix(t.PkgPath(), Module+"/internal/") + "." + t.Name()
		},
		Mapper: mapType,
	}
	for _, dir := range commentDirs {
		if err := r.AddGoComments(Module, dir); err != nil {
			return nil, fmt.Errorf("reading the doc comments of %s (run from the module root): %w", dir, err)
		}
	}
	s := r.Reflect(d.value)
	s.ID = jsonschema.ID("kneetrack:" + d.Name) // an identifier, not an address
	s.Title, s.Description = d.Title, d.Description
	nullable(s, reflect.TypeOf(d.value), r.Namer)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encoding the %s schema: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

// numMarshaler is the report's number type: NaN and infinities as null.
var numMarshaler = reflect.TypeFor[interface{ MarshalJSON() ([]byte, error) }]()

// mapType gives the schema of types that marshal themselves: a float that
// writes NaN and infinities as null is a number or null.
func mapType(t reflect.Type) *jsonschema.Schema {
	if t.Implements(numMarshaler) && t.Kind() == reflect.Float64 {
		return orNull(&jsonschema.Schema{Type: "number"})
	}
	return nil
}

// orNull allows null besides s.
func orNull(s *jsonschema.Schema) *jsonschema.Schema {
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{s, {Type: "null"}}}
}

// nullable lets null stand wherever encoding/json can write it for a
// field of a struct reachable from t: a pointer, slice or map field
// without omitempty (nil is written as null).
func nullable(s *jsonschema.Schema, t reflect.Type, namer func(reflect.Type) string) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || mapType(t) != nil {
			return
		}
		seen[t] = true
		def := s.Definitions[namer(t)]
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			walk(f.Type)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || def == nil {
				continue
			}
			if name == "" {
				name = f.Name
			}
			switch f.Type.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map:
			default:
				continue
			}
			if strings.Contains(","+opts+",", ",omitempty,") {
				continue
			}
			if p, ok := def.Properties.Get(name); ok && p.AnyOf == nil {
				def.Properties.Set(name, orNull(p))
			}
		}
	}
	walk(t)
}
