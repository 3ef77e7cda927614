package words

import (
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// Every note kind, with numbers whose rounding is worked out by hand in
// the comments, said in the words the reports show.
func TestNote(t *testing.T) {
	// 0.7987 -> 80%, 0.5 -> 50%, 0.0049 -> 0%
	out := []valgus.OutOfFrame{{Keypoint: "left_ankle", Fraction: 0.7987}, {Keypoint: "left_foot_index", Fraction: 0.5}}
	cases := []struct {
		name string
		n    valgus.Note
		want string
	}{
		{"caller's words", valgus.Note{Kind: valgus.NoteCaller, Text: "a simulated athlete"}, "a simulated athlete"},
		{"no feet", valgus.Note{Kind: valgus.NoteNoFeet},
			"the track has no heel and toe points (e.g. MoveNet): knee-vs-toes and toe-out are not available"},
		{"legs not found, nothing out of the picture", valgus.Note{Kind: valgus.NoteLegsNotFound},
			"hips and ankles were found in too few frames to follow the movement"},
		{"legs not found, ankle out of the picture", valgus.Note{Kind: valgus.NoteLegsNotFound,
			OutOfFrame: []valgus.OutOfFrame{{Keypoint: "right_ankle", Fraction: 0.0049}}},
			"hips and ankles were found in too few frames to follow the movement (right ankle (0% of frames))"},
		{"no still standing", valgus.Note{Kind: valgus.NoteNoStill},
			"the lifter hardly stood still: the standing posture is taken from the highest moments of the set"},
		{"movement differs", valgus.Note{Kind: valgus.NoteMovementDiffers, Movement: body.MoveSplitSquat,
			Recognised: body.MoveBilateralSquat, RecognisedBy: valgus.MovementReason{Kind: valgus.MovementSideBySide, Reps: 4, Of: 5}},
			"movement given as split squat / lunge; the keypoints suggested squat (both legs) (both feet planted side by side in 4 of 5 reps)"},
		{"no reps", valgus.Note{Kind: valgus.NoteNoReps},
			"no reps found: the hips never went down by more than a small fraction of the leg length"},
		{"unsupported", valgus.Note{Kind: valgus.NoteUnsupported, Movement: body.MoveJumpLanding},
			"jump / landing is not supported yet: kneetrack analyses squats (both legs), single-leg squats and split squats / lunges"},
		{"out of frame", valgus.Note{Kind: valgus.NoteOutOfFrame, OutOfFrame: out},
			"knees or ankles are out of the picture or not found too often: left ankle (80% of frames), left foot index (50% of frames)." +
				" Film the whole body, feet included"},
		{"yaw from width", valgus.Note{Kind: valgus.NoteYawFromWidth},
			"camera angle estimated from body width only (no foot points)"},
		// 31.6 -> 32
		{"oblique", valgus.Note{Kind: valgus.NoteOblique, YawDeg: 31.6},
			"the camera stands about 32 deg to one side of the lifter: angles are distorted; film from straight in front for trustworthy numbers"},
		{"side view", valgus.Note{Kind: valgus.NoteSideView},
			"this looks like a side view: knee cave (sideways movement of the knee) cannot be seen from the side." +
				" Film from the front or a slight front angle, whole body and feet in the picture, camera at hip height, 2-4 m away"},
		{"mirrored", valgus.Note{Kind: valgus.NoteMirrored},
			"the lifter's left appears on the picture's left: filmed from behind, or a mirrored video; left and right are reported as the picture shows them"},
		{"out of picture", valgus.Note{Kind: valgus.NoteOutOfPicture, OutOfFrame: out},
			"out of the picture or not found: left ankle (80% of frames), left foot index (50% of frames)"},
		{"rep oblique", valgus.Note{Kind: valgus.NoteRepOblique}, "oblique camera angle distorts the angles"},
		{"rep cut", valgus.Note{Kind: valgus.NoteRepCut}, "the rep is cut by the start or end of the video"},
		{"rep never reliable", valgus.Note{Kind: valgus.NoteRepNoReliable},
			"no part of this rep shows the legs reliably for long enough"},
		{"rep unreliable", valgus.Note{Kind: valgus.NoteRepUnreliable, Limit: 0.3},
			"hip, knee or ankle unreliable in more than 30% of the rep's frames"},
		{"rep partly unreliable", valgus.Note{Kind: valgus.NoteRepPartlyUnreliable},
			"hip, knee or ankle unreliable in part of the rep"},
		{"rep thigh at the camera", valgus.Note{Kind: valgus.NoteRepThighAtCamera},
			"the thigh points at the camera at depth, so FPPA is uncertain there"},
		{"unknown kind", valgus.Note{Kind: "no_such_kind", Text: "never said"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Note(c.n); got != c.want {
				t.Errorf("got\n  %q\nwant\n  %q", got, c.want)
			}
		})
	}
}

func TestNotesKeepOrderAndSkipUnknown(t *testing.T) {
	got := Notes([]valgus.Note{{Kind: valgus.NoteCaller, Text: "first"}, {Kind: "no_such_kind"}, {Kind: valgus.NoteRepCut}})
	want := []string{"first", "the rep is cut by the start or end of the video"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("Notes = %q, want %q", got, want)
	}
	if got := Notes(nil); got != nil {
		t.Errorf("Notes(nil) = %q, want nil", got)
	}
}

func TestMovementReason(t *testing.T) {
	for _, c := range []struct {
		name string
		r    valgus.MovementReason
		want string
	}{
		{"none", valgus.MovementReason{}, ""},
		{"given", valgus.MovementReason{Kind: valgus.MovementGivenByUser}, "given by the user"},
		{"side view", valgus.MovementReason{Kind: valgus.MovementSideView}, "not recognised from a side view"},
		{"no reps", valgus.MovementReason{Kind: valgus.MovementNoReps}, "the hips never went down far enough to count a rep"},
		{"flight", valgus.MovementReason{Kind: valgus.MovementFlight, Reps: 2, Of: 3},
			"a flight (both feet off the floor with the hips above standing height) in 2 of 3 reps"},
		// 2.46 -> 2.5
		{"wide shift", valgus.MovementReason{Kind: valgus.MovementWideShift, StanceHip: 2.46},
			"very wide stance (ankles 2.5 hip widths apart) with the hips shifting over one leg"},
		{"foot off", valgus.MovementReason{Kind: valgus.MovementFootOff, Reps: 5, Of: 5},
			"one foot off the floor (a free leg, moving with the body or held up while the knees stay level) in 5 of 5 reps"},
		{"split feet", valgus.MovementReason{Kind: valgus.MovementSplitFeet, Reps: 3, Of: 4},
			"feet planted at different distances from the camera, or knees at very different heights at the bottom, in 3 of 4 reps"},
		{"side by side", valgus.MovementReason{Kind: valgus.MovementSideBySide, Reps: 1, Of: 1},
			"both feet planted side by side in 1 of 1 reps"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := MovementReason(c.r); got != c.want {
				t.Errorf("got\n  %q\nwant\n  %q", got, c.want)
			}
		})
	}
}
