package termprogress

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kneetrack/kneetrack/internal/session"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestSessionLeft: the time left for a run that tracks a video and writes
// its annotated video, against the truth computed from the fake frame
// times: nothing before the warm-up, then the pose stage's rest at its
// rate plus the video stage's frames at the assumed rate, then, once the
// video stage is measured, at its own.
func TestSessionLeft(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	p := &Session{W: &buf, Now: clock.now}
	const poseN, videoN = 600, 400
	poseSt := session.Stage{Name: session.StagePose, Input: "a.mp4", Count: 1}
	anSt := session.Stage{Name: session.StageAnalysis, Input: "a.mp4", Count: 1}
	vidSt := session.Stage{Name: session.StageVideo, Input: "a.mp4", Count: 1}
	p.Plan([]session.Stage{withFrames(poseSt, poseN), anSt, {Name: session.StageReport, Count: 1}, withFrames(vidSt, videoN)})

	near := func(what string, got, want time.Duration, ok bool) {
		t.Helper()
		if !ok || math.Abs(float64(got-want)) > 0.03*float64(want) {
			t.Errorf("%s: left %v (known %v), want %v", what, got, ok, want)
		}
	}
	p.Begin(poseSt)
	for i := 0; i <= 5; i++ {
		p.Step(i, poseN)
		clock.t = clock.t.Add(70 * time.Millisecond)
	}
	if left, ok := p.Left(); ok {
		t.Errorf("an estimate (%v) after 5 frames, before the warm-up", left)
	}
	for i := 6; i <= 200; i++ {
		p.Step(i, poseN)
		clock.t = clock.t.Add(70 * time.Millisecond)
	}
	left, ok := p.Left()
	near("tracking, frame 200", left, 400*70*time.Millisecond+videoN*VideoPerFrame, ok)
	p.End(poseSt, nil)
	p.Begin(anSt)
	p.End(anSt, nil)
	p.Begin(vidSt)
	for i := 0; i <= 100; i++ {
		p.Step(i, videoN)
		clock.t = clock.t.Add(30 * time.Millisecond)
	}
	left, ok = p.Left()
	near("annotated video, frame 100", left, 300*30*time.Millisecond, ok)
	p.End(vidSt, errors.New("disk full"))
	if buf.Len() != 0 {
		t.Errorf("drew %q though W is not a terminal", buf.String())
	}
}

func withFrames(s session.Stage, n int) session.Stage { s.Frames = n; return s }

// TestSessionDraws: on a terminal every stage gets its line, named, with
// its frames; notes are lines, terminal or not.
func TestSessionDraws(t *testing.T) {
	for _, term := range []bool{true, false} {
		var buf bytes.Buffer
		p := &Session{W: &buf, Term: term}
		st := session.Stage{Name: session.StageVideo, Input: "/x/set.mp4", Index: 1, Count: 2}
		p.Begin(st)
		for i := 0; i <= 50; i++ {
			p.Step(i, 50)
		}
		p.End(st, nil)
		p.Note(session.Note{Kind: session.NotePose, Input: "set.mp4", Text: "hello"})
		got := buf.String()
		if drawn := strings.Contains(got, "annotated video 2/2 set.mp4") && strings.Contains(got, "/50 frames"); drawn != term {
			t.Errorf("terminal %v: drew %q", term, got)
		}
		if !strings.Contains(got, "set.mp4: note: hello\n") {
			t.Errorf("terminal %v: the note is missing: %q", term, got)
		}
	}
}
