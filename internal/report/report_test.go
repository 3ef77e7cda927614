package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/track/synth"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func session(t *testing.T) *valgus.SessionResult {
	t.Helper()
	var sets []*valgus.SetResult
	for k, kg := range []float64{60, 100} {
		l := synth.Lifter{Reps: 4, RightValgusDeg: []float64{float64(k) * 16}}
		tr, err := track.Project(l.Track3D(), track.Camera{})
		if err != nil {
			t.Fatal(err)
		}
		tr.Video.Source = []string{"set1.json", "set2.json"}[k]
		res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{LoadKG: kg, HasLoad: true})
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, res)
	}
	// a side view: not analysed, must still be reported
	side, _ := track.Project(synth.Lifter{Reps: 2}.Track3D(), track.Camera{YawDeg: 90})
	res, err := valgus.AnalyzeSet(context.Background(), side, valgus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sets = append(sets, res)
	ss, err := valgus.AnalyzeSession(sets, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestJSONSchema(t *testing.T) {
	ss := session(t)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(ss, Settings{Movement: "auto", Thresholds: valgus.Defaults()}, "kneetrack test")); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	if doc["schema"] != "kneetrack.analysis/v1" {
		t.Fatalf("schema %v", doc["schema"])
	}
	sets := doc["sets"].([]any)
	if len(sets) != 3 {
		t.Fatalf("%d sets", len(sets))
	}
	s1 := sets[1].(map[string]any)
	for _, k := range []string{"source", "load_kg", "video", "movement", "view", "reps", "summary"} {
		if _, ok := s1[k]; !ok {
			t.Fatalf("set lacks %q", k)
		}
	}
	if s1["source"] != "set2.json" || s1["load_kg"] != 100.0 || s1["view"] != "front" || s1["movement"] != "bilateral_squat" {
		t.Fatalf("set 2: %v %v %v %v", s1["source"], s1["load_kg"], s1["view"], s1["movement"])
	}
	video := s1["video"].(map[string]any)
	for _, k := range []string{"width", "height", "fps", "duration_s", "rotation"} {
		if _, ok := video[k]; !ok {
			t.Fatalf("video lacks %q", k)
		}
	}
	reps := s1["reps"].([]any)
	if len(reps) != 4 {
		t.Fatalf("%d reps", len(reps))
	}
	rep := reps[3].(map[string]any)
	for _, k := range []string{"index", "start_s", "bottom_s", "end_s", "left", "right", "kasr_min", "quality"} {
		if _, ok := rep[k]; !ok {
			t.Fatalf("rep lacks %q", k)
		}
	}
	right := rep["right"].(map[string]any)
	for _, k := range []string{"peak_fppa_deg", "peak_phase", "knee_vs_toe", "severity", "quality"} {
		if _, ok := right[k]; !ok {
			t.Fatalf("rep side lacks %q", k)
		}
	}
	if right["severity"] == "none" || right["peak_phase"] != "bottom" {
		t.Fatalf("right knee at 100 kg: %v at %v", right["severity"], right["peak_phase"])
	}
	// Unmeasurable values are null, never NaN (which is not JSON).
	if v, ok := right["knee_vs_toe_cm"]; !ok || v != nil {
		t.Fatalf("knee_vs_toe_cm without a height should be null, got %v", v)
	}
	side := sets[2].(map[string]any)
	if side["view"] != "side" || side["analysed"] != false || len(side["reps"].([]any)) != 0 {
		t.Fatalf("side view set: %v %v", side["view"], side["analysed"])
	}
	sum := doc["summary"].(map[string]any)
	load := sum["load"].(map[string]any)["right"].(map[string]any)
	if load["status"] != "appears_from" || load["appears_from_kg"] != 100.0 {
		t.Fatalf("load: %v", load)
	}
	if !strings.Contains(sum["disclaimer"].(string), "not a diagnosis") {
		t.Fatal("no disclaimer")
	}
}

func TestCSVAndText(t *testing.T) {
	ss := session(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, ss); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, s := range ss.Sets {
		frames += len(s.Frames)
	}
	if len(rows) != frames+1 || len(rows[0]) != len(CSVHeader()) {
		t.Fatalf("%d rows of %d columns, want %d+1 of %d", len(rows), len(rows[0]), frames, len(CSVHeader()))
	}
	// A frame at the bottom of a rep of set 2.
	found := false
	for _, r := range rows[1:] {
		if r[0] == "2" && r[4] == "bottom" && r[3] != "" && r[7] != "" {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("no bottom-phase row with a right FPPA in set 2")
	}

	buf.Reset()
	if err := WriteText(&buf, ss); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Set 1: set1.json", "reps: 4", "What it means", "Right knee", "side view", "appears from 100 kg", "not a diagnosis"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
