package valgus_test

import (
	"context"
	"fmt"
	"log"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// filmed films a synthetic lifter from straight in front, as a 2D pose
// model would see it.
func filmed(l sim.StickSet) *track.Track {
	tr, err := track.Project(l.Track3D(), track.Camera{})
	if err != nil {
		log.Fatal(err)
	}
	return tr
}

// Analyse a set of three squats whose right knee caves more each rep (the
// synthetic lifter pushes the knees out by 10°, so a turn of 10° is a knee
// tracking straight), and print each rep's grade per knee.
func ExampleAnalyzeSet() {
	lifter := sim.StickSet{Reps: 3, RightValgusDeg: []float64{10, 24, 40}}
	res, err := valgus.AnalyzeSet(context.Background(), filmed(lifter), valgus.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Movement.Label(), "filmed from the", res.View.View)
	for _, r := range res.Reps {
		fmt.Printf("rep %d: left %s, right %s (cave %.0f°)\n", r.Index, r.Side[body.Left].Severity, r.Side[body.Right].Severity, r.Side[body.Right].CaveDeg)
	}
	fmt.Println("worst:", res.Summary.Worst[body.Left], "and", res.Summary.Worst[body.Right])
	// Output:
	// squat (both legs) filmed from the front
	// rep 1: left none, right none (cave 0°)
	// rep 2: left none, right moderate (cave 7°)
	// rep 3: left none, right severe (cave 24°)
	// worst: none and severe
}

// A set too short to hold a rep is not an error: the result says why.
func ExampleAnalyzeSet_tooShort() {
	tr := filmed(sim.StickSet{Reps: 1})
	tr.Frames = tr.Frames[:6]
	res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Analysed, res.Reason, res.Length.Frames, "frames")
	// Output:
	// false too_short 6 frames
}

// The worst and best reps of a set, for key frames.
func ExampleSetResult_KeyReps() {
	lifter := sim.StickSet{Reps: 4, RightValgusDeg: []float64{10, 22, 40, 26}}
	res, err := valgus.AnalyzeSet(context.Background(), filmed(lifter), valgus.Options{})
	if err != nil {
		log.Fatal(err)
	}
	worst, best, ok := res.KeyReps()
	fmt.Println(ok, "worst rep", res.Reps[worst].Index, "best rep", res.Reps[best].Index)
	// Output:
	// true worst rep 3 best rep 1
}

// A result carries the thresholds it was graded with; GradedBands gives
// the bands its working legs were graded on.
func ExampleSetResult_GradedBands() {
	strict := valgus.Defaults()
	strict.KneeCaveDeg = valgus.Bands{Mild: 2, Moderate: 4, Severe: 8}
	res, err := valgus.AnalyzeSet(context.Background(), filmed(sim.StickSet{Reps: 2}), valgus.Options{Thresholds: &strict})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.GradedOnCave(), res.GradedBands())
	// Output:
	// true {2 4 8}
}

// The bands each movement is graded on.
func ExampleThresholds_GradedBands() {
	th := valgus.Defaults()
	for _, c := range []struct {
		who string
		mv  body.Movement
		sex valgus.Sex
	}{
		{"squat on both legs", body.MoveBilateralSquat, valgus.SexUnspecified},
		{"single-leg squat, a woman", body.MoveSingleLegSquat, valgus.SexFemale},
		{"single-leg squat, a man", body.MoveSingleLegSquat, valgus.SexMale},
		{"split squat, a man", body.MoveSplitSquat, valgus.SexMale},
	} {
		b := th.GradedBands(c.mv, c.sex)
		fmt.Printf("%s: mild from %g°, moderate from %g°, severe from %g°\n", c.who, b.Mild, b.Moderate, b.Severe)
	}
	// Output:
	// squat on both legs: mild from 3°, moderate from 6°, severe from 12°
	// single-leg squat, a woman: mild from 10°, moderate from 16.8°, severe from 25°
	// single-leg squat, a man: mild from 9°, moderate from 12.8°, severe from 21°
	// split squat, a man: mild from 10°, moderate from 16.8°, severe from 25°
}

// Sets at rising loads: from which load the knee caves in the first reps.
func ExampleAnalyzeSession() {
	var sets []*valgus.SetResult
	for _, s := range []struct {
		kg, valgusDeg float64
	}{{60, 10}, {80, 10}, {100, 34}, {120, 38}} {
		lifter := sim.StickSet{Reps: 3, RightValgusDeg: []float64{s.valgusDeg}}
		res, err := valgus.AnalyzeSet(context.Background(), filmed(lifter), valgus.Options{LoadKG: s.kg, HasLoad: true})
		if err != nil {
			log.Fatal(err)
		}
		sets = append(sets, res)
	}
	ss, err := valgus.AnalyzeSession(sets)
	if err != nil {
		log.Fatal(err)
	}
	for s, name := range []string{"left", "right"} {
		switch lt := ss.Load[s]; lt.Status {
		case valgus.LoadAppearsFrom:
			fmt.Printf("%s knee: caves from %g kg\n", name, lt.AppearsFromKG)
		default:
			fmt.Printf("%s knee: %s\n", name, lt.Status)
		}
	}
	// Output:
	// left knee: not_seen
	// right knee: caves from 100 kg
}

// A trend over reps with its 95% confidence interval.
func ExampleFitTrend() {
	reps := []float64{1, 2, 3, 4, 5}
	peaks := []float64{2, 4, 6.5, 8, 10}
	t := valgus.FitTrend(reps, peaks)
	fmt.Printf("%.1f° per rep (95%% CI %.1f to %.1f): %s\n", t.Slope, t.CILow, t.CIHigh, t.Verdict)
	// Output:
	// 2.0° per rep (95% CI 1.7 to 2.3): worsening
}

// Grading a value against bands.
func ExampleBands_Classify() {
	b := valgus.Defaults().KneeCaveDeg
	for _, v := range []float64{1, 3, 7, 15} {
		fmt.Println(v, b.Classify(v))
	}
	// Output:
	// 1 none
	// 3 mild
	// 7 moderate
	// 15 severe
}

// A result carries its context: the cleaned track it was measured on (for
// drawings) and the thresholds it was graded with.
func ExampleSetResult() {
	tr := filmed(sim.StickSet{Reps: 2})
	res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(tr.Frames), "frames in,", len(res.CleanTrack.Frames), "cleaned frames kept")
	fmt.Printf("smoothed at %g Hz; graded with the defaults: %v\n", res.Clean.CutoffHz, res.Thresholds == valgus.Defaults())
	// Output:
	// 223 frames in, 223 cleaned frames kept
	// smoothed at 6 Hz; graded with the defaults: true
}
