package htmlreport

// This file: one set: its verdict, each knee's summary and the rep table.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

type chip struct {
	Class string // CSS class suffix: none, mild, moderate, severe, unknown
	Text  string
}

type setView struct {
	ID       string // suffix for element ids ("" for a single set)
	Heading  string
	Facts    []string
	Analysed bool
	Headline string
	Knees    [2]kneeView
	Findings []string
	Notes    []string
	Reps     []repRow
	// Measure names the graded measure in the table's header ("cave" or
	// "valgus"); Bilateral: the set is graded on the knee's cave angle.
	Measure   string
	Bilateral bool
	// GapLegend explains the "(gap)" mark of a grade resting on the knee
	// gap alone; empty when no rep shows it.
	GapLegend string
	Charts    []*chartView
	ChartNote string
	KeyFrames []keyFrame
	KeyNote   string
	Quality   qualityView
}

type kneeView struct {
	Name   string
	Chip   chip
	Detail string
}

type repRow struct {
	Index, Time, Depth, Tempo, KASR string
	Partial                         bool
	Sides                           [2]sideCell
	Quality                         string
	QualityNote                     string
}

type sideCell struct {
	Assessed     bool
	Peak, Change string
	When, Toes   string
	Chip         chip
}

func setSection(ctx context.Context, k int, multi bool, set *valgus.SetResult, media SetMedia, in *Input) (*setView, error) {
	sv := &setView{Analysed: set.Analysed}
	if multi {
		sv.ID = fmt.Sprintf("-%d", k+1)
		sv.Heading = fmt.Sprintf("Set %d", k+1)
		if set.HasLoad {
			sv.Heading += fmt.Sprintf(" · %s kg", trimNum(set.LoadKG))
		}
	}
	sv.Facts = setFacts(set, multi)
	g := gradedFor(set)
	sv.Bilateral = g.bilateral
	sv.Measure = "valgus"
	if g.bilateral {
		sv.Measure = "cave"
	}
	sv.Notes = append(sv.Notes, words.Notes(set.Notes)...)
	sv.Headline = headline(set)
	for s := 0; s < 2; s++ {
		sv.Knees[s] = kneeSummary(set, s, g)
	}
	sv.Findings = words.Findings(set.Summary.Findings)
	for _, r := range set.Reps {
		sv.Reps = append(sv.Reps, makeRow(r, g))
		for _, rs := range r.Side {
			if rs.Assessed && rs.GapOnly() {
				sv.GapLegend = words.GapLegend(set.Thresholds.KASRCave.Below) + "."
			}
		}
	}
	if set.Analysed {
		charts, errs := setCharts(set, g, sv.ID)
		sv.Charts = charts
		if len(errs) > 0 {
			in.Logger.Warn("charts left out", "set", k+1, "err", errors.Join(errs...))
			sv.ChartNote = "Some charts could not be drawn: " + errors.Join(errs...).Error()
		}
	}
	kf, note, err := keyFrames(ctx, set, media, in)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		in.Logger.Warn("key frames left out", "set", k+1, "err", err)
		note = "The key frames could not be drawn: " + err.Error()
	}
	sv.KeyFrames, sv.KeyNote = kf, note
	sv.Quality = quality(set)
	return sv, nil
}

func setFacts(set *valgus.SetResult, multi bool) []string {
	var f []string
	if multi {
		f = append(f, displaySource(set.Source))
	}
	switch {
	case set.MovementGiven:
		f = append(f, set.Movement.Label()+", as given")
	case set.Movement == body.MoveUnknown || set.Movement == body.MoveNone || set.Movement == body.MoveAuto:
		f = append(f, "movement not recognised")
	default:
		f = append(f, set.Movement.Label()+", recognised")
	}
	if set.Analysed {
		reps := fmt.Sprintf("%d reps", set.Summary.Reps)
		if set.Summary.PartialReps > 0 {
			reps += fmt.Sprintf(" + %d partial", set.Summary.PartialReps)
		}
		f = append(f, reps)
	}
	if set.HasLoad && !multi {
		f = append(f, fmt.Sprintf("%s kg", trimNum(set.LoadKG)))
	}
	f = append(f, set.View.View+" view")
	if set.Video.DurationS > 0 {
		f = append(f, fmt.Sprintf("%.1f s", set.Video.DurationS))
	}
	return f
}

