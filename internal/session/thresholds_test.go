package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestReadThresholds(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, wantErr string
	}{
		{"no overrides", empty, ""},
		{"missing", filepath.Join(dir, "none.json"), "--thresholds:"},
		{"a folder", dir, "not a regular file"},
		{"not JSON", bad, "--thresholds " + bad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			th, err := ReadThresholds(tc.path)
			if tc.wantErr == "" {
				if err != nil || th != valgus.Defaults() {
					t.Errorf("ReadThresholds = %+v, %v; want the defaults", th, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
