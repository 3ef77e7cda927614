// Package session is kneetrack's pipeline: one run from the files a user
// gives to every output asked for. Analyze tracks each video with the pose
// model (package pose) or reads each keypoint track (package track),
// analyses every set (valgus.AnalyzeSet), the sets together
// (valgus.AnalyzeSession) and advises (coach.Advise); (*Outcome).Write then
// writes the reports, the per-frame CSV, the HTML report, the annotated
// videos and the saved tracks, all together or none of them (package
// atomicfile).
//
// The command line (`kneetrack analyze`, `kneetrack demo`) and any other
// front end call the same two functions; they hear how a run goes through
// one small interface, Progress, and print or send it as they like: the
// package itself never prints. Runs share no state, so a server may run
// many at once.
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/video"
	"github.com/kneetrack/kneetrack/internal/words"
)

// ErrNotAnalysed is what a run whose input was read, and whose report says
// why, but in which nothing could be analysed, ends with (see
// (*Outcome).Err): the command line exits with status 3.
var ErrNotAnalysed = errors.New("nothing could be analysed; the report says why")

// A UsageError is a mistake in what the run was asked to do (an output
// that cannot be made from these inputs) rather than a failure while doing
// it: the command line exits with status 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// Input is one set: a file and what is known about it.
type Input struct {
	// Path is a video (the lifter is tracked with the pose model) or a
	// keypoint track in any format track.Load reads.
	Path string
	// Label names the set in the results; "" names it by Path for a video
	// and, for a track, by the file name of the video the track records.
	Label string
	// Note, when set, is put first among the set's notes (e.g. that the
	// athlete is simulated), as a valgus.Note of kind valgus.NoteCaller
	// that the reports print as written.
	Note string
	// LoadKG is the load on the bar when HasLoad is set.
	LoadKG  float64
	HasLoad bool
}

