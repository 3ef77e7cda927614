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

// item is a candidate step: an advice id and the causes that asked for it.
type item struct {
	id     string
	causes []string
}

// items is an ordered list of candidate steps without repeats.
type items []item

func (l *items) add(id, cause string) {
	for i := range *l {
		if (*l)[i].id == id {
			if cause != "" && !slices.Contains((*l)[i].causes, cause) {
				(*l)[i].causes = append((*l)[i].causes, cause)
			}
			return
		}
	}
	it := item{id: id}
	if cause != "" {
		it.causes = []string{cause}
	}
	*l = append(*l, it)
}

// plan puts the steps in the order that helps this lifter most, at most
// PlanLimits.Steps of them: with a cave, what to change in the next
// session (the steps of the most confident cause, and the cue naming the
// caving knee and its phase), then strength or mobility work for the likely
// cause, then the retest (with the filming that would lift a limit of this
// input), then safety (moved into the first three when the cave is severe).
// A step is kept only when the facts it names hold (AdviceRule.When and
// Needs); docs/coaching.md lists them.
func (in *inference) plan(adv *Advice) ([]Step, error) {
	pf := in.planFacts()
	v := vars{}
	for k, x := range in.planVars {
		v[k] = x
	}
	lim := in.rules.PlanLimits
	usable := func(id string) bool {
		a := in.rules.advice(id)
		for _, n := range a.Needs {
			if _, ok := v[n]; !ok {
				return false
			}
		}
		for _, c := range a.When {
			if !pf.holds(c) {
				return false
			}
		}
		return true
	}
	// Filming that would lift a limit of this input, in the rules' order
	// of the limits.
	var film items
	for _, l := range adv.CannotJudge {
		r := in.rules.cannotJudge(l.ID)
		if r.Advice != "" && (r.AdviceWhen == "always" || adv.Verdict == VerdictKneeCave) {
			film.add(r.Advice, "")
		}
	}
	var act, build items
	var out items
	switch adv.Verdict {
	case VerdictClean, VerdictNotAnalysed:
		head := "clean"
		if adv.Verdict == VerdictNotAnalysed {
			head = "not_analysed"
		}
		reps := in.gradedReps()
		v["reps"] = fmt.Sprintf("%d rep%s", reps, words.Plural(reps))
		out.add(head, "")
		n := 0
		for _, it := range film {
			if usable(it.id) && n < lim.Film {
				out.add(it.id, "")
				n++
			}
		}
		out.add("see_professional_pain", "")
	case VerdictKneeCave:
		for _, c := range adv.Causes {
			for _, id := range in.rules.causeRule(c.ID).Advice {
				switch in.rules.advice(id).Kind {
				case "next_set":
					act.add(id, c.ID)
				case "strength", "mobility":
					build.add(id, c.ID)
				case "retest":
					film.add(id, c.ID)
				}
			}
		}
		if len(adv.Causes) == 0 {
			for _, id := range in.rules.UnexplainedAdvice {
				act.add(id, "")
			}
		}
		act = slices.DeleteFunc(act, func(it item) bool { return !usable(it.id) })
		build = slices.DeleteFunc(build, func(it item) bool { return !usable(it.id) })
		film = slices.DeleteFunc(film, func(it item) bool { return !usable(it.id) })
		// The filming suggestions in the rules' order (the load first).
		slices.SortStableFunc(film, func(a, b item) int { return in.rules.adviceIndex(a.id) - in.rules.adviceIndex(b.id) })
		// The cue naming the caving knee(s) and phase is always among the
		// next session's changes: second when a cause found asks for a
		// change of its own (the first of them goes first), first
		// otherwise.
		cue := item{id: "knee_cue"}
		if i := slices.IndexFunc(act, func(it item) bool { return it.id == "knee_cue" }); i >= 0 {
			cue = act[i]
			act = slices.Delete(act, i, i+1)
		}
		at := 0
		if len(act) > 0 && len(act[0].causes) > 0 {
			at = 1
		}
		act = slices.Insert(act, at, cue)
		na, nb := min(lim.NextSet, len(act)), min(lim.Build, len(build))
		for na+nb < lim.Actions && (na < len(act) || nb < len(build)) {
			if na < len(act) {
				na++
			} else {
				nb++
			}
		}
		out = append(append(out, act[:na]...), build[:nb]...)
		out.add("retest", "")
		safety := "see_professional"
		if pf.worst() == valgus.SevMild {
			safety = "see_professional_mild"
		}
		sf := item{id: safety}
		if pf.worst() == valgus.SevSevere && len(out) > 2 {
			out = slices.Insert(out, 2, sf)
		} else {
			out = append(out, sf)
		}
		if cmp, err := in.compare(pf); err != nil {
			return nil, err
		} else if cmp != "" {
			v["compare"] = cmp
		}
		if err := in.cueVars(pf, v); err != nil {
			return nil, err
		}
	}
	var steps []Step
	for _, it := range out {
		a := in.rules.advice(it.id)
		if !usable(it.id) {
			continue
		}
		text, err := render(a.Text, v)
		if err != nil {
			return nil, fmt.Errorf("advice %s: %w", a.ID, err)
		}
		st := Step{ID: a.ID, Priority: len(steps) + 1, Kind: a.Kind, Text: text, For: it.causes}
		if it.id == "retest" {
			// The filming that would lift a limit goes with the retest,
			// so that it does not take a step of its own.
			for _, f := range film[:min(lim.Film, len(film))] {
				t, err := render(in.rules.advice(f.id).Text, v)
				if err != nil {
					return nil, fmt.Errorf("advice %s: %w", f.id, err)
				}
				st.Text += " " + t
				st.Includes = append(st.Includes, f.id)
				for _, c := range f.causes {
					if !slices.Contains(st.For, c) {
						st.For = append(st.For, c)
					}
				}
			}
		}
		steps = append(steps, st)
	}
	if len(steps) > lim.Steps {
		return nil, fmt.Errorf("plan of %d steps, more than the rules allow (%d)", len(steps), lim.Steps)
	}
	return steps, nil
}

