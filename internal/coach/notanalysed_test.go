package coach

import (
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// TestNotAnalysedWords checks what the advice says, under "cannot be
// judged", about a set that could not be analysed: for an input too short
// to hold a rep (one frame of a squat set, or a result built by hand that
// gives no reason and an automatic movement), the frames and seconds it
// had and what a rep needs, never "automatic is not supported"; for the
// other reasons, the reason.
func TestNotAnalysedWords(t *testing.T) {
	set := film(t, sim.StickSet{Reps: 3}, 0, 0.5, 21)
	oneFrame := set.Clone()
	oneFrame.Frames = oneFrame.Frames[:1]
	noAnkles := set.Clone()
	for i := range noAnkles.Frames {
		for _, n := range []string{track.LeftAnkle, track.RightAnkle} {
			noAnkles.Frames[i].Points[noAnkles.Index(n)].Conf = 0
		}
	}
	cases := []struct {
		name     string
		res      *valgus.SetResult
		has, not []string
	}{
		{"one frame", analyse(t, oneFrame, valgus.Options{}),
			[]string{"Not analysed: the input is too short to contain a rep: it has 1 frame over 0.00 s",
				"a rep needs at least 3 frames over 0.4 s", "film the whole set, at least one full rep"},
			[]string{"automatic", "not supported"}},
		{"ankles never found", analyse(t, noAnkles, valgus.Options{}),
			[]string{"the hips and ankles were found in only 0 of"}, []string{"automatic"}},
		{"side view", analyse(t, film(t, sim.StickSet{Reps: 3}, 90, 0.5, 22), valgus.Options{}),
			[]string{"the camera looks from the side"}, nil},
		{"drop jumps", analyse(t, film(t, sim.StickSet{Movement: body.MoveJumpLanding, Reps: 2}, 0, 0.5, 23), valgus.Options{}),
			[]string{"jump / landing is not supported yet"}, nil},
		// Made by hand without a reason, as before reasons were given.
		{"no reason, automatic movement", &valgus.SetResult{Movement: body.MoveAuto, Notes: []valgus.Note{{Kind: valgus.NoteNoFeet}}},
			[]string{"the keypoints were not good enough"}, []string{"automatic", "not supported", "heel and toe"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.res.Analysed {
				t.Fatal("the set was analysed")
			}
			a, err := Advise(session(t, []*valgus.SetResult{c.res}))
			if err != nil {
				t.Fatal(err)
			}
			text := ""
			for _, l := range a.CannotJudge {
				if l.ID == "not_analysed" {
					text = l.Text
				}
			}
			if a.Verdict != VerdictNotAnalysed || text == "" {
				t.Fatalf("verdict %s, limits %+v; want not analysed, said", a.Verdict, a.CannotJudge)
			}
			for _, s := range c.has {
				if !strings.Contains(text, s) {
					t.Errorf("%q does not say %q", text, s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(text, s) {
					t.Errorf("%q says %q", text, s)
				}
			}
		})
	}
}
