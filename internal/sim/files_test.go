package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
)

func TestWriteFiles(t *testing.T) {
	set, cam, err := DemoSet(4, 15, "640x360")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		outs   func(dir string) Outputs
		ok     bool
		wanted []string // files that must exist afterwards
	}{
		{"track and truth", func(d string) Outputs {
			return Outputs{Track: filepath.Join(d, "t.json"), Truth: filepath.Join(d, "truth.json")}
		}, true, []string{"t.json", "truth.json"}},
		{"truth only", func(d string) Outputs { return Outputs{Truth: filepath.Join(d, "truth.json")} }, true, []string{"truth.json"}},
		{"an output that is a folder", func(d string) Outputs {
			return Outputs{Track: filepath.Join(d, "t.json"), Truth: d}
		}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			res, st, err := WriteFiles(context.Background(), set, cam, tc.outs(dir), VideoOptions{})
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != len(tc.wanted) {
				t.Errorf("%d files in the folder, want %d (%v)", len(entries), len(tc.wanted), tc.wanted)
			}
			if !tc.ok {
				return
			}
			if st.Frames != 0 {
				t.Errorf("no video asked for, but %d frames rendered", st.Frames)
			}
			for _, name := range tc.wanted {
				if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
					t.Error(err)
				}
			}
			if tc.outs(dir).Track != "" {
				tr, err := track.Load(filepath.Join(dir, "t.json"), track.LoadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(tr.Frames) != len(res.Track.Frames) || len(tr.Frames) != len(res.Frames) {
					t.Errorf("track has %d frames, simulated %d", len(tr.Frames), len(res.Frames))
				}
			}
		})
	}
}

func TestTruthWriteTable(t *testing.T) {
	tr := &Truth{Movement: "single_leg_squat", DurationS: 6.04, Camera: CameraTruth{YawDeg: 30}, Reps: []RepTruth{
		{Rep: 1, Analysed: Bounds{Start: 0.5, End: 2.25}, AscentVelocity: 0.456,
			Left:  LegTruth{Assessed: false},
			Right: LegTruth{Assessed: true, PeakChange: 12.34, PeakPhase: "bottom"}},
	}}
	var buf bytes.Buffer
	if err := tr.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	if want := "Simulated lifter (not a real person): single leg squat, 1 reps, 6.0 s, camera yaw 30°"; lines[0] != want {
		t.Errorf("title %q, want %q", lines[0], want)
	}
	if got, want := strings.Join(strings.Fields(lines[2]), " "), "1 0.50 2.25 free leg - +12.3° bottom 0.46"; got != want {
		t.Errorf("row %q, want %q", got, want)
	}
}
