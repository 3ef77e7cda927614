package session

import (
	"context"
	"testing"

	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestEarlyStopLabelledSet replays the early check on the labelled
// evaluation set (synthetic lifters filmed by virtual cameras, degraded
// like real pose output): no squat, single-leg or split squat is ever
// stopped, whatever its camera; a jump is stopped only when the whole
// track's own analysis also finds the jump.
func TestEarlyStopLabelledSet(t *testing.T) {
	cases, err := evalset.Build(evalset.Options{Seed: 15, Small: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := Options{Thresholds: valgus.Defaults()}
	stoppedJumps, jumps, checked := 0, 0, 0
	for _, c := range cases {
		if f := c.Track.Frames; f[len(f)-1].Time-f[0].Time >= EarlyFirstS+EarlyEveryS {
			checked++ // long enough for EarlyConfirm checks
		}
		st := ReplayEarlyCheck(ctx, c.Track, opts)
		if c.Movement != evalset.JumpLanding {
			if st != nil {
				t.Errorf("%s (%s): stopped at %.1f s, but the movement is analysed", c.Name, c.Movement, st.AtS)
			}
			continue
		}
		jumps++
		if st == nil {
			continue
		}
		stoppedJumps++
		th := valgus.Defaults()
		res, err := valgus.AnalyzeSet(ctx, c.Track, valgus.Options{Thresholds: &th})
		if err != nil {
			t.Fatal(err)
		}
		if res.Movement != "jump_landing" {
			t.Errorf("%s: stopped at %.1f s as a jump, but the whole track reads as %s", c.Name, st.AtS, res.Movement)
		}
	}
	t.Logf("%d cases, %d long enough to be stopped; %d of %d jumps stopped early", len(cases), checked, stoppedJumps, jumps)
	if 2*checked < len(cases) {
		t.Errorf("only %d of %d cases are long enough for the check to matter", checked, len(cases))
	}
}
