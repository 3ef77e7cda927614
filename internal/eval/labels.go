package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

// LabelRow is one labelled clip of a labels file (ReadLabels).
type LabelRow struct {
	// Line is the row's line in the file (1 is the header).
	Line int
	// File is the clip's file as written: a keypoint track or a video,
	// relative to the labels file's folder unless absolute.
	File string
	// Movement is the labelled movement (MoveAuto when not given or not
	// recognised); MovementText the text it was read from.
	Movement     body.Movement
	MovementText string
	// Knee holds each knee's label (index 0 the left knee), when the file
	// labels knees (KneeKnown); KneeText the texts they were read from.
	Knee      [2]evalset.Label
	KneeKnown bool
	KneeText  [2]string
	// Clip is the clip's label: from a label column when the file has one
	// and the knees do not decide it, else ClipLabel(Knee).
	Clip     evalset.Label
	ClipText string
}

// Item makes the labelled item of the row's clip from its keypoint track.
// Its tags are the labelled movement's label (or "movement not labelled")
// and any extra tags given.
func (r LabelRow) Item(t *track.Track, tags ...string) Item {
	mv := "movement not labelled"
	if r.Movement != body.MoveAuto {
		mv = r.Movement.Label()
	}
	return Item{Name: r.File, Track: t, Movement: r.Movement, Knee: r.Knee, KneeKnown: r.KneeKnown, Clip: r.Clip,
		Tags: append([]string{mv}, tags...)}
}

// Mirrored returns the row for the clip's mirror image (ffmpeg -vf hflip):
// the knees' labels swapped, since the pose model names sides by where they
// appear in the picture.
func (r LabelRow) Mirrored() LabelRow {
	r.Knee[0], r.Knee[1] = r.Knee[1], r.Knee[0]
	r.KneeText[0], r.KneeText[1] = r.KneeText[1], r.KneeText[0]
	return r
}

// LineError is a problem with one line of a labels file.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Column names ReadLabels accepts (compared in lower case, with spaces and
// hyphens read as underscores).
var (
	fileColumns  = []string{"file", "path", "clip", "video", "track", "filename", "file_name"}
	leftColumns  = []string{"left_knee", "knee_left", "left"}
	rightColumns = []string{"right_knee", "knee_right", "right"}
	clipColumns  = []string{"label", "class", "verdict"}
	moveColumns  = []string{"movement", "exercise"}
)

// ReadLabels reads a labels file: CSV (commas; semicolons or tabs are
// recognised from the header) with a header row naming a file column (file,
// path, clip, video or track), either per-knee label columns (left_knee and
// right_knee) or one clip label column (label, class or verdict), and
// optionally a movement column; other columns are ignored. Lines starting
// with # are comments.
//
// Labels are free text, read by LabelFromText, movements by
// MovementFromText. A file whose header is unusable is an error with no
// rows. A row that cannot be used (no file name, missing fields, a file
// listed twice) is left out: the good rows are returned together with an
// error joining one *LineError per bad row, so that a caller may go on
// with them.
func ReadLabels(r io.Reader) ([]LabelRow, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096)
	head = headerLine(bytes.TrimPrefix(head, []byte("\ufeff")))
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		if _, err := br.Discard(3); err != nil {
			return nil, fmt.Errorf("reading labels: %w", err)
		}
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("reading labels: the file is empty (expected a header row such as file,movement,left_knee,right_knee)")
	}
	if err != nil {
		return nil, fmt.Errorf("reading labels: %w", err)
	}
	hline, _ := cr.FieldPos(0)
	cols := map[string]int{}
	for i, h := range header {
		k := normHeader(h)
		if _, dup := cols[k]; dup {
			if slices.Contains(slices.Concat(fileColumns, leftColumns, rightColumns, clipColumns, moveColumns), k) {
				return nil, &LineError{hline, fmt.Errorf("column %q appears twice in the header", strings.TrimSpace(h))}
			}
			continue // an ignored column, e.g. two "notes"
		}
		cols[k] = i
	}
	find := func(names []string) int {
		for _, n := range names {
			if i, ok := cols[n]; ok {
				return i
			}
		}
		return -1
	}
	fileCol, leftCol, rightCol := find(fileColumns), find(leftColumns), find(rightColumns)
	clipCol, moveCol := find(clipColumns), find(moveColumns)
	switch {
	case fileCol < 0:
		return nil, &LineError{hline, fmt.Errorf("no file column in the header %q: name one of %s", strings.Join(header, string(cr.Comma)), strings.Join(fileColumns[:5], ", "))}
	case (leftCol < 0) != (rightCol < 0):
		return nil, &LineError{hline, errors.New("the header has a label column for one knee only: give both left_knee and right_knee")}
	case leftCol < 0 && clipCol < 0:
		return nil, &LineError{hline, fmt.Errorf("no label column in the header %q: give left_knee and right_knee, or label", strings.Join(header, string(cr.Comma)))}
	}

	var rows []LabelRow
	var bad []error
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				// the reader cannot be trusted past a quoting error
				bad = append(bad, &LineError{pe.StartLine, fmt.Errorf("not valid CSV: %w", pe.Err)})
				break
			}
			bad = append(bad, &LineError{line, err})
			continue
		}
		if blank(rec) {
			continue
		}
		field := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		need := max(fileCol, leftCol, rightCol, clipCol)
		if len(rec) <= need {
			bad = append(bad, &LineError{line, fmt.Errorf("%d field(s), but the header names %d columns", len(rec), len(header))})
			continue
		}
		row := LabelRow{Line: line, File: field(fileCol), MovementText: field(moveCol), ClipText: field(clipCol)}
		if row.File == "" {
			bad = append(bad, &LineError{line, errors.New("no file name")})
			continue
		}
		if first, dup := seen[row.File]; dup {
			bad = append(bad, &LineError{line, fmt.Errorf("%s is listed again (first on line %d)", row.File, first)})
			continue
		}
		seen[row.File] = line
		row.Movement = MovementFromText(row.MovementText)
		row.Clip = evalset.Ambiguous
		if leftCol >= 0 {
			row.KneeText = [2]string{field(leftCol), field(rightCol)}
			row.Knee = [2]evalset.Label{LabelFromText(row.KneeText[0]), LabelFromText(row.KneeText[1])}
			row.KneeKnown = true
			row.Clip = ClipLabel(row.Knee)
		}
		if clipCol >= 0 && row.Clip == evalset.Ambiguous {
			row.Clip = LabelFromText(row.ClipText)
		}
		rows = append(rows, row)
	}
	return rows, errors.Join(bad...)
}

