package coach

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// rulesJSON is kneetrack's coaching knowledge, kept as data so that it can
// be reviewed without reading Go: causes, their signals, thresholds,
// wording, advice and sources. docs/coaching.md explains it.
//
//go:embed rules.json
var rulesJSON []byte

// Threshold is a number a signal is tested against, with where it comes
// from ("evidence" or "convention") and why it has this value.
type Threshold struct {
	Value float64 `json:"value"`
	Basis string  `json:"basis"`
	Note  string  `json:"note"`
}

// Signal is one piece of evidence for a cause: a condition on the analysis
// (described in When, measured in Go) and the sentence that reports it.
type Signal struct {
	ID string `json:"id"`
	// Primary signals can establish a cause on their own; the others only
	// add to the confidence of a cause that a primary signal established.
	Primary bool   `json:"primary"`
	Weight  int    `json:"weight"`
	When    string `json:"when"`
	Text    string `json:"text"`
}

// CauseRule describes one likely cause of knee cave.
type CauseRule struct {
	ID            string               `json:"id"`
	Name          string               `json:"name"`
	Summary       string               `json:"summary"`
	MaxConfidence Confidence           `json:"max_confidence"`
	Signals       []Signal             `json:"signals"`
	Thresholds    map[string]Threshold `json:"thresholds"`
	Advice        []string             `json:"advice"`
	Caveat        string               `json:"caveat"`
	Sources       []string             `json:"sources"`
}

// AdviceRule is one possible step of a plan.
type AdviceRule struct {
	ID string `json:"id"`
	// Kind orders the plan: summary, next_set, strength, mobility, retest,
	// safety.
	Kind string `json:"kind"`
	Text string `json:"text"`
	// Needs names template values without which the step makes no sense
	// (it is then left out).
	Needs []string `json:"needs"`
	// When names facts of the session without which the step would
	// contradict the findings (one_knee, cave_grows, load_explains; see
	// planConditions); the step is left out unless all hold.
	When    []string `json:"when"`
	Sources []string `json:"sources"`
}

// CannotJudgeRule is a limit of the input that is said plainly, with the
// advice that would lift it.
type CannotJudgeRule struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Advice string `json:"advice"`
	// AdviceWhen: "always", or "cave" (only when the knees caved).
	AdviceWhen string `json:"advice_when"`
}

// Rules is the whole coaching knowledge.
type Rules struct {
	Version    int    `json:"version"`
	About      string `json:"about"`
	Confidence struct {
		High   int `json:"high"`
		Medium int `json:"medium"`
		// Oblique caps the confidence of a cause whose evidence all comes
		// from sets filmed from an angle.
		Oblique Confidence `json:"oblique"`
		About   string     `json:"about"`
	} `json:"confidence"`
	Causes            []CauseRule  `json:"causes"`
	Advice            []AdviceRule `json:"advice"`
	UnexplainedAdvice []string     `json:"unexplained_advice"`
	// PlanLimits keeps the plan short: at most Steps steps; with a cave,
	// Actions steps of change (next_set, strength, mobility), of which
	// NextSet changes for the next session and Build strength or mobility
	// steps come first (the rest of the Actions filled from what is left);
	// at most Film filming suggestions.
	PlanLimits struct {
		About   string `json:"about"`
		Steps   int    `json:"steps"`
		Actions int    `json:"actions"`
		NextSet int    `json:"next_set"`
		Build   int    `json:"build"`
		Film    int    `json:"film"`
	} `json:"plan_limits"`
	CannotJudge []CannotJudgeRule `json:"cannot_judge"`
	Phrases     map[string]string `json:"phrases"`
	Sources     map[string]string `json:"sources"`
}

// kindOrder lists the plan's kinds in the order a plan lists them.
func kindOrder() []string {
	return []string{"summary", "next_set", "strength", "mobility", "retest", "safety"}
}

// DefaultRules returns kneetrack's built-in rules (a fresh copy each call).
func DefaultRules() (*Rules, error) {
	return ReadRules(bytes.NewReader(rulesJSON))
}

// ReadRules reads and checks a rules document.
func ReadRules(r io.Reader) (*Rules, error) {
	var rs Rules
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return nil, fmt.Errorf("reading coaching rules: %w", err)
	}
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("coaching rules: %w", err)
	}
	return &rs, nil
}

