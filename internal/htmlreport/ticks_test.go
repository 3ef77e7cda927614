package htmlreport

import (
	"math"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// Axis ticks for ranges that once made the labelling loop endless (a load
// of NaN or Inf reached a chart) and for ordinary ones, counted by hand.
func TestNiceTicksEnds(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name      string
		lo, hi    float64
		wantMajor int // labelled ticks
	}{
		{"0 to 10: steps of 2", 0, 10, 6},
		{"60 to 100: steps of 10", 60, 100, 5},
		{"-3 to 3: steps of 2 (-2, 0, 2)", -3, 3, 3},
		{"one value", 5, 5, 1},
		{"infinite top", 0, inf, 0},
		{"infinite bottom", -inf, 0, 0},
		{"NaN", nan, 80, 0},
		{"a range far narrower than the values' precision", 1e17, 1e17 + 64, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ticks := niceTicks{}.Ticks(tc.lo, tc.hi)
			major := 0
			for _, tk := range ticks {
				if tk.Label != "" {
					major++
				}
			}
			if tc.wantMajor > 0 && major != tc.wantMajor {
				t.Errorf("%d labelled ticks, want %d: %v", major, tc.wantMajor, ticks)
			}
			if len(ticks) > 30 {
				t.Errorf("%d ticks", len(ticks))
			}
		})
	}
}

// A chart whose axis range is NaN or infinite (as the load chart's was for
// a load of NaN) is left out with an error instead of sending gonum/plot's
// labelling into an endless loop.
func TestRenderSVGNotFinite(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		p := newPlot(wideSize, "load (kg)", "peak angle (°)")
		line, err := plotter.NewLine(plotter.XYs{{X: 60, Y: 1}, {X: 80, Y: 2}})
		if err != nil {
			t.Fatal(err)
		}
		p.Add(line)
		p.X.Min, p.X.Max = bad, 80
		if _, err := renderSVG(p, wideSize, chartH, chartText{id: "load", title: "valgus against load"}); err == nil {
			t.Errorf("x from %g: a chart was drawn", bad)
		}
	}
	p := newPlot(wideSize, "load (kg)", "peak angle (°)")
	line, _ := plotter.NewLine(plotter.XYs{{X: 60, Y: 1}, {X: 80, Y: 2}})
	p.Add(line)
	if svg, err := renderSVG(p, wideSize, chartH, chartText{id: "load", title: "valgus against load"}); err != nil || len(svg) < 100 {
		t.Errorf("a finite chart: %v (%d bytes)", err, len(svg))
	}
}
