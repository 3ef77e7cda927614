package termprogress

import (
	"math"
	"time"
)

// Estimate is an honest time-left estimate for a stage counted in frames:
// none until a warm-up (WarmFrames frames and WarmUp of time after the
// first frame, which leave out the loading of models and the first frames'
// outliers), then a rate smoothed over frames (an exponentially weighted
// moving average of the seconds per frame, each frame weighing Alpha), so
// that a slower or faster stretch moves the estimate within a few dozen
// frames without one slow frame throwing it. Times come from the caller
// (Observe), so a test drives it with a fake clock.
type Estimate struct {
	// WarmFrames and WarmUp: no estimate before both have passed
	// (defaults 10 frames and 2 s).
	WarmFrames int
	WarmUp     time.Duration
	// Alpha is each frame's weight in the average (default 0.05: the last
	// 20 or so frames count most).
	Alpha float64

	first, last time.Time
	done0, done int
	started     bool
	secPerFrame float64 // smoothed; NaN until the first interval
}

func (e *Estimate) defaults() (int, time.Duration, float64) {
	wf, wu, a := e.WarmFrames, e.WarmUp, e.Alpha
	if wf <= 0 {
		wf = 10
	}
	if wu <= 0 {
		wu = 2 * time.Second
	}
	if !(a > 0 && a <= 1) {
		a = 0.05
	}
	return wf, wu, a
}

// Observe says done frames are done at now.
func (e *Estimate) Observe(now time.Time, done int) {
	if !e.started {
		e.started, e.first, e.last, e.done0, e.done = true, now, now, done, done
		e.secPerFrame = math.NaN()
		return
	}
	n := done - e.done
	if n <= 0 {
		return
	}
	_, _, a := e.defaults()
	per := now.Sub(e.last).Seconds() / float64(n)
	if math.IsNaN(e.secPerFrame) {
		e.secPerFrame = per
	} else {
		w := 1 - math.Pow(1-a, float64(n)) // n frames at once weigh as n frames one by one
		e.secPerFrame = w*per + (1-w)*e.secPerFrame
	}
	e.last, e.done = now, done
}

// PerFrame is the smoothed time per frame, once warmed up.
func (e *Estimate) PerFrame() (time.Duration, bool) {
	wf, wu, _ := e.defaults()
	if !e.started || e.done-e.done0 < wf || e.last.Sub(e.first) < wu || math.IsNaN(e.secPerFrame) {
		return 0, false
	}
	return time.Duration(e.secPerFrame * float64(time.Second)), true
}

// Left is the time the remaining frames of total will take, once warmed up.
func (e *Estimate) Left(total int) (time.Duration, bool) {
	per, ok := e.PerFrame()
	if !ok {
		return 0, false
	}
	return time.Duration(max(0, total-e.done)) * per, true
}
