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

// writeAdvice appends the coaching to the terminal summary, then the
// disclaimer.
func writeAdvice(b *strings.Builder, a *coach.Advice) {
	if !strings.HasSuffix(b.String(), "\n\n") {
		b.WriteString("\n")
	}
	if len(a.Causes) == 0 {
		fmt.Fprintf(b, "%s: %s\n", a.CausesTitle(), a.NoCauses())
	} else {
		wrap(b, "", fmt.Sprintf("%s (%s):", a.CausesTitle(), a.CausesIntro()))
		for i, c := range a.Causes {
			wrap(b, fmt.Sprintf("  %d. ", i+1), fmt.Sprintf("%s, %s: %s", c.Name, a.ConfidenceWords(c.Confidence), c.Summary))
			for _, e := range c.Evidence {
				wrap(b, "     - ", e)
			}
			if c.Caveat != "" {
				wrap(b, "     ", "("+c.Caveat+")")
			}
		}
	}
	if len(a.CannotJudge) > 0 {
		fmt.Fprintf(b, "\n%s:\n", a.CannotJudgeTitle())
		for _, l := range a.CannotJudge {
			wrap(b, "  - ", l.Text)
		}
	}
	if len(a.Plan) > 0 {
		fmt.Fprintf(b, "\n%s:\n", a.PlanTitle())
		for _, s := range a.Plan {
			wrap(b, fmt.Sprintf("  %d. ", s.Priority), s.Text)
		}
	}
	b.WriteString("\n")
	wrap(b, "  ", words.Disclaimer)
}

// textWidth is the width the coaching text is wrapped to.
const textWidth = 100

// wrap writes text after prefix, wrapped at textWidth with continuation
// lines indented to the prefix's width.
func wrap(b *strings.Builder, prefix, text string) {
	indent := strings.Repeat(" ", len([]rune(prefix)))
	line := prefix
	n := len([]rune(prefix))
	first := true
	for _, w := range strings.Fields(text) {
		wl := len([]rune(w))
		if !first && n+1+wl > textWidth {
			b.WriteString(line + "\n")
			line, n, first = indent+w, len(indent)+wl, false
			continue
		}
		if first {
			line += w
			n += wl
			first = false
		} else {
			line += " " + w
			n += 1 + wl
		}
	}
	b.WriteString(line + "\n")
}
