package main

import (
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/schema/schematest"
	"github.com/kneetrack/kneetrack/internal/testenv"
)

// coachSide is one leg of a rep in the analysis JSON.
type coachSide struct {
	Severity  string   `json:"severity"`
	KneeVsToe *float64 `json:"knee_vs_toe"`
}

// coachDoc is the part of the analysis JSON the coaching checks read.
type coachDoc struct {
	Sets []struct {
		Analysed bool `json:"analysed"`
		Reps     []struct {
			LateralShift *float64  `json:"lateral_shift_hip_widths"`
			Left         coachSide `json:"left"`
			Right        coachSide `json:"right"`
		} `json:"reps"`
		Summary struct {
			Asymmetry struct {
				MeanDiff *float64 `json:"mean_right_minus_left_deg"`
			} `json:"asymmetry"`
		} `json:"summary"`
	} `json:"sets"`
	Verdict string `json:"verdict"`
	Causes  []struct {
		ID         string   `json:"id"`
		Confidence string   `json:"confidence"`
		Evidence   []string `json:"evidence"`
	} `json:"causes"`
	Plan []struct {
		ID       string `json:"id"`
		Priority int    `json:"priority"`
		Text     string `json:"text"`
	} `json:"plan"`
	CannotJudge []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"cannot_judge"`
}

// TestAnalyzeCoachingSharedMocap runs `kneetrack analyze` on every shared
// motion-capture file and checks that the causes and the plan follow from
// the numbers the same run reports.
func TestAnalyzeCoachingSharedMocap(t *testing.T) {
	want := map[string]struct {
		verdict string
		causes  []string // id:confidence, most confident first
		limit   string   // text of a cannot_judge entry
	}{
		"opencap-squats.trc": {"clean", nil, ""},
		// a weight shift over one leg moves both knees the same way: not a
		// cave (the left knee moves in as the right moves out)
		"opencap-asymmetric-squats.trc": {"clean", nil, ""},
		"opencap-neutral-standing.trc":  {"not_analysed", nil, "no squat reps were found"},
		"drop-jump-DJ1.trc":             {"not_analysed", nil, "jump / landing is not supported yet"},
		"drop-jump-DJ4.trc":             {"not_analysed", nil, "jump / landing is not supported yet"},
		"drop-jump-DJ5.trc":             {"not_analysed", nil, "jump / landing is not supported yet"},
	}
	dir := testenv.SharedDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "mocap", "*.trc"))
	if err != nil || len(files) != len(want) {
		t.Fatalf("shared mocap files %v (%v); the test knows %d", files, err, len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		out, err := execute(t, "analyze", f, "--format", "json")
		// A set read but not analysed ends with errNotAnalysed (exit 3),
		// after the report.
		if notAnalysed := w.verdict == "not_analysed"; err != nil && !(notAnalysed && errors.Is(err, errNotAnalysed)) {
			t.Fatalf("%s: %v", name, err)
		} else if notAnalysed && !errors.Is(err, errNotAnalysed) {
			t.Errorf("%s: not analysed, but the run ended with %v, not errNotAnalysed", name, err)
		}
		var doc coachDoc
		schematest.Validate(t, schematest.Analysis, []byte(out))
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, c := range doc.Causes {
			got = append(got, c.ID+":"+c.Confidence)
		}
		if doc.Verdict != w.verdict || !slices.Equal(got, w.causes) {
			t.Errorf("%s: verdict %s, causes %v; want %s, %v", name, doc.Verdict, got, w.verdict, w.causes)
		}
		// The asymmetric squats quote the caving reps, the hip shift (twice),
		// the left-right difference and the knee's position at the retest.
		if n := checkCoachingNumbers(t, name, &doc); len(w.causes) > 0 && n < 5 {
			t.Errorf("%s: only %d quoted numbers checked", name, n)
		}
		if w.limit != "" {
			found := false
			for _, l := range doc.CannotJudge {
				found = found || strings.Contains(l.Text, w.limit)
			}
			if !found {
				t.Errorf("%s: cannot_judge lacks %q: %+v", name, w.limit, doc.CannotJudge)
			}
		}

		text, err := execute(t, "analyze", f, "--details")
		if err != nil && !errors.Is(err, errNotAnalysed) {
			t.Fatal(err)
		}
		c, p := strings.Index(text, "Likely causes"), strings.Index(text, "What to do next:")
		if c < 0 || p < c || !strings.HasSuffix(strings.Join(strings.Fields(text), " "), "see a qualified professional.") {
			t.Errorf("%s: summary does not end with causes, plan and disclaimer:\n%s", name, text)
		}
		for _, s := range doc.Plan {
			if !strings.Contains(strings.Join(strings.Fields(text[p:]), " "), s.Text) {
				t.Errorf("%s: plan step %s not in the summary", name, s.ID)
			}
		}
	}
}

var (
	reOneKnee = regexp.MustCompile(`(left|right) knee caves in (\d+) of (\d+) reps, the (left|right) in none`)
	reShift   = regexp.MustCompile(`hips slide ([\d.]+) hip widths towards the (left|right)`)
	reAsym    = regexp.MustCompile(`caves more than the (left|right): by (\d+)° on average`)
	reToes    = regexp.MustCompile(`(left|right) knee sits inside the toes \(up to (\d+)% of the shin`)
)

// checkCoachingNumbers recomputes the numbers quoted in the evidence and the
// plan from the reps and summaries of the same document (single-set runs).
// It returns how many quoted numbers it checked.
func checkCoachingNumbers(t *testing.T, name string, doc *coachDoc) int {
	t.Helper()
	caving := func(sev string) bool { return sev == "mild" || sev == "moderate" || sev == "severe" }
	anyCave, analysed := false, false
	for _, s := range doc.Sets {
		analysed = analysed || s.Analysed
		for _, r := range s.Reps {
			anyCave = anyCave || caving(r.Left.Severity) || caving(r.Right.Severity)
		}
	}
	switch {
	case !analysed && doc.Verdict != "not_analysed", analysed && anyCave != (doc.Verdict == "knee_cave"):
		t.Errorf("%s: verdict %s does not match the reps (analysed %v, cave %v)", name, doc.Verdict, analysed, anyCave)
	}
	// One safety step: last, or among the first three when the cave is
	// severe (docs/coaching.md, "The plan"); at most five steps.
	safety := -1
	for i, s := range doc.Plan {
		if strings.HasPrefix(s.ID, "see_professional") {
			safety = i
		}
	}
	if n := len(doc.Plan); n == 0 || n > 5 || safety < 0 || safety != n-1 && safety > 2 {
		t.Errorf("%s: plan without its safety step last (or in the first three), or longer than five: %+v", name, doc.Plan)
	}
	for i, s := range doc.Plan {
		if s.Priority != i+1 {
			t.Errorf("%s: step %s priority %d at %d", name, s.ID, s.Priority, i+1)
		}
	}
	if len(doc.Sets) != 1 {
		return 0
	}
	checked := 0
	set := doc.Sets[0]
	side := func(r int, s string) (string, *float64) {
		if s == "left" {
			return set.Reps[r].Left.Severity, set.Reps[r].Left.KneeVsToe
		}
		return set.Reps[r].Right.Severity, set.Reps[r].Right.KneeVsToe
	}
	var all []string
	for _, c := range doc.Causes {
		all = append(all, c.Evidence...)
	}
	for _, s := range doc.Plan {
		all = append(all, s.Text)
	}
	for _, e := range all {
		if m := reOneKnee.FindStringSubmatch(e); m != nil {
			checked++
			k, n, other := 0, len(set.Reps), 0
			for r := range set.Reps {
				if sev, _ := side(r, m[1]); caving(sev) {
					k++
				}
				if sev, _ := side(r, m[4]); caving(sev) {
					other++
				}
			}
			if strconv.Itoa(k) != m[2] || strconv.Itoa(n) != m[3] || other != 0 {
				t.Errorf("%s: %q, but the reps show %d of %d caving and %d on the other side", name, e, k, n, other)
			}
		}
		if m := reShift.FindStringSubmatch(e); m != nil {
			checked++
			sum, n := 0.0, 0
			for _, r := range set.Reps {
				if r.LateralShift != nil {
					sum += *r.LateralShift
					n++
				}
			}
			mean := sum / float64(n)
			dir := "right"
			if mean < 0 {
				dir = "left"
			}
			if m[1] != strconv.FormatFloat(math.Abs(mean), 'f', 1, 64) || m[2] != dir {
				t.Errorf("%s: %q, but the reps' mean shift is %+.2f", name, e, mean)
			}
		}
		if m := reAsym.FindStringSubmatch(e); m != nil {
			checked++
			d := set.Summary.Asymmetry.MeanDiff
			if d == nil || m[2] != strconv.Itoa(int(math.Round(math.Abs(*d)))) {
				t.Errorf("%s: %q, but the summary's mean right-minus-left is %v", name, e, d)
			}
		}
		if m := reToes.FindStringSubmatch(e); m != nil {
			checked++
			best := math.Inf(-1)
			for r := range set.Reps {
				if sev, kvt := side(r, m[1]); caving(sev) && kvt != nil {
					best = math.Max(best, *kvt)
				}
			}
			if m[2] != strconv.Itoa(int(math.Round(100*best))) {
				t.Errorf("%s: %q, but the caving reps reach %.3f of the shin", name, e, best)
			}
		}
	}
	return checked
}
