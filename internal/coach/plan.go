package coach

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// limits lists what this input cannot show. Values the plan needs (the leg
// not filmed) go into planVars.
func (in *inference) limits(verdict string) ([]Limit, error) {
	var out []Limit
	add := func(id string, v vars) error {
		r := in.rules.cannotJudge(id)
		text, err := render(r.Text, v)
		if err != nil {
			return fmt.Errorf("cannot_judge %s: %w", id, err)
		}
		out = append(out, Limit{ID: id, Text: sentence(text)})
		return nil
	}
	multi := len(in.ss.Sets) > 1
	where := func(k int) string {
		if multi {
			return fmt.Sprintf("set %d: ", k+1)
		}
		return ""
	}
	for k, res := range in.ss.Sets {
		if res == nil || res.Analysed {
			continue
		}
		if err := add("not_analysed", vars{"where": where(k), "reason": words.NotAnalysedReason(res)}); err != nil {
			return nil, err
		}
	}
	if len(in.sets) == 0 {
		return out, nil
	}
	cave := verdict == VerdictKneeCave
	noFeet := 0
	for _, sf := range in.sets {
		if !sf.res.HasFeet {
			noFeet++
		}
	}
	for _, sf := range in.sets {
		if n := len(sf.full); n < 3 {
			if err := add("few_reps", vars{"where": sf.where, "n": fmt.Sprint(n), "s": words.Plural(n)}); err != nil {
				return nil, err
			}
		}
		if !sf.res.HasFeet && noFeet < len(in.sets) {
			if err := add("no_feet", vars{"where": sf.where}); err != nil {
				return nil, err
			}
		}
		if sf.oblique() {
			if err := add("oblique_view", vars{"where": sf.where, "yaw": deg(math.Abs(sf.res.View.YawDeg))}); err != nil {
				return nil, err
			}
		}
		ungraded := 0
		for _, r := range sf.res.Reps {
			for s := 0; s < 2; s++ {
				if r.Side[s].Assessed && !graded(r.Side[s]) {
					ungraded++
					break
				}
			}
		}
		if ungraded > 0 {
			if err := add("ungraded_reps", vars{"where": sf.where, "n": fmt.Sprint(ungraded), "s": words.Plural(ungraded)}); err != nil {
				return nil, err
			}
		}
	}
	if noFeet == len(in.sets) {
		if err := add("no_feet", vars{"where": ""}); err != nil {
			return nil, err
		}
	}
	// One leg at a time, but only one leg filmed.
	var legs [2]int
	for _, sf := range in.sets {
		if sf.res.Movement == body.MoveSingleLegSquat || sf.res.Movement == body.MoveSplitSquat {
			for s := 0; s < 2; s++ {
				legs[s] += len(sf.graded[s])
			}
		}
	}
	for s := 0; s < 2; s++ {
		if legs[s] > 0 && legs[1-s] == 0 {
			if err := add("one_leg_only", vars{"side": sideName(s)}); err != nil {
				return nil, err
			}
			in.planVars["other"] = sideName(1 - s)
		}
	}
	loads := map[float64]bool{}
	anyLoad := false
	for _, sf := range in.sets {
		if sf.res.HasLoad {
			anyLoad = true
			loads[sf.res.LoadKG] = true
		}
	}
	if cave && !anyLoad {
		if err := add("no_load", nil); err != nil {
			return nil, err
		}
	} else if cave && len(loads) < 2 {
		if err := add("same_load", nil); err != nil {
			return nil, err
		}
	}
	if cave {
		if err := add("front_view", nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// plan puts the advice for the causes found, the limits of the input and
// the verdict in priority order.
func (in *inference) plan(adv *Advice) ([]Step, error) {
	type item struct {
		id     string
		causes []string
	}
	var items []item
	add := func(id, cause string) {
		for i := range items {
			if items[i].id == id {
				if cause != "" && !slices.Contains(items[i].causes, cause) {
					items[i].causes = append(items[i].causes, cause)
				}
				return
			}
		}
		it := item{id: id}
		if cause != "" {
			it.causes = []string{cause}
		}
		items = append(items, it)
	}
	v := vars{}
	for k, x := range in.planVars {
		v[k] = x
	}
	switch adv.Verdict {
	case VerdictClean:
		add("clean", "")
		v["reps"] = fmt.Sprint(in.gradedReps())
	case VerdictNotAnalysed:
		add("not_analysed", "")
	case VerdictKneeCave:
		if in.worstSeverity() == valgus.SevMild {
			add("mild", "")
		}
		if len(adv.Causes) == 0 {
			add("unexplained", "")
			v["reps"] = in.cavingReps()
			for _, id := range in.rules.UnexplainedAdvice {
				add(id, "")
			}
		}
		for _, c := range adv.Causes {
			for _, id := range in.rules.causeRule(c.ID).Advice {
				add(id, c.ID)
			}
		}
		add("retest", "")
		if cmp, err := in.compare(); err != nil {
			return nil, err
		} else if cmp != "" {
			v["compare"] = cmp
		}
	}
	for _, l := range adv.CannotJudge {
		r := in.rules.cannotJudge(l.ID)
		if r.Advice != "" && (r.AdviceWhen == "always" || adv.Verdict == VerdictKneeCave) {
			add(r.Advice, "")
		}
	}
	if adv.Verdict == VerdictKneeCave {
		add("see_professional", "")
	} else {
		add("see_professional_pain", "")
	}
	kinds := kindOrder()
	kind := func(id string) int { return slices.Index(kinds, in.rules.advice(id).Kind) }
	slices.SortStableFunc(items, func(a, b item) int { return kind(a.id) - kind(b.id) })
	var steps []Step
	perKind := map[string]int{}
	for _, it := range items {
		a := in.rules.advice(it.id)
		skip := false
		for _, n := range a.Needs {
			if _, ok := v[n]; !ok {
				skip = true
			}
		}
		if lim := in.rules.planLimit(a.Kind); skip || lim > 0 && perKind[a.Kind] >= lim {
			continue
		}
		perKind[a.Kind]++
		text, err := render(a.Text, v)
		if err != nil {
			return nil, fmt.Errorf("advice %s: %w", a.ID, err)
		}
		steps = append(steps, Step{ID: a.ID, Priority: len(steps) + 1, Kind: a.Kind, Text: text, For: it.causes})
	}
	return steps, nil
}

func (rs *Rules) causeRule(id string) *CauseRule {
	for i := range rs.Causes {
		if rs.Causes[i].ID == id {
			return &rs.Causes[i]
		}
	}
	return nil
}

// gradedReps counts the reps in which at least one leg was graded.
func (in *inference) gradedReps() int {
	n := 0
	for _, sf := range in.sets {
		for _, r := range sf.res.Reps {
			if graded(r.Side[0]) || graded(r.Side[1]) {
				n++
			}
		}
	}
	return n
}

func (in *inference) worstSeverity() valgus.Severity {
	w := valgus.SevNone
	for _, sf := range in.sets {
		for s := 0; s < 2; s++ {
			if x := worst(sf.graded[s], s); x.Rank() > w.Rank() {
				w = x
			}
		}
	}
	return w
}

// cavingReps lists the reps that cave, per set: "reps 3-5" or
// "set 1: rep 3; set 2: reps 1-2".
func (in *inference) cavingReps() string {
	var parts []string
	for _, sf := range in.sets {
		var idx []int
		for _, r := range sf.res.Reps {
			if (graded(r.Side[0]) && caves(r.Side[0])) || (graded(r.Side[1]) && caves(r.Side[1])) {
				idx = append(idx, r.Index)
			}
		}
		if len(idx) > 0 {
			parts = append(parts, fmt.Sprintf("%srep%s %s", sf.where, words.Plural(len(idx)), words.RepList(idx)))
		}
	}
	return strings.Join(parts, "; ")
}

// compare names the number to watch at the retest: the worst caving knee's
// graded angle (its cave angle in squats on both legs, its valgus angle
// above standing otherwise).
func (in *inference) compare() (string, error) {
	best, bestSide, bestSet := -1, 0, -1
	for i, sf := range in.sets {
		for s := 0; s < 2; s++ {
			if r := worst(sf.graded[s], s).Rank(); r > best {
				best, bestSide, bestSet = r, s, i
			}
		}
	}
	if best < 1 {
		return "", nil
	}
	sf := in.sets[bestSet]
	cav := caving(sf.graded[bestSide], bestSide)
	if p := maxPeak(sf.res, cav, bestSide); !math.IsNaN(p) {
		return render(in.rules.Phrases["compare_angle"], vars{"side": sideName(bestSide), "measure": words.MeasureOf(sf.res.Movement), "peak": deg(p)})
	}
	return "", nil
}
