package report

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// This file lays text out for a terminal: wrapping to a width without
// splitting words, tables that fit a width (or fall back to one record
// per row), and colour.

// width is how many columns a string takes in a terminal: every character
// kneetrack writes (ASCII, "°", "–") is one column wide.
func width(s string) int { return utf8.RuneCountInString(s) }

// wrapLines wraps text to width columns after prefix; continuation lines
// are indented to the prefix's width. Words are never split: a word longer
// than the room left gets a line of its own.
func wrapLines(prefix, text string, cols int) []string {
	indent := strings.Repeat(" ", width(prefix))
	var lines []string
	line, n, empty := prefix, width(prefix), true
	for _, w := range strings.Fields(text) {
		wl := width(w)
		switch {
		case empty:
			line, n, empty = line+w, n+wl, false
		case n+1+wl > cols:
			lines = append(lines, line)
			line, n = indent+w, width(indent)+wl
		default:
			line, n = line+" "+w, n+1+wl
		}
	}
	return append(lines, line)
}

// wrapTo writes text after prefix, wrapped to cols (see wrapLines), each
// line passed through paint.
func wrapTo(b *strings.Builder, prefix, text string, cols int, paint func(string) string) {
	for _, l := range wrapLines(prefix, text, cols) {
		if paint != nil {
			l = paint(l)
		}
		b.WriteString(l + "\n")
	}
}

