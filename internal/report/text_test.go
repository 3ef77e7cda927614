package report

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/coach"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// escapes matches the ANSI colour codes the summary may write.
var escapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// flat is text with its wrapping undone.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// textSessions are sessions of every shape the summary must lay out: the
// loaded session of report_test.go (two squat sets, the right knee caving
// at 100 kg, and a side view), a single-leg squat whose knee caves, and
// one set that cannot be analysed.
func textSessions(t *testing.T) map[string]*valgus.SessionResult {
	t.Helper()
	one := func(l sim.StickSet, cam track.Camera) *valgus.SessionResult {
		tr, err := track.Project(l.Track3D(), cam)
		if err != nil {
			t.Fatal(err)
		}
		tr.Video.Source = "a-rather-long-video-name-from-a-phone.mp4"
		res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ss, err := valgus.AnalyzeSession([]*valgus.SetResult{res})
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	return map[string]*valgus.SessionResult{
		"loaded sets":      session(t),
		"single leg caves": one(sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 4, RightValgusDeg: []float64{kneesOut + 20}}, track.Camera{}),
		"both legs cave":   one(sim.StickSet{Reps: 5, LeftValgusDeg: []float64{kneesOut + 12, kneesOut + 24}, RightValgusDeg: []float64{kneesOut + 18}}, track.Camera{}),
		"side view":        one(sim.StickSet{Reps: 2}, track.Camera{YawDeg: 90}),
	}
}

// TestTextWidth: at 45 (a phone), 80 and 120 columns no line of the short
// summary or of the details is longer than the width, and nothing is lost
// to the layout: every graded knee's angle in every rep is still there.
func TestTextWidth(t *testing.T) {
	for name, ss := range textSessions(t) {
		adv, err := coach.Advise(ss)
		if err != nil {
			t.Fatal(err)
		}
		for _, cols := range []int{45, 80, 120} {
			for _, details := range []bool{false, true} {
				var b strings.Builder
				if err := WriteTextReport(&b, ss, adv, TextOptions{Width: cols, Details: details}); err != nil {
					t.Fatal(err)
				}
				out := b.String()
				for i, line := range strings.Split(out, "\n") {
					if n := width(line); n > cols {
						t.Errorf("%s, %d columns, details %v: line %d is %d long: %q", name, cols, details, i+1, n, line)
					}
				}
				for _, s := range ss.Sets {
					for _, r := range s.Reps {
						for side := range r.Side {
							if r.Side[side].Assessed && !strings.Contains(out, deg(gradedValue(r.Side[side], s.Movement))) {
								t.Errorf("%s, %d columns: rep %d's %s knee angle %s is missing", name, cols, r.Index, body.Side(side), deg(gradedValue(r.Side[side], s.Movement)))
							}
						}
					}
				}
				if !strings.Contains(flat(out), "not a diagnosis") {
					t.Errorf("%s, %d columns, details %v: no disclaimer", name, cols, details)
				}
			}
		}
	}
}

// TestTextShortAndDetails: the short summary opens with the verdict and
// gives the plan's first three steps, the causes' names and the one-line
// disclaimer; the details give every finding of every set and of the
// session, every cause with its evidence, every step of the plan and the
// full disclaimer.
func TestTextShortAndDetails(t *testing.T) {
	for name, ss := range textSessions(t) {
		adv, err := coach.Advise(ss)
		if err != nil {
			t.Fatal(err)
		}
		var short, full strings.Builder
		if err := WriteTextReport(&short, ss, adv, TextOptions{Width: 80}); err != nil {
			t.Fatal(err)
		}
		if err := WriteTextReport(&full, ss, adv, TextOptions{Width: 80, Details: true}); err != nil {
			t.Fatal(err)
		}
		s, f := flat(short.String()), flat(full.String())
		verdict := words.SessionVerdict(ss).Text
		for _, out := range []string{s, f} {
			if !strings.HasPrefix(out, verdict) {
				t.Errorf("%s: does not open with the verdict %q: %.100q", name, verdict, out)
			}
		}
		for i, st := range adv.Plan {
			if in := strings.Contains(s, st.Text); in != (i < 3) {
				t.Errorf("%s: plan step %d in the short summary: %v", name, i+1, in)
			}
			if !strings.Contains(f, st.Text) {
				t.Errorf("%s: plan step %d not in the details", name, i+1)
			}
		}
		for _, c := range adv.Causes {
			if !strings.Contains(s, c.Name) {
				t.Errorf("%s: cause %q not named in the short summary", name, c.Name)
			}
			for _, e := range c.Evidence {
				if !strings.Contains(f, flat(e)) {
					t.Errorf("%s: evidence %q not in the details", name, e)
				}
			}
		}
		var findings []string
		for _, set := range ss.Sets {
			findings = append(findings, words.Findings(set.Summary.Findings)...)
		}
		for _, x := range append(findings, words.SessionFindings(ss.Findings)...) {
			if !strings.Contains(f, flat(x)) {
				t.Errorf("%s: finding %q not in the details", name, x)
			}
		}
		if !strings.Contains(s, words.DisclaimerShort) || strings.Contains(s, flat(words.Disclaimer)) {
			t.Errorf("%s: the short summary should end with the one-line disclaimer only", name)
		}
		if len(ss.Sets) > 0 && len(adv.Plan) > 3 && len(s) >= len(f) {
			t.Errorf("%s: the short summary (%d bytes) is not shorter than the details (%d)", name, len(s), len(f))
		}
	}
}

