package htmlreport

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// The report shows the thresholds the analysis graded with, which it
// reads from the result (nobody passes them to it), and draws the key
// frames from the cleaned track the result carries.
func TestReportReadsResultContext(t *testing.T) {
	tr := overlaytest.Track(t, sim.StickSet{Reps: 3, RightValgusDeg: []float64{10, 20, 30}}, 720, 1280)
	own := valgus.Defaults()
	own.KneeCaveDeg = valgus.Bands{Mild: 21, Moderate: 32, Severe: 43}
	for _, c := range []struct {
		name string
		th   *valgus.Thresholds
		want []string // the bands of the method's first row (squats on both legs)
	}{
		{"defaults", nil, []string{"≥ 3°", "≥ 6°", "≥ 12°"}},
		{"the analysis's own", &own, []string{"≥ 21°", "≥ 32°", "≥ 43°"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{Thresholds: c.th})
			if err != nil {
				t.Fatal(err)
			}
			ss, err := valgus.AnalyzeSession([]*valgus.SetResult{set})
			if err != nil {
				t.Fatal(err)
			}
			p := parse(t, render(t, Input{Session: ss}))
			var row string
			walk(p.sections["method"][0], func(n *html.Node) {
				if row == "" && n.Data == "tr" && strings.Contains(textOf(n), "squat on both legs (graded)") {
					row = textOf(n)
				}
			})
			for _, w := range c.want {
				if !strings.Contains(row, w) {
					t.Errorf("method row %q lacks %q", row, w)
				}
			}
			if len(p.imgs) != 2 {
				t.Errorf("%d key frames, want 2 drawn from the result's track", len(p.imgs))
			}
		})
	}
}
