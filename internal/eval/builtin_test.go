package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kneetrack/kneetrack/internal/evalset"
	"github.com/kneetrack/kneetrack/internal/testenv"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestBuiltinSet scores the analysis on the labelled set of package evalset
// (synthetic lifters and motion capture seen through many cameras, with the
// pose model's errors modelled; truth from the 3D skeleton) and prints the
// table docs/method.md quotes. The goals are the issue's: F1 of at least
// 0.9 for "caves" against "does not cave" per clip, and at least 97% of
// the clips of supported movements analysed. -short runs the small subset
// (about 100 clips), where the same goals are checked with a margin for
// its size.
func TestBuiltinSet(t *testing.T) {
	mocap := filepath.Join(testenv.SharedDir(t), "mocap")
	cases, err := evalset.Build(evalset.Options{MocapDir: mocap, Seed: 1, Small: testing.Short()})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := Run(t.Context(), FromEvalset(cases), valgus.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	sm := Summarise(outs, valgus.SevModerate)
	if err := sm.WriteTable(os.Stdout, 15); err != nil {
		t.Fatal(err)
	}
	minF1, minAnalysed := 0.9, 0.97
	if testing.Short() {
		minF1, minAnalysed = 0.85, 0.95
	}
	if f := sm.Clip[0].F1; !(f >= minF1) {
		t.Errorf("clip F1 for caves %.3f, want at least %.2f", f, minF1)
	}
	if a := sm.AnalysedShare(); !(a >= minAnalysed) {
		t.Errorf("%.1f%% of clips analysed, want at least %.0f%%", 100*a, 100*minAnalysed)
	}
	if sm.Errors > 0 {
		t.Errorf("%d clips gave errors", sm.Errors)
	}
}

// TestBuiltinSetWithoutFeet scores the same set as a 17-keypoint model
// (MoveNet, COCO) would give it: no heels or toes, no 3D world positions.
// The verdict per clip does not need them (the closing-in of the knees);
// which knee a closing-in belongs to, from a camera turned to one side,
// does (the feet give the camera's angle), so the knee-level score is only
// logged.
func TestBuiltinSetWithoutFeet(t *testing.T) {
	if testing.Short() {
		t.Skip("the full set without feet (about 10 s); skipped with -short")
	}
	cases, err := evalset.Build(evalset.Options{MocapDir: filepath.Join(testenv.SharedDir(t), "mocap"), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	items := FromEvalset(cases)
	feet := map[string]bool{"left_heel": true, "right_heel": true, "left_foot_index": true, "right_foot_index": true}
	for _, it := range items {
		tr := it.Track
		for i := range tr.Frames {
			for k, n := range tr.Keypoints {
				if feet[n] {
					tr.Frames[i].Points[k].Conf = 0
				}
				tr.Frames[i].Points[k].HasWorld = false
			}
		}
	}
	outs, err := Run(t.Context(), items, valgus.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	sm := Summarise(outs, valgus.SevModerate)
	t.Logf("without heels, toes and world positions: clip F1 %.3f, knee F1 %.3f, %.1f%% analysed", sm.Clip[0].F1, sm.Knee[0].F1, 100*sm.AnalysedShare())
	if f := sm.Clip[0].F1; !(f >= 0.9) {
		t.Errorf("clip F1 for caves %.3f without feet, want at least 0.9", f)
	}
	if a := sm.AnalysedShare(); !(a >= 0.97) {
		t.Errorf("%.1f%% of clips analysed without feet, want at least 97%%", 100*a)
	}
}
