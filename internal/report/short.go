package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// shortPlan is how many steps of the plan the short summary shows.
const shortPlan = 3

// writeShort writes the short summary after the verdict: the first steps
// of the plan (coach orders them) and where the rest is; per set a
// compact rep table; the likely causes in one line each; the disclaimer
// in one line.
func writeShort(b *strings.Builder, ss *valgus.SessionResult, adv *coach.Advice, cols int, st style) {
	if adv != nil && len(adv.Plan) > 0 {
		b.WriteString("\n" + st.bold(adv.PlanTitle()) + "\n")
		for i, s := range adv.Plan[:min(shortPlan, len(adv.Plan))] {
			wrapTo(b, fmt.Sprintf("  %d. ", i+1), s.Text, cols, nil)
		}
		wrapTo(b, "  ", words.DetailsHint, cols, nil)
	}
	explained := map[string]bool{}
	for k, s := range ss.Sets {
		b.WriteString("\n")
		writeShortSet(b, k, len(ss.Sets), s, cols, st, explained)
	}
	if adv != nil {
		switch {
		case len(adv.Causes) > 0:
			b.WriteString("\n" + st.bold(adv.CausesTitle()) + "\n")
			for _, c := range adv.Causes {
				wrapTo(b, "  - ", fmt.Sprintf("%s (%s)", c.Name, adv.ConfidenceWords(c.Confidence)), cols, nil)
			}
		case adv.Verdict == coach.VerdictKneeCave:
			b.WriteString("\n")
			wrapHeaded(b, "", adv.CausesTitle(), ": "+adv.NoCauses(), cols, st)
		}
	}
	b.WriteString("\n")
	wrapTo(b, "", words.DisclaimerShort, cols, nil)
}

// writeShortSet writes a set's title, what was seen in one line, its
// notes, and its compact rep table with a short legend, unless explained
// already holds that legend (it is said once).
func writeShortSet(b *strings.Builder, k, n int, s *valgus.SetResult, cols int, st style, explained map[string]bool) {
	wrapTo(b, "", setTitle(k, n, s), cols, st.bold)
	seen := s.Movement.Label()
	if s.Movement == body.MoveAuto || s.Movement == body.MoveNone {
		seen = body.MoveUnknown.Label()
	}
	seen += ", " + string(s.View.View) + " view"
	if s.Analysed {
		seen += fmt.Sprintf(", %d rep%s", s.Summary.Reps, words.Plural(s.Summary.Reps))
		if p := s.Summary.PartialReps; p > 0 {
			seen += fmt.Sprintf(" and %d partly filmed", p)
		}
	}
	wrapTo(b, "  ", seen, cols, nil)
	for _, note := range append(words.Notes(s.View.Notes), words.Notes(s.Notes)...) {
		wrapTo(b, "  ! ", note, cols, nil)
	}
	if !s.Analysed {
		if len(s.Notes) == 0 && len(s.View.Notes) == 0 {
			wrapTo(b, "  ! ", "not analysed: "+words.NotAnalysedReason(s), cols, nil)
		}
		return
	}
	b.WriteString("\n")
	layout(b, repTables(s, false), cols, true, st)
	explain(b, tableLegend(s, false), cols, explained)
}

// repTables are a set's rep table in the layouts to try, widest first:
// both knees side by side (when some rep grades both), then one line per
// graded knee per rep. details: every column; else the compact ones,
// those that may be left out marked.
func repTables(s *valgus.SetResult, details bool) []table {
	var out []table
	both := false
	for _, r := range s.Reps {
		both = both || (r.Side[0].Assessed && r.Side[1].Assessed)
	}
	if both {
		out = append(out, sideBySide(s, details))
	}
	return append(out, perKnee(s, details))
}

// repCells are the per-rep columns (rep and its number, time, depth,
// tempo, knee gap, tracking), filled for the reps in order (one row each,
// or one per graded knee).
type repCells struct {
	rep, time, depth, tempo, gap, tracking column
}

func newRepCells(details bool) repCells {
	c := repCells{
		rep:      column{head: words.ColRep, record: words.ColRep + " %s", label: true, perRep: true},
		time:     column{head: words.ColTime, right: true, drop: 3, perRep: true},
		depth:    column{head: words.ColDepth, right: true, drop: 2, perRep: true},
		tempo:    column{head: words.ColTempo, perRep: true},
		gap:      column{head: words.ColKneeGap, right: true, perRep: true},
		tracking: column{head: words.ColTracking, drop: 1, perRep: true},
	}
	if details {
		c.time.drop, c.depth.drop, c.tracking.drop = 0, 0, 0
	}
	return c
}

