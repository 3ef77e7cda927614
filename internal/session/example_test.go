package session_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// A run on a keypoint track: a simulated lifter's four squats, the right
// knee caving 15° at the bottom of each, analysed and written as a JSON
// report and an HTML report.
func Example() {
	dir, err := os.MkdirTemp("", "kneetrack-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	res, err := sim.Simulate(sim.Set{Reps: 4, FPS: 30, RightValgusDeg: []float64{15, 15, 15, 15}}, sim.DefaultCamera(0))
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "squats.json")
	if err := track.WriteFile(path, res.Track, track.FormatJSON); err != nil {
		panic(err)
	}

	outs := session.Outputs{Format: "json", ReportFile: filepath.Join(dir, "report.json"), ReportDir: filepath.Join(dir, "html")}
	oc, err := session.Analyze(context.Background(), []session.Input{{Path: path, Label: "four squats"}},
		session.Options{Thresholds: valgus.Defaults(), Generator: "example", Outputs: &outs})
	if err != nil {
		panic(err)
	}
	set := oc.Sets[0].Result
	fmt.Printf("%s: %d reps, analysed %v\n", set.Source, len(set.Reps), set.Analysed)
	made, err := oc.Write(context.Background(), outs)
	if err != nil {
		panic(err)
	}
	for _, f := range made {
		rel, _ := filepath.Rel(dir, f.Path)
		fmt.Printf("%s: %s\n", f.What, rel)
	}
	// Output:
	// four squats: 4 reps, analysed true
	// report: html/report.html
}
