package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/report"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/video"
)

// Outputs are what a run writes; "" leaves an output out. In errors each
// output is named as `kneetrack analyze` names it: by its flag.
type Outputs struct {
	// Format of the report: "json", else text.
	Format string
	// ReportFile receives the report (-o); when "" the report goes to
	// Stdout, unless Stdout is nil too.
	ReportFile string
	Stdout     io.Writer
	// CSV receives the per-frame metrics (--csv).
	CSV string
	// ReportDir receives the HTML report, ReportDir/report.html (--report).
	ReportDir string
	// Video receives each set's annotated video (--video), named by
	// VideoPath; it needs every set's video. Caption, when set, is written
	// on every frame of them.
	Video   string
	Caption string
	// SaveTrack receives the keypoint track of each video input
	// (--save-track: .json, .csv or .trc), named by VideoPath among the
	// videos.
	SaveTrack string
	// Inputs are other files the run reads (e.g. a thresholds file), which
	// no output may replace.
	Inputs []string
	// Created dates the HTML report; zero for the time it is written.
	Created time.Time
	// Text lays out the text report (width, colour, details); format
	// "text-full" adds the details.
	Text report.TextOptions
}

// What a File is, as File.What.
const (
	FileTrack  = "keypoint track"
	FileReport = "report"
	FileVideo  = "annotated video"
)

// File is one file a run put in place.
type File struct{ What, Path string }

func (f File) String() string { return f.What + ": " + f.Path }

// An OutputError is a failure to make one output: Output is its flag, Path
// the file when the message names it.
type OutputError struct {
	Output, Path string
	Err          error
}

func (e *OutputError) Error() string {
	if e.Path != "" {
		return e.Output + " " + e.Path + ": " + e.Err.Error()
	}
	return e.Output + ": " + e.Err.Error()
}

func (e *OutputError) Unwrap() error { return e.Err }

// VideoPath names the i-th (from 0) of n outputs made per set or video:
// path itself when n is 1, NAME-setK.EXT otherwise.
func VideoPath(path string, i, n int) string {
	if n == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-set%d%s", strings.TrimSuffix(path, ext), i+1, ext)
}

// check finds, before any work, whatever would keep the outputs from being
// written for these sets (videos of them video inputs).
func (o *Outputs) check(sets []*Set, videos int) error {
	if o.SaveTrack != "" {
		if videos == 0 {
			return usagef("--save-track writes the keypoint track of a video, but no input is a video")
		}
		if f := track.FormatFromName(o.SaveTrack); f == "" {
			return usagef("--save-track %s: name the file .json, .csv or .trc", o.SaveTrack)
		}
	}
	if err := o.checkVideos(sets); err != nil {
		return err
	}
	p := &atomicfile.Plan{}
	for _, in := range o.Inputs {
		p.Input(in)
	}
	pictures := o.ReportDir != "" || o.Video != ""
	for _, s := range sets {
		p.Input(s.Input.Path)
		if pictures {
			p.Input(s.Video) // the video a track names
		}
	}
	p.Output("--csv", o.CSV)
	p.Output("-o", o.ReportFile)
	if o.SaveTrack != "" {
		for k := range videos {
			p.Output("--save-track", VideoPath(o.SaveTrack, k, videos))
		}
	}
	if o.ReportDir != "" {
		p.OutputIn("--report", filepath.Join(o.ReportDir, htmlreport.FileName))
	}
	if o.Video != "" {
		for i := range sets {
			p.Output("--video", VideoPath(o.Video, i, len(sets)))
		}
	}
	return p.Check()
}

// checkVideos checks that Video can be honoured: every set has its video.
func (o *Outputs) checkVideos(sets []*Set) error {
	if o.Video == "" {
		return nil
	}
	for _, s := range sets {
		if s.Video == "" {
			return fmt.Errorf("--video needs the original video; pass the video, not a track file (%s does not lead to an existing video)", s.Input.Path)
		}
	}
	return nil
}

// sourceVideo finds the video a set's keypoints came from: the input
// itself when it is a video, else the source the track records, looked up
// as written (kneetrack records an absolute path) and then beside the track
// file (a track moved together with its video). When there is none it
// says why, for the report.
func sourceVideo(s *Set) (string, string) {
	if s.IsVideo {
		return s.Input.Path, ""
	}
	file := s.Input.Path
	src := s.Track.Video.Source
	if src == "" || !video.IsName(src) {
		return "", fmt.Sprintf("%s is a keypoint track that does not name its source video, so the key frames show the keypoints on a plain background.", filepath.Base(file))
	}
	candidates := []string{src}
	dir := filepath.Dir(file)
	if !filepath.IsAbs(src) {
		candidates = append(candidates, filepath.Join(dir, src))
	}
	candidates = append(candidates, filepath.Join(dir, filepath.Base(src)))
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c, ""
		}
	}
	return "", fmt.Sprintf("The track's source video %s was not found (nor beside the track), so the key frames show the keypoints on a plain background.", src)
}

