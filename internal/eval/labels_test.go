package eval

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

const (
	no  = evalset.NoCave
	yes = evalset.Caves
	amb = evalset.Ambiguous
)

// sharedLabels is every row of ../shared/media/labels.csv (copied to
// testdata/labels-shared.csv) as a person reads it, written out by hand.
var sharedLabels = []struct {
	line       int
	file       string
	movement   body.Movement
	left, rght evalset.Label
	clip       evalset.Label
}{
	{2, "goblet-squat-front.mp4", body.MoveBilateralSquat, no, no, no},
	{3, "squat-hands-behind-head-front-60fps.mp4", body.MoveBilateralSquat, no, no, no},
	{4, "bodyweight-squat-front-overlay.mp4", body.MoveBilateralSquat, no, no, no},
	// "not labelled" on both knees; a movement kneetrack does not analyse
	{5, "side-lunge-front.mp4", body.MoveLateralLunge, amb, amb, amb},
	// "no cave (straight)" / "cave (moderate: drifts medially ...)"
	{6, "single-leg-squat-alternating-front.mp4", body.MoveSingleLegSquat, no, yes, yes},
	// "no cave or slight" / "not assessed (free leg)": the clip is not
	// decided by one knee's no
	{7, "single-leg-squat-front.mp4", body.MoveSingleLegSquat, no, amb, amb},
	// "mostly straight" / "caves on some reps (clearly in on rep 8)"
	{8, "single-leg-squat-mixed-portrait.mp4", body.MoveSingleLegSquat, no, yes, yes},
	{9, "squat-deep-front-lab.gif", body.MoveBilateralSquat, no, no, no},
	{10, "squat-shallow-front-lab.gif", body.MoveBilateralSquat, no, no, no},
	{11, "squat-forward-lean-front-lab.gif", body.MoveBilateralSquat, no, no, no},
}

func checkSharedRows(t *testing.T, rows []LabelRow) {
	t.Helper()
	if len(rows) != len(sharedLabels) {
		t.Fatalf("%d rows, want %d", len(rows), len(sharedLabels))
	}
	for i, w := range sharedLabels {
		r := rows[i]
		if r.Line != w.line || r.File != w.file || r.Movement != w.movement || !r.KneeKnown ||
			r.Knee != [2]evalset.Label{w.left, w.rght} || r.Clip != w.clip {
			t.Errorf("row %d: got line %d %s %q (%q) knees %v/%v (%q / %q) clip %v; want line %d %s %q knees %v/%v clip %v",
				i, r.Line, r.File, r.Movement, r.MovementText, r.Knee[0], r.Knee[1], r.KneeText[0], r.KneeText[1], r.Clip,
				w.line, w.file, w.movement, w.left, w.rght, w.clip)
		}
	}
}

