package report

import (
	"fmt"
	"strings"

	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Cause is a likely cause of the knee cave with its evidence.
type Cause struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Summary    string   `json:"summary"`
	Confidence string   `json:"confidence"`
	Evidence   []string `json:"evidence"`
	Signals    []string `json:"signals"`
	Caveat     string   `json:"caveat"`
	Sources    []string `json:"sources"`
}

// Step is one step of the corrective plan.
type Step struct {
	ID       string   `json:"id"`
	Priority int      `json:"priority"`
	Kind     string   `json:"kind"`
	Text     string   `json:"text"`
	For      []string `json:"for"`
}

// Limit is something the input cannot show.
type Limit struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// AddAdvice puts the coaching (package coach) into the document.
func (d *Document) AddAdvice(a *coach.Advice) {
	if a == nil {
		return
	}
	d.Verdict = a.Verdict
	d.Causes, d.Plan, d.CannotJudge = []Cause{}, []Step{}, []Limit{}
	for _, c := range a.Causes {
		d.Causes = append(d.Causes, Cause{ID: c.ID, Name: c.Name, Summary: c.Summary, Confidence: string(c.Confidence), Evidence: nonNil(c.Evidence),
			Signals: nonNil(c.Signals), Caveat: c.Caveat, Sources: nonNil(c.Sources)})
	}
	for _, s := range a.Plan {
		d.Plan = append(d.Plan, Step{ID: s.ID, Priority: s.Priority, Kind: s.Kind, Text: s.Text, For: nonNil(s.For)})
	}
	for _, l := range a.CannotJudge {
		d.CannotJudge = append(d.CannotJudge, Limit{ID: l.ID, Text: l.Text})
	}
}

// writeAdvice appends the coaching to the terminal summary, wrapped to
// cols, then the disclaimer.
func writeAdvice(b *strings.Builder, a *coach.Advice, cols int, st style) {
	if !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n")
	}
	if len(a.Causes) == 0 {
		wrapHeaded(b, "", a.CausesTitle(), ": "+a.NoCauses(), cols, st)
	} else {
		wrapHeaded(b, "", a.CausesTitle(), " ("+a.CausesIntro()+"):", cols, st)
		for i, c := range a.Causes {
			wrapTo(b, fmt.Sprintf("  %d. ", i+1), fmt.Sprintf("%s, %s: %s", c.Name, a.ConfidenceWords(c.Confidence), c.Summary), cols, nil)
			for _, e := range c.Evidence {
				wrapTo(b, "     - ", e, cols, nil)
			}
			if c.Caveat != "" {
				wrapTo(b, "     ", "("+c.Caveat+")", cols, nil)
			}
		}
	}
	if len(a.CannotJudge) > 0 {
		b.WriteString("\n" + st.bold(a.CannotJudgeTitle()) + ":\n")
		for _, l := range a.CannotJudge {
			wrapTo(b, "  - ", l.Text, cols, nil)
		}
	}
	if len(a.Plan) > 0 {
		b.WriteString("\n" + st.bold(a.PlanTitle()) + ":\n")
		for _, s := range a.Plan {
			wrapTo(b, fmt.Sprintf("  %d. ", s.Priority), s.Text, cols, nil)
		}
	}
	b.WriteString("\n")
	wrapTo(b, "  ", words.Disclaimer, cols, nil)
}
