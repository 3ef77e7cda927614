package termprogress

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/words"
)

// Session follows a session run on W: a progress bar for each video tracked
// (none when W is not a terminal), labelled by Label, and the notes, told to
// OnNote (nil: written to W in the words of package words).
type Session struct {
	W      io.Writer
	Label  func(session.Stage) string
	OnNote func(session.Note)
	bar    *Bar
}

var _ session.Progress = (*Session)(nil)

// Begin starts a bar when the pose step begins.
func (p *Session) Begin(s session.Stage) {
	if s.Name == session.StagePose {
		p.bar = New(p.W, p.Label(s))
	}
}

// Step moves the bar.
func (p *Session) Step(done, total int) { p.bar.Update(done, total) }

// End finishes the bar, if any.
func (p *Session) End(_ session.Stage, err error) {
	p.bar.Finish(err == nil)
	p.bar = nil
}

// Note passes n to p.OnNote, or writes it on W.
func (p *Session) Note(n session.Note) {
	switch {
	case p.OnNote != nil:
		p.OnNote(n)
	case n.Kind == session.NoteTracked:
		fmt.Fprintln(p.W, words.Tracked(n.Input, n.Model, n.Stats.Tracked, n.Stats.Processed, n.Stats.WallS))
	case n.Kind == session.NotePose:
		fmt.Fprintln(p.W, words.PoseNote(n.Input, n.Text))
	case n.Kind == session.NoteStopped && n.Stopped != nil:
		fmt.Fprintln(p.W, words.PoseNote(n.Input, words.StoppedEarly(n.Stopped.AtS, n.Stopped.DurationS)))
	}
}

// TrackVideo tracks the lifter through video with a progress bar on w
// (when it is a terminal) and says on w how many frames were tracked: the
// pose step of a command that only needs the track.
func TrackVideo(ctx context.Context, w io.Writer, video string, opts pose.Options) (*track.Track, error) {
	bar := New(w, "pose "+filepath.Base(video))
	opts.Progress = bar.Func()
	res, err := session.TrackVideo(ctx, video, opts, session.TrackOutputs{})
	bar.Finish(err == nil)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(w, words.Tracked(video, "", res.Stats.Tracked, res.Stats.Processed, res.Stats.WallS))
	return res.Track, nil
}
