package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kneetrack/kneetrack/internal/session"
)

// barProgress follows a session on a terminal: a progress bar for each
// video tracked (none when w is not a terminal) and the notes, told to
// note.
type barProgress struct {
	w     io.Writer
	label func(session.Stage) string
	note  func(session.Note)
	bar   *progress
}

func (p *barProgress) Begin(s session.Stage) {
	if s.Name == session.StagePose && isTerminal(p.w) {
		p.bar = newProgress(p.w, p.label(s))
	}
}

func (p *barProgress) Step(done, total int) {
	if p.bar != nil {
		p.bar.update(done, total)
	}
}

func (p *barProgress) End(_ session.Stage, err error) {
	if p.bar != nil {
		p.bar.finish(err == nil)
		p.bar = nil
	}
}

func (p *barProgress) Note(n session.Note) {
	if p.note != nil {
		p.note(n)
	}
}

// isTerminal reports whether w is a terminal (a character device), where a
// progress bar makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws a one-line progress bar, redrawn at most ten times a
// second.
type progress struct {
	w           io.Writer
	label       string
	start       time.Time
	last        time.Time
	done, total int
	drawn       bool
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, start: time.Now()}
}

func (p *progress) update(done, total int) {
	p.done, p.total = done, total
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.draw(done, total, now)
}

func (p *progress) draw(done, total int, now time.Time) {
	frac := 0.0
	if total > 0 {
		frac = min(1, float64(done)/float64(total))
	}
	const width = 30
	n := int(frac * width)
	rate := float64(done) / now.Sub(p.start).Seconds()
	eta := ""
	if rate > 0 && done < total {
		eta = fmt.Sprintf(" ETA %s", time.Duration(float64(total-done)/rate*float64(time.Second)).Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d frames %.1f fps%s\x1b[K", p.label,
		strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, rate, eta)
	p.drawn = true
}

// finish ends the bar's line; after a success it shows it full (the frame
// total is an estimate when only part of the video is read).
func (p *progress) finish(ok bool) {
	if !p.drawn {
		return
	}
	if ok {
		p.draw(p.done, p.done, time.Now())
	}
	fmt.Fprint(p.w, "\n")
}
