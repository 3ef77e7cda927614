package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
)

// TestTooShortWords reports a one-frame track (the first frame of a squat
// set), alone and with the coaching: the text and the JSON say the input is
// too short to contain a rep, with the frames and time it had and what a
// rep needs; no "automatic" movement and no camera angle are claimed.
func TestTooShortWords(t *testing.T) {
	tr, err := track.Project(sim.StickSet{Reps: 2}.Track3D(), track.Camera{})
	if err != nil {
		t.Fatal(err)
	}
	tr.Frames = tr.Frames[:1]
	tr.Video.Source = "one-frame.json"
	res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := valgus.AnalyzeSession([]*valgus.SetResult{res})
	if err != nil {
		t.Fatal(err)
	}
	adv, err := coach.Advise(ss)
	if err != nil {
		t.Fatal(err)
	}
	const said = "too short to contain a rep: it has 1 frame over 0.00 s, and a rep needs at least 3 frames over 0.4 s"
	var plain, advised, js bytes.Buffer
	if err := WriteText(&plain, ss); err != nil {
		t.Fatal(err)
	}
	if err := WriteTextWithAdvice(&advised, ss, adv); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, Build(ss, Settings{Movement: "auto", Thresholds: valgus.Defaults()}, "kneetrack test")); err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, schematest.Analysis, js.Bytes())
	for _, c := range []struct {
		name     string
		out      string
		has, not []string
	}{
		{"text", plain.String(), []string{"movement: unknown movement; view: unknown\n  !", "! not analysed: the input is " + said},
			[]string{"automatic", "deg off centre", "not supported"}},
		{"text with advice", advised.String(), []string{"! not analysed: the input is " + said, "Not analysed: the input is too short to contain a rep: it has 1 frame"}, // wrapped
			[]string{"automatic", "deg off centre", "not supported"}},
		{"json", js.String(), []string{`"notes": [
        "not analysed: the input is ` + said, `"movement": "unknown"`, `"yaw_deg": null`, `"not_analysed_reason": "too_short"`},
			[]string{"automatic", "not supported"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// the text is wrapped: compare with the spacing flattened
			flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
			for _, s := range c.has {
				if !strings.Contains(flat(c.out), flat(s)) {
					t.Errorf("does not say %q:\n%s", s, c.out)
				}
			}
			for _, s := range c.not {
				if strings.Contains(c.out, s) {
					t.Errorf("says %q:\n%s", s, c.out)
				}
			}
		})
	}
}
