package words

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTracked(t *testing.T) {
	tests := []struct {
		name, input, model string
		tracked, processed int
		wallS              float64
		want               string
	}{
		{"with model", "set.mp4", "blazepose-full", 365, 365, 12.345, "set.mp4: lifter tracked in 365 of 365 frames (blazepose-full, 12.3 s)"},
		{"without model", "a.mov", "", 10, 12, 0.04, "a.mov: lifter tracked in 10 of 12 frames (0.0 s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Tracked(tc.input, tc.model, tc.tracked, tc.processed, tc.wallS); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got, want := PoseNote("a.mp4", "the lifter was not found in 2 of 57 frames"), "a.mp4: note: the lifter was not found in 2 of 57 frames"; got != want {
		t.Errorf("PoseNote = %q, want %q", got, want)
	}
}

func TestWriteDemoFiles(t *testing.T) {
	var b bytes.Buffer
	f := DemoFiles{Report: "report.html", Annotated: "annotated.mp4", Video: "sim.mp4", Track: "track.json", Truth: "truth.json", TrackPath: "out/track.json"}
	if err := WriteDemoFiles(&b, "out", 92*time.Second, f); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	// A blank line, the heading, one line per file, the pointer onwards.
	if len(lines) != 8 || lines[0] != "" || lines[1] != "Written to out (in 1 min 32 s):" {
		t.Fatalf("got %q", lines)
	}
	for i, name := range []string{"report.html", "annotated.mp4", "sim.mp4", "track.json", "truth.json"} {
		if !strings.HasPrefix(lines[2+i], "  "+name+" ") {
			t.Errorf("line %d = %q, want file %s", 2+i, lines[2+i], name)
		}
	}
	// The descriptions start in one column.
	col := strings.Index(lines[2], "the report")
	for _, l := range lines[3:7] {
		if strings.Index(l, "the ") != col && strings.Index(l, "every ") != col {
			t.Errorf("%q: description not in column %d", l, col)
		}
	}
	if !strings.Contains(lines[5], "'kneetrack analyze out/track.json'") {
		t.Errorf("track line %q does not give the command that repeats the analysis", lines[5])
	}
}
