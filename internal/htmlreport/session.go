package htmlreport

// This file: the session: several sets side by side.

import (
	"fmt"
	"strings"

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
	title := "Knee cave against load"
	svg, err := drawBoth(func(sz chartSize, alt chartText) (string, error) { return loadChart(ss, sz, alt) },
		chartText{id: "chart-load", title: title, desc: loadDesc(ss)})
	if err != nil {
		return sv, err
	}
	sv.Chart = &chartView{ID: "chart-load", Title: title, SVG: svg,
		Caption: "Each point is a set: the mean graded measure (the cave angle for squats on both legs, the valgus angle above standing otherwise) of its first two full reps, before fatigue builds up. " +
			"Dashed: straight-line trend when there are three or more sets. Differences under about 8° are within 2D measurement noise.",
		Legend: sideLegend(true)}
	return sv, nil
}

// loadDesc lists each set's load and its first reps' graded measure per
// knee, for screen readers.
func loadDesc(ss *valgus.SessionResult) string {
	var sets []string
	for k, set := range ss.Sets {
		if !set.Analysed || !set.HasLoad {
			continue
		}
		g := gradedFor(set)
		sets = append(sets, fmt.Sprintf("set %d at %s kg: left %s, right %s", k+1, trimNum(set.LoadKG),
			sdeg(freshGraded(set, g, 0)), sdeg(freshGraded(set, g, 1))))
	}
	return "Each set's mean graded measure over its first two full reps against its load, per knee: " + strings.Join(sets, "; ") + "."
}

func sideLegend(points bool) []legendItem {
	return []legendItem{{Label: "left knee", Colour: hexOf(sideColour[0]), Box: points},
		{Label: "right knee", Colour: hexOf(sideColour[1]), Dashed: !points, Box: points}}
}
