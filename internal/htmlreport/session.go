package htmlreport

// This file: the session: several sets side by side.

import (
	"fmt"
	"html/template"

	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

type sessionView struct {
	Findings []string
	Chart    *chartView
	Rows     []sessionRow
}

type sessionRow struct {
	Set, Source, Load, Reps string
	Worst                   [2]chip
}

func sessionSection(ss *valgus.SessionResult) (*sessionView, error) {
	sv := &sessionView{}
	sv.Findings = words.Findings(ss.Findings) // the disclaimer is said apart
	for k, set := range ss.Sets {
		row := sessionRow{Set: fmt.Sprint(k + 1), Source: displaySource(set.Source), Load: "–", Reps: fmt.Sprint(set.Summary.Reps)}
		if set.HasLoad {
			row.Load = fmt.Sprintf("%s kg", trimNum(set.LoadKG))
		}
		for s := 0; s < 2; s++ {
			row.Worst[s] = sevChip(set.Summary.Worst[s])
		}
		if !set.Analysed {
			row.Reps = "not graded"
			row.Worst = [2]chip{{"unknown", "–"}, {"unknown", "–"}}
		}
		sv.Rows = append(sv.Rows, row)
	}
	if len(ss.Load[0].Points)+len(ss.Load[1].Points) < 2 {
		return sv, nil
	}
	svg, err := loadChart(ss)
	if err != nil {
		return sv, err
	}
	sv.Chart = &chartView{ID: "chart-load", Title: "Knee cave against load", SVG: template.HTML(svg),
		Caption: "Each point is a set: the mean FPPA rise above standing of its first two full reps, before fatigue builds up. " +
			"Dashed: straight-line trend when there are three or more sets. Differences under about 8° are within 2D measurement noise.",
		Legend: sideLegend(true)}
	return sv, nil
}

func sideLegend(points bool) []legendItem {
	return []legendItem{{Label: "left knee", Colour: hexOf(sideColour[0]), Box: points},
		{Label: "right knee", Colour: hexOf(sideColour[1]), Dashed: !points, Box: points}}
}
