package eval

import (
	"errors"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestParseCavesFrom(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want valgus.Severity
		ok   bool
	}{
		{"mild", valgus.SevMild, true},
		{" Moderate ", valgus.SevModerate, true},
		{"SEVERE", valgus.SevSevere, true},
		{"none", "", false},
		{"", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseCavesFrom(tc.in)
			if got != tc.want || (err == nil) != tc.ok {
				t.Errorf("ParseCavesFrom(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestEvaluatedErr(t *testing.T) {
	bad := errors.New("no lifter")
	for _, tc := range []struct {
		name string
		errs []error // each clip's analysis error
		want string  // "" for no error
	}{
		{"all analysed", []error{nil, nil}, ""},
		{"some failed", []error{nil, bad}, ""},
		{"all failed", []error{bad, bad}, "none of the 2 clips could be analysed; the first: clip0: no lifter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Evaluated{}
			for i, err := range tc.errs {
				e.Outcomes = append(e.Outcomes, Outcome{Item: &Item{Name: "clip" + string(rune('0'+i))}, Err: err})
				if err != nil {
					e.Summary.Errors++
				}
			}
			e.Summary.Clips = len(tc.errs)
			err := e.Err()
			if (tc.want == "") != (err == nil) || (err != nil && (err.Error() != tc.want || !errors.Is(err, bad))) {
				t.Errorf("Err() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReportListsRowsNotScored(t *testing.T) {
	e := &Evaluated{NotScored: []NotScored{{Error: "line 3: clip.json: no such file"}}}
	for _, tc := range []struct {
		format string
		want   string
	}{
		{"text", "  1 labelled clips could not be scored:\n  - line 3: clip.json: no such file\n"},
		{"json", "line 3: clip.json: no such file"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			b, err := e.Report(tc.format, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("%s report does not contain %q:\n%s", tc.format, tc.want, b)
			}
			if tc.format == "json" {
				schematest.Validate(t, schematest.Eval, b)
			}
		})
	}
}
