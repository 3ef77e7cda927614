package coach

// The advice's fixed wording (the rules' phrases), for the reports that
// show it: headings, the sentence for "no cause found", confidence names.

// CausesTitle heads the list of likely causes ("Likely causes").
func (a *Advice) CausesTitle() string { return a.phrases["causes_title"] }

// CausesIntro says where the causes come from, to follow the title.
func (a *Advice) CausesIntro() string { return a.phrases["causes_intro"] }

// NoCauses is said instead of the list when no cause was found; it
// depends on the verdict (the knees stayed in line, a cave that no pattern
// explains, or nothing analysed).
func (a *Advice) NoCauses() string {
	switch a.Verdict {
	case VerdictKneeCave:
		return a.phrases["no_causes_unexplained"]
	case VerdictNotAnalysed:
		return a.phrases["no_causes_not_analysed"]
	}
	return a.phrases["no_causes_clean"]
}

// ConfidenceWords says a confidence in words ("high confidence"), or the
// confidence's own name when the rules have no phrase for it.
func (a *Advice) ConfidenceWords(c Confidence) string {
	if w := a.phrases["confidence_"+string(c)]; w != "" {
		return w
	}
	return string(c)
}

// CannotJudgeTitle heads the list of what the input cannot show.
func (a *Advice) CannotJudgeTitle() string { return a.phrases["cannot_judge_title"] }

// PlanTitle heads the plan ("What to do next").
func (a *Advice) PlanTitle() string { return a.phrases["plan_title"] }