// WriteReport writes the report in format "json" (docs/analysis-json.md),
// "text-full" (the text with every detail) or, for any other format, as
// the short text, DefaultWidth wide, without colour.
func (o *Outcome) WriteReport(w io.Writer, format string) error {
	return o.writeReport(w, format, report.TextOptions{})
}

// writeReport writes the report in format, a text one laid out as text
// says.
func (o *Outcome) writeReport(w io.Writer, format string, text report.TextOptions) error {
	if o.Session == nil {
		return errors.New("no analysis to report")
	}
	if format != "json" {
		text.Details = text.Details || format == "text-full"
		return report.WriteTextReport(w, o.Session, o.Advice, text)
	}
	op := o.opts
	settings := report.Settings{Movement: string(op.Movement), Sex: string(op.Sex), Thresholds: o.Session.Thresholds}
	if op.Movement == body.MoveAuto {
		settings.Movement = "auto"
	}
	if h := op.HeightCM; h > 0 {
		settings.HeightCM = &h
	}
	doc := report.Build(o.Session, settings, op.Generator)
	doc.AddAdvice(o.Advice)
	return report.WriteJSON(w, doc)
}

// Write writes every output asked for. They are staged and put in place
// together at the end: a failed or cancelled Write leaves every existing
// file as it was, except the saved tracks (minutes of tracking, complete),
// which are still put in place after a failure that is not a cancel; the
// files returned then are those tracks. The report for Stdout is written
// once the other files are staged and before the pictures are drawn,
// unless ctx is done. On success Write returns the saved tracks, the HTML
// report and the annotated videos it made, in that order.
func (o *Outcome) Write(ctx context.Context, outs Outputs) (files []File, err error) {
	if o.Session == nil {
		return nil, errors.New("no analysis to write")
	}
	var tracks, staged atomicfile.Batch
	defer tracks.Discard()
	defer staged.Discard()
	defer func() {
		if err != nil {
			files = o.keep(ctx, &tracks, files)
		}
	}()
	if err := outs.checkVideos(o.Sets); err != nil {
		return nil, err
	}
	if o.stoppedOnly() {
		// Nothing was analysed and tracking stopped early: only the report,
		// which says why, is written; no pictures or tracks of a part.
		outs = Outputs{Format: outs.Format, ReportFile: outs.ReportFile, Stdout: outs.Stdout}
	}
	made, err := o.stageTracks(&tracks, outs.SaveTrack)
	if err != nil {
		return made, err
	}
	saved := len(made)
	var buf bytes.Buffer
	if err := o.writeReport(&buf, outs.Format, outs.Text); err != nil {
		return made, err
	}
	if outs.CSV != "" {
		if err := staged.Write(outs.CSV, func(w io.Writer) error { return report.WriteCSV(w, o.Session) }); err != nil {
			return made, &OutputError{Output: "--csv", Err: err}
		}
	}
	if outs.ReportFile != "" {
		if err := staged.Write(outs.ReportFile, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }); err != nil {
			return made, &OutputError{Output: "-o", Err: err}
		}
	} else if outs.Stdout != nil && ctx.Err() == nil {
		if _, err := outs.Stdout.Write(buf.Bytes()); err != nil {
			return made, fmt.Errorf("writing the report to standard output: %w", err)
		}
	}
	if made, err = o.stagePictures(ctx, &staged, outs, made); err != nil {
		return made[:saved], err
	}
	if err := tracks.Commit(ctx); err != nil {
		return nil, err
	}
	if err := staged.Commit(ctx); err != nil {
		return nil, err
	}
	return made, nil
}

// stoppedOnly reports whether no set was analysed and the tracking of
// some video stopped early.
func (o *Outcome) stoppedOnly() bool {
	if o.Err() == nil {
		return false
	}
	for _, s := range o.Sets {
		if s.Stopped != nil {
			return true
		}
	}
	return false
}

// keep puts the staged tracks in place after a failure, unless ctx is
// done, and returns those of made that it kept.
func (o *Outcome) keep(ctx context.Context, tracks *atomicfile.Batch, made []File) []File {
	if ctx.Err() != nil || tracks.Len() == 0 || tracks.Commit(ctx) != nil {
		return nil
	}
	var kept []File
	for _, f := range made {
		if f.What == FileTrack {
			kept = append(kept, f)
		}
	}
	return kept
}

// SaveTracks writes the keypoint tracks of the videos tracked (SaveTrack
// only), e.g. to keep them after Analyze failed; it returns the files.
func (o *Outcome) SaveTracks(ctx context.Context, outs Outputs) ([]File, error) {
	var b atomicfile.Batch
	defer b.Discard()
	made, err := o.stageTracks(&b, outs.SaveTrack)
	if err != nil {
		return nil, err
	}
	if err := b.Commit(ctx); err != nil {
		return nil, err
	}
	return made, nil
}

