// Package htmlreport writes kneetrack's HTML report: one self-contained
// file (inline CSS, inline SVG charts, key frames as data: URIs, no
// scripts, nothing fetched from the network) that a coach can send to an
// athlete. It shows the verdict, key frames of the worst and best reps,
// causes and plan when a coaching result is given, the per-rep table,
// charts (knee angle over time with reps shaded and thresholds drawn, peak
// per rep with its trend, KASR, tempo, valgus against load for sessions),
// filming-quality notes and a short method with a link to the full one.
//
// It formats results from package valgus and draws with package overlay;
// it measures nothing itself.
package htmlreport

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// FileName is the report's name inside the report folder.
const FileName = "report.html"

// DefaultMethodURL is where the full method is published.
const DefaultMethodURL = "https://github.com/kneetrack/kneetrack/blob/main/docs/method.md"

// Input is everything the report shows.
type Input struct {
	// Session is the analysis (one or more sets).
	// The key frames and charts draw and grade with what the analysis
	// carries: each set's cleaned keypoint track and the thresholds it was
	// graded with.
	Session *valgus.SessionResult
	// Sets gives, for each set in Session.Sets (same order), the source
	// video its key frames are drawn on. It may be shorter (sets without an
	// entry get key frames on a plain background).
	Sets []SetMedia
	// Coaching holds likely causes and a plan; nil leaves those sections out.
	Coaching *Coaching
	// Generator names the program, e.g. "kneetrack 1.2.3".
	Generator string
	// Created is shown in the header; zero leaves it out.
	Created time.Time
	// MethodURL links the full method; "" means DefaultMethodURL.
	MethodURL string
	// Logger receives warnings (e.g. a video that could not be read); nil
	// discards them.
	Logger *slog.Logger
}

// SetMedia is what a set's key frames are drawn on.
type SetMedia struct {
	// Video is the source video; "" when unknown, and the key frames then
	// show the keypoints on a plain background.
	Video string
	// VideoNote says why there is no video, for the report; "" for the
	// default wording.
	VideoNote string
}

// Coaching is the coaching result shown in the report: likely causes with
// their evidence, and a plan. Package coach infers it; the caller converts
// it, so the report only formats plain text.
type Coaching struct {
	// Intro qualifies the causes (e.g. that they are inferred from movement).
	Intro  string
	Causes []Cause
	// NoCauses is shown when Causes is empty.
	NoCauses string
	Plan     []Step
	// CannotJudge lists what this input cannot show.
	CannotJudge []string
}

// Cause is a likely cause of the knee cave.
type Cause struct {
	Title   string // e.g. "Fatigue"
	Summary string
	// Confidence in plain words, e.g. "high confidence".
	Confidence string
	// Evidence lists the observations that point to it.
	Evidence []string
	// Caveat qualifies the inference.
	Caveat string
}

// Step is one item of the plan.
type Step struct {
	Text string
	// Kind tags the step, e.g. "load", "technique", "strength".
	Kind string
}

// Write renders the report to w.
func Write(ctx context.Context, w io.Writer, in Input) error {
	if in.Session == nil || len(in.Session.Sets) == 0 {
		return errors.New("writing the HTML report: no analysed sets")
	}
	if in.Logger == nil {
		in.Logger = slog.New(slog.DiscardHandler)
	}
	if in.MethodURL == "" {
		in.MethodURL = DefaultMethodURL
	}
	pg, err := build(ctx, &in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, pg); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// WriteFile writes the report to dir/report.html, creating dir if needed,
// atomically: an existing report is replaced only by a complete new one. It
// returns the report's path.
func WriteFile(ctx context.Context, dir string, in Input) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the report folder: %w", err)
	}
	var buf bytes.Buffer
	if err := Write(ctx, &buf, in); err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName)
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
		return "", err
	}
	return path, nil
}

// The page's view model.
type page struct {
	Title      string
	Subtitle   string
	Generated  string
	Multi      bool
	Session    *sessionView
	Sets       []*setView
	Coaching   *Coaching
	Method     methodView
	Disclaimer string
	Palette    []paletteEntry
	TOC        []tocEntry
}

type tocEntry struct{ ID, Label string }

type paletteEntry struct {
	Name, Label, Hex string
}

type sessionView struct {
	Findings []string
	Chart    *chartView
	Rows     []sessionRow
}

type sessionRow struct {
	Set, Source, Load, Reps string
	Worst                   [2]chip
}

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

type chartView struct {
	ID, Title, Caption string
	SVG                template.HTML
	Legend             []legendItem
}

type legendItem struct {
	Label, Colour string
	Dashed, Box   bool
}

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