// wrapHeaded writes title, then text, wrapped to cols after prefix, the
// title in bold: "Likely causes: none".
func wrapHeaded(b *strings.Builder, prefix, title, text string, cols int, st style) {
	lines := wrapLines(prefix, title+text, cols)
	if strings.HasPrefix(lines[0], prefix+title) {
		lines[0] = prefix + st.bold(title) + lines[0][len(prefix+title):]
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
}

// style colours text for a terminal, or leaves it plain.
type style struct{ colour bool }

const reset = "\x1b[0m"

// bold is a heading.
func (s style) bold(t string) string {
	if !s.colour || t == "" {
		return t
	}
	return "\x1b[1m" + t + reset
}

// tone is the colour of a grade: green none, yellow mild, orange
// moderate, red severe; "" for any other.
func tone(sev valgus.Severity) string {
	switch sev {
	case valgus.SevNone:
		return "32"
	case valgus.SevMild:
		return "33"
	case valgus.SevModerate:
		return "38;5;208"
	case valgus.SevSevere:
		return "31"
	}
	return ""
}

// grade colours t by a grade.
func (s style) grade(sev valgus.Severity, t string) string {
	c := tone(sev)
	if !s.colour || c == "" || t == "" {
		return t
	}
	return "\x1b[" + c + "m" + t + reset
}

// verdict colours the verdict line by the worst grade, in bold.
func (s style) verdict(sev valgus.Severity) func(string) string {
	return func(t string) string {
		if !s.colour || t == "" {
			return t
		}
		c := "1"
		if tc := tone(sev); tc != "" {
			c += ";" + tc
		}
		return "\x1b[" + c + "m" + t + reset
	}
}

// column is one column of a terminal table.
type column struct {
	head  string
	group string // a label spanning the consecutive columns of the same group ("left knee")
	cells []string
	tones []valgus.Severity // colours of the cells, when coloured
	right bool              // aligned right
	// drop orders the columns that may be left out when the table is too
	// wide: the highest first; 0 is never left out.
	drop int
	// perRep: the cell repeats for every row of a rep (blank on the rows
	// after its first, cont).
	perRep bool
	// record writes a cell in the one-record-per-row layout ("rep %s"),
	// "" for "head cell".
	record string
	// label: the cell names the row in that layout.
	label bool
}

// table is a terminal table: columns of the same number of rows; cont
// marks rows that continue the rep of the row above.
type table struct {
	cols []column
	cont []bool
}

const (
	tableIndent = 2
)

// fit chooses each column's width so that the table fits cols columns of
// terminal with sep spaces between columns, wrapping headers at word
// boundaries if need be and wrapHeads; false when it cannot fit.
func (t table) fit(cols, sep int, wrapHeads bool) ([]int, bool) {
	n := len(t.cols)
	pref, least := make([]int, n), make([]int, n)
	for i, c := range t.cols {
		cell := 0
		for _, v := range c.cells {
			cell = max(cell, width(v))
		}
		pref[i], least[i] = max(cell, width(c.head)), cell
		for _, w := range strings.Fields(c.head) {
			least[i] = max(least[i], width(w))
		}
		if !wrapHeads {
			least[i] = pref[i]
		}
	}
	total := func(ws []int) int {
		s := tableIndent + sep*(n-1)
		for _, w := range ws {
			s += w
		}
		return s
	}
	// narrow: the narrowest width at which the header takes at most two
	// lines (at least least)
	narrow := make([]int, n)
	for i, c := range t.cols {
		narrow[i] = least[i]
		for narrow[i] < pref[i] && len(headLines(c.head, narrow[i])) > 2 {
			narrow[i]++
		}
	}
	// too wide: every header on two lines, else one word a line, so that
	// the same header wraps the same way in every column
	ws := pref
	for _, floor := range [][]int{narrow, least} {
		if total(ws) <= cols {
			break
		}
		ws = floor
	}
	if total(ws) > cols {
		return nil, false
	}
	// a group's label must fit over its columns
	for i := 0; i < n; {
		j, span := i, ws[i]
		for j+1 < n && t.cols[j+1].group == t.cols[i].group {
			j++
			span += sep + ws[j]
		}
		if width(t.cols[i].group) > span {
			return nil, false
		}
		i = j + 1
	}
	return ws, true
}

// headLines wraps a header into w columns.
func headLines(head string, w int) []string {
	lines := wrapLines("", head, w)
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	return lines
}

// render writes the table with column widths ws and sep spaces between.
func (t table) render(b *strings.Builder, ws []int, sep int, st style) {
	// pad pads painted, the colours around s, to w columns.
	pad := func(s, painted string, w int, right bool) string {
		fill := strings.Repeat(" ", max(0, w-width(s)))
		if right {
			return fill + painted
		}
		return painted + fill
	}
	gap := strings.Repeat(" ", sep)
	writeRow := func(cells []string) {
		line := strings.TrimRight(strings.Repeat(" ", tableIndent)+strings.Join(cells, gap), " ")
		b.WriteString(line + "\n")
	}
	// the group labels
	if slices.ContainsFunc(t.cols, func(c column) bool { return c.group != "" }) {
		var cells []string
		for i := 0; i < len(t.cols); {
			j, span := i, ws[i]
			for j+1 < len(t.cols) && t.cols[j+1].group == t.cols[i].group {
				j++
				span += sep + ws[j]
			}
			cells = append(cells, st.bold(t.cols[i].group)+strings.Repeat(" ", span-width(t.cols[i].group)))
			i = j + 1
		}
		writeRow(cells)
	}
	// the headers, wrapped, their last lines level
	heads := make([][]string, len(t.cols))
	rows := 0
	for i, c := range t.cols {
		heads[i] = headLines(c.head, ws[i])
		rows = max(rows, len(heads[i]))
	}
	for r := 0; r < rows; r++ {
		cells := make([]string, len(t.cols))
		for i, h := range heads {
			k := r - (rows - len(h))
			s := ""
			if k >= 0 {
				s = h[k]
			}
			cells[i] = pad(s, st.bold(s), ws[i], t.cols[i].right)
		}
		writeRow(cells)
	}
	for r := range t.rowCount() {
		cells := make([]string, len(t.cols))
		for i, c := range t.cols {
			s := c.cells[r]
			if c.perRep && r < len(t.cont) && t.cont[r] {
				s = ""
			}
			painted := s
			if c.tones != nil {
				painted = st.grade(c.tones[r], s)
			}
			cells[i] = pad(s, painted, ws[i], c.right)
		}
		writeRow(cells)
	}
}

func (t table) rowCount() int {
	if len(t.cols) == 0 {
		return 0
	}
	return len(t.cols[0].cells)
}

// records writes the table one row per paragraph, wrapped to cols: "rep
// 1, left knee: how far in +9.6°, when bottom, grade none".
func (t table) records(b *strings.Builder, cols int, st style) {
	for r := range t.rowCount() {
		var label, rest []string
		for _, c := range t.cols {
			s := c.cells[r]
			if s == "" {
				continue
			}
			if c.tones != nil {
				s = st.grade(c.tones[r], s)
			}
			if c.record != "" {
				s = strings.Replace(c.record, "%s", s, 1)
			} else {
				s = c.head + " " + s
			}
			if c.label {
				label = append(label, s)
			} else {
				rest = append(rest, s)
			}
		}
		wrapTo(b, "  ", strings.Join(label, ", ")+": "+strings.Join(rest, ", "), cols, nil)
	}
}

// without is the table without the column of the highest drop rank, false
// when no column may be left out.
func (t table) without() (table, bool) {
	k := -1
	for i, c := range t.cols {
		if c.drop > 0 && (k < 0 || c.drop > t.cols[k].drop) {
			k = i
		}
	}
	if k < 0 {
		return t, false
	}
	out := table{cont: t.cont}
	out.cols = append(slices.Clone(t.cols[:k]), t.cols[k+1:]...)
	return out, true
}

// layout writes the first of the tables that fits cols. Each is tried
// with headers on one line, then wrapped; with two spaces between
// columns, then one; with every column, then (when mayDrop) without the
// columns that may be left out, one by one. When none fits, the last table is written one
// record per row.
func layout(b *strings.Builder, tables []table, cols int, mayDrop bool, st style) {
	for _, t := range tables {
		for _, wrapHeads := range []bool{false, true} {
			for _, sep := range []int{2, 1} {
				for t := t; ; {
					if ws, ok := t.fit(cols, sep, wrapHeads); ok {
						t.render(b, ws, sep, st)
						return
					}
					var ok bool
					if t, ok = t.without(); !mayDrop || !ok {
						break
					}
				}
			}
		}
	}
	if len(tables) > 0 {
		tables[len(tables)-1].records(b, cols, st)
	}
}
