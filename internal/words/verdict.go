package words

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Verdict is the one plain sentence that opens the terminal summary: what
// the knees did, built from the facts of the analysis.
type Verdict struct {
	Text string
	// Worst is the worst grade of a rep that caved (valgus.SevNone when
	// the knees stayed in line), valgus.SevUnknown when nothing could be
	// graded.
	Worst valgus.Severity
}

// SessionVerdict says in one sentence what the knees did over a session:
// which knee caves, when in the rep, how much, in which reps, sets or
// loads, and whether it grows over the set; or that they stay in line; or
// why nothing could be analysed and what to do about it.
func SessionVerdict(ss *valgus.SessionResult) Verdict {
	var analysed []int
	for k, s := range ss.Sets {
		if s.Analysed {
			analysed = append(analysed, k)
		}
	}
	switch {
	case len(analysed) == 0:
		return notAnalysedVerdict(ss.Sets)
	case len(ss.Sets) == 1:
		return SetVerdict(ss.Sets[0])
	}
	return sessionVerdict(ss, analysed)
}

// SetVerdict says in one sentence what the knees did in one set.
func SetVerdict(s *valgus.SetResult) Verdict {
	if !s.Analysed {
		return notAnalysedVerdict([]*valgus.SetResult{s})
	}
	var legs []legStory
	var unclear, partial []int
	for side := body.Left; side <= body.Right; side++ {
		f, ok := legFindingOf(s, side)
		if !ok {
			continue
		}
		l := legStory{side: side, worst: f.Worst, phase: f.Phase, caved: len(f.Caved) > 0}
		var judged []int
		for _, r := range s.Reps {
			rs := r.Side[side]
			switch {
			case !rs.Assessed:
			case rs.Severity.Rank() < 0:
				unclear = appendRep(unclear, r.Index)
			default:
				judged = append(judged, r.Index)
				if rk := rs.Severity.Rank(); rk >= 1 && (l.mildest == "" || rk < l.mildest.Rank()) {
					l.mildest = rs.Severity
				}
				if r.Partial && (!l.caved || rs.Severity.Rank() >= 1) {
					partial = appendRep(partial, r.Index)
				}
			}
		}
		if len(judged) == 0 {
			continue
		}
		l.judged = len(judged)
		if l.caved {
			l.where = repsWhere(f.Caved, len(judged))
		}
		switch trendOf(s, side) {
		case valgus.TrendWorsening:
			l.trend = "and more as the set goes on"
			l.drift = true
		case valgus.TrendImproving:
			l.trend = "and less as the set goes on"
		}
		legs = append(legs, l)
	}
	if len(legs) == 0 {
		return Verdict{Text: "No rep could be graded: the knees and feet were not seen clearly enough. " +
			"Film again from the front in good light, whole body and feet in view.", Worst: valgus.SevUnknown}
	}
	single := s.Movement.Supported() && s.Movement != body.MoveBilateralSquat && len(legs) == 1
	reps := 0
	for _, r := range s.Reps {
		if r.Side[0].Assessed || r.Side[1].Assessed {
			reps++
		}
	}
	cleanWhere := fmt.Sprintf("in all %d rep%s", reps-len(unclear), Plural(reps-len(unclear)))
	if reps-len(unclear) == 1 {
		cleanWhere = "in the one rep"
	}
	if len(unclear) > 0 {
		cleanWhere = fmt.Sprintf("in the %d rep%s that could be judged", reps-len(unclear), Plural(reps-len(unclear)))
	}
	var extra []string
	if len(partial) > 0 {
		extra = append(extra, fmt.Sprintf("rep%s %s only partly filmed", Plural(len(partial)), RepList(partial)))
	}
	if len(unclear) > 0 {
		extra = append(extra, fmt.Sprintf("rep%s %s too unclear to judge", Plural(len(unclear)), RepList(unclear)))
	}
	return tell(legs, single, cleanWhere, extra)
}

