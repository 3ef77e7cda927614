package session

import (
	"context"
	"testing"

	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestEarlyStopLabelledSet replays the early check on the labelled
// evaluation set (synthetic lifters filmed by virtual cameras, degraded
// like real pose output): nothing there is a lateral lunge, so nothing is
// ever stopped, whatever its camera: not a squat, a single-leg or split
// squat, nor a jump (a flight in part of a video is no reason to stop).
func TestEarlyStopLabelledSet(t *testing.T) {
	cases, err := evalset.Build(evalset.Options{Seed: 15, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := Options{Thresholds: valgus.Defaults()}
	jumps, checked := 0, 0
	for _, c := range cases {
		if f := c.Track.Frames; f[len(f)-1].Time-f[0].Time >= EarlyFirstS+EarlyEveryS {
			checked++ // long enough for EarlyConfirm checks
		}
		if c.Movement == evalset.JumpLanding {
			jumps++
		}
		if st := ReplayEarlyCheck(ctx, c.Track, opts); st != nil {
			t.Errorf("%s (%s): stopped at %.1f s, but it is no lateral lunge", c.Name, c.Movement, st.AtS)
		}
	}
	t.Logf("%d cases (%d jumps), %d long enough to be stopped", len(cases), jumps, checked)
	if 2*checked < len(cases) {
		t.Errorf("only %d of %d cases are long enough for the check to matter", checked, len(cases))
	}
}