// stageTracks stages the track of every video tracked, recording the
// video's absolute path, so that the report and the annotated video find
// the video from the saved track wherever they are made.
func (o *Outcome) stageTracks(b *atomicfile.Batch, name string) ([]File, error) {
	if name == "" {
		return nil, nil
	}
	n := 0
	for _, s := range o.Sets {
		if s.IsVideo {
			n++
		}
	}
	var made []File
	k := 0
	for _, s := range o.Sets {
		if !s.IsVideo {
			continue
		}
		k++
		if s.Pose == nil {
			continue // not tracked: the run failed before
		}
		t := s.Pose.Track.Clone()
		t.Video.Source = absPath(s.Input.Path) // found from any folder later
		out := VideoPath(name, k-1, n)
		if err := b.Write(out, func(w io.Writer) error { return track.Write(w, t, track.FormatFromName(out)) }); err != nil {
			return made, &OutputError{Output: "--save-track", Err: err}
		}
		made = append(made, File{FileTrack, out})
	}
	return made, nil
}

// stagePictures stages the HTML report and the annotated videos.
func (o *Outcome) stagePictures(ctx context.Context, b *atomicfile.Batch, outs Outputs, made []File) ([]File, error) {
	op := o.opts
	p := op.Progress
	if outs.ReportDir != "" {
		st := Stage{Name: StageReport, Count: 1}
		p.Begin(st)
		err := o.stageReport(ctx, b, outs)
		p.End(st, err)
		if err != nil {
			return made, err
		}
		made = append(made, File{FileReport, filepath.Join(outs.ReportDir, htmlreport.FileName)})
	}
	if outs.Video == "" {
		return made, nil
	}
	for i, s := range o.Sets {
		if !o.Session.Sets[i].Analysed {
			continue // an annotated video would show an analysis there is not
		}
		ann, err := overlay.NewAnnotator(o.Session.Sets[i])
		if err != nil {
			return made, fmt.Errorf("annotating %s: %w", s.Video, err)
		}
		out := VideoPath(outs.Video, i, len(o.Sets))
		tmp, err := b.Reserve(out)
		if err != nil {
			return made, &OutputError{Output: "--video", Err: err}
		}
		st := Stage{Name: StageVideo, Input: s.Input.Path, Index: i, Count: len(o.Sets)}
		p.Begin(st)
		_, err = overlay.RenderVideo(ctx, s.Video, tmp, ann, overlay.VideoOptions{Logger: op.Logger, Caption: outs.Caption, Progress: p.Step})
		p.End(st, err)
		if err != nil {
			if ctx.Err() != nil {
				return made, ctx.Err()
			}
			return made, &OutputError{Output: "--video", Path: out, Err: err}
		}
		made = append(made, File{FileVideo, out})
	}
	return made, nil
}

// stageReport stages the HTML report.
func (o *Outcome) stageReport(ctx context.Context, b *atomicfile.Batch, outs Outputs) error {
	op := o.opts
	created := outs.Created
	if created.IsZero() {
		created = time.Now()
	}
	in := htmlreport.Input{Session: o.Session, Coaching: coachingFromAdvice(o.Advice),
		Generator: op.Generator, Created: created, Logger: op.Logger}
	for _, s := range o.Sets {
		in.Sets = append(in.Sets, htmlreport.SetMedia{Video: s.Video, VideoNote: s.VideoNote})
	}
	if err := b.MkdirAll(outs.ReportDir); err != nil {
		return &OutputError{Output: "--report", Err: err}
	}
	path := filepath.Join(outs.ReportDir, htmlreport.FileName)
	return b.Write(path, func(w io.Writer) error { return htmlreport.Write(ctx, w, in) })
}

// absPath returns path made absolute (as given when that fails).
func absPath(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// Run is Analyze then Write, as `kneetrack analyze` does it (opts.Outputs
// is set to &outs, so that every output is checked before any tracking).
// On success made lists the files written and err is (*Outcome).Err. When
// the run fails after the videos were tracked, the tracks asked for
// (Outputs.SaveTrack: minutes of work, complete) are put in place all the
// same and kept lists them.
func Run(ctx context.Context, ins []Input, opts Options, outs Outputs) (made, kept []File, err error) {
	opts.Outputs = &outs
	oc, err := Analyze(ctx, ins, opts)
	if err != nil {
		if oc != nil && ctx.Err() == nil {
			kept, _ = oc.SaveTracks(ctx, outs)
		}
		return nil, kept, err
	}
	made, err = oc.Write(ctx, outs)
	if err != nil {
		return nil, made, err
	}
	return made, nil, oc.Err()
}