// Validate checks that the rules are complete and consistent with the code:
// every cause has a detector in Go and the detector's signals and thresholds
// are all described; every advice and source referenced exists; every
// template is well formed.
func (rs *Rules) Validate() error {
	if rs.Confidence.High <= rs.Confidence.Medium || rs.Confidence.Medium <= 0 {
		return fmt.Errorf("confidence: need 0 < medium < high, got %d and %d", rs.Confidence.Medium, rs.Confidence.High)
	}
	if _, err := parseConfidence(string(rs.Confidence.Oblique)); err != nil {
		return fmt.Errorf("confidence.oblique: %w", err)
	}
	advice := map[string]bool{}
	for _, a := range rs.Advice {
		if advice[a.ID] {
			return fmt.Errorf("advice %q defined twice", a.ID)
		}
		advice[a.ID] = true
		if !slices.Contains(kindOrder(), a.Kind) {
			return fmt.Errorf("advice %q: unknown kind %q (use one of %v)", a.ID, a.Kind, kindOrder())
		}
		if err := checkTemplate(a.Text); err != nil {
			return fmt.Errorf("advice %q: %w", a.ID, err)
		}
		if err := rs.checkSources(a.Sources); err != nil {
			return fmt.Errorf("advice %q: %w", a.ID, err)
		}
		for _, c := range a.When {
			if !slices.Contains(planConditions(), c) {
				return fmt.Errorf("advice %q: unknown condition %q in when (use one of %v)", a.ID, c, planConditions())
			}
		}
	}
	if pl := rs.PlanLimits; pl.Steps < pl.Actions+2 || pl.NextSet < 1 || pl.Build < 0 || pl.NextSet+pl.Build > pl.Actions || pl.Film < 0 {
		return fmt.Errorf("plan_limits: need steps >= actions + 2 (retest and safety), next_set >= 1 and next_set + build <= actions, got %+v", pl)
	}
	need := func(what, id string) error {
		if id != "" && !advice[id] {
			return fmt.Errorf("%s refers to advice %q, which is not defined", what, id)
		}
		return nil
	}
	for _, id := range rs.UnexplainedAdvice {
		if err := need("unexplained_advice", id); err != nil {
			return err
		}
	}
	for _, id := range []string{"clean", "see_professional_mild", "not_analysed", "retest", "knee_cue", "see_professional", "see_professional_pain"} {
		if err := need("the code", id); err != nil {
			return err
		}
	}
	dets := detectors()
	seen := map[string]bool{}
	for _, c := range rs.Causes {
		if seen[c.ID] {
			return fmt.Errorf("cause %q defined twice", c.ID)
		}
		seen[c.ID] = true
		d, ok := dets[c.ID]
		if !ok {
			return fmt.Errorf("cause %q has no detector in the code", c.ID)
		}
		if _, err := parseConfidence(string(c.MaxConfidence)); err != nil {
			return fmt.Errorf("cause %q: %w", c.ID, err)
		}
		if c.Name == "" || c.Summary == "" {
			return fmt.Errorf("cause %q: name and summary are required", c.ID)
		}
		primary := false
		for _, s := range c.Signals {
			if s.Weight < 1 || s.When == "" {
				return fmt.Errorf("cause %q signal %q: needs a weight of at least 1 and a 'when'", c.ID, s.ID)
			}
			if err := checkTemplate(s.Text); err != nil {
				return fmt.Errorf("cause %q signal %q: %w", c.ID, s.ID, err)
			}
			primary = primary || s.Primary
		}
		if !primary {
			return fmt.Errorf("cause %q has no primary signal", c.ID)
		}
		for _, id := range d.signals {
			if c.signal(id) == nil {
				return fmt.Errorf("cause %q: the code reports signal %q, which the rules do not describe", c.ID, id)
			}
		}
		for _, s := range c.Signals {
			if !slices.Contains(d.signals, s.ID) {
				return fmt.Errorf("cause %q: signal %q is not measured by the code", c.ID, s.ID)
			}
		}
		for _, th := range d.thresholds {
			t, ok := c.Thresholds[th]
			if !ok {
				return fmt.Errorf("cause %q: threshold %q missing", c.ID, th)
			}
			if t.Basis != "evidence" && t.Basis != "convention" {
				return fmt.Errorf("cause %q threshold %q: basis must be evidence or convention", c.ID, th)
			}
		}
		for _, a := range c.Advice {
			if err := need("cause "+c.ID, a); err != nil {
				return err
			}
		}
		if err := rs.checkSources(c.Sources); err != nil {
			return fmt.Errorf("cause %q: %w", c.ID, err)
		}
	}
	for id := range dets {
		if !seen[id] {
			return fmt.Errorf("the code detects cause %q, which the rules do not describe", id)
		}
	}
	cj := map[string]bool{}
	for _, c := range rs.CannotJudge {
		cj[c.ID] = true
		if err := checkTemplate(c.Text); err != nil {
			return fmt.Errorf("cannot_judge %q: %w", c.ID, err)
		}
		if err := need("cannot_judge "+c.ID, c.Advice); err != nil {
			return err
		}
		if c.AdviceWhen != "always" && c.AdviceWhen != "cave" {
			return fmt.Errorf("cannot_judge %q: advice_when must be always or cave", c.ID)
		}
	}
	for _, id := range []string{"not_analysed", "no_load", "same_load", "few_reps", "no_feet", "ungraded_reps", "one_leg_only", "front_view", "oblique_view"} {
		if !cj[id] {
			return fmt.Errorf("cannot_judge %q, used by the code, is not defined", id)
		}
	}
	for _, p := range []string{"causes_title", "causes_intro", "no_causes_clean", "no_causes_unexplained", "no_causes_not_analysed",
		"cannot_judge_title", "plan_title", "confidence_high", "confidence_medium", "confidence_low",
		"compare_knee", "compare_noise", "cue_knee", "cue_knees", "more_alike"} {
		if rs.Phrases[p] == "" {
			return fmt.Errorf("phrase %q missing", p)
		}
		if err := checkTemplate(rs.Phrases[p]); err != nil {
			return fmt.Errorf("phrase %q: %w", p, err)
		}
	}
	return nil
}

