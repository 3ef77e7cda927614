// Package htmlreport writes kneetrack's HTML report: one self-contained
// file (inline CSS, inline SVG charts, key frames as data: URIs, no
// scripts, nothing fetched from the network) that a coach can send to an
// athlete. It shows the verdict, key frames of the worst and best reps,
// causes and plan when a coaching result is given, the per-rep table,
// charts (knee angle over time with reps shaded and thresholds drawn, peak
// per rep with its trend, KASR, tempo, valgus against load for sessions),
// filming-quality notes and a short method with its sources. It reads
// well on a phone (narrow charts, tables as cards) and prints compactly.
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
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// FileName is the report's name inside the report folder.
const FileName = "report.html"

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
	// MethodURL links the full method where it is published; "" (the
	// default) names docs/method.md without a link, and the report's own
	// method section explains the measures, bands and sources.
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
	Colours    []uiColour
	KneeNames  [2]string
	TOC        []tocEntry
}

type tocEntry struct{ ID, Label string }

type paletteEntry struct {
	Name, Label, Hex string
}

func build(ctx context.Context, in *Input) (*page, error) {
	ss := in.Session
	pg := &page{Multi: len(ss.Sets) > 1, Coaching: in.Coaching, Disclaimer: words.Disclaimer,
		Colours: cssColours(), KneeNames: [2]string{"Left knee", "Right knee"}}
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

//go:embed report.tmpl
var pageSource string

//go:embed report.css
var pageCSS string

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"css":  func() template.CSS { return template.CSS(pageCSS) },
	"add1": func(i int) int { return i + 1 },
	"f1":   func(v float64) string { return fmt.Sprintf("%.1f", v) },
}).Parse(pageSource))
