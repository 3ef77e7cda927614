package termprogress

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/session"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/words"
)

// VideoPerFrame is the time per frame assumed for an annotated video until
// one has been measured in the run: on the side-lunge clip (1280x720, 964
// frames) writing the video took 50 s, 52 ms a frame, on a 2-core machine
// shared with other work; this is a little more, so that the first
// estimate errs long.
const VideoPerFrame = 60 * time.Millisecond

// Session follows a session run on W: one line per stage (tracking a
// video, analysing a set, the HTML report, an annotated video), each a bar
// with the stage's frames and the time left for the whole run, drawn only
// when Term says W is a terminal (the caller decides once); and the notes,
// told to OnNote (nil: written to W as lines, terminal or not).
type Session struct {
	W io.Writer
	// Term says W is a terminal: only then is anything drawn.
	Term  bool
	Label func(session.Stage) string
	// Now is the clock (nil: time.Now).
	Now    func() time.Time
	OnNote func(session.Note)

	mu      sync.Mutex
	plan    []session.Stage
	pos     int // the plan's entry of the current stage (len(plan): none)
	cur     session.Stage
	total   int
	est     Estimate
	perKind map[string]time.Duration // measured time per frame, by stage name
	prog    *mpb.Progress
	bar     *mpb.Bar
}

var (
	_ session.Progress = (*Session)(nil)
	_ session.Planner  = (*Session)(nil)
)

func (p *Session) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Plan records the stages to come, for the estimate of the whole run.
func (p *Session) Plan(stages []session.Stage) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.plan, p.pos = stages, 0
}

// Begin starts the stage's line.
func (p *Session) Begin(s session.Stage) {
	p.mu.Lock()
	p.cur, p.total, p.est = s, 0, Estimate{}
	for i := p.pos; i < len(p.plan); i++ {
		if q := p.plan[i]; q.Name == s.Name && q.Index == s.Index && q.Input == s.Input {
			p.pos, p.total = i, q.Frames
			break
		}
	}
	p.mu.Unlock()
	if !p.Term {
		return
	}
	label := p.label(s)
	// Term was decided by the caller: mpb is told, not left to guess.
	p.prog = mpb.New(mpb.WithOutput(p.W), mpb.ForceTTY(), mpb.WithAutoRefresh(), mpb.WithRefreshRate(200*time.Millisecond))
	left := decor.Any(func(decor.Statistics) string { return p.LeftText() }, decor.WCSyncSpaceR)
	name := decor.Name(label, decor.WC{W: len(label) + 1, C: decor.DindentRight})
	if s.Name == session.StagePose || s.Name == session.StageVideo {
		p.bar = p.prog.AddBar(int64(max(1, p.total)), mpb.BarWidth(30), mpb.PrependDecorators(name),
			mpb.AppendDecorators(decor.CountersNoUnit(" %d/%d frames "), left))
		return
	}
	p.bar = p.prog.AddSpinner(0, mpb.PrependDecorators(name), mpb.AppendDecorators(left))
}

// label is the stage's name on its line.
func (p *Session) label(s session.Stage) string {
	if p.Label != nil {
		return p.Label(s)
	}
	return StageLabel(s)
}

// StageLabel names a stage on its line: what it does, which of several, and
// the file.
func StageLabel(s session.Stage) string {
	what := map[string]string{session.StagePose: "tracking", session.StageAnalysis: "analysing",
		session.StageReport: "HTML report", session.StageVideo: "annotated video"}[s.Name]
	if what == "" {
		what = s.Name
	}
	if s.Count > 1 {
		what += fmt.Sprintf(" %d/%d", s.Index+1, s.Count)
	}
	if s.Input != "" {
		what += " " + filepath.Base(s.Input)
	}
	return what
}

// Step moves the current stage's bar and its estimate.
func (p *Session) Step(done, total int) {
	p.mu.Lock()
	p.total = total
	p.est.Observe(p.now(), done)
	p.mu.Unlock()
	if p.bar != nil {
		p.bar.SetTotal(int64(max(1, total)), false)
		p.bar.SetCurrent(int64(done))
	}
}

// End finishes the stage's line: full after a success, left as it was
// after a failure; the stage's measured rate is kept for the estimate of
// the stages to come.
func (p *Session) End(s session.Stage, err error) {
	p.mu.Lock()
	if per, ok := p.est.PerFrame(); ok {
		if p.perKind == nil {
			p.perKind = map[string]time.Duration{}
		}
		p.perKind[s.Name] = per
	}
	if p.pos < len(p.plan) {
		p.pos++
	}
	p.mu.Unlock()
	if p.bar == nil {
		return
	}
	if err == nil {
		p.bar.SetTotal(-1, true)
	} else {
		p.bar.Abort(false)
	}
	p.prog.Wait()
	p.bar, p.prog = nil, nil
}

// Left is the time the run still needs: what is left of the current
// stage at its smoothed rate, plus every stage planned after it at the rate
// measured for its kind in this run (the current stage's when of the same
// kind; VideoPerFrame for an annotated video not yet measured). It is not
// known (false) before the current stage's warm-up, or while a stage to
// come has frames and no rate (another video to track before any was).
// Stages without frames (analysis, HTML report) count as no time.
func (p *Session) Left() (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	left, ok := time.Duration(0), true
	rate := func(name string) (time.Duration, bool) {
		if name == p.cur.Name {
			if per, ok := p.est.PerFrame(); ok {
				return per, true
			}
		}
		if per, ok := p.perKind[name]; ok {
			return per, true
		}
		if name == session.StageVideo {
			return VideoPerFrame, true
		}
		return 0, false
	}
	if p.cur.Name == session.StagePose || p.cur.Name == session.StageVideo {
		left, ok = p.est.Left(p.total)
		if !ok {
			return 0, false
		}
	}
	for i := p.pos + 1; i < len(p.plan); i++ {
		q := p.plan[i]
		if q.Frames == 0 {
			continue
		}
		per, ok := rate(q.Name)
		if !ok {
			return 0, false
		}
		left += time.Duration(q.Frames) * per
	}
	return left, true
}

// LeftText is Left as the bar shows it.
func (p *Session) LeftText() string {
	left, ok := p.Left()
	if !ok {
		return "estimating time left"
	}
	return "about " + words.Elapsed(left) + " left in all"
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
