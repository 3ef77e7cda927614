package valgus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Options controls AnalyzeSet. The zero value analyses with automatic
// movement recognition and the default thresholds.
type Options struct {
	Movement   body.Movement // body.MoveAuto to recognise it
	Sex        Sex
	HeightCM   float64 // lifter's height; 0 if unknown (then no cm or m/s)
	LoadKG     float64 // the set's load; NaN or 0 with HasLoad false if unknown
	HasLoad    bool
	Thresholds *Thresholds // nil for Defaults()
	// Label names the set in the results (SetResult.Source) and in errors;
	// "" names it by the track's Video.Source.
	Label   string
	Clean   motion.CleanOptions
	Segment motion.SegmentOptions
	Logger  *slog.Logger // nil for none
}

// SetResult is the analysis of one set (one track).
type SetResult struct {
	Source   string
	Video    track.Video
	Skeleton string
	HasFeet  bool
	LoadKG   float64
	HasLoad  bool
	Sex      Sex
	HeightCM float64
	// Movement is what the set shows; MovementGiven says the user stated it.
	Movement       body.Movement
	MovementGiven  bool
	MovementReason MovementReason
	View           ViewResult
	// Thresholds are the ones the set was graded with; outputs that grade
	// or colour anything read them here.
	Thresholds Thresholds
	// CleanTrack is the cleaned keypoint track (gaps filled, smoothed) the
	// set was measured on, so that drawings follow the same points as the
	// numbers; outputs never clean again. Clean says what cleaning did
	// (zero for a set too short to analyse).
	CleanTrack *track.Track
	Clean      motion.CleanReport
	Baseline   Baseline
	Frames     []FrameMetrics
	Reps       []RepResult
	Summary    SetSummary
	// Analysed is false when the set could not be assessed; Reason says
	// why (and Length how much input there was), for the report to put
	// into words. Notes are things the user should know.
	Analysed bool
	Reason   Reason
	Length   Length
	Notes    []Note
}

// Reason is why a set was not analysed: a fact for the report to word.
type Reason string

// Reasons a set is not analysed.
const (
	ReasonNone Reason = "" // analysed
	// ReasonTooShort: fewer frames, or a shorter time, than one rep takes
	// (Length says how much there was and what a rep needs).
	ReasonTooShort Reason = "too_short"
	// ReasonLegsNotFound: hips and ankles were found together in fewer
	// than half the frames (Length.BodyFrames of Length.Frames): nobody,
	// or not enough of them, to follow.
	ReasonLegsNotFound Reason = "legs_not_found"
	// ReasonNoReps: the hips never went down far enough to count a rep.
	ReasonNoReps Reason = "no_reps"
	// ReasonSideView: filmed from the side (View.Refused).
	ReasonSideView Reason = "side_view"
	// ReasonUnsupported: a movement kneetrack does not analyse yet
	// (Movement says which).
	ReasonUnsupported Reason = "unsupported"
	// ReasonOutOfFrame: knees, ankles or hips out of the picture or not
	// found in more than half the frames (View.OutOfFrame).
	ReasonOutOfFrame Reason = "out_of_frame"
)

// Length is how much input a set had, and the least that can hold a rep.
type Length struct {
	Frames     int     // frames in the track
	Seconds    float64 // from the first frame to the last
	BodyFrames int     // frames where the hips and an ankle were found
	MinFrames  int     // the fewest frames a rep is looked for in
	MinSeconds float64 // the shortest rep counted
}

// minRepFrames is the fewest frames a rep is looked for in: standing,
// bottom, standing again.
const minRepFrames = 3

// defaultMinRepS is motion.SegmentOptions' default MinRepS (the shortest
// rep it counts).
const defaultMinRepS = 0.4

