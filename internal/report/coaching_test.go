package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestAdviceInJSONAndText: the session of report_test.go (60 kg clean,
// 100 kg with the right knee caving, a side view) carries its causes and
// plan into the JSON and ends the text summary with them, then the
// disclaimer.
func TestAdviceInJSONAndText(t *testing.T) {
	ss := session(t)
	adv, err := coach.Advise(ss)
	if err != nil {
		t.Fatal(err)
	}
	if adv.Cause("too_much_weight") == nil {
		t.Fatalf("the session should point to the load: %+v", adv.Causes)
	}

	doc := Build(ss, Settings{Movement: "auto", Thresholds: valgus.Defaults()}, "kneetrack test")
	var plain bytes.Buffer
	if err := WriteJSON(&plain, doc); err != nil {
		t.Fatal(err)
	}
	var without map[string]any
	schematest.Validate(t, schematest.Analysis, plain.Bytes())
	if err := json.Unmarshal(plain.Bytes(), &without); err != nil {
		t.Fatal(err)
	}
	if c, ok := without["causes"].([]any); !ok || len(c) != 0 || without["verdict"] != "" {
		t.Fatalf("without advice: causes %v verdict %v, want [] and \"\"", without["causes"], without["verdict"])
	}

	doc.AddAdvice(adv)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, doc); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Verdict string `json:"verdict"`
		Causes  []struct {
			ID         string   `json:"id"`
			Confidence string   `json:"confidence"`
			Evidence   []string `json:"evidence"`
		} `json:"causes"`
		Plan []struct {
			ID       string `json:"id"`
			Priority int    `json:"priority"`
			Text     string `json:"text"`
		} `json:"plan"`
		CannotJudge []struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"cannot_judge"`
	}
	schematest.Validate(t, schematest.Analysis, buf.Bytes())
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Verdict != "knee_cave" || len(got.Causes) != len(adv.Causes) || len(got.Plan) != len(adv.Plan) {
		t.Fatalf("JSON: verdict %q, %d causes, %d steps; advice has %d and %d", got.Verdict, len(got.Causes), len(got.Plan), len(adv.Causes), len(adv.Plan))
	}
	for i, c := range got.Causes {
		if c.ID != adv.Causes[i].ID || c.Confidence != string(adv.Causes[i].Confidence) || len(c.Evidence) == 0 {
			t.Errorf("cause %d: %+v", i, c)
		}
	}
	for i, s := range got.Plan {
		if s.Priority != i+1 || s.Text == "" {
			t.Errorf("step %d: %+v", i, s)
		}
	}
	// The side view is said to be out of reach.
	found := false
	for _, l := range got.CannotJudge {
		found = found || l.ID == "not_analysed" && strings.Contains(l.Text, "Set 3")
	}
	if !found {
		t.Errorf("cannot_judge lacks the side-view set: %+v", got.CannotJudge)
	}

	buf.Reset()
	if err := WriteTextWithAdvice(&buf, ss, adv); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	causes := strings.Index(out, "Likely causes (")
	plan := strings.Index(out, "What to do next:")
	if causes < 0 || plan < causes {
		t.Fatalf("summary lacks the causes and plan, in that order:\n%s", out)
	}
	flat := strings.Join(strings.Fields(out), " ") // the text is wrapped
	if !strings.Contains(out, "Too much weight, ") || !strings.Contains(flat, "the cave starts at 100 kg") || !strings.Contains(out, "  1. ") {
		t.Errorf("summary lacks the load cause or its evidence:\n%s", out[causes:])
	}
	// The disclaimer comes once, at the very end.
	last := strings.TrimSpace(out[strings.LastIndex(strings.TrimRight(out, "\n"), "\n\n"):])
	if !strings.Contains(last, "not a diagnosis") || strings.Count(out, "not a diagnosis") != 1 {
		t.Errorf("disclaimer not last or not once:\n%s", out[plan:])
	}
	for _, line := range strings.Split(out[causes:], "\n") {
		if len([]rune(line)) > DefaultWidth && strings.Contains(line, " ") {
			t.Errorf("line longer than %d: %q", DefaultWidth, line)
		}
	}

	// Without advice the summary is as before: no coaching sections.
	buf.Reset()
	if err := WriteText(&buf, ss); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Likely causes") || !strings.Contains(buf.String(), "not a diagnosis") {
		t.Errorf("plain summary:\n%s", buf.String())
	}
}
