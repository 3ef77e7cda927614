package session

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestRun: Run analyses and writes every output asked for; an output that
// cannot be made (here a CSV over the input) stops it before anything is
// written.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	simPath, _ := simTrack(t, dir, 4)
	for _, tc := range []struct {
		name string
		csv  string
		ok   bool
	}{
		{"report and CSV", filepath.Join(dir, "frames.csv"), true},
		{"CSV over the input", simPath, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout bytes.Buffer
			made, kept, err := Run(context.Background(), []Input{{Path: simPath}}, Options{Thresholds: valgus.Defaults()},
				Outputs{Format: "text", Stdout: &stdout, CSV: tc.csv})
			if (err == nil) != tc.ok || len(kept) != 0 || (!tc.ok && len(made) != 0) {
				t.Fatalf("Run: made %v, kept %v, err %v; want ok %v", made, kept, err, tc.ok)
			}
			if !tc.ok {
				if stdout.Len() != 0 {
					t.Errorf("a failed run printed its report")
				}
				return
			}
			if stdout.Len() == 0 {
				t.Error("no report on stdout")
			}
			if st, err := os.Stat(tc.csv); err != nil || st.Size() == 0 {
				t.Errorf("CSV: %v", err)
			}
		})
	}
}
