package valgus

import (
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
)

// The phase of a frame within a rep, worked out by hand: frames every
// second, the bottom held from 3 s to 4 s, the ascent 4 s to 10 s, so "out
// of the hole" is its first third, up to 6 s.
func TestPhaseAt(t *testing.T) {
	res := &SetResult{}
	for k := range 11 {
		res.Frames = append(res.Frames, FrameMetrics{Time: float64(k)})
	}
	rep := motion.Rep{Start: 0, BottomStart: 3, BottomEnd: 4, End: 10}
	tests := []struct {
		frame int
		want  body.Phase
	}{
		{0, body.PhaseDescent},
		{2, body.PhaseDescent},
		{3, body.PhaseBottom},
		{4, body.PhaseBottom},
		{5, body.PhaseOutOfTheHole},
		{6, body.PhaseOutOfTheHole},
		{7, body.PhaseAscent},
		{10, body.PhaseAscent},
	}
	for _, tc := range tests {
		if got := res.PhaseAt(tc.frame, rep); got != tc.want {
			t.Errorf("frame %d: %s, want %s", tc.frame, got, tc.want)
		}
	}
}
