package overlay

import (
	"context"
	"math"
	"testing"

	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/overlay/overlaytest"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// The annotator draws with what the result carries: its knee lines take
// their class from the thresholds the set was graded with, and pass
// through the cleaned keypoints it was measured on.
func TestAnnotatorReadsResult(t *testing.T) {
	// The right knee turns in 20° past straight ahead at each bottom.
	tr := overlaytest.Track(t, sim.StickSet{Reps: 3, RightValgusDeg: []float64{30}}, 720, 1280)
	// Jitter the knees so that cleaning moves them visibly.
	for i := range tr.Frames {
		for _, n := range []string{track.LeftKnee, track.RightKnee} {
			tr.Frames[i].Points[tr.Index(n)].X += 6 * float64(i%2*2-1)
		}
	}
	lenient := valgus.Defaults()
	lenient.KneeCaveDeg = valgus.Bands{Mild: 60, Moderate: 70, Severe: 80}
	for _, c := range []struct {
		name  string
		th    *valgus.Thresholds
		clean motion.CleanOptions
		right Class // the right knee's line at rep 2's bottom
	}{
		{"default thresholds", nil, motion.CleanOptions{}, ClassSevere},
		{"lenient thresholds", &lenient, motion.CleanOptions{}, ClassNone},
		{"4 Hz smoothing", nil, motion.CleanOptions{CutoffHz: 4}, ClassSevere},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{Thresholds: c.th, Clean: c.clean})
			if err != nil || !set.Analysed || len(set.Reps) != 3 {
				t.Fatalf("analysis: %v (analysed %v)", err, set != nil && set.Analysed)
			}
			ann, err := NewAnnotator(set)
			if err != nil {
				t.Fatal(err)
			}
			bottom := set.Reps[1].BottomS
			sc, ok := ann.SceneAt(bottom)
			if !ok || sc.Legs[1] == nil {
				t.Fatal("no right leg at the bottom of rep 2")
			}
			if sc.Legs[1].Class != c.right {
				t.Errorf("right knee line %v, want %v", sc.Legs[1].Class, c.right)
			}
			// Independently cleaned, the same way: the knee drawn at a
			// frame's time is that frame's cleaned knee.
			want, _, err := motion.Clean(tr, c.clean)
			if err != nil {
				t.Fatal(err)
			}
			k := want.Index(track.RightKnee)
			for i := 10; i < len(want.Frames); i += 17 {
				f := want.Frames[i]
				got, ok := ann.point(track.RightKnee, f.Time)
				if p := f.Points[k]; !ok || math.Hypot(got.X-p.X, got.Y-p.Y) > 1e-9 {
					t.Fatalf("frame %d: knee drawn at %+v, cleaned track has (%.3f, %.3f)", i, got, p.X, p.Y)
				}
			}
		})
	}
	if _, err := NewAnnotator(&valgus.SetResult{}); err == nil {
		t.Error("a result without its keypoint track accepted")
	}
}
