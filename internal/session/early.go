package session

import (
	"context"
	"errors"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/pose"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// When a video is checked while it is tracked (earlyWatch): first once
// EarlyFirstS seconds of it are tracked, then every EarlyEveryS seconds;
// tracking stops when EarlyConfirm checks in a row recognise the same
// movement that kneetrack does not analyse. The side lunge of the shared
// clips is recognised from the first check (4 s) and stops at the second
// (6.5 s of 32 s); no squat or single-leg clip is ever taken for an
// unsupported movement at any check (TestEarlyStopSharedTracks).
const (
	EarlyFirstS  = 4.0
	EarlyEveryS  = 2.5
	EarlyConfirm = 2
)

// errStopped ends the pose step of a video found to show a movement that
// kneetrack does not analyse (see earlyWatch).
var errStopped = errors.New("the movement is one kneetrack does not analyse")

// earlyWatch checks the partial track of a video while it is tracked, with
// the analysis itself (valgus.AnalyzeSet, the options of the whole set's):
// the verdict must be "not analysed: unsupported movement" for a movement
// the analysis recognised (a lateral lunge: see unsupportedVerdict), never
// one it could not tell (unknown, none), and the same on EarlyConfirm checks in a row. A
// movement given by the user is never second-guessed.
type earlyWatch struct {
	ctx   context.Context
	vo    valgus.Options
	clean pose.CleanOptions
	next  float64 // seconds of video at the next check
	agree int     // checks in a row that found movement
	move  body.Movement
	// res is the analysis of the partial track that stopped the tracking,
	// and track that track, cleaned.
	res   *valgus.SetResult
	track *track.Track
	atS   float64
}

func newEarlyWatch(ctx context.Context, vo valgus.Options, clean pose.CleanOptions) *earlyWatch {
	return &earlyWatch{ctx: ctx, vo: vo, clean: clean, next: EarlyFirstS}
}

// look is pose.Options.Watch: errStopped once the partial raw track shows
// an unsupported movement for sure.
func (w *earlyWatch) look(raw *track.Track) error {
	if len(raw.Frames) == 0 {
		return nil
	}
	t0, t1 := raw.Frames[0].Time, raw.Frames[len(raw.Frames)-1].Time
	if t1-t0 < w.next {
		return nil
	}
	w.next = t1 - t0 + EarlyEveryS
	clean, res, unsupported := w.check(raw)
	if !unsupported || (w.agree > 0 && res.Movement != w.move) {
		w.agree, w.move = 0, ""
		if !unsupported {
			return nil
		}
	}
	w.agree++
	w.move = res.Movement
	if w.agree < EarlyConfirm {
		return nil
	}
	w.res, w.track, w.atS = res, clean, t1-t0
	return errStopped
}

// check analyses the partial raw track as the whole one would be: cleaned
// as the pose step cleans it, then analysed. It reports whether the verdict
// is an unsupported movement that the analysis recognised.
func (w *earlyWatch) check(raw *track.Track) (*track.Track, *valgus.SetResult, bool) {
	if w.vo.Movement != body.MoveAuto {
		return nil, nil, false
	}
	clean, _, err := pose.Clean(raw.Clone(), w.clean)
	if err != nil {
		return nil, nil, false // too little to clean yet: look again later
	}
	res, err := valgus.AnalyzeSet(w.ctx, clean, w.vo)
	if err != nil {
		return nil, nil, false
	}
	return clean, res, unsupportedVerdict(res)
}

// unsupportedVerdict reports whether res says "not analysed" because the
// movement, recognised from the keypoints, is a lateral lunge. Only that
// one: a jump is told by a flight, which a squat filmed hand-held can show
// for a moment in a part of a video (4 of 682 whole squat tracks of the
// labelled set read as jumps), and a jump-landing clip is short anyway,
// so stopping early would risk a squat's verdict to save little.
func unsupportedVerdict(res *valgus.SetResult) bool {
	return !res.Analysed && res.Reason == valgus.ReasonUnsupported && !res.MovementGiven &&
		res.Movement == body.MoveLateralLunge
}

// ReplayEarlyCheck replays, on a whole track, the check made while a video
// is tracked: the track's frames are given one by one as the pose step
// would give them, and it returns where tracking would have stopped, or
// nil when it would have tracked the whole video. The track is taken as
// the raw one (cleaned again at each check). For tests and evaluations of
// the early stop: the run itself checks as it tracks.
func ReplayEarlyCheck(ctx context.Context, t *track.Track, opts Options) *Stopped {
	th := opts.Thresholds
	vo := valgus.Options{Label: t.Video.Source, Movement: opts.Movement, Sex: opts.Sex, HeightCM: opts.HeightCM,
		Thresholds: &th, Clean: opts.Clean}
	w := newEarlyWatch(ctx, vo, opts.Pose.Clean)
	part := *t
	for i := range t.Frames {
		part.Frames = t.Frames[:i+1]
		if w.look(&part) != nil {
			return &Stopped{AtS: w.atS, DurationS: t.Video.DurationS, Frames: i + 1, Total: len(t.Frames)}
		}
	}
	return nil
}
