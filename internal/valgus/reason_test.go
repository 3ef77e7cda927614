package valgus

import (
	"context"
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// TestNotAnalysedReason checks the reason (and the lengths) a set gives
// when it cannot be analysed: inputs too short to hold a rep (one frame,
// two, 0.3 s, and 0.8 s when reps must last 1 s), legs never found,
// standing still, a movement not supported, a side view, a knee not found
// in most frames; and none for a whole set. A set given up before its movement
// was recognised calls the movement unknown (as given, if it was), never
// "automatic" (body.MoveAuto).
func TestNotAnalysedReason(t *testing.T) {
	set := film(t, sim.StickSet{Reps: 2}, track.Camera{}, 0.5, 11) // 30 fps
	first := func(n int) *track.Track {
		c := set.Clone()
		c.Frames = c.Frames[:n]
		return c
	}
	hidden := set.Clone()
	for i := range hidden.Frames {
		for _, n := range []string{track.LeftAnkle, track.RightAnkle} {
			hidden.Frames[i].Points[hidden.Index(n)].Conf = 0
		}
	}
	kneeLost := set.Clone()
	for i := range kneeLost.Frames {
		if i%5 != 0 {
			kneeLost.Frames[i].Points[kneeLost.Index(track.LeftKnee)].Conf = 0
		}
	}
	cases := []struct {
		name   string
		tr     *track.Track
		opt    Options
		want   Reason
		length Length // checked when Frames is set
		move   body.Movement
	}{
		{"one frame", first(1), Options{}, ReasonTooShort, Length{Frames: 1, Seconds: 0, MinFrames: 3, MinSeconds: 0.4}, body.MoveUnknown},
		{"one frame, squat given", first(1), Options{Movement: body.MoveBilateralSquat}, ReasonTooShort,
			Length{Frames: 1, Seconds: 0, MinFrames: 3, MinSeconds: 0.4}, body.MoveBilateralSquat},
		{"two frames", first(2), Options{}, ReasonTooShort, Length{Frames: 2, Seconds: 1.0 / 30, MinFrames: 3, MinSeconds: 0.4}, body.MoveUnknown},
		{"0.3 s", first(10), Options{}, ReasonTooShort, Length{Frames: 10, Seconds: 0.3, MinFrames: 3, MinSeconds: 0.4}, body.MoveUnknown},
		{"0.8 s, reps of 1 s at least", first(25), Options{Segment: motion.SegmentOptions{MinRepS: 1}}, ReasonTooShort,
			Length{Frames: 25, Seconds: 0.8, MinFrames: 3, MinSeconds: 1}, body.MoveUnknown},
		{"ankles never found", hidden, Options{}, ReasonLegsNotFound,
			Length{Frames: len(set.Frames), Seconds: set.Frames[len(set.Frames)-1].Time, BodyFrames: 0, MinFrames: 3, MinSeconds: 0.4}, body.MoveUnknown},
		{"standing still", film(t, sim.StickSet{Reps: 2, DepthM: 0.01}, track.Camera{}, 0.5, 12), Options{}, ReasonNoReps, Length{}, body.MoveNone},
		{"drop jumps", film(t, sim.StickSet{Movement: body.MoveJumpLanding, Reps: 2}, track.Camera{}, 0.5, 13), Options{}, ReasonUnsupported, Length{}, body.MoveJumpLanding},
		{"side view", film(t, sim.StickSet{Reps: 2}, track.Camera{YawDeg: 90}, 0.5, 14), Options{}, ReasonSideView, Length{}, ""},
		{"left knee lost in most frames", kneeLost, Options{}, ReasonOutOfFrame, Length{}, body.MoveBilateralSquat},
		{"whole set", set, Options{}, ReasonNone,
			Length{Frames: len(set.Frames), Seconds: set.Frames[len(set.Frames)-1].Time, BodyFrames: len(set.Frames), MinFrames: 3, MinSeconds: 0.4}, body.MoveBilateralSquat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := AnalyzeSet(context.Background(), c.tr, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.Reason != c.want || res.Analysed != (c.want == ReasonNone) {
				t.Errorf("reason %q, analysed %v; want %q, analysed %v (notes %+v)", res.Reason, res.Analysed, c.want, c.want == ReasonNone, res.Notes)
			}
			// Each reason comes with the note that tells the user more.
			notes, kind := res.Notes, map[Reason]NoteKind{ReasonLegsNotFound: NoteLegsNotFound, ReasonNoReps: NoteNoReps,
				ReasonUnsupported: NoteUnsupported, ReasonOutOfFrame: NoteOutOfFrame, ReasonSideView: NoteSideView}[c.want]
			if c.want == ReasonSideView {
				notes = res.View.Notes
			}
			if _, ok := noteOf(notes, kind); kind != "" && !ok {
				t.Errorf("reason %q without a %q note: %+v", c.want, kind, notes)
			}
			if c.move != "" && res.Movement != c.move {
				t.Errorf("movement %q (%s), want %q", res.Movement, res.Movement.Label(), c.move)
			}
			if res.Movement == body.MoveAuto {
				t.Errorf("movement left as %q (%q)", res.Movement, res.Movement.Label())
			}
			if c.length.Frames > 0 {
				l := res.Length
				if l.Frames != c.length.Frames || math.Abs(l.Seconds-c.length.Seconds) > 1e-6 || l.BodyFrames != c.length.BodyFrames ||
					l.MinFrames != c.length.MinFrames || l.MinSeconds != c.length.MinSeconds {
					t.Errorf("length %+v, want %+v", l, c.length)
				}
			}
			if c.want == ReasonTooShort {
				if len(res.Notes) != 0 || res.View.View != ViewUnknown || !math.IsNaN(res.View.YawDeg) || len(res.Frames) != 0 {
					t.Errorf("too short: notes %+v, view %q (yaw %v), %d frames measured; want no notes, an unknown view, nothing measured",
						res.Notes, res.View.View, res.View.YawDeg, len(res.Frames))
				}
				if given := c.opt.Movement != body.MoveAuto; res.MovementGiven != given {
					t.Errorf("movement given %v, want %v", res.MovementGiven, given)
				}
			}
		})
	}
}
