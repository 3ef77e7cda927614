package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

func TestAnalyzeMocapText(t *testing.T) {
	p := testenv.SharedFile(t, "mocap/opencap-squats.trc")
	// the short summary: the verdict first, then what to do
	out, err := execute(t, "analyze", p)
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(out, "\n"); !strings.Contains(first, "knee") {
		t.Errorf("the first line is not the verdict about the knees: %q", first)
	}
	for _, want := range []string{"squat (both legs), front view, 5 reps", "What to do next", "not a diagnosis"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// everything with --details
	out, err = execute(t, "analyze", p, "--details")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"squat (both legs)", "view: front", "reps: 5", "What it means", "not a diagnosis"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestAnalyzeJSONAndCSV(t *testing.T) {
	dir := t.TempDir()
	// Two sets as kneetrack track files: the synthetic lifter pushes the
	// knees out 10°; in the heavy set both knees turn 16° past that, 6°
	// inward past straight ahead (the knees close in together).
	var files []string
	for k, v := range []float64{0, 26} {
		l := sim.StickSet{Reps: 3, RightValgusDeg: []float64{v}}
		if v > 0 {
			l.LeftValgusDeg = []float64{v}
		}
		tr, err := track.Project(l.Track3D(), track.Camera{})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, []string{"light.json", "heavy.json"}[k])
		fh, _ := os.Create(f)
		if err := track.WriteJSON(fh, tr); err != nil {
			t.Fatal(err)
		}
		fh.Close()
		files = append(files, f)
	}
	csvPath, outPath := filepath.Join(dir, "frames.csv"), filepath.Join(dir, "report.json")
	args := append([]string{"analyze"}, files...)
	args = append(args, "--load", "60kg,220lb", "--format", "json", "--csv", csvPath, "-o", outPath, "--height", "1.80m", "--sex", "female")
	if _, err := execute(t, args...); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema   string `json:"schema"`
		Settings struct {
			HeightCM float64 `json:"height_cm"`
			Sex      string  `json:"sex"`
		} `json:"settings"`
		Sets []struct {
			LoadKG float64 `json:"load_kg"`
			Reps   []struct {
				Right struct {
					Severity string `json:"severity"`
				} `json:"right"`
			} `json:"reps"`
		} `json:"sets"`
	}
	schematest.Validate(t, schematest.Analysis, data)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "kneetrack.analysis/v1" || len(doc.Sets) != 2 || doc.Settings.HeightCM != 180 || doc.Settings.Sex != "female" {
		t.Fatalf("doc %+v", doc)
	}
	if doc.Sets[0].LoadKG != 60 || !near(doc.Sets[1].LoadKG, 99.79, 0.01) {
		t.Fatalf("loads %v %v", doc.Sets[0].LoadKG, doc.Sets[1].LoadKG)
	}
	if len(doc.Sets[1].Reps) != 3 || doc.Sets[1].Reps[0].Right.Severity == "none" || doc.Sets[0].Reps[0].Right.Severity != "none" {
		t.Fatalf("reps %+v", doc.Sets)
	}
	csvData, err := os.ReadFile(csvPath)
	if err != nil || !strings.HasPrefix(string(csvData), "set,source,time_s") {
		t.Fatalf("csv: %v %q", err, string(csvData[:min(40, len(csvData))]))
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

func TestAnalyzeErrors(t *testing.T) {
	dir := t.TempDir()
	tr, _ := track.Project(sim.StickSet{Reps: 1}.Track3D(), track.Camera{})
	f := filepath.Join(dir, "t.json")
	fh, _ := os.Create(f)
	track.WriteJSON(fh, tr)
	fh.Close()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyze", f, "--load", "60kg,80kg"}, "2 loads for 1 files"},
		{[]string{"analyze", f, "--load", "heavy"}, "not a load"},
		{[]string{"analyze", f, "--format", "xml"}, "text, text-full or json"},
		{[]string{"analyze", f, "--movement", "deadlift"}, "unknown movement"},
		{[]string{"analyze", f, "--sex", "x"}, "unknown sex"},
		{[]string{"analyze", f, "--height", "tall"}, "not a height"},
		{[]string{"analyze", f, "--thresholds", filepath.Join(dir, "none.json")}, "--thresholds"},
		{[]string{"analyze", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"analyze"}, "requires at least 1 arg"},
	} {
		if _, err := execute(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want it to mention %q", c.args[1:], err, c.want)
		}
	}
}
