package sim

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kneetrack/kneetrack/internal/atomicfile"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Outputs are the files `kneetrack simulate` writes, each named by its
// flag in errors; "" skips one.
type Outputs struct {
	Track string // the keypoint track (kneetrack track JSON), --track
	Truth string // the truth (Truth.WriteJSON), --truth
	Video string // the rendered video (H.264 MP4), -o
}

// WriteFiles simulates set as cam films it and writes outs. Every output
// is checked before any work, and all are staged and put in place
// together: an interrupted run writes nothing. A video shows the exact
// movement: the set's Noise spoils the track only (vo.Logger is warned). The video's stats are zero
// when no video was asked for.
func WriteFiles(ctx context.Context, set Set, cam track.Camera, outs Outputs, vo VideoOptions) (*Result, VideoStats, error) {
	var plan atomicfile.Plan
	plan.Output("--track", outs.Track)
	plan.Output("--truth", outs.Truth)
	plan.Output("-o", outs.Video)
	if err := plan.Check(); err != nil {
		return nil, VideoStats{}, err
	}
	res, err := Simulate(set, cam)
	if err != nil {
		return nil, VideoStats{}, err
	}
	var b atomicfile.Batch
	defer b.Discard()
	if outs.Track != "" {
		if err := b.Write(outs.Track, func(w io.Writer) error { return track.WriteJSON(w, res.Track) }); err != nil {
			return nil, VideoStats{}, err
		}
	}
	if outs.Truth != "" {
		if err := b.Write(outs.Truth, res.Truth.WriteJSON); err != nil {
			return nil, VideoStats{}, err
		}
	}
	var st VideoStats
	if outs.Video != "" {
		if nz := set.Noise; (nz.JitterPx > 0 || nz.DropoutRate > 0 || nz.OutlierRate > 0) && vo.Logger != nil {
			vo.Logger.Warn("--noise, --dropouts and --outliers spoil the track only; the video shows the exact movement")
		}
		tmp, err := b.Reserve(outs.Video)
		if err != nil {
			return nil, st, err
		}
		if st, err = res.RenderVideo(ctx, tmp, vo); err != nil {
			return nil, st, err
		}
	}
	if err := b.Commit(ctx); err != nil {
		return nil, st, err
	}
	return res, st, nil
}

// WriteTable prints the truth rep by rep, saying that the lifter is
// simulated.
func (t *Truth) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "Simulated lifter (not a real person): %s, %d reps, %.1f s, camera yaw %g°\n",
		strings.ReplaceAll(t.Movement, "_", " "), len(t.Reps), t.DurationS, t.Camera.YawDeg)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rep\tstart s\tend s\tleft peak FPPA change\tphase\tright peak FPPA change\tphase\tascent m/s")
	for _, r := range t.Reps {
		leg := func(l LegTruth) string {
			if !l.Assessed {
				return "free leg\t-"
			}
			return fmt.Sprintf("%+.1f°\t%s", l.PeakChange, l.PeakPhase)
		}
		fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%s\t%s\t%.2f\n", r.Rep, r.Analysed.Start, r.Analysed.End, leg(r.Left), leg(r.Right), r.AscentVelocity)
	}
	return tw.Flush()
}