// headerLine returns the first line of head that is neither blank nor a
// comment.
func headerLine(head []byte) []byte {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			return line
		}
	}
	return nil
}

// sniffComma chooses the separator from the header line: a comma unless
// the line has none and has semicolons or tabs.
func sniffComma(head []byte) rune {
	if bytes.IndexByte(head, ',') >= 0 {
		return ','
	}
	if bytes.IndexByte(head, ';') >= 0 {
		return ';'
	}
	if bytes.IndexByte(head, '\t') >= 0 {
		return '\t'
	}
	return ','
}

func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// wordsOf splits lower-cased text into words of letters and digits.
func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

var (
	caveWords = map[string]bool{"cave": true, "caves": true, "caving": true, "caved": true, "valgus": true,
		"inward": true, "inwards": true, "collapse": true, "collapses": true, "collapsing": true, "collapsed": true}
	noCaveWords = map[string]bool{"correct": true, "good": true, "none": true, "straight": true, "neutral": true,
		"ok": true, "fine": true, "clean": true}
	negations = map[string]bool{"no": true, "not": true, "never": true, "without": true, "t": true /* doesn't, don't */}
)

// LabelFromText reads a knee's or clip's label from free text, as people
// write it (see the shared labels.csv):
//
//   - Caves when the text says the knee caves: "cave", "caves", "caving",
//     "valgus", "knees in" (not "knees in line"), "inward", "collapse", and
//     it is not negated: "no cave", "does not cave", "no valgus" are NoCave,
//     and so is "no cave or slight";
//   - NoCave for "correct", "good", "none", "straight", "mostly straight",
//     "neutral", "ok", "knees out";
//   - a lone 1, yes or true is Caves; a lone 0, no or false NoCave;
//   - Ambiguous for anything else: "not assessed", "not labelled",
//     "unclear", an empty cell, or a negated no-cave word ("not straight").
//
// Words count whole ("nonetheless" is not "none"); what follows a "(" or
// ":" only adds detail and is read only when the text before it is empty
// ("cave (moderate: drifts medially)" is Caves).
func LabelFromText(s string) evalset.Label {
	head := s
	if i := strings.IndexAny(s, "(:"); i >= 0 {
		head = s[:i]
	}
	if w := wordsOf(head); len(w) > 0 {
		return labelFromWords(w)
	}
	return labelFromWords(wordsOf(s))
}

