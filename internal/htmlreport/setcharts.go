package htmlreport

// This file: each set's charts: which measures are plotted and their captions.

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

type chartView struct {
	ID, Title, Caption string
	SVG                template.HTML
	Legend             []legendItem
}

type legendItem struct {
	Label, Colour string
	Dashed, Box   bool
}

// drawFunc draws one chart at one size.
type drawFunc func(sz chartSize, alt chartText) (string, error)

// drawBoth draws a chart at every size (wide and narrow, one shown at a
// time by the CSS), each with its title and description.
func drawBoth(draw drawFunc, alt chartText) (template.HTML, error) {
	var b strings.Builder
	for _, sz := range chartSizes {
		svg, err := draw(sz, alt)
		if err != nil {
			return "", err
		}
		b.WriteString(svg)
	}
	return template.HTML(b.String()), nil
}

// setCharts draws a set's charts; suffix makes their ids unique in a
// report of several sets.
func setCharts(set *valgus.SetResult, g graded, suffix string) ([]*chartView, []error) {
	var out []*chartView
	var errs []error
	add := func(draw func(*valgus.SetResult, chartSize, chartText) (string, error), desc string, cv chartView) {
		cv.ID += suffix
		svg, err := drawBoth(func(sz chartSize, alt chartText) (string, error) { return draw(set, sz, alt) },
			chartText{id: cv.ID, title: cv.Title, desc: desc})
		if err != nil {
			errs = append(errs, err)
			return
		}
		cv.SVG = svg
		out = append(out, &cv)
	}
	caption := "The cave angle of each knee, frame by frame: how far the knee turned in towards the other knee past straight ahead " +
		"(0 = tracking straight, + = inwards), as far as both knees closed in. Grey bands are the reps, numbered at the top; " +
		"tinted zones mark the mild, moderate and severe classes. Gaps: a point was not trusted, or the knee was too straight to say."
	if !g.bilateral {
		caption = "The valgus angle of each knee, frame by frame: how far the knee angle rose above its standing value " +
			"(the FPPA rise, or the angle the knee's distance from the hip-ankle line makes where the FPPA cannot be read; + = knee inwards). " +
			"Grey bands are the reps, numbered at the top; tinted zones mark the mild, moderate and severe classes. Gaps: a point was not trusted."
	}
	measure := "Valgus angle above standing"
	if g.bilateral {
		measure = "Knee cave angle"
	}
	add(fppaChart, gradedDesc(set, g, "frame by frame"), chartView{ID: "chart-fppa", Title: measure + " through the set",
		Caption: caption,
		Legend:  sideLegend(false)})
	add(peaksChart, gradedDesc(set, g, "each rep's peak"), chartView{ID: "chart-peaks", Title: measure + ": peak per rep and trend",
		Caption: peakCaption(set),
		Legend:  sideLegend(true)})
	if set.Movement == body.MoveBilateralSquat {
		add(kasrChart, kasrDesc(set), chartView{ID: "chart-kasr", Title: "Knee-to-ankle separation (KASR), not graded",
			Caption: "Distance between the knees divided by that between the ankles. About 1: knees over the feet; well below 1: knees collapsing together, " +
				"but also knees tracking straight over feet set wider than the hips. KASR grades nothing, so no classes are tinted: " +
				"the dashed 0.8, 0.7 and 0.6 lines are a convention of other tools, not a published norm.",
			Legend: []legendItem{{Label: "KASR", Colour: hexOf(inkColour)}}})
	}
	add(tempoChart, tempoDesc(set), chartView{ID: "chart-tempo", Title: "Tempo",
		Caption: tempoCaption(set),
		Legend: []legendItem{{Label: "descent", Colour: hexOf(tempoFills[0]), Box: true}, {Label: "bottom", Colour: hexOf(tempoFills[1]), Box: true},
			{Label: "ascent", Colour: hexOf(tempoFills[2]), Box: true}}})
	return out, errs
}

