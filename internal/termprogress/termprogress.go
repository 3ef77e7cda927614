// Package termprogress draws kneetrack's progress on a terminal: Session
// follows a session.Progress run with one line per stage (tracking,
// analysis, HTML report, annotated video; drawn with mpb) and the time left
// for the whole run; Bar is a one-line bar for a single step (the demo's
// rendering, `kneetrack pose`). Estimate is the time left shown by both:
// none before a warm-up, then a smoothed rate.
//
// Nothing is drawn when the writer is not a terminal (a pipe, a file, a
// test's buffer): scripts and logs never see carriage returns or escape
// codes. Every method of a nil *Bar does nothing, so callers need not test
// whether a bar was made.
package termprogress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// IsTerminal reports whether w is a terminal (a character device), where a
// progress bar makes sense.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Bar is a one-line progress bar, redrawn at most ten times a second.
type Bar struct {
	w           io.Writer
	label       string
	start       time.Time
	last        time.Time
	done, total int
	drawn       bool
	est         Estimate
}

// New returns a bar labelled label on w when w is a terminal, and nil (a
// bar that draws nothing) otherwise.
func New(w io.Writer, label string) *Bar {
	if !IsTerminal(w) {
		return nil
	}
	return newBar(w, label, time.Now())
}

func newBar(w io.Writer, label string, start time.Time) *Bar {
	return &Bar{w: w, label: label, start: start}
}

// Update says done of total steps are done (total may be an estimate).
func (b *Bar) Update(done, total int) {
	if b == nil {
		return
	}
	b.done, b.total = done, total
	now := time.Now()
	b.est.Observe(now, done)
	if done < total && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	b.draw(done, total, now)
}

// Func returns Update as a function value, or nil for a nil bar (for
// options whose nil progress function means "nobody listens").
func (b *Bar) Func() func(done, total int) {
	if b == nil {
		return nil
	}
	return b.Update
}

func (b *Bar) draw(done, total int, now time.Time) {
	frac := 0.0
	if total > 0 {
		frac = min(1, float64(done)/float64(total))
	}
	const width = 30
	n := int(frac * width)
	rate := float64(done) / now.Sub(b.start).Seconds()
	eta := ""
	if left, ok := b.est.Left(total); ok && done < total {
		eta = fmt.Sprintf(" ETA %s", left.Round(time.Second))
	}
	fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d frames %.1f fps%s\x1b[K", b.label,
		strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, rate, eta)
	b.drawn = true
}

// Finish ends the bar's line; after a success (ok) it shows it full (the
// frame total is an estimate when only part of a video is read).
func (b *Bar) Finish(ok bool) {
	if b == nil || !b.drawn {
		return
	}
	if ok {
		b.draw(b.done, b.done, time.Now())
	}
	fmt.Fprint(b.w, "\n")
}
