// Package coach turns an analysis of knee cave into its likely causes, each
// with a confidence and the evidence in the lifter's own numbers, and a
// short plan in priority order: what to change on the next set, strength and
// mobility work, how to film and retest, and when to see a professional.
//
// The knowledge (causes, signals, thresholds, wording, advice and sources)
// is data in rules.json, embedded in the binary; the code here only measures
// the signals the rules name. A cause is never named without at least one
// of its primary signals in the data, and what the input cannot show (no
// loads, no foot points, too few reps) is said instead of guessed.
package coach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Confidence says how strongly the data point to a cause.
type Confidence string

// Confidence levels.
const (
	Low    Confidence = "low"
	Medium Confidence = "medium"
	High   Confidence = "high"
)

func (c Confidence) rank() int {
	switch c {
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

func parseConfidence(s string) (Confidence, error) {
	switch c := Confidence(s); c {
	case Low, Medium, High:
		return c, nil
	}
	return "", fmt.Errorf("unknown confidence %q (use low, medium or high)", s)
}

// Verdicts of a session.
const (
	VerdictClean       = "clean"        // no rep caves beyond the thresholds
	VerdictKneeCave    = "knee_cave"    // at least one rep caves
	VerdictNotAnalysed = "not_analysed" // nothing could be graded
)

// Cause is a likely cause with its evidence.
type Cause struct {
	ID         string
	Name       string
	Summary    string
	Confidence Confidence
	// Evidence holds one sentence per signal found, in the lifter's own
	// numbers.
	Evidence []string
	// Signals lists the ids of the signals found (for tests and tools).
	Signals []string
	Caveat  string
	Sources []string
}

// Step is one step of the plan.
type Step struct {
	ID       string
	Priority int // 1 first
	Kind     string
	Text     string
	// For lists the causes the step addresses (empty for general steps).
	For []string
	// Includes lists advice folded into this step (the filming
	// suggestions that go with the retest), for tests and tools.
	Includes []string
}

// Limit is something the input cannot show.
type Limit struct {
	ID   string
	Text string
}

// Advice is the coaching for a session.
type Advice struct {
	Verdict     string
	Causes      []Cause // most confident first
	Plan        []Step  // in priority order
	CannotJudge []Limit
	// phrases are the rules' headings and fixed wording, read through
	// the methods in phrases.go.
	phrases    map[string]string
	Disclaimer string
}

// Cause returns the cause with the given id, or nil.
func (a *Advice) Cause(id string) *Cause {
	for i := range a.Causes {
		if a.Causes[i].ID == id {
			return &a.Causes[i]
		}
	}
	return nil
}

// Step returns the plan step with the given id, or the step that includes
// that advice (a filming suggestion folded into the retest), or nil.
func (a *Advice) Step(id string) *Step {
	for i := range a.Plan {
		if a.Plan[i].ID == id || slices.Contains(a.Plan[i].Includes, id) {
			return &a.Plan[i]
		}
	}
	return nil
}

// Advise infers causes and a plan with the built-in rules, judging by the
// thresholds the session was analysed with (ss.Thresholds).
func Advise(ss *valgus.SessionResult) (*Advice, error) {
	rs, err := DefaultRules()
	if err != nil {
		return nil, err
	}
	return rs.Advise(ss)
}

// Advise infers the likely causes of the knee cave in a session and a plan,
// judging by the thresholds the session was analysed with (ss.Thresholds).
func (rs *Rules) Advise(ss *valgus.SessionResult) (*Advice, error) {
	if ss == nil {
		return nil, fmt.Errorf("coaching: no analysis given")
	}
	if err := rs.Validate(); err != nil {
		return nil, fmt.Errorf("coaching rules: %w", err)
	}
	in := newInference(rs, ss)
	adv := &Advice{Verdict: in.verdict(), phrases: rs.Phrases, Disclaimer: words.Disclaimer}
	if adv.Verdict == VerdictKneeCave {
		dets := detectors()
		for ci := range rs.Causes {
			c := &rs.Causes[ci]
			in.cause = c
			in.hits = in.hits[:0]
			if err := dets[c.ID].fn(in); err != nil {
				return nil, fmt.Errorf("coaching, cause %s: %w", c.ID, err)
			}
			cause, err := in.conclude(c)
			if err != nil {
				return nil, fmt.Errorf("coaching, cause %s: %w", c.ID, err)
			}
			if cause != nil {
				adv.Causes = append(adv.Causes, *cause)
			}
		}
		order := map[string]int{}
		for i, c := range rs.Causes {
			order[c.ID] = i
		}
		slices.SortStableFunc(adv.Causes, func(a, b Cause) int {
			if d := b.Confidence.rank() - a.Confidence.rank(); d != 0 {
				return d
			}
			return order[a.ID] - order[b.ID]
		})
	}
	limits, err := in.limits(adv.Verdict)
	if err != nil {
		return nil, fmt.Errorf("coaching: %w", err)
	}
	adv.CannotJudge = limits
	plan, err := in.plan(adv)
	if err != nil {
		return nil, fmt.Errorf("coaching: %w", err)
	}
	adv.Plan = plan
	return adv, nil
}

// maxPerSignal caps the evidence lines of one signal.
const maxPerSignal = 2

// hit is a signal found, with the values its sentence needs and values it
// offers to the plan's templates.
type hit struct {
	signal string
	v      vars
	plan   vars
	// oblique: found in a set filmed from an angle.
	oblique bool
}

// conclude turns the hits of one cause into a Cause, or nil when no primary
// signal holds.
func (in *inference) conclude(c *CauseRule) (*Cause, error) {
	score := map[string]int{}
	primary := false
	for _, h := range in.hits {
		s := c.signal(h.signal)
		if s == nil {
			return nil, fmt.Errorf("signal %q is not in the rules", h.signal)
		}
		score[s.ID] = s.Weight
		primary = primary || s.Primary
	}
	if !primary {
		return nil, nil
	}
	total := 0
	for _, w := range score {
		total += w
	}
	conf := Low
	switch {
	case total >= in.rules.Confidence.High:
		conf = High
	case total >= in.rules.Confidence.Medium:
		conf = Medium
	}
	if conf.rank() > c.MaxConfidence.rank() {
		conf = c.MaxConfidence
	}
	allOblique := true
	for _, h := range in.hits {
		allOblique = allOblique && h.oblique
	}
	if oc := in.rules.Confidence.Oblique; allOblique && conf.rank() > oc.rank() {
		conf = oc
	}
	out := &Cause{ID: c.ID, Name: c.Name, Summary: c.Summary, Confidence: conf, Caveat: c.Caveat, Sources: c.Sources}
	seen := map[string]bool{}
	perSignal := map[string]int{}
	for _, h := range in.hits {
		perSignal[h.signal]++
	}
	shown := map[string]int{}
	for _, h := range in.hits {
		text, err := render(c.signal(h.signal).Text, h.v)
		if err != nil {
			return nil, fmt.Errorf("signal %s: %w", h.signal, err)
		}
		// A signal found in many sets or on both legs is shown at most
		// maxPerSignal times; the last line shown says how many more.
		shown[h.signal]++
		switch n := shown[h.signal]; {
		case n > maxPerSignal:
			text = ""
		case n == maxPerSignal && perSignal[h.signal] > n:
			more, err := render(in.rules.Phrases["more_alike"], vars{"n": fmt.Sprint(perSignal[h.signal] - n)})
			if err != nil {
				return nil, err
			}
			text += " " + more
		}
		text = sentence(text)
		if text != "" && !seen[text] {
			out.Evidence = append(out.Evidence, text)
			seen[text] = true
		}
		if !slices.Contains(out.Signals, h.signal) {
			out.Signals = append(out.Signals, h.signal)
		}
		for k, v := range h.plan {
			if _, ok := in.planVars[k]; !ok {
				in.planVars[k] = v
			}
		}
	}
	return out, nil
}

// sentence capitalises text and ends it with a full stop.
func sentence(text string) string {
	text = words.Capitalise(strings.TrimSpace(text))
	if text != "" && !strings.HasSuffix(text, ".") {
		text += "."
	}
	return text
}