// peakCaption describes the peaks chart, with each knee's trend of the
// graded measure over the full reps, as the analysis fitted it
// (SetSummary.Fatigue: worsening or improving needs the 95% interval off
// zero and a fitted change of at least FatigueMinChangeDeg).
func peakCaption(set *valgus.SetResult) string {
	var parts []string
	for s := 0; s < 2; s++ {
		f := set.Summary.Fatigue[s]
		name := [2]string{"Left", "Right"}[s]
		switch {
		case f.Verdict == valgus.TrendTooFew:
			parts = append(parts, name+": too few reps for a trend")
		case math.IsNaN(f.Slope):
		default:
			parts = append(parts, fmt.Sprintf("%s: %s, %s° per rep (95%% CI %s to %s)", name, f.Verdict, words.PlusZero(fmt.Sprintf("%+.1f", f.Slope)), words.PlusZero(fmt.Sprintf("%+.1f", f.CILow)), words.PlusZero(fmt.Sprintf("%+.1f", f.CIHigh))))
		}
	}
	s := "Each rep's peak, per knee."
	if set.Summary.PartialReps > 0 {
		s += " Hollow marks are partial reps (cut by the start or end of the video), left out of the trend."
	}
	s += " Dashed: straight-line trend over the full reps."
	if len(parts) > 0 {
		s += " " + strings.Join(parts, ". ") + "."
	}
	return s
}

// gradedDesc describes a graded chart for screen readers: the measure, the
// bands and each knee's peak per rep.
func gradedDesc(set *valgus.SetResult, g graded, how string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Each knee's %s, %s, over the grade bands: mild from %s°, moderate from %s°, severe from %s°.",
		strings.TrimSuffix(g.label, " (°)"), how, trimNum(g.bands.Mild), trimNum(g.bands.Moderate), trimNum(g.bands.Severe))
	for s := 0; s < 2; s++ {
		if !sideAssessed(set, s) {
			fmt.Fprintf(&b, " %s knee: not the working leg.", [2]string{"Left", "Right"}[s])
			continue
		}
		var peaks []string
		for _, r := range set.Reps {
			peaks = append(peaks, fmt.Sprintf("rep %d %s (%s)", r.Index, sdeg(g.repValue(r.Side[s])), sevWords(r.Side[s].Severity)))
		}
		fmt.Fprintf(&b, " %s knee peaks: %s.", [2]string{"Left", "Right"}[s], strings.Join(peaks, ", "))
	}
	return b.String()
}

// kasrDesc describes the KASR chart: the lowest ratio of each rep.
func kasrDesc(set *valgus.SetResult) string {
	var mins []string
	for _, r := range set.Reps {
		mins = append(mins, fmt.Sprintf("rep %d %s", r.Index, num("%.2f", r.KASRMin)))
	}
	return "Knees apart divided by ankles apart, frame by frame, with lines at 1 (knees over the feet) and at the 0.8, 0.7 and 0.6 conventions; it grades nothing. Lowest per rep: " +
		strings.Join(mins, ", ") + "."
}

// tempoDesc lists each rep's descent, bottom and ascent seconds.
func tempoDesc(set *valgus.SetResult) string {
	var reps []string
	for _, r := range set.Reps {
		reps = append(reps, fmt.Sprintf("rep %d %s / %s / %s s", r.Index, num("%.1f", r.Tempo.DescentS), num("%.1f", r.Tempo.BottomS), num("%.1f", r.Tempo.AscentS)))
	}
	return "Seconds going down, at the bottom and coming up, stacked per rep: " + strings.Join(reps, ", ") + "."
}

func tempoCaption(set *valgus.SetResult) string {
	s := "Seconds spent going down, at the bottom and coming up, per rep."
	switch v := set.Summary.VelocityLossPct; {
	case math.IsNaN(v):
	case v > 0:
		s += fmt.Sprintf(" Ascent speed fell by %.0f%% from the faster of the first two reps to the last", v)
		if set.Summary.VelocityFlag {
			s += " (20% or more is a common point to end a set)"
		}
		s += "."
	default:
		s += " The ascent did not slow down over the set."
	}
	return s
}

func hexOf(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
