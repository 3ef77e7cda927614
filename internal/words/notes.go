package words

import (
	"fmt"
	"strings"

	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Notes says notes (valgus.SetResult.Notes, ViewResult.Notes or
// RepSide.Notes), one sentence each without its closing full stop, in
// their order; nil for none.
func Notes(ns []valgus.Note) []string {
	var out []string
	for _, n := range ns {
		if line := Note(n); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// Note says one note, in lower case and without a closing full stop, as the
// reports print it after a "!" or in a table cell ("" for a kind it does
// not know). A caller's note (valgus.NoteCaller) is said as given.
func Note(n valgus.Note) string {
	switch n.Kind {
	case valgus.NoteCaller:
		return n.Text
	case valgus.NoteNoFeet:
		return "the track has no heel and toe points (e.g. MoveNet): knee-vs-toes and toe-out are not available"
	case valgus.NoteLegsNotFound:
		s := "hips and ankles were found in too few frames to follow the movement"
		if len(n.OutOfFrame) > 0 {
			s += " (" + outOfFrame(n.OutOfFrame) + ")"
		}
		return s
	case valgus.NoteNoStill:
		return "the lifter hardly stood still: the standing posture is taken from the highest moments of the set"
	case valgus.NoteMovementDiffers:
		return fmt.Sprintf("movement given as %s; the keypoints suggested %s (%s)",
			n.Movement.Label(), n.Recognised.Label(), MovementReason(n.RecognisedBy))
	case valgus.NoteNoReps:
		return "no reps found: the hips never went down by more than a small fraction of the leg length"
	case valgus.NoteUnsupported:
		return n.Movement.Label() + " is not supported yet: kneetrack analyses squats (both legs), single-leg squats and split squats / lunges"
	case valgus.NoteOutOfFrame:
		return "knees or ankles are out of the picture or not found too often: " + outOfFrame(n.OutOfFrame) + ". Film the whole body, feet included"

	case valgus.NoteYawFromWidth:
		return "camera angle estimated from body width only (no foot points)"
	case valgus.NoteOblique:
		return fmt.Sprintf("the camera stands about %.0f deg to one side of the lifter: angles are distorted; film from straight in front for trustworthy numbers", n.YawDeg)
	case valgus.NoteSideView:
		return "this looks like a side view: knee cave (sideways movement of the knee) cannot be seen from the side. " +
			"Film from the front or a slight front angle, whole body and feet in the picture, camera at hip height, 2-4 m away"
	case valgus.NoteMirrored:
		return "the lifter's left appears on the picture's left: filmed from behind, or a mirrored video; left and right are reported as the picture shows them"
	case valgus.NoteOutOfPicture:
		return "out of the picture or not found: " + outOfFrame(n.OutOfFrame)

	case valgus.NoteRepOblique:
		return "oblique camera angle distorts the angles"
	case valgus.NoteRepCut:
		return "the rep is cut by the start or end of the video"
	case valgus.NoteRepNoReliable:
		return "no part of this rep shows the legs reliably for long enough"
	case valgus.NoteRepUnreliable:
		return fmt.Sprintf("hip, knee or ankle unreliable in more than %.0f%% of the rep's frames", 100*n.Limit)
	case valgus.NoteRepPartlyUnreliable:
		return "hip, knee or ankle unreliable in part of the rep"
	case valgus.NoteRepThighAtCamera:
		return "the thigh points at the camera at depth, so FPPA is uncertain there"
	}
	return ""
}

// MovementReason says why the set's movement is what it is
// (valgus.SetResult.MovementReason), in lower case: "" when no reason was
// given.
func MovementReason(r valgus.MovementReason) string {
	switch r.Kind {
	case valgus.MovementGivenByUser:
		return "given by the user"
	case valgus.MovementSideView:
		return "not recognised from a side view"
	case valgus.MovementNoReps:
		return "the hips never went down far enough to count a rep"
	case valgus.MovementFlight:
		return fmt.Sprintf("a flight (both feet off the floor with the hips above standing height) in %d of %d reps", r.Reps, r.Of)
	case valgus.MovementWideShift:
		return fmt.Sprintf("very wide stance (ankles %.1f hip widths apart) with the hips shifting over one leg", r.StanceHip)
	case valgus.MovementFootOff:
		return fmt.Sprintf("one foot off the floor (a free leg, moving with the body or held up while the knees stay level) in %d of %d reps", r.Reps, r.Of)
	case valgus.MovementSplitFeet:
		return fmt.Sprintf("feet planted at different distances from the camera, or knees at very different heights at the bottom, in %d of %d reps", r.Reps, r.Of)
	case valgus.MovementSideBySide:
		return fmt.Sprintf("both feet planted side by side in %d of %d reps", r.Reps, r.Of)
	}
	return ""
}

// outOfFrame lists keypoints with the share of frames they were out of the
// picture or not found: "left ankle (80% of frames), left heel (80% of
// frames)".
func outOfFrame(o []valgus.OutOfFrame) string {
	var parts []string
	for _, x := range o {
		parts = append(parts, fmt.Sprintf("%s (%.0f%% of frames)", strings.ReplaceAll(x.Keypoint, "_", " "), 100*x.Fraction))
	}
	return strings.Join(parts, ", ")
}
