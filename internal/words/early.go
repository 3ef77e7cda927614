package words

import "fmt"

// StoppedEarly says that tracking a video stopped after atS of its
// durationS seconds (0: unknown) because the movement, one kneetrack does
// not analyse, was already plain: the note put first among the set's notes.
func StoppedEarly(atS, durationS float64) string {
	of := ""
	if durationS > 0 {
		of = fmt.Sprintf(" of %.0f s", durationS)
	}
	return fmt.Sprintf("tracking stopped after %.1f s%s of video: the movement was already clear, and it is not one kneetrack analyses, "+
		"so the rest was not tracked and no annotated video was made", atS, of)
}
