package words

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"
	"time"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TruthKnee is one knee in one rep of a simulated set: its peak FPPA rise
// above standing as simulated and as measured, and the phase of the peak
// ("" for none).
type TruthKnee struct {
	Simulated, Measured           float64
	SimulatedPhase, MeasuredPhase body.Phase
}

// TruthRep is one simulated rep beside what was measured; Counted is false
// when the analysis counted fewer reps than were simulated and this one has
// no measurement.
type TruthRep struct {
	Rep         int
	Counted     bool
	Right, Left TruthKnee
}

// TruthComparison is a simulated set beside its analysis: the facts the
// demo's table shows (session builds it from the simulator's truth and the
// set's result).
type TruthComparison struct {
	Reps []TruthRep
	// Counted is the number of reps the analysis counted.
	Counted int
	// RightSlope is the simulated rise of the right knee's peak FPPA per
	// rep; RightTrend is the trend measured over the set.
	RightSlope float64
	RightTrend valgus.Trend
}

// WriteTruthComparison prints, rep by rep, each knee's peak FPPA rise as
// simulated and as measured, with the phase of the peak, and the trend of
// the right knee over the set.
func WriteTruthComparison(w io.Writer, c TruthComparison) error {
	fmt.Fprintln(w, "Simulated vs measured: each knee's peak FPPA rise above standing (degrees) and when it peaked")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rep\tright simulated\tright measured\tright phase (sim / measured)\tleft simulated\tleft measured\t")
	for _, r := range c.Reps {
		rv, rp, lv := "-", "-", "-"
		if r.Counted {
			rv, rp, lv = Change(r.Right.Measured), truthPhase(r.Right.MeasuredPhase), Change(r.Left.Measured)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s / %s\t%s\t%s\t\n", r.Rep, Change(r.Right.Simulated), rv,
			truthPhase(r.Right.SimulatedPhase), rp, Change(r.Left.Simulated), lv)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if c.Counted != len(c.Reps) {
		fmt.Fprintf(w, "  %d reps simulated, %d counted.\n", len(c.Reps), c.Counted)
	}
	f := c.RightTrend
	verdict := "found the right knee's cave growing over the set"
	if f.Verdict != valgus.TrendWorsening {
		verdict = "did NOT find the right knee's cave growing (" + f.Verdict + ")"
	}
	_, err := fmt.Fprintf(w, "  Right knee over the set: simulated FPPA rise %+.1f°/rep; measured cave angle %+.1f°/rep (95%% CI %+.1f to %+.1f): kneetrack %s.\n",
		c.RightSlope, f.Slope, f.CILow, f.CIHigh, verdict)
	return err
}

// Change writes an angle change with its sign to a tenth of a degree,
// never as "-0.0" ("+0.0", "+2.4", "-7.1").
func Change(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no negative zero
	}
	return fmt.Sprintf("%+.1f", v)
}

// truthPhase shortens a phase name for the comparison table.
func truthPhase(p body.Phase) string {
	switch p {
	case body.PhaseOutOfTheHole:
		return "out of hole"
	case "":
		return "-"
	}
	return string(p)
}

// Elapsed says how long something took, for people: "48 s" or
// "1 min 32 s".
func Elapsed(d time.Duration) string {
	s := d.Seconds()
	if s < 60 {
		return fmt.Sprintf("%.0f s", math.Max(s, 0))
	}
	return fmt.Sprintf("%d min %02d s", int(s)/60, int(s)%60)
}