func (c *repCells) add(r valgus.RepResult) {
	idx := strconv.Itoa(r.Index)
	if r.Partial {
		idx += "*"
	}
	c.rep.cells = append(c.rep.cells, idx)
	c.time.cells = append(c.time.cells, fmt.Sprintf("%.1f-%.1f", r.StartS, r.EndS))
	c.depth.cells = append(c.depth.cells, fmt.Sprintf("%.0f%%", 100*r.DepthLeg))
	c.tempo.cells = append(c.tempo.cells, fmt.Sprintf("%.1f/%.1f", r.Tempo.DescentS, r.Tempo.AscentS))
	c.gap.cells = append(c.gap.cells, f2(r.KASRMin))
	c.tracking.cells = append(c.tracking.cells, r.Quality)
}

// kneeCells are one knee's columns: how far in, when, past toes, grade.
type kneeCells struct {
	in, when, toes, grade column
}

func newKneeCells(group string) kneeCells {
	return kneeCells{
		in:    column{head: words.ColHowFarIn, group: group, right: true},
		when:  column{head: words.ColWhen, group: group},
		toes:  column{head: words.ColPastToes, group: group, right: true},
		grade: column{head: words.ColGrade, group: group, tones: []valgus.Severity{}},
	}
}

func (c *kneeCells) add(rs valgus.RepSide, mv body.Movement) {
	if !rs.Assessed {
		c.in.cells = append(c.in.cells, "")
		c.when.cells = append(c.when.cells, "")
		c.toes.cells = append(c.toes.cells, "")
		c.grade.cells = append(c.grade.cells, words.FreeLeg(mv))
		c.grade.tones = append(c.grade.tones, valgus.SevNotAssessed)
		return
	}
	c.in.cells = append(c.in.cells, deg(gradedValue(rs, mv)))
	c.when.cells = append(c.when.cells, words.Phase(rs.ShownPhase()).Label)
	c.toes.cells = append(c.toes.cells, f2s(rs.KneeVsToeChange))
	grade := words.GradeWord(string(rs.Severity))
	if rs.GapOnly() {
		grade += " " + words.GapMark
	}
	c.grade.cells = append(c.grade.cells, grade)
	c.grade.tones = append(c.grade.tones, rs.Severity)
}

// tableLegend is the rep table's legend, with the knee-gap mark explained
// when a rep of the set shows it.
func tableLegend(s *valgus.SetResult, details bool) string {
	l := words.TableLegend(s.Movement, details)
	for _, r := range s.Reps {
		for _, rs := range r.Side {
			if rs.Assessed && rs.GapOnly() {
				return strings.TrimSuffix(l, ".") + "; " + words.GapLegend(s.Thresholds.KASRCave.Below) + "."
			}
		}
	}
	return l
}

func (c kneeCells) columns(details bool) []column {
	if details {
		return []column{c.in, c.when, c.toes, c.grade}
	}
	return []column{c.in, c.when, c.grade}
}

// sideBySide is the table with one row per rep, both knees side by side.
func sideBySide(s *valgus.SetResult, details bool) table {
	rc := newRepCells(details)
	knees := [2]kneeCells{newKneeCells("left knee"), newKneeCells("right knee")}
	for _, r := range s.Reps {
		rc.add(r)
		for side := range knees {
			knees[side].add(r.Side[side], s.Movement)
		}
	}
	cols := []column{rc.rep, rc.time, rc.depth}
	if details {
		cols = append(cols, rc.tempo, rc.gap)
	}
	cols = append(cols, knees[0].columns(details)...)
	cols = append(cols, knees[1].columns(details)...)
	return table{cols: append(cols, rc.tracking)}
}

// perKnee is the table with one row per graded knee per rep.
func perKnee(s *valgus.SetResult, details bool) table {
	rc := newRepCells(details)
	kc := newKneeCells("")
	knee := column{head: words.ColKnee, record: "%s knee", label: true}
	var cont []bool
	for _, r := range s.Reps {
		first := true
		for side := body.Left; side <= body.Right; side++ {
			if !r.Side[side].Assessed {
				continue
			}
			rc.add(r)
			kc.add(r.Side[side], s.Movement)
			knee.cells = append(knee.cells, side.String())
			cont = append(cont, !first)
			first = false
		}
	}
	cols := append([]column{rc.rep, knee}, kc.columns(details)...)
	if details {
		cols = append(cols, rc.time, rc.depth, rc.tempo, rc.gap)
	} else {
		cols = append(cols, rc.depth, rc.time)
	}
	return table{cols: append(cols, rc.tracking), cont: cont}
}

// explain writes a table's legend, unless explained holds it already.
func explain(b *strings.Builder, legend string, cols int, explained map[string]bool) {
	if explained[legend] {
		return
	}
	explained[legend] = true
	wrapTo(b, "  (", legend+")", cols, nil)
}