func TestReadLabelsShared(t *testing.T) {
	f, err := os.Open("testdata/labels-shared.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadLabels(f)
	if err != nil {
		t.Fatal(err)
	}
	checkSharedRows(t, rows)
}

// TestReadLabelsSharedLive reads the shared file itself, so that a change
// to it is noticed here (update testdata/labels-shared.csv and the table).
func TestReadLabelsSharedLive(t *testing.T) {
	f, err := os.Open(testenv.SharedFile(t, "media/labels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadLabels(f)
	if err != nil {
		t.Fatal(err)
	}
	checkSharedRows(t, rows)
}

func TestLabelFromText(t *testing.T) {
	for _, c := range []struct {
		text string
		want evalset.Label
	}{
		// the shared file's values
		{"no cave", no}, {"no cave (straight)", no}, {"no cave or slight", no}, {"mostly straight", no},
		{"cave (moderate: drifts medially on the right-leg reps)", yes}, {"caves on some reps (clearly in on rep 8)", yes},
		{"not assessed (free leg)", amb}, {"not labelled", amb}, {"", amb}, {"   ", amb},
		// the brief's words
		{"cave", yes}, {"Caves", yes}, {"caving", yes}, {"VALGUS", yes}, {"knees in", yes}, {"knee in at the bottom", yes},
		{"inward", yes}, {"collapse", yes}, {"slight cave", yes}, {"mild valgus", yes}, {"knees collapse inward", yes},
		{"correct", no}, {"good", no}, {"none", no}, {"straight", no}, {"neutral", no}, {"knees out", no}, {"OK", no},
		{"knees in line with toes", no},
		// negations and word edges
		{"does not cave", no}, {"doesn't cave", no}, {"no valgus", no}, {"no knee cave", no}, {"straight, no cave", no},
		{"not straight", amb}, {"not good", amb}, {"nonetheless", amb}, {"cavern", amb}, {"unclear", amb}, {"?", amb},
		{"n/a", amb}, {"not sure", amb}, {"no label", amb},
		{"good but caves on rep 5", yes}, {"cave left, straight right", yes},
		// a lone yes/no, 1/0
		{"1", yes}, {"yes", yes}, {"true", yes}, {"0", no}, {"no", no}, {"false", no},
		{"(caves)", yes},
	} {
		if got := LabelFromText(c.text); got != c.want {
			t.Errorf("LabelFromText(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestMovementFromText(t *testing.T) {
	for _, c := range []struct {
		text string
		want body.Movement
	}{
		{"squat (both legs)", body.MoveBilateralSquat}, {"squat", body.MoveBilateralSquat},
		{"bodyweight squat", body.MoveBilateralSquat}, {"Goblet Squats", body.MoveBilateralSquat},
		{"overhead squat", body.MoveBilateralSquat},
		{"single-leg squat", body.MoveSingleLegSquat}, {"single-leg squat (left leg)", body.MoveSingleLegSquat},
		{"single-leg and pistol squats", body.MoveSingleLegSquat}, {"pistol", body.MoveSingleLegSquat},
		{"single leg squat", body.MoveSingleLegSquat}, {"lateral step-down", body.MoveSingleLegSquat},
		{"split squat", body.MoveSplitSquat}, {"lunge", body.MoveSplitSquat}, {"reverse lunges", body.MoveSplitSquat},
		{"Bulgarian split squat", body.MoveSplitSquat},
		{"lateral (side) lunge", body.MoveLateralLunge}, {"side lunge", body.MoveLateralLunge},
		{"jump", body.MoveJumpLanding}, {"drop jump landing", body.MoveJumpLanding}, {"landing", body.MoveJumpLanding},
		{"", body.MoveAuto}, {"step-up", body.MoveAuto}, {"walking", body.MoveAuto}, {"squash", body.MoveAuto},
	} {
		if got := MovementFromText(c.text); got != c.want {
			t.Errorf("MovementFromText(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestReadLabelsClipColumn(t *testing.T) {
	f, err := os.Open("testdata/labels-clip.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadLabels(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		file string
		mv   body.Movement
		clip evalset.Label
	}{
		{3, "set1.json", body.MoveBilateralSquat, no},
		{4, "set2.json", body.MoveSplitSquat, yes},
		{5, "set3.json", body.MoveJumpLanding, yes},
		{6, "set4.json", body.MoveAuto, amb},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Line != w.line || r.File != w.file || r.Movement != w.mv || r.Clip != w.clip || r.KneeKnown {
			t.Errorf("row %d: %+v, want %+v", i, r, w)
		}
	}
}

func TestReadLabelsErrors(t *testing.T) {
	for _, c := range []struct {
		name, csv, want string
	}{
		{"empty", "", "empty"},
		{"no file column", "name,label\na.json,caves\n", "line 1: no file column"},
		{"no label column", "file,movement\na.json,squat\n", "line 1: no label column"},
		{"one knee", "file,left_knee\na.json,caves\n", "line 1: the header has a label column for one knee only"},
		{"duplicate column", "file,label,Label\na.json,caves,no\n", `line 1: column "Label" appears twice`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ReadLabels(strings.NewReader(c.csv))
			if err == nil || !strings.Contains(err.Error(), c.want) || rows != nil {
				t.Errorf("ReadLabels: rows %v, error %v; want no rows and an error containing %q", rows, err, c.want)
			}
		})
	}
	// an ignored column twice is fine
	if rows, err := ReadLabels(strings.NewReader("file,notes,label,notes\na.json,x,caves,y\n")); err != nil || len(rows) != 1 || rows[0].Clip != yes {
		t.Errorf("two notes columns: %+v, %v", rows, err)
	}
	// a header with a byte-order mark and CRLF lines is fine
	rows, err := ReadLabels(strings.NewReader("\ufeffFile,Left Knee,Right-Knee\r\na.json,caves,no cave\r\n"))
	if err != nil || len(rows) != 1 || rows[0].Knee != [2]evalset.Label{yes, no} {
		t.Errorf("BOM and CRLF: %+v, %v", rows, err)
	}
}

// TestReadLabelsBadRows: bad rows are named by line and left out; the good
// ones come back.
func TestReadLabelsBadRows(t *testing.T) {
	data, err := os.ReadFile("testdata/labels-bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadLabels(bytes.NewReader(data))
	if len(rows) != 1 || rows[0].File != "a.json" || rows[0].Line != 2 {
		t.Errorf("rows %+v, want a.json of line 2 only", rows)
	}
	if err == nil {
		t.Fatal("no error for the bad rows")
	}
	t.Logf("errors:\n%v", err)
	for _, want := range []string{"line 3: no file name", "line 4: 2 field(s)", "line 5: a.json is listed again (first on line 2)", "line 6:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	var le *LineError
	if !errors.As(err, &le) {
		t.Errorf("error %v holds no *LineError", err)
	}
}

func TestMirrored(t *testing.T) {
	r := LabelRow{Knee: [2]evalset.Label{no, yes}, KneeText: [2]string{"straight", "caves"}, KneeKnown: true, Clip: yes}
	m := r.Mirrored()
	if m.Knee != [2]evalset.Label{yes, no} || m.KneeText != [2]string{"caves", "straight"} || m.Clip != yes {
		t.Errorf("mirrored %+v", m)
	}
}

// TestLoadItems loads a folder of tracks: a good one, a missing one and
// a broken one.
func TestLoadItems(t *testing.T) {
	cases, err := evalset.Build(evalset.Options{Seed: 1, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var c evalset.Case
	for _, x := range cases {
		if x.Movement == evalset.BilateralSquat && x.Reps > 0 {
			c = x
			break
		}
	}
	f, err := os.Create(filepath.Join(dir, "good.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := track.WriteJSON(f, c.Track); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	csvText := "file,movement,left_knee,right_knee\ngood.json,squat," + c.Knee[0].Label.String() + "," + c.Knee[1].Label.String() +
		"\nmissing.json,squat,no cave,no cave\nbroken.json,squat,caves,none\nclip.mp4,squat,none,none\n"
	rows, err := ReadLabels(strings.NewReader(csvText))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "clip.mp4"), []byte("\x00\x00\x00\x18ftypmp42"), 0o644); err != nil {
		t.Fatal(err)
	}
	var seen []string
	items, bad, err := LoadItems(context.Background(), rows, LoadOptions{Dir: dir, Tags: []string{"mine"},
		Progress: func(i, n int, path string) { seen = append(seen, filepath.Base(path)) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Name != "good.json" || items[0].Knee != [2]evalset.Label{c.Knee[0].Label, c.Knee[1].Label} ||
		strings.Join(items[0].Tags, ",") != "squat (both legs),mine" {
		t.Errorf("items %+v", items)
	}
	if strings.Join(seen, ",") != "good.json,missing.json,broken.json,clip.mp4" {
		t.Errorf("progress saw %v", seen)
	}
	if len(bad) != 3 {
		t.Fatalf("%d row errors, want 3: %v", len(bad), bad)
	}
	for i, want := range []string{"line 3: missing.json: file not found", "line 4: broken.json: reading the keypoint track", "line 5: clip.mp4: is a video"} {
		if !strings.HasPrefix(bad[i].Error(), want) {
			t.Errorf("error %d: %v, want it to start %q", i, bad[i], want)
		}
	}
	outs, err := Run(context.Background(), items, valgus.Options{}, 1)
	if err != nil || len(outs) != 1 || outs[0].Err != nil {
		t.Fatalf("Run: %v %+v", err, outs)
	}
}

// FuzzReadLabels: any input gives rows or an error, never a panic, and
// every row returned is usable.
func FuzzReadLabels(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.csv")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("file;label\na;caves\n"))
	f.Add([]byte("file\tleft_knee\tright_knee\n\"a\"\tno\tyes\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadLabels(bytes.NewReader(data))
		if err != nil && err.Error() == "" {
			t.Error("empty error message")
		}
		for _, r := range rows {
			if r.File == "" || r.Line < 2 {
				t.Errorf("unusable row %+v", r)
			}
			for _, l := range []evalset.Label{r.Knee[0], r.Knee[1], r.Clip} {
				if l != no && l != yes && l != amb {
					t.Errorf("label %v out of range in %+v", l, r)
				}
			}
		}
	})
}
