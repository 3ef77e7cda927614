package words

import (
	"fmt"

	"github.com/kneetrack/kneetrack/internal/body"
)

// DisclaimerShort is the disclaimer in one line, for the short terminal
// summary (the full Disclaimer is said with --details and in every other
// report).
const DisclaimerShort = "This is not a diagnosis: with pain or an injury, see a qualified professional."

// DetailsHint points from the short terminal summary to everything else.
const DetailsHint = "The rest of the plan, the causes with their evidence and every number: add --details. " +
	"Charts and key frames: add --report DIR."

// Column names of the terminal's rep table, in the words a lifter reads.
const (
	ColRep      = "rep"
	ColKnee     = "knee"
	ColTime     = "time (s)"
	ColDepth    = "depth"
	ColTempo    = "down/up (s)"
	ColKneeGap  = "knee gap"
	ColHowFarIn = "how far in"
	ColWhen     = "when"
	ColPastToes = "past toes"
	ColGrade    = "grade"
	ColTracking = "tracking"
)

// GradeWord names a rep's grade in the table: "none", "mild", "moderate",
// "severe", "unclear" (keypoints too unsure to grade).
func GradeWord(sev string) string {
	switch sev {
	case "unknown":
		return "unclear"
	case "not_assessed":
		return "not graded"
	}
	return sev
}

// FreeLeg names a leg that is not graded in a movement: the free leg of
// a single-leg squat, the rear leg of a split squat.
func FreeLeg(mv body.Movement) string {
	switch mv {
	case body.MoveSingleLegSquat:
		return "free leg"
	case body.MoveSplitSquat:
		return "rear leg"
	}
	return "not graded"
}

// TableLegend explains the rep table's columns in one paragraph: the
// short table's (how far in, when, grade, tracking) or, with details, every
// column with the technical name of its measure.
func TableLegend(mv body.Movement, details bool) string {
	in := "how far in: degrees the knee turned in towards the other knee past straight ahead (0 = straight ahead, + = in)"
	if mv != body.MoveBilateralSquat {
		in = "how far in: degrees the knee angle, seen from the front, closed inwards beyond standing (+ = in, - = out)"
	}
	if details {
		if mv == body.MoveBilateralSquat {
			in += ", the cave angle, as far as both knees closed in"
		} else {
			in += ", the rise of the frontal-plane projection angle (FPPA)"
		}
		in += "; peaks are the level held for at least 0.1 s"
	}
	s := in + "; when: the moment of the rep it peaked; grade: none, mild, moderate or severe against the " +
		bands(mv) + " bands (unclear: the keypoints were too unsure)"
	if details {
		s += "; past toes: how much further inside the toes the knee went than when standing, in shin lengths " +
			"(shown, not graded); knee gap: the narrowest gap between the knees over the gap between the ankles " +
			"(KASR, knee-to-ankle separation ratio; under 1: knees closer than ankles); depth: how far the hips went down, " +
			"in % of the leg's length; down/up: seconds going down and coming up"
	}
	return s + "; tracking: how clearly the body was seen (good, fair, poor); * only partly filmed."
}

func bands(mv body.Movement) string {
	if mv == body.MoveBilateralSquat {
		return "knee-cave"
	}
	return "single-leg"
}

// GapMark follows the grade of a knee graded on the knee gap alone (basis
// "kasr"), in the rep tables: "moderate (gap)".
const GapMark = "(gap)"

// GapLegend explains GapMark; below is the knee-gap threshold
// (valgus.KASRCave.Below).
func GapLegend(below float64) string {
	return fmt.Sprintf("%s: graded on how close the knees came together at depth (closer than %.2g times the ankles' width), whatever the angle", GapMark, below)
}
