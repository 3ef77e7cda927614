package session

import (
	"strings"

	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
	"github.com/kneetrack/kneetrack/internal/words"
)

// coachingFromAdvice converts the coaching for the HTML report (nil for
// none).
func coachingFromAdvice(a *coach.Advice) *htmlreport.Coaching {
	if a == nil {
		return nil
	}
	c := &htmlreport.Coaching{Intro: words.Capitalise(a.CausesIntro()), NoCauses: words.Capitalise(a.NoCauses())}
	for _, x := range a.Causes {
		c.Causes = append(c.Causes, htmlreport.Cause{Title: x.Name, Summary: x.Summary, Confidence: a.ConfidenceWords(x.Confidence),
			Evidence: x.Evidence, Caveat: x.Caveat})
	}
	for _, s := range a.Plan {
		c.Plan = append(c.Plan, htmlreport.Step{Text: s.Text, Kind: strings.ReplaceAll(s.Kind, "_", " ")})
	}
	for _, l := range a.CannotJudge {
		c.CannotJudge = append(c.CannotJudge, l.Text)
	}
	return c
}
