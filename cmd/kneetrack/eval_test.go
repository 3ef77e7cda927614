package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
)

// executeAll runs the CLI in-process and returns stdout, stderr and the
// error.
func executeAll(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// labelText writes a generated knee's label as a person might.
func labelText(l evalset.Label) string {
	switch l {
	case evalset.Caves:
		return "caves (knee in at the bottom)"
	case evalset.NoCave:
		return "no cave"
	}
	return "not assessed"
}

// evalFolder writes n generated cases (bilateral squats and single-leg
// squats, both labels) as kneetrack track files into a folder, sub/ under
// it, with a labels file; it returns the labels file's path.
func evalFolder(t *testing.T, n int, extra string) (labels string, names []string) {
	t.Helper()
	cases, err := evalset.Build(evalset.Options{Seed: 1, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "tracks"), 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("file,movement,view,left_knee,right_knee,notes\n")
	for _, c := range cases {
		if len(names) == n {
			break
		}
		if c.Movement != evalset.BilateralSquat && c.Movement != evalset.SingleLegSquat || c.Reps == 0 {
			continue
		}
		name := fmt.Sprintf("tracks/clip%02d.json", len(names))
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := track.WriteJSON(f, c.Track); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		mv := map[string]string{evalset.BilateralSquat: "squat (both legs)", evalset.SingleLegSquat: "single-leg squat"}[c.Movement]
		fmt.Fprintf(&b, "%s,%s,front,%s,%s,\"%s\"\n", name, mv, labelText(c.Knee[0].Label), labelText(c.Knee[1].Label), c.Name)
		names = append(names, name)
	}
	b.WriteString(extra)
	labels = filepath.Join(dir, "labels.csv")
	if err := os.WriteFile(labels, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return labels, names
}

type evalJSON struct {
	Schema        string   `json:"schema"`
	CavesFrom     string   `json:"caves_from"`
	Clips         int      `json:"clips"`
	Analysed      int      `json:"analysed"`
	AnalysedShare *float64 `json:"analysed_share"`
	Clip          []struct {
		Class   string   `json:"class"`
		TP      int      `json:"tp"`
		Support int      `json:"support"`
		F1      *float64 `json:"f1"`
	} `json:"clip"`
	Knee      []json.RawMessage `json:"knee"`
	Groups    []json.RawMessage `json:"groups"`
	Mistakes  []json.RawMessage `json:"mistakes"`
	NotScored []struct {
		Line  int    `json:"line"`
		Error string `json:"error"`
	} `json:"not_scored"`
}

func TestEvalLabelsFolder(t *testing.T) {
	labels, names := evalFolder(t, 8, "")
	out, stderr, err := executeAll(t, "eval", labels)
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	for _, want := range []string{"8 clips; a knee graded moderate or worse counts as caving", "level", "clip   caves",
		"squat (both legs)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("eval of %d tracks:\n%s", len(names), out)

	// JSON, to a file, mild counts as caving; --dir given explicitly
	outPath := filepath.Join(t.TempDir(), "scores.json")
	if _, stderr, err := executeAll(t, "eval", labels, "--dir", filepath.Dir(labels), "--format", "json", "-o", outPath,
		"--caves-from", "mild"); err != nil {
		t.Fatalf("eval --format json: %v\n%s", err, stderr)
	}
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc evalJSON
	schematest.Validate(t, schematest.Eval, data)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%v:\n%s", err, data)
	}
	if doc.Schema != "kneetrack.eval/v1" || doc.CavesFrom != "mild" || doc.Clips != 8 || doc.AnalysedShare == nil ||
		len(doc.Clip) != 2 || doc.Clip[0].Class != "caves" || len(doc.Knee) != 2 || len(doc.Groups) == 0 || doc.NotScored == nil {
		t.Errorf("JSON summary:\n%s", data)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(outPath), ".*.part")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestEvalMissingFiles: missing and broken clips are named, the others
// scored; only when nothing can be scored does eval fail.
func TestEvalMissingFiles(t *testing.T) {
	labels, _ := evalFolder(t, 3, "tracks/gone.json,squat,no cave,no cave,\n,squat,caves,caves,\ntracks/clip00.json,squat,caves,caves,\n")
	if err := os.WriteFile(filepath.Join(filepath.Dir(labels), "tracks", "broken.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(labels, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "tracks/broken.json,squat,caves,none,")
	f.Close()

	out, stderr, err := executeAll(t, "eval", labels, "--format", "json")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	for _, want := range []string{"line 5: tracks/gone.json: file not found", "line 6: no file name",
		"line 7: tracks/clip00.json is listed again (first on line 2)", "line 8: tracks/broken.json: reading the keypoint track",
		"4 of 7 labelled clips could not be scored"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var doc evalJSON
	schematest.Validate(t, schematest.Eval, []byte(out))
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if doc.Clips != 3 || len(doc.NotScored) != 4 || doc.NotScored[0].Line != 5 || doc.NotScored[3].Line != 8 {
		t.Errorf("clips %d, not scored %+v", doc.Clips, doc.NotScored)
	}

	// nothing readable: an error
	dir := t.TempDir()
	bad := filepath.Join(dir, "labels.csv")
	if err := os.WriteFile(bad, []byte("file,label\nnope.json,caves\nnot-here.trc,no cave\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err = executeAll(t, "eval", bad)
	if err == nil || !strings.Contains(err.Error(), "none of the 2 labelled clips could be read") ||
		!strings.Contains(stderr, "line 2: nope.json: file not found") || !strings.Contains(stderr, "line 3: not-here.trc") {
		t.Errorf("eval with no readable clip: error %v\n%s", err, stderr)
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no file column", []string{"eval", write("a.csv", "name,label\nx.json,caves\n")}, "a.csv: line 1: no file column"},
		{"no label column", []string{"eval", write("b.csv", "file,movement\nx.json,squat\n")}, "b.csv: line 1: no label column"},
		{"empty", []string{"eval", write("c.csv", "")}, "the file is empty"},
		{"only bad rows", []string{"eval", write("d.csv", "file,label\n,caves\n")}, "no labelled clip to score"},
		{"no such labels file", []string{"eval", filepath.Join(dir, "none.csv")}, "reading the labels"},
		{"format", []string{"eval", "--small", "--format", "xml"}, `--format "xml"`},
		{"caves-from", []string{"eval", "--small", "--caves-from", "big"}, `--caves-from "big": use mild, moderate or severe`},
		{"dir without labels", []string{"eval", "--small", "--dir", dir}, "--dir goes with a labels file"},
		{"two args", []string{"eval", "a.csv", "b.csv"}, "accepts at most 1 arg"},
		{"dir not a folder", []string{"eval", write("e.csv", "file,label\nx.json,caves\n"), "--dir", filepath.Join(dir, "nope")}, "not a folder"},
		{"model", []string{"eval", write("f.csv", "file,label\nx.json,caves\n"), "--model", "nope"}, `--model "nope"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := executeAll(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestEvalRefusesInputAsOutput: -o never overwrites the labels file or a
// clip, and leaves them as they were.
func TestEvalRefusesInputAsOutput(t *testing.T) {
	labels, names := evalFolder(t, 2, "")
	before, err := os.ReadFile(labels)
	if err != nil {
		t.Fatal(err)
	}
	clip := filepath.Join(filepath.Dir(labels), names[0])
	for _, out := range []string{labels, clip, filepath.Join(filepath.Dir(labels), ".", "tracks", "..", "labels.csv")} {
		_, _, err := executeAll(t, "eval", labels, "-o", out)
		if err == nil || !strings.Contains(err.Error(), "would overwrite the input") {
			t.Errorf("-o %s: error %v, want a refusal", out, err)
		}
	}
	if after, _ := os.ReadFile(labels); !bytes.Equal(before, after) {
		t.Error("the labels file changed")
	}
	if _, _, err := executeAll(t, "eval", labels, "-o", filepath.Dir(labels)); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("-o FOLDER: error %v", err)
	}
}

// TestEvalBuiltinSmall: the built-in quick set, with the shared motion
// capture when present.
func TestEvalBuiltinSmall(t *testing.T) {
	args := []string{"eval", "--small", "--format", "json"}
	mocap := filepath.Join(testenv.SharedDir(t), "mocap")
	args = append(args, "--mocap", mocap)
	out, stderr, err := executeAll(t, args...)
	if err != nil {
		t.Fatalf("eval --small: %v\n%s", err, stderr)
	}
	var doc evalJSON
	schematest.Validate(t, schematest.Eval, []byte(out))
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if doc.Clips < 60 || doc.AnalysedShare == nil || *doc.AnalysedShare < 0.5 || doc.Clip[0].Support == 0 || doc.Clip[0].F1 == nil {
		t.Errorf("built-in small set: %+v", doc)
	}
	if !strings.Contains(stderr, "building the built-in labelled set (small, seed 1)") {
		t.Errorf("stderr: %s", stderr)
	}
	// the text table
	out, _, err = executeAll(t, "eval", "--small", "--mocap", mocap, "--worst", "3")
	if err != nil || !strings.Contains(out, "worst cases") {
		t.Errorf("eval --small text: %v\n%s", err, out)
	}
	t.Logf("built-in small set:\n%s", out)
}

// TestMirrorAverageFlag: mirror averaging is on by default for every
// command that runs the pose model, and can be turned off (analyze and
// pose bind it to pose.Options.MirrorAverage itself).
func TestMirrorAverageFlag(t *testing.T) {
	root := newRootCmd()
	for _, name := range []string{"pose", "analyze", "eval"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		f := cmd.Flags().Lookup("mirror-average")
		if f == nil || f.DefValue != "true" {
			t.Errorf("%s: --mirror-average flag %+v, want default true", name, f)
			continue
		}
		if err := cmd.Flags().Parse([]string{"--mirror-average=false"}); err != nil || f.Value.String() != "false" {
			t.Errorf("%s: --mirror-average=false: %v %v", name, err, f.Value)
		}
	}
}

// TestEvalVideos: videos in a labels file are tracked (here a shared 1-rep
// GIF, named by its absolute path) and scored; a missing one is named.
func TestEvalVideos(t *testing.T) {
	testenv.PoseTools(t)
	gif := testenv.SharedFile(t, "media/squat-deep-front-lab.gif")
	dir := t.TempDir()
	labels := filepath.Join(dir, "labels.csv")
	text := "video,movement,left_knee,right_knee\n" + gif + ",squat (both legs),no cave,no cave\nmissing.mp4,squat,caves,caves\n"
	if err := os.WriteFile(labels, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := executeAll(t, "eval", labels, "--threads", "1")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	t.Logf("stdout:\n%s\nstderr:\n%s", out, stderr)
	for _, want := range []string{"2 labelled clips, 2 of them videos to track first (blazepose-full, mirror-averaged)",
		"[1/2] " + gif, "lifter tracked in", "line 3: missing.mp4: file not found", "1 of 2 labelled clips could not be scored"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if !strings.Contains(out, "1 clips; a knee graded moderate or worse counts as caving") {
		t.Errorf("stdout:\n%s", out)
	}
}
