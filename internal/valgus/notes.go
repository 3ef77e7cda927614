package valgus

import "github.com/kneetrack/kneetrack/internal/body"

// Note is something the user should know about a set (SetResult.Notes),
// its camera view (ViewResult.Notes) or one leg in a rep (RepSide.Notes):
// a fact with its numbers, for package words to say. Kind says which; the
// other fields hold what that kind needs and are zero otherwise.
type Note struct {
	Kind NoteKind
	// Movement: the movement that is not supported (NoteUnsupported), or
	// the one the user gave (NoteMovementDiffers).
	Movement body.Movement
	// Recognised is the movement the keypoints showed instead, and
	// RecognisedBy why (NoteMovementDiffers).
	Recognised   body.Movement
	RecognisedBy MovementReason
	// YawDeg is the camera's angle from straight in front (NoteOblique).
	YawDeg float64
	// OutOfFrame lists the keypoints out of the picture or not found
	// (NoteLegsNotFound, NoteOutOfFrame, NoteOutOfPicture).
	OutOfFrame []OutOfFrame
	// Limit is the share of a rep's frames beyond which the legs count as
	// unreliable (NoteRepUnreliable).
	Limit float64
	// Text is a note in the words of the program that ran the analysis
	// (NoteCaller), said as it is.
	Text string
}

// NoteKind names a note.
type NoteKind string

// Notes about a set.
const (
	// NoteCaller: a note the caller of the analysis adds in its own words
	// (Text), such as that the athlete is simulated. The analysis never
	// makes one.
	NoteCaller NoteKind = "caller"
	// NoteNoFeet: the track has no heel and toe points.
	NoteNoFeet NoteKind = "no_feet"
	// NoteLegsNotFound: hips and ankles found in too few frames
	// (OutOfFrame: what was out of the picture).
	NoteLegsNotFound NoteKind = "legs_not_found"
	// NoteNoStill: the lifter hardly stood still; the standing posture
	// comes from the highest moments.
	NoteNoStill NoteKind = "no_still"
	// NoteMovementDiffers: the movement given (Movement) is not what the
	// keypoints suggested (Recognised, RecognisedBy).
	NoteMovementDiffers NoteKind = "movement_differs"
	// NoteNoReps: the hips never went down far enough for a rep.
	NoteNoReps NoteKind = "no_reps"
	// NoteUnsupported: a movement (Movement) kneetrack does not analyse.
	NoteUnsupported NoteKind = "unsupported"
	// NoteOutOfFrame: knees or ankles out of the picture too often to
	// analyse (OutOfFrame).
	NoteOutOfFrame NoteKind = "out_of_frame"
)

// Notes about the camera view.
const (
	// NoteYawFromWidth: the camera's angle was estimated from the body's
	// width alone, without foot points.
	NoteYawFromWidth NoteKind = "yaw_from_width"
	// NoteOblique: the camera stands at an angle (YawDeg).
	NoteOblique NoteKind = "oblique"
	// NoteSideView: filmed from the side; knee cave cannot be seen.
	NoteSideView NoteKind = "side_view"
	// NoteMirrored: the lifter's left is on the picture's left.
	NoteMirrored NoteKind = "mirrored"
	// NoteOutOfPicture: some keypoints are out of the picture or not found
	// in part of the frames (OutOfFrame).
	NoteOutOfPicture NoteKind = "out_of_picture"
)

// Notes about one leg in a rep.
const (
	// NoteRepOblique: the oblique camera angle distorts the rep's angles.
	NoteRepOblique NoteKind = "rep_oblique"
	// NoteRepCut: the rep is cut by the start or end of the video.
	NoteRepCut NoteKind = "rep_cut"
	// NoteRepNoReliable: no part of the rep shows the leg reliably for
	// long enough.
	NoteRepNoReliable NoteKind = "rep_no_reliable"
	// NoteRepUnreliable: hip, knee or ankle unreliable in more than Limit
	// of the rep's frames.
	NoteRepUnreliable NoteKind = "rep_unreliable"
	// NoteRepPartlyUnreliable: hip, knee or ankle unreliable in part of
	// the rep.
	NoteRepPartlyUnreliable NoteKind = "rep_partly_unreliable"
	// NoteRepThighAtCamera: the thigh points at the camera at depth, so
	// FPPA is uncertain there.
	NoteRepThighAtCamera NoteKind = "rep_thigh_at_camera"
)

// MovementReason is why the set's movement is what it is
// (SetResult.MovementReason): what recognition saw, in how many reps.
type MovementReason struct {
	Kind MovementReasonKind
	// Reps of Of (all the reps) showed it (MovementFlight,
	// MovementFootOff, MovementSplitFeet, MovementSideBySide).
	Reps, Of int
	// StanceHip is how many hip widths apart the ankles stand
	// (MovementWideShift).
	StanceHip float64
}

// MovementReasonKind names what decided the movement.
type MovementReasonKind string

// What decided the movement.
const (
	// MovementNotSaid: no reason (the set stopped before recognition).
	MovementNotSaid MovementReasonKind = ""
	// MovementGivenByUser: the user stated the movement.
	MovementGivenByUser MovementReasonKind = "given"
	// MovementSideView: not recognised, because filmed from the side.
	MovementSideView MovementReasonKind = "side_view"
	// MovementNoReps: the hips never went down far enough for a rep.
	MovementNoReps MovementReasonKind = "no_reps"
	// MovementFlight: both feet off the floor with the hips above
	// standing height (a jump).
	MovementFlight MovementReasonKind = "flight"
	// MovementWideShift: a very wide stance with the hips shifting over
	// one leg (a lateral lunge).
	MovementWideShift MovementReasonKind = "wide_shift"
	// MovementFootOff: one foot off the floor (a single-leg squat).
	MovementFootOff MovementReasonKind = "foot_off"
	// MovementSplitFeet: feet at different distances from the camera, or
	// knees at very different heights at the bottom (a split squat).
	MovementSplitFeet MovementReasonKind = "split_feet"
	// MovementSideBySide: both feet planted side by side (a squat).
	MovementSideBySide MovementReasonKind = "side_by_side"
)
