package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// WriteText writes the terminal summary: per set, what was seen (movement,
// view), a per-rep table and the findings in plain words; then the session's
// load and fatigue findings and the disclaimer.
func WriteText(w io.Writer, ss *valgus.SessionResult) error {
	return WriteTextWithAdvice(w, ss, nil)
}

// WriteTextWithAdvice writes the terminal summary as WriteText does and,
// when adv is not nil, ends it with the coaching: the likely causes with
// their evidence, what the input cannot show and what to do next, followed
// by the disclaimer.
func WriteTextWithAdvice(w io.Writer, ss *valgus.SessionResult, adv *coach.Advice) error {
	var b strings.Builder
	for k, s := range ss.Sets {
		if k > 0 {
			b.WriteString("\n")
		}
		writeSet(&b, k, len(ss.Sets), s)
	}
	if len(ss.Sets) > 1 {
		b.WriteString("\nSession\n")
	} else {
		b.WriteString("\n")
	}
	for _, f := range words.SessionFindings(ss.Findings) {
		if adv != nil && f == words.Disclaimer {
			continue // said last, after the advice
		}
		fmt.Fprintf(&b, "  %s\n", f)
	}
	if adv != nil {
		writeAdvice(&b, adv)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

func writeSet(b *strings.Builder, k, n int, s *valgus.SetResult) {
	title := s.Source
	if n > 1 {
		title = fmt.Sprintf("Set %d: %s", k+1, s.Source)
	}
	fmt.Fprintf(b, "%s\n", title)
	load := ""
	if s.HasLoad {
		load = fmt.Sprintf("   load: %g kg", s.LoadKG)
	}
	how := ", recognised"
	switch {
	case s.MovementGiven:
		how = ", as given"
	case s.Movement == body.MoveUnknown || s.Movement == body.MoveNone || s.Movement == body.MoveAuto:
		how = "" // nothing was recognised
	}
	movement := s.Movement.Label()
	if s.Movement == body.MoveAuto { // "automatic" is the option, not a movement
		movement = body.MoveUnknown.Label()
	}
	fmt.Fprintf(b, "  movement: %s%s   view: %s%s%s\n", movement, how, s.View.View, yawText(s.View.YawDeg), load)
	for _, note := range words.Notes(s.View.Notes) {
		fmt.Fprintf(b, "  ! %s\n", note)
	}
	for _, note := range words.Notes(s.Notes) {
		fmt.Fprintf(b, "  ! %s\n", note)
	}
	if !s.Analysed {
		if len(s.Notes) == 0 && len(s.View.Notes) == 0 {
			fmt.Fprintf(b, "  ! not analysed: %s\n", words.NotAnalysedReason(s))
		}
		return
	}
	partial := ""
	if s.Summary.PartialReps > 0 {
		partial = fmt.Sprintf(" (+%d partial at the edges of the video)", s.Summary.PartialReps)
	}
	fmt.Fprintf(b, "  reps: %d%s\n\n", s.Summary.Reps, partial)
	fmt.Fprintf(b, "  %-4s %-13s %5s %9s %5s | %s | %s | %s\n", "rep", "time (s)", "depth", "down/up s", "KASR",
		sideHeader("LEFT", s.Movement), sideHeader("RIGHT", s.Movement), "quality")
	for _, r := range s.Reps {
		idx := fmt.Sprint(r.Index)
		if r.Partial {
			idx += "*"
		}
		fmt.Fprintf(b, "  %-4s %6.1f-%-6.1f %4.0f%% %4.1f/%-4.1f %5s | %s | %s | %s\n", idx, r.StartS, r.EndS, 100*r.DepthLeg,
			r.Tempo.DescentS, r.Tempo.AscentS, f2(r.KASRMin), sideCell(r.Side[0], s.Movement), sideCell(r.Side[1], s.Movement), r.Quality)
	}
	b.WriteString(legend(s.Movement))
	if fs := words.Findings(s.Summary.Findings); len(fs) > 0 {
		b.WriteString("\n  What it means:\n")
		for _, f := range fs {
			fmt.Fprintf(b, "  - %s\n", f)
		}
	}
}

func yawText(y float64) string {
	if math.IsNaN(y) {
		return ""
	}
	return fmt.Sprintf(" (camera ~%.0f deg off centre)", y)
}

const sideCellFormat = "%-5s %7s %-6s %5s  %-12s"

// measureHeader names the measure each leg is graded on in a movement:
// the knee's cave angle in squats on both legs, the valgus angle above
// standing in single-leg and split squats.
func measureHeader(mv body.Movement) string {
	if mv == body.MoveBilateralSquat {
		return "cave"
	}
	return "valgus"
}

// gradedValue is the value of that measure for one leg in one rep.
func gradedValue(s valgus.RepSide, mv body.Movement) float64 {
	if mv == body.MoveBilateralSquat {
		return s.CaveDeg
	}
	return s.PeakValgusDeg
}

func sideHeader(side string, mv body.Movement) string {
	return fmt.Sprintf(sideCellFormat, side, measureHeader(mv), "when", "toes", "class")
}

func sideCell(s valgus.RepSide, mv body.Movement) string {
	if !s.Assessed {
		return fmt.Sprintf("%-40s", "      (not the working leg)")
	}
	return fmt.Sprintf(sideCellFormat, "", deg(gradedValue(s, mv)), shortPhase(s), f2s(s.KneeVsToeChange), s.Severity)
}

// legend explains the table's columns in plain words.
func legend(mv body.Movement) string {
	measure := "  (cave: how far the knee turned in towards the other knee past straight ahead, in degrees, as far\n" +
		"   as both knees closed in; 0 = tracking straight, + = inwards; class: against the knee-cave bands;\n"
	if mv != body.MoveBilateralSquat {
		measure = "  (valgus: how far the knee angle (thigh against shin, seen from the front) rose above standing, in\n" +
			"   degrees, + = knee inwards; class: against the single-leg bands;\n"
	}
	return measure +
		"   peaks are the level held for at least 0.1 s; when: phase of that peak; toes: how much further inside\n" +
		"   the toes the knee went than when standing, in shin lengths (shown, not graded); KASR: lowest\n" +
		"   knee-to-ankle separation ratio; depth: hip drop in % of leg length; * partial rep)\n"
}

func shortPhase(s valgus.RepSide) string { return words.Phase(s.PeakPhase).Column }

func deg(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return words.PlusZero(fmt.Sprintf("%+.1f°", v))
}

func f2(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", v)
}

func f2s(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return words.PlusZero(fmt.Sprintf("%+.2f", v))
}
