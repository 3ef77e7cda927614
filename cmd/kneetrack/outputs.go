package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/htmlreport"
	"github.com/kneetrack/kneetrack/internal/overlay"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// outputOptions are analyze's picture outputs: the HTML report and the
// annotated video.
type outputOptions struct {
	reportDir string
	videoOut  string
}

func addOutputFlags(f *pflag.FlagSet, o *outputOptions) {
	f.StringVar(&o.reportDir, "report", "", "write a self-contained HTML report (charts, key frames) to DIR/report.html")
	f.StringVar(&o.videoOut, "video", "", "write the video with the skeleton, knee lines and angles drawn on it to this MP4 file (needs the original video)")
}

// setInput is one analysed input: the file given, its track and, when it
// can be found, the video the track came from.
type setInput struct {
	file    string
	isVideo bool         // file is a video: its track comes from the pose step
	track   *track.Track // nil for a video until it has been tracked
	video   string       // "" when unknown
	why     string       // why there is no video
}

// sourceVideo finds the video a set's keypoints came from: the input
// itself when it is a video, else the source the track records, looked up
// as written (kneetrack records an absolute path) and then beside the track
// file (a track moved together with its video).
func sourceVideo(in setInput) (string, string) {
	if in.isVideo {
		return in.file, ""
	}
	src := in.track.Video.Source
	if src == "" || !track.IsVideoName(src) {
		return "", fmt.Sprintf("%s is a keypoint track that does not name its source video, so the key frames show the keypoints on a plain background.", filepath.Base(in.file))
	}
	candidates := []string{src}
	dir := filepath.Dir(in.file)
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

// prepare finds the source videos and checks, before any work is done,
// that --video can be honoured.
func (o *outputOptions) prepare(ins []setInput) error {
	if o.reportDir == "" && o.videoOut == "" {
		return nil
	}
	for i := range ins {
		ins[i].video, ins[i].why = sourceVideo(ins[i])
	}
	if o.videoOut == "" {
		return nil
	}
	for _, in := range ins {
		if in.video == "" {
			return fmt.Errorf("--video needs the original video; pass the video, not a track file (%s does not lead to an existing video)", in.file)
		}
	}
	return nil
}

// plan adds the picture outputs to p.
func (o *outputOptions) plan(p *atomicfile.Plan, n int) {
	if o.reportDir != "" {
		p.OutputIn("--report", filepath.Join(o.reportDir, htmlreport.FileName))
	}
	if o.videoOut != "" {
		for i := range n {
			p.Output("--video", videoOutPath(o.videoOut, i, n))
		}
	}
}

// videoOutPath names set i's annotated video: the given path for one set,
// NAME-setK.EXT for several.
func videoOutPath(path string, i, n int) string {
	if n == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-set%d%s", strings.TrimSuffix(path, ext), i+1, ext)
}

// stage writes the report and the annotated videos into b, to be put in
// place with the run's other outputs; done is told each file made.
func (o *outputOptions) stage(ctx context.Context, b *atomicfile.Batch, log *slog.Logger, ins []setInput, ss *valgus.SessionResult,
	coaching *htmlreport.Coaching, done func(string)) error {
	if o.reportDir != "" {
		in := htmlreport.Input{Session: ss, Coaching: coaching, Generator: "kneetrack " + version,
			Created: time.Now(), Logger: log}
		for _, s := range ins {
			in.Sets = append(in.Sets, htmlreport.SetMedia{Video: s.video, VideoNote: s.why})
		}
		if err := b.MkdirAll(o.reportDir); err != nil {
			return fmt.Errorf("--report: %w", err)
		}
		path := filepath.Join(o.reportDir, htmlreport.FileName)
		if err := b.Write(path, func(w io.Writer) error { return htmlreport.Write(ctx, w, in) }); err != nil {
			return err
		}
		done("report: " + path)
	}
	if o.videoOut != "" {
		for i, s := range ins {
			set := ss.Sets[i]
			ann, err := overlay.NewAnnotator(set)
			if err != nil {
				return fmt.Errorf("annotating %s: %w", s.video, err)
			}
			out := videoOutPath(o.videoOut, i, len(ins))
			tmp, err := b.Reserve(out)
			if err != nil {
				return fmt.Errorf("--video: %w", err)
			}
			if _, err := overlay.RenderVideo(ctx, s.video, tmp, ann, overlay.VideoOptions{Logger: log}); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("--video %s: %w", out, err)
			}
			done("annotated video: " + out)
		}
	}
	return nil
}

// coachingFromAdvice converts the coaching for the report (nil for none).
func coachingFromAdvice(a *coach.Advice) *htmlreport.Coaching {
	if a == nil {
		return nil
	}
	c := &htmlreport.Coaching{Intro: words.Capitalise(a.CausesIntro()), NoCauses: words.Capitalise(a.NoCauses())}
	for _, x := range a.Causes {
		c.Causes = append(c.Causes, htmlreport.Cause{Title: x.Name, Summary: x.Summary, Confidence: a.ConfidenceWords(x.Confidence),
			Evidence: x.Evidence, Caveat: x.Caveat})
	}
	for _, s := range a.Plan {
		c.Plan = append(c.Plan, htmlreport.Step{Text: s.Text, Kind: strings.ReplaceAll(s.Kind, "_", " ")})
	}
	for _, l := range a.CannotJudge {
		c.CannotJudge = append(c.CannotJudge, l.Text)
	}
	return c
}
