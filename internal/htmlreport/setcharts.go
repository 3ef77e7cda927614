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

func setCharts(set *valgus.SetResult, g graded) ([]*chartView, []error) {
	var out []*chartView
	var errs []error
	add := func(svg string, err error, cv chartView) {
		if err != nil {
			errs = append(errs, err)
			return
		}
		cv.SVG = template.HTML(svg)
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
	svg, err := fppaChart(set)
	add(svg, err, chartView{ID: "chart-fppa", Title: "Knee angle through the set",
		Caption: caption,
		Legend:  sideLegend(false)})
	svg, err = peaksChart(set)
	add(svg, err, chartView{ID: "chart-peaks", Title: "Peak per rep and trend",
		Caption: peakCaption(set),
		Legend:  sideLegend(true)})
	if set.Movement == body.MoveBilateralSquat {
		svg, err = kasrChart(set)
		add(svg, err, chartView{ID: "chart-kasr", Title: "Knee-to-ankle separation (KASR)",
			Caption: "Distance between the knees divided by that between the ankles. About 1: knees over the feet; well below 1: knees collapsing together. " +
				"The 0.8 line is a common convention of other tools, not a published norm.",
			Legend: []legendItem{{Label: "KASR", Colour: hexOf(inkColour)}}})
	}
	svg, err = tempoChart(set)
	add(svg, err, chartView{ID: "chart-tempo", Title: "Tempo",
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
