package session

import (
	"strings"

	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
)

// coachingFromAdvice converts the coaching for the HTML report (nil for
// none).
func coachingFromAdvice(a *coach.Advice) *htmlreport.Coaching {
	if a == nil {
		return nil
	}
	p := a.Phrases
	c := &htmlreport.Coaching{Intro: capitalise(p["causes_intro"])}
	switch a.Verdict {
	case coach.VerdictKneeCave:
		c.NoCauses = capitalise(p["no_causes_unexplained"])
	case coach.VerdictNotAnalysed:
		c.NoCauses = capitalise(p["no_causes_not_analysed"])
	default:
		c.NoCauses = capitalise(p["no_causes_clean"])
	}
	for _, x := range a.Causes {
		conf := p["confidence_"+string(x.Confidence)]
		if conf == "" {
			conf = string(x.Confidence)
		}
		c.Causes = append(c.Causes, htmlreport.Cause{Title: x.Name, Summary: x.Summary, Confidence: conf,
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

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