// Options are a run's settings, the same for every set.
type Options struct {
	// Movement, Sex and HeightCM are what the user said of the lifter
	// (zero values: recognise the movement, sex and height unknown).
	Movement body.Movement
	Sex      valgus.Sex
	HeightCM float64
	// Thresholds grade the sets; the zero value is not valid, start from
	// valgus.Defaults().
	Thresholds valgus.Thresholds
	// Clean is the analysis's keypoint cleaning (zero: its defaults).
	Clean motion.CleanOptions
	// Pose is the pose step's options for video inputs; its Progress is
	// replaced by the run's.
	Pose pose.Options
	// Track reads track inputs (3D camera, OpenPose frame rate).
	Track track.LoadOptions
	// Generator names the program in the reports, e.g. "kneetrack 1.2".
	Generator string
	// Outputs, when the caller knows them before the run, are checked once
	// the tracks are read and before any video is tracked (Outputs.check),
	// so that a mistake costs no minutes of tracking. They are not written:
	// pass them to (*Outcome).Write.
	Outputs *Outputs
	// Progress hears how the run goes; nil for nobody.
	Progress Progress
	// TrackAll tracks every frame of every video. Without it a video is
	// checked while it is tracked (every EarlyEveryS seconds once
	// EarlyFirstS are tracked) and tracking stops as soon as the analysis
	// is sure the movement is one kneetrack does not analyse (Set.Stopped).
	TrackAll bool
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

// Set is one analysed input.
type Set struct {
	Input Input
	// IsVideo says the input is a video, tracked by the pose step.
	IsVideo bool
	// Pose is the pose step's result for a video (nil for a track); its
	// Track is the keypoints as tracked, naming the video by its file name.
	Pose *pose.Result
	// Track is the keypoints as analysed, as read or tracked (its
	// Video.Source is what the file records; the set's name in the results
	// is Result.Source).
	Track *track.Track
	// Video is the video the keypoints came from, for key frames and the
	// annotated video: the input itself, or the one a track names when it
	// can be found; "" with VideoNote saying why when it cannot.
	Video, VideoNote string
	// Result is the set's analysis (nil until analysed).
	Result *valgus.SetResult
	// Stopped, for a video whose tracking stopped early, says where; Pose
	// is then nil, Track the part tracked and Result its analysis, which
	// says why the set is not analysed.
	Stopped *Stopped
}

// Stopped says where the tracking of a video stopped, early, because the
// movement was one kneetrack does not analyse: after AtS seconds of the
// video's DurationS, Frames of its Total frames.
type Stopped struct {
	AtS, DurationS float64
	Frames, Total  int
}

// Outcome is a run's analysis, ready to be written.
type Outcome struct {
	Sets []*Set
	// Session is every set analysed together; nil when the analysis
	// failed after tracking (see Analyze).
	Session *valgus.SessionResult
	// Advice is the coaching: likely causes and a plan.
	Advice *coach.Advice
	opts   Options
}

// Err is ErrNotAnalysed when no set could be analysed, else nil.
func (o *Outcome) Err() error {
	if o.Session == nil {
		return ErrNotAnalysed
	}
	for _, s := range o.Session.Sets {
		if s.Analysed {
			return nil
		}
	}
	return ErrNotAnalysed
}

// Analyze reads every input and analyses it. Tracks are read and every
// video is checked to exist first, then the outputs in opts.Outputs are
// checked, and only then are the videos tracked (minutes each), in the
// order given, each followed by its set's analysis.
//
// When the analysis fails after a video was tracked, Analyze returns the
// error together with an Outcome that holds the sets tracked so far (and
// no Session), so that the caller may still keep the tracks with
// (*Outcome).SaveTracks.
func Analyze(ctx context.Context, inputs []Input, opts Options) (*Outcome, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Progress == nil {
		opts.Progress = nobody{}
	}
	out := &Outcome{opts: opts}
	videos := 0
	for _, in := range inputs {
		s := &Set{Input: in, IsVideo: video.IsFile(in.Path)}
		out.Sets = append(out.Sets, s)
		if s.IsVideo {
			if _, err := os.Stat(in.Path); err != nil {
				return nil, fmt.Errorf("reading video: %w", err)
			}
			videos++
			continue
		}
		t, err := track.Load(in.Path, opts.Track)
		if err != nil {
			return nil, err
		}
		s.Track = t
	}
	for _, s := range out.Sets {
		s.Video, s.VideoNote = sourceVideo(s)
	}
	if opts.Outputs != nil {
		if err := opts.Outputs.check(out.Sets, videos); err != nil {
			return nil, err
		}
	}

	if pl, ok := opts.Progress.(Planner); ok {
		pl.Plan(out.plan(ctx, videos))
	}

	log, th := opts.Logger, opts.Thresholds
	tracked := false
	fail := func(err error) (*Outcome, error) {
		if tracked {
			return out, err
		}
		return nil, err
	}
	k := 0 // videos tracked so far
	var results []*valgus.SetResult
	for i, s := range out.Sets {
		vo := valgus.Options{Label: s.Input.Label, Movement: opts.Movement, Sex: opts.Sex, HeightCM: opts.HeightCM, Thresholds: &th,
			Clean: opts.Clean, Logger: log, LoadKG: s.Input.LoadKG, HasLoad: s.Input.HasLoad}
		if s.IsVideo {
			if vo.Label == "" {
				vo.Label = s.Input.Path // label(s) of a video
			}
			if err := out.track(ctx, s, k, videos, vo); err != nil {
				return fail(err)
			}
			k++
			tracked = true
		}
		vo.Label = label(s)
		res := s.Result // the analysis of the part tracked, when stopped early
		if res == nil {
			st := Stage{Name: StageAnalysis, Input: s.Input.Path, Index: i, Count: len(out.Sets)}
			opts.Progress.Begin(st)
			var err error
			res, err = valgus.AnalyzeSet(ctx, s.Track, vo)
			opts.Progress.End(st, err)
			if err != nil {
				return fail(err)
			}
		}
		if s.Input.Note != "" {
			res.Notes = append([]valgus.Note{{Kind: valgus.NoteCaller, Text: s.Input.Note}}, res.Notes...)
		}
		log.Debug("analysed set", "file", s.Input.Path, "reps", len(res.Reps), "movement", res.Movement, "view", res.View.View)
		s.Result = res
		results = append(results, res)
	}
	ss, err := valgus.AnalyzeSession(results)
	if err != nil {
		return fail(err)
	}
	adv, err := coach.Advise(ss)
	if err != nil {
		return fail(err)
	}
	out.Session, out.Advice = ss, adv
	return out, nil
}

// plan lists the stages a run expects, for a Planner: tracking each of
// the videos, analysing each set, and the outputs in opts.Outputs that take
// time (the HTML report, the annotated videos), with their frames as the
// videos' headers say.
func (o *Outcome) plan(ctx context.Context, videos int) []Stage {
	frames := func(path string) int {
		info, err := video.Probe(ctx, path)
		if err != nil {
			return 0
		}
		return info.FrameCount
	}
	var st []Stage
	k := 0
	for i, s := range o.Sets {
		if s.IsVideo {
			st = append(st, Stage{Name: StagePose, Input: s.Input.Path, Index: k, Count: videos, Frames: frames(s.Input.Path)})
			k++
		}
		st = append(st, Stage{Name: StageAnalysis, Input: s.Input.Path, Index: i, Count: len(o.Sets)})
	}
	outs := o.opts.Outputs
	if outs == nil {
		return st
	}
	if outs.ReportDir != "" {
		st = append(st, Stage{Name: StageReport, Count: 1})
	}
	if outs.Video != "" {
		for i, s := range o.Sets {
			st = append(st, Stage{Name: StageVideo, Input: s.Input.Path, Index: i, Count: len(o.Sets), Frames: frames(s.Video)})
		}
	}
	return st
}

// track runs the pose step on s's video, the k-th (from 0) of n, checking
// the part tracked with the analysis's options vo as it goes (earlyWatch)
// unless Options.TrackAll is set.
func (o *Outcome) track(ctx context.Context, s *Set, k, n int, vo valgus.Options) error {
	p := o.opts.Progress
	st := Stage{Name: StagePose, Input: s.Input.Path, Index: k, Count: n}
	p.Begin(st)
	po := o.opts.Pose
	frames, total := 0, 0
	po.Progress = func(done, all int) {
		frames, total = done, all
		p.Step(done, all)
	}
	var watch *earlyWatch
	if !o.opts.TrackAll && vo.Movement == body.MoveAuto {
		watch = newEarlyWatch(ctx, vo, po.Clean)
		po.Watch = watch.look
	}
	res, err := pose.Run(ctx, s.Input.Path, po)
	if watch != nil && errors.Is(err, errStopped) {
		p.End(st, nil)
		s.Track, s.Result = watch.track, watch.res
		s.Stopped = &Stopped{AtS: watch.atS, DurationS: watch.track.Video.DurationS, Frames: frames, Total: total}
		s.Result.Notes = append([]valgus.Note{{Kind: valgus.NoteCaller, Text: words.StoppedEarly(watch.atS, watch.track.Video.DurationS)}},
			s.Result.Notes...)
		p.Note(Note{Kind: NoteStopped, Input: s.Input.Path, Stopped: s.Stopped})
		return nil
	}
	p.End(st, err)
	if err != nil {
		return err
	}
	s.Pose = res
	s.Track = res.Track // the analysis does not change it; a saved track is a clone (write.go)
	p.Note(Note{Kind: NoteTracked, Input: s.Input.Path, Model: po.Model, Stats: res.Stats})
	for _, t := range res.Notes {
		p.Note(Note{Kind: NotePose, Input: s.Input.Path, Text: t})
	}
	return nil
}

// label names a set in the results: Input.Label when given; the video as
// given; for a track, the file name of the video it records (the track
// keeps the full path), else what the reader made of it.
func label(s *Set) string {
	switch {
	case s.Input.Label != "":
		return s.Input.Label
	case s.IsVideo:
		return s.Input.Path
	}
	if src := s.Track.Video.Source; video.IsName(src) {
		return filepath.Base(src)
	}
	return s.Track.Video.Source
}