// TestTextColour: colour only when asked; coloured, the text is the same
// once the escape codes are taken out, and the verdict line takes the
// colour of the worst grade.
func TestTextColour(t *testing.T) {
	sessions := textSessions(t)
	for name, ss := range sessions {
		adv, err := coach.Advise(ss)
		if err != nil {
			t.Fatal(err)
		}
		for _, details := range []bool{false, true} {
			var plain, coloured strings.Builder
			if err := WriteTextReport(&plain, ss, adv, TextOptions{Width: 80, Details: details}); err != nil {
				t.Fatal(err)
			}
			if err := WriteTextReport(&coloured, ss, adv, TextOptions{Width: 80, Details: details, Colour: true}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(plain.String(), "\x1b") {
				t.Errorf("%s: escape codes without colour", name)
			}
			if !strings.Contains(coloured.String(), "\x1b[") {
				t.Errorf("%s: no colour when asked", name)
			}
			if got := escapes.ReplaceAllString(coloured.String(), ""); got != plain.String() {
				t.Errorf("%s: colour changes the text:\n%s\nwithout colour:\n%s", name, got, plain.String())
			}
		}
	}
	// The worst grades: the right knee severe at 100 kg in the loaded
	// session (red), none in line (green), nothing analysed (no colour).
	for _, c := range []struct {
		name, session string
		code          string
	}{
		{"knee cave", "both legs cave", "\x1b[1;"},
		{"nothing analysed", "side view", "\x1b[1m"},
	} {
		var b strings.Builder
		if err := WriteTextReport(&b, sessions[c.session], nil, TextOptions{Width: 80, Colour: true}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(b.String(), c.code) {
			t.Errorf("%s: verdict starts %q, want %q", c.name, b.String()[:min(12, b.Len())], c.code)
		}
	}
	v := words.SessionVerdict(sessions["both legs cave"])
	want := "\x1b[1;" + tone(v.Worst) + "m"
	if v.Worst.Rank() < 1 || tone(v.Worst) == "" {
		t.Fatalf("both legs cave: worst grade %q", v.Worst)
	}
	var b strings.Builder
	if err := WriteTextReport(&b, sessions["both legs cave"], nil, TextOptions{Width: 80, Colour: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), want) {
		t.Errorf("verdict of a %s cave starts %q, want %q", v.Worst, b.String()[:12], want)
	}
}

// TestTone: each grade has its colour: green, yellow, orange, red.
func TestTone(t *testing.T) {
	for sev, want := range map[valgus.Severity]string{valgus.SevNone: "32", valgus.SevMild: "33", valgus.SevModerate: "38;5;208",
		valgus.SevSevere: "31", valgus.SevUnknown: "", valgus.SevNotAssessed: ""} {
		if got := tone(sev); got != want {
			t.Errorf("%s: %q, want %q", sev, got, want)
		}
	}
}

// TestForTerminal: the width and colour decision, from what the command
// line sees (https://no-color.org: any non-empty NO_COLOR turns colour
// off; an empty one does not).
func TestForTerminal(t *testing.T) {
	for _, c := range []struct {
		name   string
		in     Terminal
		width  int
		colour bool
	}{
		{"terminal", Terminal{IsTerminal: true, Width: 132}, 132, true},
		{"terminal, NO_COLOR=1", Terminal{IsTerminal: true, Width: 132, NoColor: "1"}, 132, false},
		{"terminal, NO_COLOR empty", Terminal{IsTerminal: true, Width: 132, NoColor: ""}, 132, true},
		{"terminal of unknown width", Terminal{IsTerminal: true}, DefaultWidth, true},
		{"pipe or file", Terminal{Width: 132}, DefaultWidth, false},
		{"pipe, COLUMNS=45", Terminal{Columns: "45"}, 45, false},
		{"terminal, COLUMNS=100", Terminal{IsTerminal: true, Width: 132, Columns: "100"}, 100, true},
		{"COLUMNS not a number", Terminal{IsTerminal: true, Width: 60, Columns: "wide"}, 60, true},
		{"COLUMNS too small", Terminal{IsTerminal: true, Width: 60, Columns: "5"}, 60, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ForTerminal(c.in)
			if got.Width != c.width || got.Colour != c.colour || got.Details {
				t.Errorf("%+v, want width %d, colour %v", got, c.width, c.colour)
			}
		})
	}
}

// TestWrapLines: wrapped to the width, continuation lines indented under
// the text, no word split or lost; a word longer than the width stands
// alone.
func TestWrapLines(t *testing.T) {
	long := strings.Repeat("x", 50)
	for _, c := range []struct {
		prefix, text string
		cols         int
	}{
		{"  1. ", strings.Repeat("word ", 40), 45},
		{"", "Your right knee caves in on the way up, mildly, and more as the set goes on.", 30},
		{"  - ", "a " + long + " b", 40},
		{"", "", 20},
	} {
		lines := wrapLines(c.prefix, c.text, c.cols)
		indent := strings.Repeat(" ", width(c.prefix))
		for i, l := range lines {
			if width(l) > c.cols && len(strings.Fields(l)) > 1 {
				t.Errorf("line %d is %d long: %q", i, width(l), l)
			}
			if i > 0 && (!strings.HasPrefix(l, indent) || strings.HasPrefix(l, indent+" ")) {
				t.Errorf("continuation line %d not indented under the text: %q", i, l)
			}
		}
		if got := strings.Fields(strings.Join(lines, " ")); strings.Join(got, " ") != strings.Join(strings.Fields(c.prefix+c.text), " ") {
			t.Errorf("words changed: %q", got)
		}
	}
}

// TestGapMark: a knee graded on the knee gap alone (basis "kasr") reads
// "moderate (gap)" in the rep table, short and detailed, with the mark
// explained once in the legend with the set's threshold; a grade that also
// rests on the cave angle, and a set without such a grade, show no mark.
func TestGapMark(t *testing.T) {
	tr, err := track.Project(sim.StickSet{Reps: 3, LeftValgusDeg: []float64{kneesOut}, RightValgusDeg: []float64{kneesOut}}.Track3D(), track.Camera{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := valgus.AnalyzeSet(context.Background(), tr, valgus.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Analysed || len(res.Reps) < 3 {
		t.Fatalf("analysed %v, %d reps; want 3 reps", res.Analysed, len(res.Reps))
	}
	render := func(details bool) string {
		ss, err := valgus.AnalyzeSession([]*valgus.SetResult{res})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := WriteTextReport(&b, ss, nil, TextOptions{Width: 120, Details: details}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, details := range []bool{false, true} {
		if out := render(details); strings.Contains(out, "(gap)") {
			t.Errorf("details %v: a set without a knee-gap grade shows the mark:\n%s", details, out)
		}
	}
	right := &res.Reps[1].Side[body.Right]
	right.Severity, right.Basis = valgus.SevModerate, []string{"kasr"}
	left := &res.Reps[2].Side[body.Left]
	left.Severity, left.Basis = valgus.SevModerate, []string{"knee_cave", "kasr"}
	for _, details := range []bool{false, true} {
		out := flat(render(details))
		if n := strings.Count(out, "moderate (gap)"); n != 1 {
			t.Errorf("details %v: %d knees marked (gap), want 1 (rep 2's right knee):\n%s", details, n, out)
		}
		if n := strings.Count(out, "(gap): graded on how close the knees came together at depth (closer than 0.7 times"); n != 1 {
			t.Errorf("details %v: the mark is explained %d times, want once:\n%s", details, n, out)
		}
	}
}
