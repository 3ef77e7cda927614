package eval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Config is one scoring run (`kneetrack eval`): the built-in labelled set
// when Labels is "", else a labels file and its clips.
type Config struct {
	// Labels is the labels file ("" for the built-in set).
	Labels string
	// Mocap, Small and Seed make the built-in set (evalset.Options); Mocap
	// "" looks for the shared folder (FindMocapDir).
	Mocap string
	Small bool
	Seed  int64
	// Dir is the folder a labels file's names are relative to ("": the
	// labels file's folder).
	Dir string
	// Track reads a labels file's keypoint tracks; Video tracks its videos
	// (nil: a video row is reported and skipped).
	Track track.LoadOptions
	Video TrackFunc
	// VideoModel describes how the videos are tracked, for the status line
	// ("blazepose-full, mirror-averaged").
	VideoModel string
	// Output is the scores' file ("" or "-": standard output), checked
	// before any work against the inputs.
	Output string
	// CavesFrom is the grade from which a knee counts as caving.
	CavesFrom valgus.Severity
	// Workers is the number of analyses run at once (0: one per core).
	Workers int
	// Status receives the run's status lines (what is being built, loaded,
	// analysed; rows that could not be read); nil discards them.
	Status io.Writer
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Evaluated is what a run scored.
type Evaluated struct {
	Summary Summary
	// Outcomes are the clips analysed, in order.
	Outcomes []Outcome
	// NotScored are a labels file's rows that could not be read.
	NotScored []NotScored
}

// ParseCavesFrom reads a severity from which a knee counts as caving:
// mild, moderate or severe.
func ParseCavesFrom(s string) (valgus.Severity, error) {
	switch sev := valgus.Severity(strings.ToLower(strings.TrimSpace(s))); sev {
	case valgus.SevMild, valgus.SevModerate, valgus.SevSevere:
		return sev, nil
	}
	return "", errors.New("use mild, moderate or severe")
}

// Evaluate builds or loads the labelled clips, analyses every one and
// scores the verdicts. It fails when the clips cannot be had at all, not
// when some of them cannot be analysed (see (*Evaluated).Err).
func Evaluate(ctx context.Context, cfg Config) (*Evaluated, error) {
	if cfg.Status == nil {
		cfg.Status = io.Discard
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	var items []Item
	var notScored []NotScored
	var err error
	if cfg.Labels == "" {
		items, err = cfg.builtIn()
	} else {
		items, notScored, err = cfg.labelled(ctx)
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Status, "analysing %d clips...\n", len(items))
	outs, err := Run(ctx, items, valgus.Options{Logger: cfg.Logger}, cfg.Workers)
	if err != nil {
		return nil, fmt.Errorf("analysing the clips: %w", err)
	}
	sm := Summarise(outs, cfg.CavesFrom)
	cfg.Logger.Debug("evaluated", "clips", len(items), "seconds", time.Since(start).Seconds())
	return &Evaluated{Summary: sm, Outcomes: outs, NotScored: notScored}, nil
}

// builtIn builds the built-in labelled set, checking the output first.
func (cfg *Config) builtIn() ([]Item, error) {
	if cfg.Dir != "" {
		return nil, errors.New("--dir goes with a labels file: kneetrack eval LABELS.csv --dir DIR")
	}
	mocap, note := FindMocapDir(cfg.Mocap)
	if note != "" {
		fmt.Fprintf(cfg.Status, "note: %s\n", note)
	}
	var inputs []string // files the output must not overwrite
	if mocap != "" {
		inputs, _ = filepath.Glob(filepath.Join(mocap, "*.trc"))
	}
	if err := CheckOutput(cfg.Output, inputs); err != nil {
		return nil, err
	}
	size := "full"
	if cfg.Small {
		size = "small"
	}
	fmt.Fprintf(cfg.Status, "building the built-in labelled set (%s, seed %d)...\n", size, cfg.Seed)
	cases, err := evalset.Build(evalset.Options{MocapDir: mocap, Seed: cfg.Seed, Small: cfg.Small})
	if err != nil {
		return nil, fmt.Errorf("building the labelled set: %w", err)
	}
	return FromEvalset(cases), nil
}

// labelled reads a labels file and its clips (tracking the videos), and
// checks that the output names none of them. It fails only when the labels
// file is unusable or no clip could be read.
func (cfg *Config) labelled(ctx context.Context) ([]Item, []NotScored, error) {
	bad := func(e error) { fmt.Fprintf(cfg.Status, "%s: %v\n", cfg.Labels, e) }
	l, err := OpenLabels(cfg.Labels, cfg.Dir, bad)
	if err != nil {
		return nil, nil, err
	}
	if err := CheckOutput(cfg.Output, l.Files()); err != nil {
		return nil, nil, err
	}
	nVideos, n := l.Videos(), len(l.Rows)
	opt := LoadOptions{Track: cfg.Track, Video: cfg.Video,
		Progress: func(i, n int, path string) {
			if nVideos > 0 {
				fmt.Fprintf(cfg.Status, "[%d/%d] %s\n", i+1, n, path)
			}
			cfg.Logger.Debug("loading clip", "index", i+1, "of", n, "path", path)
		}}
	if nVideos > 0 {
		fmt.Fprintf(cfg.Status, "%d labelled clips, %d of them videos to track first (%s)\n", n, nVideos, cfg.VideoModel)
	}
	items, err := l.Load(ctx, opt, bad)
	if err != nil {
		return nil, nil, err
	}
	return items, l.NotScored, nil
}

// Report is the scores as format ("text": the table with at most worst
// mistakes and the rows not scored; "json": WriteJSON).
func (e *Evaluated) Report(format string, worst int) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if format == "json" {
		err = WriteJSON(&buf, e.Summary, e.NotScored)
	} else {
		err = e.Summary.WriteTable(&buf, worst)
		if err == nil && len(e.NotScored) > 0 {
			fmt.Fprintf(&buf, "\n  %d labelled clips could not be scored:\n", len(e.NotScored))
			for _, r := range e.NotScored {
				fmt.Fprintf(&buf, "  - %s\n", r.Error)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("writing the scores: %w", err)
	}
	return buf.Bytes(), nil
}

// Err says, with the first clip's error, that none of the clips could be
// analysed; nil when at least one was.
func (e *Evaluated) Err() error {
	sm := e.Summary
	if sm.Errors == 0 || sm.Errors != sm.Clips {
		return nil
	}
	for _, o := range e.Outcomes {
		if o.Err != nil {
			return fmt.Errorf("none of the %d clips could be analysed; the first: %s: %w", sm.Clips, o.Item.Name, o.Err)
		}
	}
	return nil
}
