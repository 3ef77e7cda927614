package words

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Tracked says that a video was tracked: in how many of its frames the
// lifter was found, with which model (none named when model is "") and
// how long it took.
func Tracked(input, model string, tracked, processed int, wallS float64) string {
	if model == "" {
		return fmt.Sprintf("%s: lifter tracked in %d of %d frames (%.1f s)", input, tracked, processed, wallS)
	}
	return fmt.Sprintf("%s: lifter tracked in %d of %d frames (%s, %.1f s)", input, tracked, processed, model, wallS)
}

// PoseNote passes on something the pose step noticed about an input.
func PoseNote(input, text string) string { return fmt.Sprintf("%s: note: %s", input, text) }

// DemoFiles names the files the demo writes.
type DemoFiles struct {
	Report, Annotated, Video, Track, Truth string
	// TrackPath is the track's path as the user would type it again.
	TrackPath string
}

// WriteDemoFiles lists what the demo wrote into dir and how long it took,
// and says where to go next.
func WriteDemoFiles(w io.Writer, dir string, took time.Duration, f DemoFiles) error {
	if _, err := fmt.Fprintf(w, "\nWritten to %s (in %s):\n", dir, Elapsed(took)); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range [][2]string{
		{f.Report, "the report: open it in a browser"},
		{f.Annotated, "the video with the skeleton, knee lines and angles drawn on it"},
		{f.Video, "the simulated video that was analysed"},
		{f.Track, "the keypoints found in it ('kneetrack analyze " + f.TrackPath + "' repeats the analysis)"},
		{f.Truth, "every angle as simulated, to check the measurements against"},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", row[0], row[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "How to read it: docs/demo.md. Film your own set from the front and run 'kneetrack analyze' on it.")
	return err
}