// AnalyzeSet analyses one set of reps from a keypoint track.
func AnalyzeSet(ctx context.Context, t *track.Track, opt Options) (*SetResult, error) {
	name := opt.Label
	if name == "" {
		name = t.Video.Source
	}
	th := Defaults()
	if opt.Thresholds != nil {
		th = *opt.Thresholds
	}
	if err := th.Validate(); err != nil {
		return nil, fmt.Errorf("analysing %s: %w", name, err)
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("analysing %s: %w", name, err)
	}
	var missing []string
	for _, n := range []string{track.LeftHip, track.RightHip, track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle} {
		if !t.Has(n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("analysing %s: the track has no %s; knee valgus needs hips, knees and ankles on both sides",
			name, strings.Join(missing, ", "))
	}
	// Cleaned first, so that every result carries the track its drawings
	// follow, a set too short to analyse too.
	clean, crep, err := motion.Clean(t, opt.Clean)
	if err != nil {
		return nil, fmt.Errorf("analysing %s: %w", name, err)
	}
	res := &SetResult{Source: name, Video: t.Video, Skeleton: t.Skeleton, HasFeet: t.HasFeet(),
		LoadKG: opt.LoadKG, HasLoad: opt.HasLoad, Sex: opt.Sex, HeightCM: opt.HeightCM, Thresholds: th, CleanTrack: clean}
	res.Length = Length{Frames: len(t.Frames), Seconds: t.Frames[len(t.Frames)-1].Time - t.Frames[0].Time,
		MinFrames: minRepFrames, MinSeconds: opt.Segment.MinRepS}
	if res.Length.MinSeconds <= 0 {
		res.Length.MinSeconds = defaultMinRepS
	}
	if res.Length.Frames < res.Length.MinFrames || res.Length.Seconds < res.Length.MinSeconds {
		res.stopEarly(ReasonTooShort, opt.Movement)
		return res, nil
	}
	if !res.HasFeet {
		res.Notes = append(res.Notes, Note{Kind: NoteNoFeet})
	}
	res.View.OutOfFrame = outOfFrame(t, th.OutOfFrameFrac, th.MinConfidence)

	res.Clean = crep
	log.Debug("cleaned track", "source", name, "rate_hz", crep.RateHz, "filled", crep.FilledPoints, "long_gaps", len(crep.LongGaps))
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	b := newLifter(clean, th.MinConfidence)
	for i := range b.n {
		if !math.IsNaN(b.hipHeight(i)) {
			res.Length.BodyFrames++
		}
	}
	depth, legPx, standPx, okFrac := b.depthSeries()
	if depth == nil || okFrac < 0.5 || !(legPx > 0) {
		res.stopEarly(ReasonLegsNotFound, opt.Movement)
		res.Notes = append(res.Notes, Note{Kind: NoteLegsNotFound, OutOfFrame: res.View.OutOfFrame})
		return res, nil
	}
	times := clean.Times()
	reps, err := motion.SegmentReps(depth, times, opt.Segment)
	if err != nil {
		return nil, fmt.Errorf("analysing %s: %w", name, err)
	}
	phases, repIdx := motion.Phases(reps, len(depth))

	// Standing frames: outside reps and near full height.
	var standing []int
	for i, d := range depth {
		if repIdx[i] < 0 && d < 0.05 {
			standing = append(standing, i)
		}
	}
	if len(standing) < 3 {
		standing = standing[:0]
		thr := percentile(depth, 0.1)
		for i, d := range depth {
			if d <= thr {
				standing = append(standing, i)
			}
		}
		res.Notes = append(res.Notes, Note{Kind: NoteNoStill})
	}
	bl := b.baseline(standing, legPx, standPx)
	res.Baseline = bl

	ev := recognise(&b, reps, depth, times, bl)
	res.Movement, res.MovementReason = ev.movement, ev.reason
	if opt.Movement != body.MoveAuto {
		res.MovementGiven = true
		if opt.Movement != ev.movement {
			res.Notes = append(res.Notes, Note{Kind: NoteMovementDiffers, Movement: opt.Movement, Recognised: ev.movement, RecognisedBy: ev.reason})
		}
		res.Movement = opt.Movement
		res.MovementReason = MovementReason{Kind: MovementGivenByUser}
	}

	res.View = mergeOutOfFrame(estimateView(&b, bl, standing, t.Skeleton, th), res.View.OutOfFrame)
	if res.View.View == ViewSide && !res.MovementGiven && res.Movement != body.MoveNone {
		res.Movement, res.MovementReason = body.MoveUnknown, MovementReason{Kind: MovementSideView}
	}
	// The camera's angle from the feet decides whose a closing-in is only
	// when it is clearly turned: the feet read a few degrees off on real
	// pose output (a rendered lifter filmed straight on read 6 deg), and
	// below that a correction would move a cave to the wrong knee.
	b.bothPlanted = res.Movement == body.MoveBilateralSquat
	if res.Movement == body.MoveBilateralSquat && math.Abs(bl.FeetYawSin) >= math.Sin(minYawCorrectDeg/deg) {
		b.yawSin = bl.FeetYawSin
	}
	res.Frames = make([]FrameMetrics, len(depth))
	for i := range depth {
		m := b.frameMetrics(i, bl, th)
		m.Time, m.Depth, m.Rep, m.Phase = times[i], depth[i], repIdx[i], phases[i]
		res.Frames[i] = m
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	switch {
	case len(reps) == 0:
		res.Reason = ReasonNoReps
		res.Notes = append(res.Notes, Note{Kind: NoteNoReps})
		return res, nil
	case res.View.Refused:
		res.Reason = ReasonSideView
		return res, nil
	case !res.Movement.Supported():
		res.Reason = ReasonUnsupported
		res.Notes = append(res.Notes, Note{Kind: NoteUnsupported, Movement: res.Movement})
		return res, nil
	case blocking(res.View.OutOfFrame):
		res.Reason = ReasonOutOfFrame
		res.Notes = append(res.Notes, Note{Kind: NoteOutOfFrame, OutOfFrame: res.View.OutOfFrame})
		return res, nil
	}

	for k, r := range reps {
		working := WorkingBoth
		switch res.Movement {
		case body.MoveSingleLegSquat:
			// The standing leg; not the lower ankle, which in a pistol is
			// often the free foot held out towards the camera.
			working = ev.planted[k]
		case body.MoveSplitSquat:
			working = ev.working[k]
			if working == WorkingBoth {
				working = lowerAnkle(&b, r.Bottom)
			}
		}
		res.Reps = append(res.Reps, assessRep(k, r, working, res, depth, times, th, opt))
	}
	res.Summary = summarise(res, th)
	res.Analysed = true
	return res, nil
}

// stopEarly marks a set given up before its movement and view were
// recognised: both unknown (the movement as given, if it was).
func (res *SetResult) stopEarly(why Reason, given body.Movement) {
	res.Reason = why
	res.View.View, res.View.YawDeg = ViewUnknown, math.NaN()
	res.Movement = body.MoveUnknown
	if given != body.MoveAuto {
		res.Movement, res.MovementGiven, res.MovementReason = given, true, MovementReason{Kind: MovementGivenByUser}
	}
}

// minYawCorrectDeg: the camera angle read from the feet from which the
// knees' positions are corrected for it (kneePos).
const minYawCorrectDeg = 12

// lowerAnkle names the leg whose ankle is lower in the picture (planted, or
// nearer the camera).
func lowerAnkle(b *lifter, i int) string {
	if b.ankle[0].ok[i] && b.ankle[1].ok[i] && b.ankle[0].pos[i].Y > b.ankle[1].pos[i].Y {
		return WorkingLeft
	}
	return WorkingRight
}

func blocking(o []OutOfFrame) bool {
	for _, x := range o {
		switch x.Keypoint {
		case track.LeftKnee, track.RightKnee, track.LeftAnkle, track.RightAnkle, track.LeftHip, track.RightHip:
			if x.Fraction > 0.5 {
				return true
			}
		}
	}
	return false
}

func mergeOutOfFrame(v ViewResult, o []OutOfFrame) ViewResult {
	v.OutOfFrame = o
	if len(o) > 0 {
		v.Notes = append(v.Notes, Note{Kind: NoteOutOfPicture, OutOfFrame: o})
	}
	return v
}

// ErrNoSets is returned by AnalyzeSession without sets.
var ErrNoSets = errors.New("no sets to analyse")

// clamp01 limits x to [0, 1].
func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
