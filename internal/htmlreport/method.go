package htmlreport

// This file: how far to trust the set (quality) and the method with the thresholds used.

import (
	"fmt"
	"math"

	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

type qualityView struct {
	Items     []qualityItem
	RepCounts string
}

type qualityItem struct {
	Level string // ok, warn, bad
	Text  string
}

type methodView struct {
	URL  string
	Rows []methodRow
}

type methodRow struct {
	Movement, Measure, Mild, Moderate, Severe, Source string
}

// quality lists what affects how far the numbers can be trusted.
func quality(set *valgus.SetResult) qualityView {
	var q qualityView
	add := func(level, text string) { q.Items = append(q.Items, qualityItem{level, text}) }
	v := set.View
	yaw := ""
	if !math.IsNaN(v.YawDeg) {
		yaw = fmt.Sprintf(" (camera about %.0f° off straight in front)", v.YawDeg)
	}
	switch v.View {
	case valgus.ViewFront:
		add("ok", "Filmed from the front"+yaw+".")
	case valgus.ViewOblique:
		add("warn", "Filmed at an angle"+yaw+": the angles are distorted, so every rep is at best \"fair\". Film straight from the front.")
	case valgus.ViewSide:
		add("bad", "Filmed from the side"+yaw+": sideways knee movement cannot be seen. Film from the front.")
	default:
		add("bad", "The camera's angle could not be worked out.")
	}
	if !v.FacingCamera && set.Analysed {
		add("ok", "The lifter faces away from the camera or the video is mirrored; left and right follow the body, so the results are the same.")
	}
	for _, n := range words.Notes(v.Notes) {
		add("warn", words.Capitalise(n)+".")
	}
	if len(v.OutOfFrame) == 0 && set.Analysed {
		add("ok", "Hips, knees, ankles and feet stay in the picture.")
	}
	c := set.Clean
	if c.RateHz > 0 {
		text := fmt.Sprintf("%.0f frames per second", c.RateHz)
		level := "ok"
		if c.Resampled {
			text += ", resampled from a variable frame rate"
		}
		if c.RateHz < 20 {
			level = "warn"
			text += ": a low rate; 30 or 60 fps follows the movement better"
		}
		add(level, words.Capitalise(text)+".")
	}
	if c.FilledPoints > 0 {
		add("ok", fmt.Sprintf("%d short keypoint gaps were filled by interpolation.", c.FilledPoints))
	}
	if len(c.LongGaps) > 0 {
		add("warn", fmt.Sprintf("%d longer stretches with a keypoint missing were left unmeasured.", len(c.LongGaps)))
	}
	if !set.HasFeet {
		add("warn", "No heel and toe points (e.g. MoveNet): knee-vs-toes and toe-out are not available.")
	}
	counts := map[string]int{}
	for _, r := range set.Reps {
		counts[r.Quality]++
	}
	if len(set.Reps) > 0 {
		q.RepCounts = fmt.Sprintf("Rep quality: %d good, %d fair, %d poor.", counts[valgus.QualityGood], counts[valgus.QualityFair], counts[valgus.QualityPoor])
		if counts[valgus.QualityPoor] > 0 {
			add("warn", "Some reps could not be graded: hips, knees or ankles were unreliable in too many frames.")
		}
	}
	return q
}

func methodSection(in *Input) methodView {
	th := in.Session.Thresholds
	deg := func(v float64) string { return "≥ " + trimNum(v) + "°" }
	shank := func(v float64) string { return "≥ " + trimNum(v) + " shank" }
	below := func(v float64) string { return "< " + trimNum(v) }
	c := th.KneeCaveDeg
	f, m, u, sp := th.SingleLegFPPA.Female, th.SingleLegFPPA.Male, th.SingleLegFPPA.Unspecified, th.SplitSquatFPPA
	k, kv, fc := th.KASR, th.KneeVsToe, th.FPPAChange
	return methodView{URL: in.MethodURL, Rows: []methodRow{
		{"squat on both legs (graded)", "knee cave angle: how far the knee turns in past straight ahead, as far as both knees close in",
			deg(c.Mild), deg(c.Moderate), deg(c.Severe),
			"kneetrack's convention (no published norm for squats on both legs): mild above the keypoints' noise, moderate a cave a coach sees (about 4 cm in a deep squat)"},
		{"single-leg squat, women (graded)", "valgus angle above standing (FPPA rise, or the MKD angle)", deg(f.Mild), deg(f.Moderate), deg(f.Severe),
			"healthy women 8.4 ± 5.1°, with knee pain 16.8 ± 5.4° (Herrington 2014); > 10° dynamic valgus on a step-down; each band wider than the 2D SDD of 7.5-8.9° (Munro et al. 2012)"},
		{"single-leg squat, men (graded)", "valgus angle above standing", deg(m.Mild), deg(m.Moderate), deg(m.Severe),
			"mild: top of the men's normal range (Herrington & Munro 2010); others: the women's bounds shifted by the same 4° (convention)"},
		{"single-leg squat, sex not given (graded)", "valgus angle above standing", deg(u.Mild), deg(u.Moderate), deg(u.Severe),
			"as for women"},
		{"split squat, front leg (graded)", "valgus angle above standing", deg(sp.Mild), deg(sp.Moderate), deg(sp.Severe),
			"no norm of its own: the single-leg bands (convention)"},
		{"squat on both legs (shown on charts only)", "FPPA rise above standing", deg(fc.Mild), deg(fc.Moderate), deg(fc.Severe),
			"grades nothing: FPPA has no norm for squats on both legs and misleads when the thigh points at the camera"},
		{"all, with foot keypoints (shown only)", "knee further inside the toes than standing", shank(kv.Mild), shank(kv.Moderate), shank(kv.Severe),
			"convention: 0.1 shank is about 4 cm; grades nothing (it depends on how far the feet turn out)"},
		{"squat on both legs (shown only)", "KASR minimum", below(k.Mild), below(k.Moderate), below(k.Severe),
			"convention of other tools, not a published norm; grades nothing (below 1 for knees that track straight over wide feet)"},
	}}
}