// planFacts are the facts of the session that the plan's steps name or
// depend on, read from the same per-rep grades and set trends the findings
// are written from.
type planFacts struct {
	// caves[s]: knee s caves (beyond the mild threshold) in a graded rep.
	caves [2]bool
	// sev[s] is knee s's worst grade, peak[s] its largest graded measure
	// among the caving reps of the set where that grade is reached (the
	// larger measure on a tie), measure[s] the measure's name there.
	sev     [2]valgus.Severity
	peak    [2]float64
	measure [2]string
	// phase is the phase most caving reps peak in, when at least half do
	// (PhaseNone otherwise).
	phase body.Phase
	// grows: a caving knee's cave grows over a set (the analysis's trend
	// verdict, the one its findings say).
	grows bool
	// loadExplains: with loads, the cave appears from some load up (the
	// analysis's load status).
	loadExplains bool
}

// Conditions an advice rule's When may name.
const (
	condOneKnee      = "one_knee"      // exactly one knee caves
	condCaveGrows    = "cave_grows"    // a caving knee's cave grows over a set
	condLoadExplains = "load_explains" // the cave appears from some load up
)

func planConditions() []string { return []string{condOneKnee, condCaveGrows, condLoadExplains} }

func (pf *planFacts) holds(cond string) bool {
	switch cond {
	case condOneKnee:
		return pf.caves[0] != pf.caves[1]
	case condCaveGrows:
		return pf.grows
	case condLoadExplains:
		return pf.loadExplains
	}
	return false
}

// worst is the worst grade of either knee.
func (pf *planFacts) worst() valgus.Severity {
	if pf.sev[1].Rank() > pf.sev[0].Rank() {
		return pf.sev[1]
	}
	return pf.sev[0]
}

// cavingSides lists the knees that cave, the worst first (worst grade,
// then the larger measure).
func (pf *planFacts) cavingSides() []int {
	var out []int
	for s := 0; s < 2; s++ {
		if pf.caves[s] {
			out = append(out, s)
		}
	}
	if len(out) == 2 {
		a, b := pf.sev[0].Rank(), pf.sev[1].Rank()
		if b > a || b == a && nanTo(pf.peak[1], math.Inf(-1)) > nanTo(pf.peak[0], math.Inf(-1)) {
			out[0], out[1] = 1, 0
		}
	}
	return out
}

func (in *inference) planFacts() planFacts {
	pf := planFacts{sev: [2]valgus.Severity{valgus.SevNone, valgus.SevNone}, peak: [2]float64{math.NaN(), math.NaN()}, phase: body.PhaseNone}
	phases := map[body.Phase]int{}
	total := 0
	for _, sf := range in.sets {
		for s := 0; s < 2; s++ {
			cav := caving(sf.graded[s], s)
			if len(cav) == 0 {
				continue
			}
			pf.caves[s] = true
			sev, p := worst(cav, s), maxPeak(sf.res, cav, s)
			if sev.Rank() > pf.sev[s].Rank() || sev.Rank() == pf.sev[s].Rank() && p > nanTo(pf.peak[s], math.Inf(-1)) {
				pf.sev[s], pf.peak[s], pf.measure[s] = sev, p, words.MeasureOf(sf.res.Movement)
			}
			for _, r := range cav {
				total++
				if ph := repPhase(sf.res, r, s); ph != body.PhaseNone && ph != "" {
					phases[ph]++
				}
			}
			if sf.res.Summary.Fatigue[s].Verdict == valgus.TrendWorsening {
				pf.grows = true
			}
		}
	}
	best := 0
	for _, ph := range []body.Phase{body.PhaseDescent, body.PhaseBottom, body.PhaseOutOfTheHole, body.PhaseAscent} {
		if n := phases[ph]; n > best {
			best, pf.phase = n, ph
		}
	}
	if !mostOf(best, total, 0.5) {
		pf.phase = body.PhaseNone
	}
	for s := 0; s < 2; s++ {
		if in.ss.Load[s].Status == valgus.LoadAppearsFrom {
			pf.loadExplains = true
		}
	}
	return pf
}

// cueVars fills the cue's values: the caving knee(s) and the phase most of
// their caving reps peak in.
func (in *inference) cueVars(pf planFacts, v vars) error {
	sides := pf.cavingSides()
	var err error
	switch len(sides) {
	case 1:
		v["knees"], err = render(in.rules.Phrases["cue_knee"], vars{"side": sideName(sides[0])})
	case 2:
		v["knees"] = in.rules.Phrases["cue_knees"]
	}
	if pf.phase != body.PhaseNone {
		v["phase"] = words.Phase(pf.phase).When
	}
	return err
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

// compare names the numbers to watch at the retest: each caving knee's
// graded measure (its cave angle in squats on both legs, its valgus angle
// above standing otherwise), the worst knee first; "" without a cave.
func (in *inference) compare(pf planFacts) (string, error) {
	var parts []string
	for _, s := range pf.cavingSides() {
		if math.IsNaN(pf.peak[s]) {
			continue
		}
		t, err := render(in.rules.Phrases["compare_knee"], vars{"side": sideName(s), "measure": pf.measure[s], "peak": deg(pf.peak[s])})
		if err != nil {
			return "", err
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "", nil
	}
	return strings.Join(parts, " and ") + "; " + in.rules.Phrases["compare_noise"], nil
}
