package coach

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// The brief's table of causes (domain brief section 6), in its order.
var briefCauses = []string{"too_much_weight", "fatigue", "lack_of_control", "weak_hips", "foot_ankle", "stance", "one_sided", "tight_hips"}

func TestDefaultRules(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range rs.Causes {
		ids = append(ids, c.ID)
		if len(c.Sources) == 0 || c.Summary == "" {
			t.Errorf("cause %s: no source or summary", c.ID)
		}
		for name, th := range c.Thresholds {
			if th.Note == "" {
				t.Errorf("cause %s threshold %s: no note saying why", c.ID, name)
			}
		}
	}
	if !slices.Equal(ids, briefCauses) {
		t.Fatalf("causes %v, want the brief's %v", ids, briefCauses)
	}
}

// mutate applies a change to the built-in rules document and reads it back.
func mutate(t *testing.T, change func(doc map[string]any)) error {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(rulesJSON, &doc); err != nil {
		t.Fatal(err)
	}
	change(doc)
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadRules(strings.NewReader(string(data)))
	return err
}

func cause(doc map[string]any, id string) map[string]any {
	for _, c := range doc["causes"].([]any) {
		if m := c.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

func TestRulesValidation(t *testing.T) {
	cases := []struct {
		name   string
		change func(doc map[string]any)
		want   string
	}{
		{"threshold missing", func(d map[string]any) {
			delete(cause(d, "too_much_weight")["thresholds"].(map[string]any), "slower_pct")
		}, `threshold "slower_pct" missing`},
		{"signal the code does not measure", func(d map[string]any) {
			c := cause(d, "fatigue")
			c["signals"] = append(c["signals"].([]any), map[string]any{"id": "moon_phase", "weight": 1.0, "when": "full moon", "text": "x"})
		}, `signal "moon_phase" is not measured by the code`},
		{"signal the code reports but the rules lack", func(d map[string]any) {
			c := cause(d, "fatigue")
			sig := c["signals"].([]any)
			c["signals"] = append(sig[:3:3], sig[4:]...) // velocity_loss left out
		}, `the code reports signal "velocity_loss"`},
		{"cause without detector", func(d map[string]any) {
			cause(d, "tight_hips")["id"] = "tight_calves"
		}, `cause "tight_calves" has no detector`},
		{"advice not defined", func(d map[string]any) {
			cause(d, "stance")["advice"] = []any{"buy_new_shoes"}
		}, `refers to advice "buy_new_shoes"`},
		{"unknown source", func(d map[string]any) {
			cause(d, "stance")["sources"] = []any{"a_blog"}
		}, `source "a_blog" is not listed`},
		{"no primary signal", func(d map[string]any) {
			for _, s := range cause(d, "tight_hips")["signals"].([]any) {
				s.(map[string]any)["primary"] = false
			}
		}, `no primary signal`},
		{"broken template", func(d map[string]any) {
			cause(d, "fatigue")["signals"].([]any)[0].(map[string]any)["text"] = "{side knee [caves"
		}, `nested`},
		{"threshold without basis", func(d map[string]any) {
			cause(d, "tight_hips")["thresholds"].(map[string]any)["shallow_depth_leg"].(map[string]any)["basis"] = "hunch"
		}, `basis must be evidence or convention`},
		{"unknown confidence", func(d map[string]any) {
			cause(d, "tight_hips")["max_confidence"] = "certain"
		}, `unknown confidence "certain"`},
		{"unknown field", func(d map[string]any) { d["colour"] = "blue" }, `unknown field "colour"`},
	}
	for _, c := range cases {
		err := mutate(t, c.change)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if err := mutate(t, func(map[string]any) {}); err != nil {
		t.Fatalf("unchanged rules rejected: %v", err)
	}
}

func TestRender(t *testing.T) {
	v := vars{"side": "left", "n": "3", "empty": ""}
	for _, c := range []struct{ tmpl, want string }{
		{"{side} knee, {n} reps", "left knee, 3 reps"},
		{"stop[ after rep {cap}][ (rep {n})], rest", "stop (rep 3), rest"},
		{"{empty}x", "x"},
		{"no placeholders", "no placeholders"},
	} {
		got, err := render(c.tmpl, v)
		if err != nil || got != c.want {
			t.Errorf("render(%q) = %q, %v; want %q", c.tmpl, got, err, c.want)
		}
	}
	if _, err := render("{side} and {cap}", v); err == nil || !strings.Contains(err.Error(), "cap") {
		t.Errorf("missing value outside brackets: %v", err)
	}
	if got := sentence("left knee caves"); got != "Left knee caves." {
		t.Errorf("sentence: %q", got)
	}
}

// TestRulesExercised runs every scenario and checks that each signal,
// advice step and limit of the rules shows up in at least one of them:
// nothing in the knowledge is untested.
func TestRulesExercised(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sc := range scenarios() {
		a, err := rs.Advise(sc.build(t))
		if err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		for _, c := range a.Causes {
			for _, s := range c.Signals {
				seen["signal "+c.ID+"/"+s] = true
			}
		}
		for _, s := range a.Plan {
			seen["advice "+s.ID] = true
			for _, id := range s.Includes {
				seen["advice "+id] = true
			}
		}
		for _, l := range a.CannotJudge {
			seen["limit "+l.ID] = true
		}
	}
	var missing []string
	for _, c := range rs.Causes {
		for _, s := range c.Signals {
			if !seen["signal "+c.ID+"/"+s.ID] {
				missing = append(missing, "signal "+c.ID+"/"+s.ID)
			}
		}
	}
	for _, a := range rs.Advice {
		if !seen["advice "+a.ID] {
			missing = append(missing, "advice "+a.ID)
		}
	}
	for _, l := range rs.CannotJudge {
		if !seen["limit "+l.ID] {
			missing = append(missing, "limit "+l.ID)
		}
	}
	if len(missing) > 0 {
		t.Errorf("not exercised by any scenario: %v", missing)
	}
}

// TestAdviseOddInput: random, frozen and empty tracks give advice or an
// error, never a panic, and the advice is well formed.
func TestAdviseOddInput(t *testing.T) {
	if _, err := Advise(nil); err == nil {
		t.Error("nil session accepted")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	sk := track.BlazePose33()
	mk := func(n int, f func(i, k int) track.Point) *track.Track {
		tr := track.New(sk, n)
		tr.Video = track.Video{Width: 640, Height: 480, FPS: 30}
		for i := 0; i < n; i++ {
			fr := track.Frame{Index: i, Time: float64(i) / 30, Points: make([]track.Point, len(sk.Keypoints))}
			for k := range fr.Points {
				fr.Points[k] = f(i, k)
			}
			tr.Frames = append(tr.Frames, fr)
		}
		return tr
	}
	tracks := []*track.Track{
		mk(300, func(i, k int) track.Point {
			return track.Point{X: 640 * rng.Float64(), Y: 480 * rng.Float64(), Conf: rng.Float64()}
		}),
		mk(100, func(i, k int) track.Point { return track.Point{X: float64(k), Y: float64(k * 10), Conf: 1} }),
		mk(40, func(i, k int) track.Point { return track.Point{} }),
	}
	var sets []*valgus.SetResult
	for _, tr := range tracks {
		res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
		if err != nil {
			continue
		}
		sets = append(sets, res)
		a, err := Advise(session(t, []*valgus.SetResult{res}))
		if err != nil {
			t.Fatal(err)
		}
		checkWellFormed(t, a)
	}
	if len(sets) == 0 {
		t.Fatal("no odd track was analysed at all")
	}
	a, err := Advise(session(t, sets))
	if err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, a)
}

// TestDocsDescribeRules: docs/coaching.md names every cause and signal of
// the rules and gives every threshold with its value, so that the page and
// the data do not drift apart.
func TestDocsDescribeRules(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "coaching.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rs.Causes {
		if !strings.Contains(doc, "### "+c.ID+":") {
			t.Errorf("docs/coaching.md has no section for cause %s", c.ID)
		}
		for _, s := range c.Signals {
			if !strings.Contains(doc, "| `"+s.ID+"` |") {
				t.Errorf("docs/coaching.md does not describe signal %s/%s", c.ID, s.ID)
			}
		}
		for name, th := range c.Thresholds {
			if want := "`" + name + "` = " + strconv.FormatFloat(th.Value, 'g', -1, 64); !strings.Contains(doc, want) {
				t.Errorf("docs/coaching.md lacks %q", want)
			}
		}
	}
}
