package eval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/video"
)

// NotScored is a labelled clip that could not be scored: the labels
// file's line and why.
type NotScored struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// Labelled is a labels file read: its rows, the folder their files are
// relative to and the rows that could not be read.
type Labelled struct {
	Path      string
	Dir       string
	Rows      []LabelRow
	NotScored []NotScored
}

// OpenLabels reads the labels file at path; dir is the folder its file
// names are relative to ("" for the file's own folder). It fails when the
// file is unusable (no header, no file column, ...) or labels no clip; a
// bad row is kept in NotScored and also told to bad, as it is found.
func OpenLabels(path, dir string, bad func(error)) (*Labelled, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the labels: %w", err)
	}
	rows, rowErr := ReadLabels(fh)
	fh.Close()
	l := &Labelled{Path: path, Rows: rows}
	if rowErr != nil {
		if !isJoined(rowErr) {
			// the file itself is unusable (no header, no file column, ...)
			return nil, fmt.Errorf("%s: %w", path, rowErr)
		}
		for _, e := range unjoin(rowErr) {
			bad(e)
			l.NotScored = append(l.NotScored, NotScored{Line: lineOf(e), Error: e.Error()})
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no labelled clip to score", path)
	}
	if dir == "" {
		dir = filepath.Dir(path)
	} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--dir %s: not a folder", dir)
	}
	l.Dir = dir
	return l, nil
}

// Files are the labels file and every clip it names, resolved.
func (l *Labelled) Files() []string {
	files := []string{l.Path}
	for _, r := range l.Rows {
		files = append(files, r.Resolve(l.Dir))
	}
	return files
}

// Videos counts the clips that are videos, to be tracked first.
func (l *Labelled) Videos() int {
	n := 0
	for _, r := range l.Rows {
		if video.IsFile(r.Resolve(l.Dir)) {
			n++
		}
	}
	return n
}

// Load reads (or tracks) every clip (opt.Dir is the labels' own). A clip
// that cannot be read joins NotScored and is told to bad; Load fails only
// when no clip could be read, or when ctx is cancelled.
func (l *Labelled) Load(ctx context.Context, opt LoadOptions, bad func(error)) ([]Item, error) {
	opt.Dir = l.Dir
	items, errs, err := LoadItems(ctx, l.Rows, opt)
	if err != nil {
		return nil, err
	}
	for _, e := range errs {
		bad(e)
		l.NotScored = append(l.NotScored, NotScored{Line: lineOf(e), Error: e.Error()})
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: none of the %d labelled clips could be read (see above)", l.Path, len(l.Rows))
	}
	slices.SortStableFunc(l.NotScored, func(a, b NotScored) int { return a.Line - b.Line })
	return items, nil
}

func isJoined(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}

// unjoin returns the errors joined in err (err itself when not joined).
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func lineOf(err error) int {
	var le *LineError
	if errors.As(err, &le) {
		return le.Line
	}
	return 0
}

// FindMocapDir returns the motion-capture folder: flag when given, else
// $KNEETRACK_SHARED/mocap, else ../shared/mocap beside the repository
// (found from the current folder upwards) or beside the binary; "" with a
// note when there is none.
func FindMocapDir(flag string) (string, string) {
	if flag != "" {
		return flag, ""
	}
	var candidates []string
	if s := os.Getenv("KNEETRACK_SHARED"); s != "" {
		candidates = append(candidates, filepath.Join(s, "mocap"))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				candidates = append(candidates, filepath.Join(filepath.Dir(d), "shared", "mocap"))
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		// the binary in the repository's bin/ or beside it
		d := filepath.Dir(exe)
		candidates = append(candidates, filepath.Join(filepath.Dir(filepath.Dir(d)), "shared", "mocap"),
			filepath.Join(filepath.Dir(d), "shared", "mocap"))
	}
	for _, c := range candidates {
		if m, _ := filepath.Glob(filepath.Join(c, "*.trc")); len(m) > 0 {
			return c, ""
		}
	}
	return "", "no motion-capture folder found (../shared/mocap beside the repository or binary); scoring synthetic cases only (give --mocap DIR)"
}

// CheckOutput checks the scores' output (-o) before any work: not one of
// the inputs, not a folder or device, in a folder that can be written.
func CheckOutput(out string, inputs []string) error {
	var p atomicfile.Plan
	for _, in := range inputs {
		p.Input(in)
	}
	p.Output("-o", out)
	return p.Check()
}