func (rs *Rules) checkSources(ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("no source given")
	}
	for _, s := range ids {
		if rs.Sources[s] == "" {
			return fmt.Errorf("source %q is not listed under sources", s)
		}
	}
	return nil
}

func (c *CauseRule) signal(id string) *Signal {
	for i := range c.Signals {
		if c.Signals[i].ID == id {
			return &c.Signals[i]
		}
	}
	return nil
}

func (rs *Rules) advice(id string) *AdviceRule {
	for i := range rs.Advice {
		if rs.Advice[i].ID == id {
			return &rs.Advice[i]
		}
	}
	return nil
}

func (rs *Rules) cannotJudge(id string) *CannotJudgeRule {
	for i := range rs.CannotJudge {
		if rs.CannotJudge[i].ID == id {
			return &rs.CannotJudge[i]
		}
	}
	return nil
}

// vars are the values a template is filled with.
type vars map[string]string

// checkTemplate checks that braces and brackets are balanced and not
// nested.
func checkTemplate(t string) error {
	inBrace, inBracket := false, false
	for _, r := range t {
		switch r {
		case '{':
			if inBrace {
				return fmt.Errorf("nested { in %q", t)
			}
			inBrace = true
		case '}':
			if !inBrace {
				return fmt.Errorf("unbalanced } in %q", t)
			}
			inBrace = false
		case '[':
			if inBracket || inBrace {
				return fmt.Errorf("nested [ in %q", t)
			}
			inBracket = true
		case ']':
			if !inBracket || inBrace {
				return fmt.Errorf("unbalanced ] in %q", t)
			}
			inBracket = false
		}
	}
	if inBrace || inBracket {
		return fmt.Errorf("unclosed { or [ in %q", t)
	}
	return nil
}

// render fills a template: {name} takes v[name]; a [section] is dropped
// when any value inside it is missing; a missing value outside a section is
// an error (a rule and the code disagree).
func render(t string, v vars) (string, error) {
	var out strings.Builder
	var missing []string
	for len(t) > 0 {
		i := strings.IndexAny(t, "[{")
		if i < 0 {
			out.WriteString(t)
			break
		}
		out.WriteString(t[:i])
		if t[i] == '[' {
			j := strings.IndexByte(t[i:], ']')
			if j < 0 {
				return "", fmt.Errorf("unclosed [ in %q", t)
			}
			sec, ok := fill(t[i+1:i+j], v, nil)
			if ok {
				out.WriteString(sec)
			}
			t = t[i+j+1:]
			continue
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed { in %q", t)
		}
		s, _ := fill(t[i:i+j+1], v, &missing)
		out.WriteString(s)
		t = t[i+j+1:]
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("template %q: no value for %s", out.String(), strings.Join(missing, ", "))
	}
	return out.String(), nil
}

// fill replaces the {name} placeholders of a bracket-free text; ok is false
// when a value is missing (and then its name is added to missing, if given).
func fill(t string, v vars, missing *[]string) (string, bool) {
	var out strings.Builder
	ok := true
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			out.WriteString(t)
			return out.String(), ok
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			out.WriteString(t)
			return out.String(), ok
		}
		name := t[i+1 : i+j]
		out.WriteString(t[:i])
		if val, found := v[name]; found {
			out.WriteString(val)
		} else {
			ok = false
			if missing != nil {
				*missing = append(*missing, name)
			}
		}
		t = t[i+j+1:]
	}
}

// adviceIndex is the position of advice id in the rules (-1 when absent).
func (rs *Rules) adviceIndex(id string) int {
	return slices.IndexFunc(rs.Advice, func(a AdviceRule) bool { return a.ID == id })
}
