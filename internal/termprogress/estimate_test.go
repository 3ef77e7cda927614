package termprogress

import (
	"math"
	"testing"
	"time"
)

// feed drives e with a fake clock: frames one by one, each taking per(i).
func feed(e *Estimate, t0 time.Time, from, to int, per func(i int) time.Duration) time.Time {
	now := t0
	for i := from; i <= to; i++ {
		if i > from {
			now = now.Add(per(i))
		}
		e.Observe(now, i)
	}
	return now
}

func TestEstimate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const total = 1000
	for _, tc := range []struct {
		name string
		// frames 0..upTo, each after per(i); the truth of the time left is
		// computed here from the rate of the frames still to come.
		upTo    int
		per     func(i int) time.Duration
		wantOK  bool
		left    time.Duration // the truth, when wantOK
		tolFrac float64
	}{
		{"no estimate before the warm-up's frames", 5, func(int) time.Duration { return 500 * time.Millisecond }, false, 0, 0},
		{"no estimate before the warm-up's time", 40, func(int) time.Duration { return 20 * time.Millisecond }, false, 0, 0},
		{"constant rate", 200, func(int) time.Duration { return 50 * time.Millisecond }, true, 800 * 50 * time.Millisecond, 0.02},
		{"a slow first frame (model loading) does not stay", 200, func(i int) time.Duration {
			if i == 1 {
				return 20 * time.Second
			}
			return 50 * time.Millisecond
		}, true, 800 * 50 * time.Millisecond, 0.05},
		{"adapts after a rate change", 300, func(i int) time.Duration {
			if i <= 150 {
				return 40 * time.Millisecond
			}
			return 120 * time.Millisecond
		}, true, 700 * 120 * time.Millisecond, 0.05},
		{"noisy frames around a mean", 400, func(i int) time.Duration {
			return time.Duration(60+30*math.Sin(float64(i))) * time.Millisecond
		}, true, 600 * 60 * time.Millisecond, 0.10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e Estimate
			feed(&e, t0, 0, tc.upTo, tc.per)
			left, ok := e.Left(total)
			if ok != tc.wantOK {
				t.Fatalf("estimate given = %v (%v), want %v", ok, left, tc.wantOK)
			}
			if ok && math.Abs(float64(left-tc.left)) > tc.tolFrac*float64(tc.left) {
				t.Errorf("time left %v, truth %v (within %.0f%%)", left, tc.left, 100*tc.tolFrac)
			}
		})
	}
}

// TestEstimateSteps: progress reported several frames at a time gives the
// same estimate as frame by frame.
func TestEstimateSteps(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var e Estimate
	now := t0
	for done := 0; done <= 300; done += 5 {
		e.Observe(now, done)
		now = now.Add(5 * 30 * time.Millisecond)
	}
	per, ok := e.PerFrame()
	if !ok || math.Abs(per.Seconds()-0.030) > 0.0005 {
		t.Errorf("per frame %v (%v), want 30ms", per, ok)
	}
}
