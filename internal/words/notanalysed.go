package words

import (
	"fmt"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// NotAnalysedReason says in a few words why a set was not analysed, from
// the reason the analysis gives (valgus.SetResult.Reason) and its facts.
func NotAnalysedReason(res *valgus.SetResult) string {
	l := res.Length
	switch res.Reason {
	case valgus.ReasonTooShort:
		return fmt.Sprintf("the input is too short to contain a rep: it has %d frame%s over %.2f s, and a rep needs "+
			"at least %d frames over %.1f s; film the whole set, at least one full rep (standing, down and back up)",
			l.Frames, Plural(l.Frames), l.Seconds, l.MinFrames, l.MinSeconds)
	case valgus.ReasonLegsNotFound:
		return fmt.Sprintf("the hips and ankles were found in only %d of %d frames, too few to follow the movement",
			l.BodyFrames, l.Frames)
	case valgus.ReasonNoReps:
		return "no squat reps were found"
	case valgus.ReasonSideView:
		return "the camera looks from the side, which cannot show the knees moving inwards"
	case valgus.ReasonUnsupported:
		return res.Movement.Label() + " is not supported yet"
	case valgus.ReasonOutOfFrame:
		return "the knees or ankles are out of the picture, or not found, in most frames"
	}
	// A result that gives no reason (made by hand; the analysis always
	// gives one): tell from what it shows.
	switch {
	case res.View.Refused:
		return "the camera looks from the side, which cannot show the knees moving inwards"
	case res.Movement == body.MoveNone:
		return "no squat reps were found"
	case res.Movement != body.MoveUnknown && res.Movement != body.MoveAuto && !res.Movement.Supported():
		return res.Movement.Label() + " is not supported yet"
	}
	return "the keypoints were not good enough"
}
