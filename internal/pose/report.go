package pose

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// ParsePoint reads a point of the picture given as "X,Y", both fractions
// of its width and height (0..1), as Options.PickX and PickY take it.
func ParsePoint(s string) (x, y float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if ok {
		x, err = strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err == nil {
			y, err = strconv.ParseFloat(strings.TrimSpace(b), 64)
		}
	}
	if !ok || err != nil || !(x >= 0 && x <= 1 && y >= 0 && y <= 1) { // NaN fails too
		return 0, 0, errors.New("give X,Y as fractions of the picture's width and height, e.g. 0.5,0.6")
	}
	return x, y, nil
}

// WriteTable lists the people the scan found, likeliest lifter first, each
// with the --pick point that follows them.
func (s *Scan) WriteTable(w io.Writer) error {
	if len(s.People) == 0 {
		_, err := fmt.Fprintf(w, "nobody found in %d frames sampled over the video\n", len(s.SampleTimes))
		return err
	}
	fmt.Fprintf(w, "%d people found in %d frames sampled over the video (%dx%d); the first is followed unless you --pick another\n"+
		"(a --pick point is looked for where each person was first seen, then wherever they were seen):\n\n",
		len(s.People), len(s.SampleTimes), s.Width, s.Height)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERSON\tLIFTER-LIKE\tSEEN\tFIRST SEEN\tBOX ON FIRST SIGHTING (x0,y0 - x1,y1 px)\tPICK WITH")
	for _, p := range s.People {
		first := p.First()
		b := first.Box
		x, y := s.PickPoint(p) // the hip centre on first sighting
		fmt.Fprintf(tw, "%d\t%.2f\t%d/%d\t%.2f s\t%.0f,%.0f - %.0f,%.0f\t--pick %.2f,%.2f\n",
			p.ID, p.Likeness, len(p.Sightings), len(s.SampleTimes), first.Time, b.X0, b.Y0, b.X1, b.Y1, x, y)
	}
	return tw.Flush()
}

// WriteSummary tells what was tracked, how the keypoints were cleaned and,
// unless output is "-" (standard output), the file written.
func (r *Result) WriteSummary(w io.Writer, output string) {
	st := r.Stats
	who := "the lifter"
	if r.Person.ID != 0 {
		who = fmt.Sprintf("person %d of %d", r.Person.ID, len(r.People))
	}
	fmt.Fprintf(w, "tracked %s in %d of %d frames (%.0f ms per frame in the models, %.1f s in all)\n",
		who, st.Tracked, st.Processed, st.MsPerFrame(), st.WallS)
	c := r.Clean
	fmt.Fprintf(w, "cleaning: %d low-confidence points, %d filled, left/right swaps repaired in %d frames", c.LowConfPoints, c.FilledPoints, c.SwappedFrames)
	if c.Filtered {
		fmt.Fprintf(w, ", smoothed below %g Hz", c.CutoffHz)
	}
	fmt.Fprintln(w)
	if n := LegGaps(c.LongGaps); n > 0 {
		fmt.Fprintf(w, "gaps too long to fill in hips, knees, ankles or feet: %d (see the track's conf 0 or low-confidence points)\n", n)
	}
	for _, s := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", s)
	}
	if output != "-" {
		fmt.Fprintf(w, "wrote %s\n", output)
	}
}

// LegGaps counts the gaps too long to fill in the keypoints of the legs
// (hips, knees, ankles, heels and feet).
func LegGaps(gaps []Gap) int {
	n := 0
	for _, g := range gaps {
		for _, part := range []string{"hip", "knee", "ankle", "heel", "foot_index"} {
			if strings.HasSuffix(g.Keypoint, part) {
				n++
				break
			}
		}
	}
	return n
}