func labelFromWords(w []string) evalset.Label {
	if len(w) == 1 {
		switch w[0] {
		case "1", "yes", "y", "true":
			return evalset.Caves
		case "0", "no", "n", "false":
			return evalset.NoCave
		}
	}
	negated := func(i int) bool {
		for j := max(0, i-3); j < i; j++ {
			if negations[w[j]] {
				return true
			}
		}
		return false
	}
	sawNoCave, sawNegNoCave := false, false
	for i, x := range w {
		knee := i > 0 && (w[i-1] == "knees" || w[i-1] == "knee")
		switch {
		case caveWords[x] || x == "in" && knee && (i+1 == len(w) || w[i+1] != "line"):
			if negated(i) {
				// "no cave", "does not cave": a clear no, whatever
				// follows ("no cave or slight")
				return evalset.NoCave
			}
			return evalset.Caves
		case noCaveWords[x] || x == "out" && knee || x == "in" && knee:
			if negated(i) {
				sawNegNoCave = true
			} else {
				sawNoCave = true
			}
		}
	}
	if sawNoCave && !sawNegNoCave {
		return evalset.NoCave
	}
	return evalset.Ambiguous
}

// MovementFromText reads a labelled movement from free text: bilateral
// squats ("squat (both legs)", "bodyweight squat", "goblet squat"),
// single-leg squats ("single-leg squat (left leg)", "pistol", "step-down"),
// split squats and (forward or reverse) lunges, lateral (side) lunges and
// jumps or landings. Anything else, and an empty text, is MoveAuto (not
// labelled).
func MovementFromText(s string) body.Movement {
	w := wordsOf(s)
	has := func(xs ...string) bool {
		for _, x := range w {
			for _, y := range xs {
				if x == y {
					return true
				}
			}
		}
		return false
	}
	pair := func(a string, bs ...string) bool {
		for i := 0; i+1 < len(w); i++ {
			if w[i] == a {
				for _, b := range bs {
					if w[i+1] == b {
						return true
					}
				}
			}
		}
		return false
	}
	lunge := has("lunge", "lunges", "lunging")
	switch {
	case lunge && has("lateral", "side", "sideways", "cossack"):
		return body.MoveLateralLunge
	case has("jump", "jumps", "jumping", "landing", "landings", "hop", "hops") || pair("drop", "jump", "landing"):
		return body.MoveJumpLanding
	case has("pistol", "pistols", "singleleg") || pair("single", "leg", "legged") || pair("one", "leg", "legged") ||
		pair("step", "down", "downs") || has("stepdown", "stepdowns"):
		return body.MoveSingleLegSquat
	case lunge || has("split", "bulgarian"):
		return body.MoveSplitSquat
	case has("squat", "squats", "squatting"):
		return body.MoveBilateralSquat
	}
	return body.MoveAuto
}

// TrackFunc makes the keypoint track of a video (the pose step).
type TrackFunc func(ctx context.Context, video string) (*track.Track, error)

// LoadOptions controls LoadItems.
type LoadOptions struct {
	// Dir is the folder the rows' relative file names are resolved against.
	Dir string
	// Track reads keypoint-track files (track.Load).
	Track track.LoadOptions
	// Video tracks a video; nil makes a video row an error.
	Video TrackFunc
	// Progress, when set, is called before each row is loaded (i counts
	// from 0 of n), with the path resolved.
	Progress func(i, n int, path string)
	// Tags are added to every item.
	Tags []string
}

// Resolve returns the path of a row's file: as written when absolute, else
// under dir.
func (r LabelRow) Resolve(dir string) string {
	if filepath.IsAbs(r.File) {
		return r.File
	}
	return filepath.Join(dir, filepath.FromSlash(r.File))
}

// LoadItems reads (or, for videos, tracks) every row's clip and makes its
// item. A row whose clip cannot be read is left out and reported in the
// returned per-row errors (each a *LineError naming the file); the error
// is the context's, when it was cancelled.
func LoadItems(ctx context.Context, rows []LabelRow, opt LoadOptions) ([]Item, []error, error) {
	var items []Item
	var bad []error
	for i, r := range rows {
		if err := ctx.Err(); err != nil {
			return items, bad, err
		}
		path := r.Resolve(opt.Dir)
		if opt.Progress != nil {
			opt.Progress(i, len(rows), path)
		}
		t, err := loadClip(ctx, path, opt)
		if err != nil {
			if ctx.Err() != nil {
				return items, bad, ctx.Err()
			}
			bad = append(bad, &LineError{r.Line, fmt.Errorf("%s: %w", r.File, err)})
			continue
		}
		items = append(items, r.Item(t, opt.Tags...))
	}
	return items, bad, nil
}

func loadClip(ctx context.Context, path string, opt LoadOptions) (*track.Track, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("file not found (looked for %s)", path)
		}
		return nil, fmt.Errorf("opening clip: %w", err)
	}
	if video.IsFile(path) {
		if opt.Video == nil {
			return nil, errors.New("is a video and videos cannot be tracked here")
		}
		t, err := opt.Video(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("tracking the video: %w", err)
		}
		return t, nil
	}
	t, err := track.Load(path, opt.Track)
	if err != nil {
		return nil, fmt.Errorf("reading the keypoint track: %w", err)
	}
	return t, nil
}