// legStory is what the verdict says about one knee.
type legStory struct {
	side   body.Side
	judged int
	caved  bool
	worst  valgus.Severity
	// mildest is the lowest grade among the caving reps ("" when not
	// known): "mildly to moderately" when it is below worst.
	mildest valgus.Severity
	phase   body.Phase
	where   string // "in reps 3-5", "from 100 kg up"; "" says nothing
	trend   string // "and more as the set goes on"; "" says nothing
	drift   bool   // its angle grows over the set (said of a knee in line too)
}

// tell puts the knees' stories into one sentence. single: the movement
// works one leg at a time and only one leg was filmed working. cleanWhere
// says over what the knees stayed in line ("in all 5 reps"); extra are
// asides for the end ("rep 1 only partly filmed").
func tell(legs []legStory, single bool, cleanWhere string, extra []string) Verdict {
	var caved, clean []legStory
	worst := valgus.SevNone
	for _, l := range legs {
		if l.caved {
			caved = append(caved, l)
			if l.worst.Rank() > worst.Rank() {
				worst = l.worst
			}
		} else {
			clean = append(clean, l)
		}
	}
	if len(caved) == 2 && caved[1].worst.Rank() > caved[0].worst.Rank() {
		caved[0], caved[1] = caved[1], caved[0]
	}
	var b strings.Builder
	switch {
	case len(caved) == 0 && len(clean) == 2:
		fmt.Fprintf(&b, "Both knees stay in line %s: no knee cave", cleanWhere)
		for _, l := range clean {
			if l.drift {
				fmt.Fprintf(&b, ", though the %s turns in more as the set goes on", l.side)
			}
		}
	case len(caved) == 0:
		l := clean[0]
		fmt.Fprintf(&b, "Your %s stays in line %s: no knee cave", kneeName(l.side, single), cleanWhere)
		if l.drift {
			b.WriteString(", though it turns in more as the set goes on")
		}
	case len(caved) == 2 && caved[0].worst == caved[1].worst && caved[0].phase == caved[1].phase &&
		caved[0].where == caved[1].where && caved[0].trend == caved[1].trend:
		fmt.Fprintf(&b, "Both knees %s", caveClause(caved[0], "cave"))
	default:
		fmt.Fprintf(&b, "Your %s %s", kneeName(caved[0].side, single), caveClause(caved[0], "caves"))
		if len(caved) == 2 {
			fmt.Fprintf(&b, "; the %s %s", caved[1].side, caveClause(caved[1], "caves"))
		}
		for _, l := range clean {
			fmt.Fprintf(&b, "; the %s stays in line", l.side)
			if l.drift {
				b.WriteString(" but turns in more as the set goes on")
			}
		}
	}
	for _, e := range extra {
		b.WriteString("; " + e)
	}
	b.WriteString(".")
	return Verdict{Text: b.String(), Worst: worst}
}

// caveClause says how a knee caves: "caves in at the bottom, moderately,
// in reps 3-5, and more as the set goes on".
func caveClause(l legStory, verb string) string {
	how := severityAdverb(l.worst)
	if l.mildest != "" && l.mildest.Rank() < l.worst.Rank() {
		how = severityAdverb(l.mildest) + " to " + how
	}
	parts := []string{verb + " in " + verdictPhase(l.phase), how}
	if l.where != "" {
		parts = append(parts, l.where)
	}
	if l.trend != "" {
		parts = append(parts, l.trend)
	}
	return strings.Join(parts, ", ")
}

// kneeName names a knee after "Your": "left knee", or "left knee (the
// working leg)" when the movement works one leg and only that one was
// filmed.
func kneeName(s body.Side, single bool) string {
	if single {
		return s.String() + " knee (the working leg)"
	}
	return s.String() + " knee"
}

// verdictPhase says when in the rep, in plain words.
func verdictPhase(p body.Phase) string {
	switch p {
	case body.PhaseDescent:
		return "on the way down"
	case body.PhaseBottom:
		return "at the bottom"
	case body.PhaseOutOfTheHole:
		return "as you come up out of the bottom"
	case body.PhaseAscent:
		return "on the way up"
	}
	return "at varying moments"
}

