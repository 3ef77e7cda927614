package words

import (
	"math"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

// leg is one knee in one rep of a hand-built set: its grade and when it
// peaked; a zero leg was not graded (the free leg of a single-leg squat).
type leg struct {
	sev   valgus.Severity
	phase body.Phase
}

// rep is one hand-built rep.
type rep struct {
	left, right leg
	partial     bool
}

var (
	none   = leg{valgus.SevNone, body.PhaseBottom}
	unsure = leg{valgus.SevUnknown, body.PhaseNone}
)

func cave(sev valgus.Severity, p body.Phase) leg { return leg{sev, p} }

// buildSet makes a SetResult from reps, with the findings the analysis
// would attach (one LegFinding per graded leg, a trend per leg in trends).
// The finding's worst grade and phase are given by the case (want), not
// computed here, so that the verdict is checked against the case's truth.
func buildSet(mv body.Movement, reps []rep, trends map[body.Side]string, worst map[body.Side]leg) *valgus.SetResult {
	s := &valgus.SetResult{Source: "set.json", Movement: mv, Analysed: true}
	var assessed [2]int
	var caved [2][]int
	for i, r := range reps {
		rr := valgus.RepResult{Index: i + 1, Partial: r.partial}
		for side, l := range []leg{r.left, r.right} {
			if l.sev == "" {
				rr.Side[side] = valgus.RepSide{Assessed: false, Severity: valgus.SevNotAssessed}
				continue
			}
			rr.Side[side] = valgus.RepSide{Assessed: true, Severity: l.sev, PeakPhase: l.phase}
			assessed[side]++
			if l.sev.Rank() >= 1 {
				caved[side] = append(caved[side], i+1)
			}
		}
		s.Reps = append(s.Reps, rr)
	}
	for side := body.Left; side <= body.Right; side++ {
		if assessed[side] == 0 {
			continue
		}
		w := worst[side]
		if w.sev == "" {
			w.sev = valgus.SevNone
		}
		s.Summary.Findings = append(s.Summary.Findings, valgus.LegFinding{Side: side, Assessed: assessed[side], Caved: caved[side],
			Worst: w.sev, Phase: w.phase, CaveAngle: mv == body.MoveBilateralSquat, PeakDeg: math.NaN(), FirstRepDeg: math.NaN()})
	}
	for side, v := range trends {
		s.Summary.Findings = append(s.Summary.Findings, valgus.TrendFinding{Side: side, Trend: valgus.Trend{Verdict: v}})
	}
	return s
}

func repeat(n int, r rep) []rep {
	out := make([]rep, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func session(sets ...*valgus.SetResult) *valgus.SessionResult {
	return &valgus.SessionResult{Sets: sets}
}

func TestSessionVerdict(t *testing.T) {
	squat, single := body.MoveBilateralSquat, body.MoveSingleLegSquat
	rightUp := cave(valgus.SevMild, body.PhaseAscent)
	leftBottom := cave(valgus.SevModerate, body.PhaseBottom)
	loaded := func(kg float64, s *valgus.SetResult) *valgus.SetResult { s.LoadKG, s.HasLoad = kg, true; return s }
	notAnalysed := func(r valgus.Reason, mv body.Movement) *valgus.SetResult {
		return &valgus.SetResult{Source: "x.json", Movement: mv, Reason: r}
	}
	cleanSet := buildSet(squat, repeat(5, rep{left: none, right: none}), nil, nil)
	rightSet := buildSet(squat, repeat(5, rep{left: none, right: cave(valgus.SevModerate, body.PhaseBottom)}), nil,
		map[body.Side]leg{body.Right: cave(valgus.SevModerate, body.PhaseBottom)})
	cases := []struct {
		name    string
		ss      *valgus.SessionResult
		want    []string
		notWant []string
		worst   valgus.Severity
	}{
		{"both clean", session(buildSet(squat, repeat(5, rep{left: none, right: none}), nil, nil)),
			[]string{"Both knees stay in line", "in all 5 reps", "no knee cave"}, []string{"caves", "Your"}, valgus.SevNone},
		{"right caves on the way up, growing", session(buildSet(squat, repeat(5, rep{left: none, right: rightUp}),
			map[body.Side]string{body.Right: valgus.TrendWorsening, body.Left: valgus.TrendUnclear}, map[body.Side]leg{body.Right: rightUp})),
			[]string{"Your right knee caves in on the way up", "mildly", "all 5 reps", "more as the set goes on", "the left stays in line"},
			[]string{"left knee caves", "less as"}, valgus.SevMild},
		{"left caves at the bottom in reps 3-5", session(buildSet(squat, []rep{{left: none, right: none}, {left: none, right: none},
			{left: leftBottom, right: none}, {left: leftBottom, right: none}, {left: cave(valgus.SevMild, body.PhaseBottom), right: none}},
			nil, map[body.Side]leg{body.Left: leftBottom})),
			[]string{"Your left knee caves in at the bottom", "moderately", "in reps 3-5", "the right stays in line"},
			[]string{"more as", "right knee caves"}, valgus.SevModerate},
		{"grades differ between the caving reps: the range is said", session(buildSet(squat, []rep{{left: none, right: none},
			{left: cave(valgus.SevMild, body.PhaseBottom), right: none}, {left: leftBottom, right: none}},
			nil, map[body.Side]leg{body.Left: leftBottom})),
			[]string{"Your left knee caves in at the bottom, mildly to moderately, in reps 2-3"}, nil, valgus.SevModerate},
		{"all caving reps alike: one grade", session(buildSet(squat, repeat(3, rep{left: leftBottom, right: none}),
			nil, map[body.Side]leg{body.Left: leftBottom})),
			[]string{"at the bottom, moderately, in all 3 reps"}, []string{"mildly"}, valgus.SevModerate},
		{"both cave alike", session(buildSet(squat, repeat(4, rep{left: leftBottom, right: leftBottom}), nil,
			map[body.Side]leg{body.Left: leftBottom, body.Right: leftBottom})),
			[]string{"Both knees cave in at the bottom", "moderately", "in all 4 reps"}, []string{"stays in line"}, valgus.SevModerate},
		{"both cave, the worse first", session(buildSet(squat, repeat(3, rep{left: cave(valgus.SevMild, body.PhaseBottom), right: cave(valgus.SevSevere, body.PhaseDescent)}),
			map[body.Side]string{body.Left: valgus.TrendImproving}, map[body.Side]leg{body.Left: cave(valgus.SevMild, body.PhaseBottom), body.Right: cave(valgus.SevSevere, body.PhaseDescent)})),
			[]string{"Your right knee caves in on the way down, severely", "the left caves in at the bottom, mildly", "less as the set goes on"},
			[]string{"stays in line"}, valgus.SevSevere},
		{"single leg, the working leg caves once", session(buildSet(single, []rep{{left: none}, {left: none}, {left: cave(valgus.SevMild, body.PhaseOutOfTheHole)}},
			nil, map[body.Side]leg{body.Left: cave(valgus.SevMild, body.PhaseOutOfTheHole)})),
			[]string{"Your left knee (the working leg) caves in as you come up out of the bottom", "mildly", "in rep 3"},
			[]string{"right", "Both"}, valgus.SevMild},
		{"single leg alternating, in line", session(buildSet(single, []rep{{left: none}, {right: none}, {left: none}, {right: none}}, nil, nil)),
			[]string{"Both knees stay in line", "in all 4 reps", "no knee cave"}, []string{"working leg", "caves"}, valgus.SevNone},
		{"single leg, one leg in line", session(buildSet(single, repeat(3, rep{right: none}), nil, nil)),
			[]string{"Your right knee (the working leg) stays in line in all 3 reps"}, []string{"left", "Both"}, valgus.SevNone},
		{"partly filmed reps", session(buildSet(squat, []rep{{left: none, right: none, partial: true}, {left: none, right: none}, {left: none, right: none, partial: true}}, nil, nil)),
			[]string{"Both knees stay in line in all 3 reps", "reps 1, 3 only partly filmed"}, nil, valgus.SevNone},
		{"an unclear rep", session(buildSet(squat, []rep{{left: none, right: none}, {left: unsure, right: unsure}, {left: none, right: none}}, nil, nil)),
			[]string{"in the 2 reps that could be judged", "rep 2 too unclear to judge"}, []string{"all 3"}, valgus.SevNone},
		{"nothing could be graded", session(buildSet(squat, repeat(2, rep{left: unsure, right: unsure}), nil, nil)),
			[]string{"No rep could be graded", "Film again"}, []string{"stay in line"}, valgus.SevUnknown},
		{"side view", session(notAnalysed(valgus.ReasonSideView, squat)),
			[]string{"Not analysed", "from the side", "Film from the front"}, nil, valgus.SevUnknown},
		{"unsupported movement", session(notAnalysed(valgus.ReasonUnsupported, body.MoveLateralLunge)),
			[]string{"Not analysed", "not supported yet", "squats"}, nil, valgus.SevUnknown},
		{"too short", session(notAnalysed(valgus.ReasonTooShort, body.MoveAuto)),
			[]string{"Not analysed", "too short", "at least one full rep"}, nil, valgus.SevUnknown},
		{"no set analysed", session(notAnalysed(valgus.ReasonOutOfFrame, squat), notAnalysed(valgus.ReasonOutOfFrame, squat)),
			[]string{"None of the 2 sets", "out of the picture", "Step back"}, nil, valgus.SevUnknown},
		{"load: the right knee caves from 100 kg", &valgus.SessionResult{Sets: []*valgus.SetResult{loaded(60, buildSet(squat, repeat(5, rep{left: none, right: none}), nil, nil)),
			loaded(100, rightSet)}, Findings: []valgus.Finding{valgus.LoadFinding{Side: body.Right, Status: valgus.LoadAppearsFrom, FromKG: 100},
			valgus.LoadFinding{Side: body.Left, Status: valgus.LoadNotSeen}}},
			[]string{"Your right knee caves in at the bottom", "moderately", "from 100 kg up", "the left stays in line"}, []string{"left knee caves"}, valgus.SevModerate},
		{"sets without loads", session(cleanSet, rightSet, cleanSet),
			[]string{"Your right knee caves in at the bottom", "moderately", "in set 2", "the left stays in line"}, []string{"kg"}, valgus.SevModerate},
		{"several sets in line, one not analysed", session(loaded(60, cleanSet), loaded(80, buildSet(squat, repeat(5, rep{left: none, right: none}), nil, nil)),
			notAnalysed(valgus.ReasonSideView, squat)),
			[]string{"Both knees stay in line in all 2 sets (10 reps), up to 80 kg", "set 3 could not be analysed"}, []string{"caves"}, valgus.SevNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := SessionVerdict(c.ss)
			for _, w := range c.want {
				if !strings.Contains(v.Text, w) {
					t.Errorf("verdict %q does not say %q", v.Text, w)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(v.Text, w) {
					t.Errorf("verdict %q says %q", v.Text, w)
				}
			}
			if v.Worst != c.worst {
				t.Errorf("worst %q, want %q", v.Worst, c.worst)
			}
			if strings.Contains(v.Text, "\n") || !strings.HasSuffix(v.Text, ".") || v.Text[:1] != strings.ToUpper(v.Text[:1]) {
				t.Errorf("verdict %q is not a sentence on one line", v.Text)
			}
		})
	}
}
