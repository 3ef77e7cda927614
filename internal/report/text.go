package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// DefaultWidth is the width the terminal summary is wrapped to when the
// terminal's is not known: writing to a file or a pipe.
const DefaultWidth = 80

// MinWidth is the narrowest width the summary is laid out for; narrower
// widths are laid out at MinWidth.
const MinWidth = 20

// TextOptions say how the terminal summary is written.
type TextOptions struct {
	// Width is the number of columns to wrap to; 0: DefaultWidth.
	Width int
	// Colour: colour the verdict by its worst grade, the grades and the
	// headings with ANSI escape codes (only for a terminal).
	Colour bool
	// Details: everything (the full rep table and its legend, every
	// finding, the causes with their evidence, the whole plan, the
	// notes), after the verdict. Without it: the verdict, the first three
	// steps of the plan, a compact rep table, the likely causes in one
	// line each and the disclaimer in one line.
	Details bool
}

// Terminal is what the command line knows about where the summary goes.
type Terminal struct {
	// IsTerminal: the summary goes to a terminal (standard output is one
	// and no -o file was given).
	IsTerminal bool
	// Width is the terminal's width in columns (0 when not known).
	Width int
	// Columns and NoColor are the values of $COLUMNS and $NO_COLOR.
	Columns, NoColor string
}

// ForTerminal decides the layout: the width is $COLUMNS when it holds a
// whole number of at least MinWidth, else the terminal's width, else
// DefaultWidth; colour only on a terminal and when $NO_COLOR is unset or
// empty (https://no-color.org).
func ForTerminal(t Terminal) TextOptions {
	o := TextOptions{Width: DefaultWidth, Colour: t.IsTerminal && t.NoColor == ""}
	if n, err := strconv.Atoi(strings.TrimSpace(t.Columns)); err == nil && n >= MinWidth {
		o.Width = n
	} else if t.IsTerminal && t.Width > 0 {
		o.Width = t.Width
	}
	return o
}

func (o TextOptions) width() int {
	if o.Width <= 0 {
		return DefaultWidth
	}
	return max(o.Width, MinWidth)
}

// WriteText writes the full terminal summary (as with Details) of a
// session without coaching, DefaultWidth wide, without colour.
func WriteText(w io.Writer, ss *valgus.SessionResult) error {
	return WriteTextReport(w, ss, nil, TextOptions{Details: true})
}

// WriteTextWithAdvice writes the full terminal summary (as with Details),
// DefaultWidth wide, without colour; when adv is not nil it ends with the
// coaching: the likely causes with their evidence, what the input cannot
// show and what to do next, followed by the disclaimer.
func WriteTextWithAdvice(w io.Writer, ss *valgus.SessionResult, adv *coach.Advice) error {
	return WriteTextReport(w, ss, adv, TextOptions{Details: true})
}

// WriteTextReport writes the terminal summary as opts say. It opens with
// the verdict, one sentence (words.SessionVerdict); see TextOptions for
// what follows.
func WriteTextReport(w io.Writer, ss *valgus.SessionResult, adv *coach.Advice, opts TextOptions) error {
	var b strings.Builder
	st := style{colour: opts.Colour}
	cols := opts.width()
	v := words.SessionVerdict(ss)
	wrapTo(&b, "", v.Text, cols, st.verdict(v.Worst))
	if opts.Details {
		writeDetails(&b, ss, adv, cols, st)
	} else {
		writeShort(&b, ss, adv, cols, st)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

// writeDetails writes everything after the verdict: per set what was
// seen, the full rep table and its legend, the findings; the session's
// findings; the coaching; the disclaimer.
func writeDetails(b *strings.Builder, ss *valgus.SessionResult, adv *coach.Advice, cols int, st style) {
	explained := map[string]bool{}
	for k, s := range ss.Sets {
		b.WriteString("\n")
		writeSet(b, k, len(ss.Sets), s, cols, st, explained)
	}
	if len(ss.Sets) > 1 {
		b.WriteString("\n" + st.bold("Session") + "\n")
	} else {
		b.WriteString("\n")
	}
	for _, f := range words.SessionFindings(ss.Findings) {
		if adv != nil && f == words.Disclaimer {
			continue // said last, after the advice
		}
		wrapTo(b, "  ", f, cols, nil)
	}
	if adv != nil {
		writeAdvice(b, adv, cols, st)
	}
}

// setTitle names a set: its source, with its number and load when there
// are several.
func setTitle(k, n int, s *valgus.SetResult) string {
	title := s.Source
	if n > 1 {
		title = fmt.Sprintf("Set %d: %s", k+1, s.Source)
	}
	if s.HasLoad {
		title += ", " + words.KG(s.LoadKG)
	}
	return title
}

// writeSet writes a set in full: what was seen, the notes, the full rep
// table with its legend (unless explained holds it already), the findings.
func writeSet(b *strings.Builder, k, n int, s *valgus.SetResult, cols int, st style, explained map[string]bool) {
	wrapTo(b, "", setTitle(k, n, s), cols, st.bold)
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
	wrapTo(b, "  ", fmt.Sprintf("movement: %s%s; view: %s%s", movement, how, s.View.View, yawText(s.View.YawDeg)), cols, nil)
	for _, note := range words.Notes(s.View.Notes) {
		wrapTo(b, "  ! ", note, cols, nil)
	}
	for _, note := range words.Notes(s.Notes) {
		wrapTo(b, "  ! ", note, cols, nil)
	}
	if !s.Analysed {
		if len(s.Notes) == 0 && len(s.View.Notes) == 0 {
			wrapTo(b, "  ! ", "not analysed: "+words.NotAnalysedReason(s), cols, nil)
		}
		return
	}
	partial := ""
	if s.Summary.PartialReps > 0 {
		partial = fmt.Sprintf(" (+%d partial at the edges of the video)", s.Summary.PartialReps)
	}
	wrapTo(b, "  ", fmt.Sprintf("reps: %d%s", s.Summary.Reps, partial), cols, nil)
	b.WriteString("\n")
	layout(b, repTables(s, true), cols, false, st)
	explain(b, tableLegend(s, true), cols, explained)
	if fs := words.Findings(s.Summary.Findings); len(fs) > 0 {
		b.WriteString("\n  " + st.bold("What it means:") + "\n")
		for _, f := range fs {
			wrapTo(b, "  - ", f, cols, nil)
		}
	}
}

func yawText(y float64) string {
	if math.IsNaN(y) {
		return ""
	}
	return fmt.Sprintf(" (camera ~%.0f deg off centre)", y)
}

// gradedValue is the value of the measure a leg is graded on in a rep:
// the cave angle in squats on both legs, the valgus angle above standing
// in single-leg and split squats.
func gradedValue(s valgus.RepSide, mv body.Movement) float64 {
	if mv == body.MoveBilateralSquat {
		return s.CaveDeg
	}
	return s.PeakValgusDeg
}

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
