package coach

import "testing"

// The reports read the rules' fixed wording through Advice's methods: each
// returns its phrase of the rules file, the "no causes" sentence the one
// that fits the verdict.
func TestAdvicePhrases(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	p := rs.Phrases
	for _, c := range []struct {
		name string
		adv  *Advice
		got  func(a *Advice) string
		want string
	}{
		{"causes title", &Advice{phrases: p}, (*Advice).CausesTitle, "Likely causes"},
		{"causes intro", &Advice{phrases: p}, (*Advice).CausesIntro, p["causes_intro"]},
		{"cannot judge title", &Advice{phrases: p}, (*Advice).CannotJudgeTitle, "Cannot be judged from this input"},
		{"plan title", &Advice{phrases: p}, (*Advice).PlanTitle, "What to do next"},
		{"no causes, knees in line", &Advice{Verdict: VerdictClean, phrases: p}, (*Advice).NoCauses, "none: the knees stayed in line."},
		{"no causes, knee cave", &Advice{Verdict: VerdictKneeCave, phrases: p}, (*Advice).NoCauses, "no pattern in the data points to a particular cause."},
		{"no causes, not analysed", &Advice{Verdict: VerdictNotAnalysed, phrases: p}, (*Advice).NoCauses, "nothing could be analysed."},
		{"high", &Advice{phrases: p}, func(a *Advice) string { return a.ConfidenceWords(High) }, "high confidence"},
		{"medium", &Advice{phrases: p}, func(a *Advice) string { return a.ConfidenceWords(Medium) }, "medium confidence"},
		{"low", &Advice{phrases: p}, func(a *Advice) string { return a.ConfidenceWords(Low) }, "low confidence"},
		{"no phrase for it", &Advice{}, func(a *Advice) string { return a.ConfidenceWords(High) }, "high"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.got(c.adv); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