// severityAdverb says a grade as an adverb: "mildly".
func severityAdverb(s valgus.Severity) string {
	switch s {
	case valgus.SevMild:
		return "mildly"
	case valgus.SevModerate:
		return "moderately"
	case valgus.SevSevere:
		return "severely"
	}
	return "by an unknown amount"
}

// repsWhere says which reps caved, out of judged: "in rep 3", "in reps
// 3-5", "in all 5 reps", "in the one rep".
func repsWhere(caved []int, judged int) string {
	switch {
	case len(caved) == judged && judged == 1:
		return "in the one rep"
	case len(caved) == judged:
		return fmt.Sprintf("in all %d reps", judged)
	}
	return fmt.Sprintf("in rep%s %s", Plural(len(caved)), RepList(caved))
}

// appendRep adds rep i to a sorted list of reps, once.
func appendRep(reps []int, i int) []int {
	k, found := slices.BinarySearch(reps, i)
	if found {
		return reps
	}
	return slices.Insert(reps, k, i)
}

// legFindingOf is a set's finding for one leg (false when the leg was not
// graded in any rep).
func legFindingOf(s *valgus.SetResult, side body.Side) (valgus.LegFinding, bool) {
	for _, f := range s.Summary.Findings {
		if lf, ok := f.(valgus.LegFinding); ok && lf.Side == side {
			return lf, true
		}
	}
	return valgus.LegFinding{}, false
}

// trendOf is the verdict of a leg's trend over a set, "" when the set
// has no trend finding for it.
func trendOf(s *valgus.SetResult, side body.Side) string {
	for _, f := range s.Summary.Findings {
		if tf, ok := f.(valgus.TrendFinding); ok && tf.Side == side {
			return tf.Trend.Verdict
		}
	}
	return ""
}

// sessionVerdict says what the knees did over several sets, of which the
// sets at analysed (indexes) could be analysed.
func sessionVerdict(ss *valgus.SessionResult, analysed []int) Verdict {
	var legs []legStory
	single := true
	reps := 0
	for _, k := range analysed {
		s := ss.Sets[k]
		single = single && s.Movement.Supported() && s.Movement != body.MoveBilateralSquat
		for _, r := range s.Reps {
			if r.Side[0].Assessed || r.Side[1].Assessed {
				reps++
			}
		}
	}
	for side := body.Left; side <= body.Right; side++ {
		l := legStory{side: side, worst: valgus.SevNone}
		var cavedSets, worseSets []int
		for _, k := range analysed {
			s := ss.Sets[k]
			f, ok := legFindingOf(s, side)
			if !ok {
				continue
			}
			l.judged += f.Assessed
			if len(f.Caved) == 0 {
				continue
			}
			cavedSets = append(cavedSets, k+1)
			if !l.caved || f.Worst.Rank() > l.worst.Rank() {
				l.worst, l.phase = f.Worst, f.Phase
			}
			l.caved = true
			if trendOf(s, side) == valgus.TrendWorsening {
				worseSets = append(worseSets, k+1)
			}
		}
		if l.judged == 0 {
			continue
		}
		if l.caved {
			l.where = setsWhere(ss, side, cavedSets, len(analysed))
			switch {
			case len(worseSets) == len(cavedSets):
				l.trend = "and more as each set goes on"
			case len(worseSets) > 0:
				l.trend = fmt.Sprintf("and more as set%s %s go%s on", Plural(len(worseSets)), RepList(worseSets), verbS(len(worseSets)))
			}
		}
		legs = append(legs, l)
	}
	if len(legs) == 0 {
		return Verdict{Text: "No rep could be graded: the knees and feet were not seen clearly enough. " +
			"Film again from the front in good light, whole body and feet in view.", Worst: valgus.SevUnknown}
	}
	cleanWhere := fmt.Sprintf("in all %d sets (%d reps)", len(analysed), reps)
	if top, ok := heaviest(ss, analysed); ok {
		cleanWhere += ", up to " + KG(top)
	}
	var extra []string
	if n := len(ss.Sets) - len(analysed); n > 0 {
		var not []int
		for k, s := range ss.Sets {
			if !s.Analysed {
				not = append(not, k+1)
			}
		}
		extra = append(extra, fmt.Sprintf("set%s %s could not be analysed", Plural(n), RepList(not)))
	}
	return tell(legs, single && len(legs) == 1, cleanWhere, extra)
}

