package termprogress

import (
	"io"

	"github.com/kneetrack/kneetrack/internal/session"
)

// Session follows a session run on W: a progress bar for each video tracked
// (none when W is not a terminal), labelled by Label, and the notes, told to
// OnNote (nil: ignored).
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

// Note passes n to p.OnNote.
func (p *Session) Note(n session.Note) {
	if p.OnNote != nil {
		p.OnNote(n)
	}
}