func build(ctx context.Context, in *Input) (*page, error) {
	ss := in.Session
	pg := &page{Multi: len(ss.Sets) > 1, Coaching: in.Coaching, Disclaimer: words.Disclaimer}
	pg.Title = "Knee cave report"
	var sub []string
	if len(ss.Sets) == 1 {
		sub = append(sub, displaySource(ss.Sets[0].Source))
	} else {
		sub = append(sub, fmt.Sprintf("%d sets", len(ss.Sets)))
	}
	if !in.Created.IsZero() {
		sub = append(sub, in.Created.Format("2 January 2006, 15:04"))
	}
	pg.Subtitle = strings.Join(sub, " · ")
	pg.Generated = in.Generator
	for _, c := range append([]overlay.Class{overlay.ClassUnknown}, overlay.Classes()...) {
		label := c.String()
		if c == overlay.ClassUnknown {
			label = "not graded"
		}
		pg.Palette = append(pg.Palette, paletteEntry{c.String(), label, c.Hex()})
	}
	if pg.Multi {
		sv, err := sessionSection(ss)
		if err != nil {
			in.Logger.Warn("session chart left out", "err", err)
		}
		pg.Session = sv
		pg.TOC = append(pg.TOC, tocEntry{"session", "Session"})
	}
	for k, set := range ss.Sets {
		var media SetMedia
		if k < len(in.Sets) {
			media = in.Sets[k]
		}
		sv, err := setSection(ctx, k, pg.Multi, set, media, in)
		if err != nil {
			return nil, err
		}
		pg.Sets = append(pg.Sets, sv)
		if pg.Multi {
			pg.TOC = append(pg.TOC, tocEntry{"set" + sv.ID, sv.Heading})
		}
	}
	if !pg.Multi {
		s := pg.Sets[0]
		pg.TOC = append(pg.TOC, tocEntry{"verdict", "Verdict"})
		if len(s.KeyFrames) > 0 {
			pg.TOC = append(pg.TOC, tocEntry{"key-frames", "Key frames"})
		}
	}
	if in.Coaching != nil {
		pg.TOC = append(pg.TOC, tocEntry{"causes", "Causes"}, tocEntry{"plan", "Plan"})
	}
	if !pg.Multi {
		if len(pg.Sets[0].Reps) > 0 {
			pg.TOC = append(pg.TOC, tocEntry{"reps", "Reps"})
		}
		if len(pg.Sets[0].Charts) > 0 {
			pg.TOC = append(pg.TOC, tocEntry{"charts", "Charts"})
		}
		pg.TOC = append(pg.TOC, tocEntry{"quality", "Filming"})
	}
	pg.TOC = append(pg.TOC, tocEntry{"method", "Method"})
	pg.Method = methodSection(in)
	return pg, nil
}

// displaySource shortens a source to its file name (keeping a virtual
// camera's description).
func displaySource(s string) string {
	if i := strings.Index(s, " ("); i > 0 {
		return filepath.Base(s[:i]) + s[i:]
	}
	return filepath.Base(s)
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
	sv.Notes = append(sv.Notes, set.Notes...)
	sv.Headline = headline(set)
	for s := 0; s < 2; s++ {
		sv.Knees[s] = kneeSummary(set, s, g)
	}
	sv.Findings = words.Findings(set.Summary.Findings)
	for _, r := range set.Reps {
		sv.Reps = append(sv.Reps, makeRow(r, g))
	}
	if set.Analysed {
		charts, errs := setCharts(set, g)
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
	how := "recognised"
	if set.MovementGiven {
		how = "as given"
	}
	f = append(f, fmt.Sprintf("%s, %s", set.Movement.Label(), how))
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

// headline sums up a set in one sentence.
func headline(set *valgus.SetResult) string {
	if !set.Analysed {
		return "This set could not be graded: " + words.NotAnalysedReason(set) + "."
	}
	var caving, worst, clean, unknown []string
	for s := 0; s < 2; s++ {
		name := [2]string{"left", "right"}[s]
		switch w := set.Summary.Worst[s]; {
		case w.Rank() >= 1:
			caving = append(caving, name)
			worst = append(worst, string(w))
		case w == valgus.SevNone:
			clean = append(clean, name)
		case w == valgus.SevUnknown:
			unknown = append(unknown, name)
		}
	}
	switch {
	case len(caving) == 2 && worst[0] == worst[1]:
		return fmt.Sprintf("Both knees cave in (%s at worst).", worst[0])
	case len(caving) == 2:
		return fmt.Sprintf("Both knees cave in: the left %s, the right %s at worst.", worst[0], worst[1])
	case len(caving) == 1 && len(clean) == 1:
		return fmt.Sprintf("The %s knee caves in (%s at worst); the %s knee stays in line.", caving[0], worst[0], clean[0])
	case len(caving) == 1:
		return fmt.Sprintf("The %s knee caves in (%s at worst).", caving[0], worst[0])
	case len(clean) > 0 && len(unknown) == 0:
		return fmt.Sprintf("No knee cave beyond the thresholds in %d reps.", set.Summary.Reps+set.Summary.PartialReps)
	case len(clean) > 0:
		return fmt.Sprintf("No knee cave seen on the %s knee; the %s knee could not be graded reliably.", clean[0], unknown[0])
	}
	return "The knees could not be graded reliably: the keypoints were too uncertain."
}

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
		if rs.Assessed {
			c.Peak = "–"
			if v := g.repValue(rs); !math.IsNaN(v) {
				c.Peak = sdeg(v)
			}
			c.When = words.Phase(rs.ShownPhase()).Label
			c.Toes = num("%+.2f", rs.KneeVsToeChange)
			for _, n := range rs.Notes {
				notes = append(notes, [2]string{"left", "right"}[s]+": "+n)
			}
		}
		row.Sides[s] = c
	}
	row.QualityNote = strings.Join(notes, "; ")
	return row
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
	for _, n := range v.Notes {
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

//go:embed report.tmpl
var pageSource string

//go:embed report.css
var pageCSS string

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"css":  func() template.CSS { return template.CSS(pageCSS) },
	"add1": func(i int) int { return i + 1 },
	"f1":   func(v float64) string { return fmt.Sprintf("%.1f", v) },
}).Parse(pageSource))