// headline sums up a set in one sentence: the verdict the terminal opens
// with (words.SetVerdict), so that both say the same.
func headline(set *valgus.SetResult) string { return words.SetVerdict(set).Text }

func kneeSummary(set *valgus.SetResult, s int, g graded) kneeView {
	kv := kneeView{Name: [2]string{"Left knee", "Right knee"}[s]}
	if !set.Analysed {
		kv.Chip = chip{"unknown", "not graded"}
		return kv
	}
	kv.Chip = sevChip(set.Summary.Worst[s])
	best, at := math.Inf(-1), 0
	for _, r := range set.Reps {
		if v := g.repValue(r.Side[s]); !math.IsNaN(v) && v > best {
			best, at = v, r.Index
		}
	}
	var parts []string
	switch {
	case at == 0:
	case math.Round(best) <= 0 && g.bilateral:
		parts = append(parts, "the knee never turned in past straight ahead")
	case math.Round(best) <= 0:
		parts = append(parts, "the knee angle never rose above its standing value")
	case g.bilateral:
		parts = append(parts, fmt.Sprintf("largest cave angle %s past straight ahead (rep %d)", sdeg(best), at))
	default:
		parts = append(parts, fmt.Sprintf("largest valgus angle %s above standing (rep %d)", sdeg(best), at))
	}
	toes, toesAt := math.Inf(-1), 0
	for _, r := range set.Reps {
		if v := r.Side[s].KneeVsToeChange; r.Side[s].Assessed && !math.IsNaN(v) && v > toes {
			toes, toesAt = v, r.Index
		}
	}
	if toesAt > 0 && math.Round(100*toes) > 0 {
		parts = append(parts, fmt.Sprintf("knee up to %.0f%% of the shank further inside the toes than standing (rep %d; shown, not graded)", 100*toes, toesAt))
	}
	kv.Detail = strings.Join(parts, "; ")
	return kv
}

func sevChip(s valgus.Severity) chip {
	switch s {
	case valgus.SevNone, valgus.SevMild, valgus.SevModerate, valgus.SevSevere:
		return chip{string(s), sevWords(s)}
	case valgus.SevNotAssessed:
		return chip{"unknown", "not the working leg"}
	}
	return chip{"unknown", "not graded"}
}

func sevWords(s valgus.Severity) string {
	switch s {
	case valgus.SevNone:
		return "no cave"
	case valgus.SevMild, valgus.SevModerate, valgus.SevSevere:
		return string(s)
	case valgus.SevNotAssessed:
		return "not the working leg"
	}
	return "not graded"
}

// sdeg writes a signed whole number of degrees, without "-0".
func sdeg(v float64) string {
	r := math.Round(v)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "–"
	case r > 0:
		return fmt.Sprintf("+%.0f°", r)
	case r < 0:
		return fmt.Sprintf("−%.0f°", -r)
	}
	return "0°"
}

func num(format string, v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

func makeRow(r valgus.RepResult, g graded) repRow {
	row := repRow{Index: fmt.Sprint(r.Index), Partial: r.Partial,
		Time:    fmt.Sprintf("%.1f–%.1f", r.StartS, r.EndS),
		Depth:   num("%.0f%%", 100*r.DepthLeg),
		Tempo:   fmt.Sprintf("%s / %s / %s", num("%.1f", r.Tempo.DescentS), num("%.1f", r.Tempo.BottomS), num("%.1f", r.Tempo.AscentS)),
		KASR:    num("%.2f", r.KASRMin),
		Quality: r.Quality}
	if r.Partial {
		row.Index += "*"
	}
	var notes []string
	for s := 0; s < 2; s++ {
		rs := r.Side[s]
		c := sideCell{Assessed: rs.Assessed, Chip: sevChip(rs.Severity)}
		if rs.Severity == valgus.SevNone {
			c.Chip.Text = "none"
		}
		if rs.Assessed && rs.GapOnly() {
			c.Chip.Text += " " + words.GapMark
		}
		if rs.Assessed {
			c.Peak = "–"
			if v := g.repValue(rs); !math.IsNaN(v) {
				c.Peak = sdeg(v)
			}
			c.When = words.Phase(rs.ShownPhase()).Label
			c.Toes = num("%+.2f", rs.KneeVsToeChange)
			for _, n := range words.Notes(rs.Notes) {
				notes = append(notes, [2]string{"left", "right"}[s]+": "+n)
			}
		}
		row.Sides[s] = c
	}
	row.QualityNote = strings.Join(notes, "; ")
	return row
}
