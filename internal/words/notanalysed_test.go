package words

import (
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

func TestNotAnalysedReason(t *testing.T) {
	for _, c := range []struct {
		name string
		res  valgus.SetResult
		want string
	}{
		{"too short, one frame", valgus.SetResult{Reason: valgus.ReasonTooShort,
			Length: valgus.Length{Frames: 1, Seconds: 0, MinFrames: 3, MinSeconds: 0.6}},
			"the input is too short to contain a rep: it has 1 frame over 0.00 s, and a rep needs at least 3 frames over 0.6 s;" +
				" film the whole set, at least one full rep (standing, down and back up)"},
		{"too short, some frames", valgus.SetResult{Reason: valgus.ReasonTooShort,
			Length: valgus.Length{Frames: 12, Seconds: 0.4, MinFrames: 3, MinSeconds: 0.6}},
			"the input is too short to contain a rep: it has 12 frames over 0.40 s, and a rep needs at least 3 frames over 0.6 s;" +
				" film the whole set, at least one full rep (standing, down and back up)"},
		{"legs not found", valgus.SetResult{Reason: valgus.ReasonLegsNotFound, Length: valgus.Length{Frames: 90, BodyFrames: 20}},
			"the hips and ankles were found in only 20 of 90 frames, too few to follow the movement"},
		{"no reps", valgus.SetResult{Reason: valgus.ReasonNoReps}, "no squat reps were found"},
		{"side view", valgus.SetResult{Reason: valgus.ReasonSideView},
			"the camera looks from the side, which cannot show the knees moving inwards"},
		{"unsupported", valgus.SetResult{Reason: valgus.ReasonUnsupported, Movement: body.MoveJumpLanding},
			"jump / landing is not supported yet"},
		{"out of frame", valgus.SetResult{Reason: valgus.ReasonOutOfFrame},
			"the knees or ankles are out of the picture, or not found, in most frames"},
		{"no reason, refused view", valgus.SetResult{View: valgus.ViewResult{Refused: true}},
			"the camera looks from the side, which cannot show the knees moving inwards"},
		{"no reason, no movement", valgus.SetResult{Movement: body.MoveNone}, "no squat reps were found"},
		{"no reason, unsupported movement", valgus.SetResult{Movement: body.MoveLateralLunge},
			"lateral (side) lunge is not supported yet"},
		// Notes are things to know beside the reason, never the reason.
		{"no reason, notes", valgus.SetResult{Movement: body.MoveAuto, Notes: []valgus.Note{{Kind: valgus.NoteNoFeet},
			{Kind: valgus.NoteCaller, Text: "a note"}}}, "the keypoints were not good enough"},
		{"no reason at all", valgus.SetResult{Movement: body.MoveAuto}, "the keypoints were not good enough"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := NotAnalysedReason(&c.res); got != c.want {
				t.Errorf("got\n  %q\nwant\n  %q", got, c.want)
			}
		})
	}
}