// setsWhere says in which sets, or from which load, a knee caved: from the
// session's load finding when the sets have loads, else by set number.
func setsWhere(ss *valgus.SessionResult, side body.Side, cavedSets []int, analysed int) string {
	for _, f := range ss.Findings {
		lf, ok := f.(valgus.LoadFinding)
		if !ok || lf.Side != side {
			continue
		}
		switch lf.Status {
		case valgus.LoadAppearsFrom:
			return "from " + KG(lf.FromKG) + " up"
		case valgus.LoadAllLoads:
			return "at every load"
		case valgus.LoadNotSeen:
			return fmt.Sprintf("late in set%s %s, not in the first reps at any load", Plural(len(cavedSets)), RepList(cavedSets))
		}
	}
	if len(cavedSets) == analysed {
		return "in every set"
	}
	return fmt.Sprintf("in set%s %s", Plural(len(cavedSets)), RepList(cavedSets))
}

// heaviest is the heaviest load among the analysed sets, false when they
// have no loads.
func heaviest(ss *valgus.SessionResult, analysed []int) (float64, bool) {
	top, ok := 0.0, false
	for _, k := range analysed {
		if s := ss.Sets[k]; s.HasLoad && (!ok || s.LoadKG > top) {
			top, ok = s.LoadKG, true
		}
	}
	return top, ok
}

func verbS(n int) string {
	if n == 1 {
		return "es"
	}
	return ""
}

// notAnalysedVerdict says why none of sets could be analysed and what to
// do about it.
func notAnalysedVerdict(sets []*valgus.SetResult) Verdict {
	v := Verdict{Worst: valgus.SevUnknown}
	if len(sets) == 0 {
		v.Text = "Nothing was analysed: give one video or keypoint track per set."
		return v
	}
	why, fix := notAnalysedWhy(sets[0])
	same := true
	for _, s := range sets[1:] {
		w, _ := notAnalysedWhy(s)
		same = same && w == why
	}
	switch {
	case len(sets) == 1:
		v.Text = fmt.Sprintf("Not analysed: %s. %s", why, fix)
	case same:
		v.Text = fmt.Sprintf("None of the %d sets could be analysed: in each, %s. %s", len(sets), why, fix)
	default:
		v.Text = fmt.Sprintf("None of the %d sets could be analysed; in set 1, %s. %s", len(sets), why, fix)
	}
	return v
}

// notAnalysedWhy says briefly why a set was not analysed, and what to do.
func notAnalysedWhy(s *valgus.SetResult) (why, fix string) {
	film := "Film from the front, phone at about hip height 2-4 m away, whole body and feet in view."
	switch s.Reason {
	case valgus.ReasonTooShort:
		return "the input is too short to hold a whole rep", "Film the whole set, at least one full rep: standing, down and back up."
	case valgus.ReasonLegsNotFound:
		return "the hips and ankles were found in too few frames", film
	case valgus.ReasonNoReps:
		return "no squat reps were found", "Film the whole set, each rep from standing down and back up."
	case valgus.ReasonSideView:
		return "the camera looks from the side, which cannot show the knees moving in", film
	case valgus.ReasonUnsupported:
		return s.Movement.Label() + " is not supported yet", "kneetrack analyses squats, single-leg squats and split squats or lunges."
	case valgus.ReasonOutOfFrame:
		return "the knees or ankles are out of the picture in most frames", "Step back so that the whole body and the feet stay in the picture."
	}
	return NotAnalysedReason(s), film
}
