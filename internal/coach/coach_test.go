package coach

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

var (
	right = []body.Side{body.Right}
	both  = []body.Side{body.Left, body.Right}
)

// scenario is an analysis built from a real or synthetic track with a
// controlled change, and what the coaching must make of it.
type scenario struct {
	name    string
	build   func(t *testing.T) *valgus.SessionResult
	verdict string
	// causes maps every cause that must be found to its confidence; any
	// other cause found is an error (no cause without its evidence).
	causes map[string]Confidence
	// signals that must (or must not) be among a cause's evidence
	// ("cause/signal").
	signals, notSignals []string
	// evidence: substrings of the cause's evidence, in the lifter's numbers
	// ("cause: text").
	evidence []string
	// plan: step ids that must be in the plan, in this relative order;
	// notPlan: step ids that must not.
	plan, notPlan []string
	// planText: substrings of a step's text ("step: text").
	planText []string
	// limits that must be said (ids); notLimits that must not.
	limits, notLimits []string
	// nums: numbers quoted in the evidence or the plan, checked against
	// values the test computes from the scenario's construction.
	nums []numCheck
}

// numCheck finds re (one capture group per number) in a cause's evidence
// ("cause:id") or a plan step's text ("step:id") and checks each number
// against want within tol.
type numCheck struct {
	in   string
	re   string
	want []float64
	tol  float64
	// rel adds rel·|want| to the tolerance: the synthetic lifter's cave
	// angle, as the picture shows it, reads up to a quarter above the turn
	// of its bending plane (the bend offset is estimated from the picture).
	rel float64
}

// Synthetic lifter geometry (sim.StickSet defaults), for the truth the
// scenarios compute: the lifter pushes the knees out by kneesOut degrees,
// so a knee's cave past straight ahead is its valgus turn less kneesOut.
const (
	kneesOut  = 10.0
	shoulderM = 0.36
	hipM      = 0.20
	legM      = 0.43 + 0.42
	// the wide, turned-out stance of the stance scenarios
	stanceM = 0.6
	toeOut  = 40.0
	// fatigueStep: the growing cave turns the knees in this much more
	// each rep
	fatigueStep = 3.0
)

// fatigueValgus turns both knees in 20° on rep 1 (10° past straight
// ahead) and fatigueStep more each rep.
var fatigueValgus = []float64{20, 20 + fatigueStep, 20 + 2*fatigueStep, 20 + 3*fatigueStep, 20 + 4*fatigueStep, 20 + 5*fatigueStep}

func scenarios() []scenario {
	return []scenario{
		{
			name: "clean/real squats",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, _ := mocap(t, "opencap-squats.trc")
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean", "see_professional_pain"}, notPlan: []string{"retest", "reduce_load", "see_professional"},
			planText:  []string{"clean: in the 5 reps analysed"},
			notLimits: []string{"no_load", "front_view", "few_reps", "no_feet"},
		},
		{
			name: "clean/synthetic with jitter, ascents slowing (no cave: no fatigue cause)",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{Reps: 6, AscentS: []float64{0.8, 0.8, 1.0, 1.1, 1.25, 1.4}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 1.5, 1), valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean", "see_professional_pain"}, notPlan: []string{"end_set_earlier"},
		},
		{
			name: "clean/wide stance and toes out without cave (no stance cause)",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{StanceM: 0.6, ToeOutDeg: 40, KneesOutDeg: 55}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 2), valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean"}, notPlan: []string{"stance_adjust"},
		},
		{
			name: "fatigue/real squats, right knee caves from rep 3 on, ascents slow",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-squats.trc")
				// Reps 1-2 untouched, then the right knee moved in by 0.4-0.6
				// shin at depth: well past the knees-out (5-20°) of these
				// squats, so reps 3-5 cave and 1-2 do not.
				kneesIn(tr, ref, right, []float64{0, 0, 0.4, 0.5, 0.6}, withDepth)
				retime(tr, ref, nil, []float64{1, 1, 1.3, 1.6, 1.9})
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"fatigue": High, "one_sided": Medium},
			signals:  []string{"fatigue/trend", "fatigue/late_onset", "fatigue/velocity_loss", "one_sided/one_knee"},
			evidence: []string{"fatigue: Right knee: the cave angle rises by", "fatigue: stays in line for the first 2 reps and caves in reps 3-5", "fatigue: slower on the last rep"},
			plan:     []string{"end_set_earlier", "knee_cue", "retest"}, notPlan: []string{"reduce_load"},
			planText: []string{"end_set_earlier: your right knee held until rep 2", "end_set_earlier: slowed by about 20%", "knee_cue: keep your right knee in line"},
			limits:   []string{"no_load", "front_view"},
			// the last ascent is 1.9 times as long as the first two: the
			// ascent speed falls by 1 - 1/1.9 = 47%
			nums: []numCheck{{"cause:fatigue", `ascent is (\d+)% slower`, []float64{100 * (1 - 1/1.9)}, 5, 0}},
		},
		{
			name: "fatigue/synthetic, cave grows from rep 1 and the knees close in, no slowing",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{Reps: 6, LeftValgusDeg: fatigueValgus, RightValgusDeg: fatigueValgus}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 1, 3), valgus.Options{})})
			},
			// every rep caves (10° past straight on rep 1), so no rep is
			// clean to end the set at, and nothing slows
			verdict: VerdictKneeCave, causes: map[string]Confidence{"fatigue": High},
			signals:    []string{"fatigue/trend", "fatigue/knees_close_in"},
			notSignals: []string{"fatigue/velocity_loss", "fatigue/late_onset"},
			evidence:   []string{"fatigue: Left knee: the cave angle rises by", "fatigue: Right knee: the cave angle rises by"},
			plan:       []string{"end_set_earlier", "retest"},
			planText:   []string{"end_set_earlier: end the set sooner, and rest"},
			nums: []numCheck{
				{"cause:fatigue", `Left knee: the cave angle rises by \+(\d+\.\d)° per rep`, []float64{fatigueStep}, 0.5, 0.25},
				{"cause:fatigue", `Left knee: .*from (-?\d+)° on rep 1 to (-?\d+)° on rep 6`, []float64{fatigueValgus[0] - kneesOut, fatigueValgus[5] - kneesOut}, 1, 0.25},
			},
		},
		{
			name: "too much weight/real squats at four loads, cave from 100 kg with slower ascents",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k, kgs := range []float64{60, 80, 100, 120} {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k >= 2 {
						kneesIn(tr, ref, both, []float64{0.4 + 0.1*float64(k-2)}, withDepth)
						retime(tr, ref, nil, []float64{1.4})
					}
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"too_much_weight": High},
			signals: []string{"too_much_weight/appears_from", "too_much_weight/slower_when_heavy"},
			evidence: []string{"too_much_weight: the cave starts at 100 kg", "too_much_weight: Left knee, first two reps of each set: 60 kg none, 80 kg none, 100 kg ",
				"too_much_weight: Right knee, first two reps of each set: 60 kg none, 80 kg none, 100 kg "},
			plan: []string{"reduce_load", "knee_cue", "retest"}, notPlan: []string{"end_set_earlier", "slow_descent"},
			planText:  []string{"reduce_load: back to 80 kg"},
			notLimits: []string{"no_load", "same_load"},
			// ascents 1.4 times as long from 100 kg: 1 - 1/1.4 = 29% slower
			nums: []numCheck{{"cause:too_much_weight", `are (\d+)% slower than at the lighter loads`, []float64{100 * (1 - 1/1.4)}, 5, 0}},
		},
		{
			name: "too much weight/real squats, the cave grows with every load from 80 kg",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k, kgs := range []float64{60, 80, 100, 120} {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k >= 1 {
						kneesIn(tr, ref, right, []float64{0.3 + 0.15*float64(k)}, withDepth)
					}
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"too_much_weight": High, "one_sided": High},
			signals:    []string{"too_much_weight/appears_from", "too_much_weight/rises_with_load"},
			notSignals: []string{"too_much_weight/slower_when_heavy"},
			evidence:   []string{"too_much_weight: Right knee: the first reps' cave angle rises by +", "too_much_weight: the cave starts at 80 kg"},
			plan:       []string{"reduce_load", "retest"},
			planText:   []string{"reduce_load: back to 60 kg"},
		},
		{
			name: "negative/the same four sets without loads: weight cannot be judged",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k := range 4 {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k >= 2 {
						kneesIn(tr, ref, both, []float64{0.4 + 0.1*float64(k-2)}, withDepth)
						retime(tr, ref, nil, []float64{1.4})
					}
					sets = append(sets, analyse(t, tr, valgus.Options{}))
				}
				return session(t, sets)
			},
			// both knees moved in alike in every rep of sets 3-4: no load, no
			// trend, no side, no phase out of the ordinary points anywhere
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan:     []string{"knee_cue", "slow_descent", "retest", "film_loads"},
			notPlan:  []string{"reduce_load", "unilateral_work", "end_set_earlier"},
			planText: []string{"knee_cue: keep both knees in line", "retest: film a lighter and a heavier set"},
			limits:   []string{"no_load"},
		},
		{
			name: "lack of control/real squats at three loads, cave even at the lightest",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for _, kgs := range []float64{40, 60, 80} {
					tr, ref := mocap(t, "opencap-squats.trc")
					kneesIn(tr, ref, both, []float64{0.45}, withDepth)
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"lack_of_control": High},
			signals:  []string{"lack_of_control/light_load", "lack_of_control/from_first_rep"},
			evidence: []string{"lack_of_control: first reps of the lightest set (40 kg"},
			plan:     []string{"slow_descent", "knee_cue", "feedback", "retest"}, notPlan: []string{"reduce_load", "film_loads"},
			limits: []string{"front_view"}, notLimits: []string{"no_load", "same_load"},
		},
		{
			name: "lack of control/real squats, right knee caves every other rep, dropping descents",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-squats.trc")
				kneesIn(tr, ref, right, []float64{0.45, 0, 0.45, 0, 0.45}, withDepth)
				retime(tr, ref, []float64{0.5}, nil)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"lack_of_control": High, "one_sided": Medium},
			signals:  []string{"lack_of_control/inconsistent", "lack_of_control/fast_descent", "lack_of_control/from_first_rep"},
			evidence: []string{"lack_of_control: caves in reps 1, 3, 5 but not in 2, 4", "lack_of_control: s down against", "one_sided: The right knee caves in 3 of 5 reps, the left in none"},
			plan:     []string{"slow_descent", "knee_cue", "retest"},
		},
		{
			name: "weak hips/synthetic, both knees peak coming out of the hole",
			build: func(t *testing.T) *valgus.SessionResult {
				// the knees turn in 15° past straight ahead, 0.4 s late: the
				// turn peaks 0.2 s into the 1 s ascent (its first third)
				l := sim.StickSet{LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}, PeakLagS: 0.4}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 4), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"weak_hips": Medium},
			signals:  []string{"weak_hips/out_of_hole"},
			evidence: []string{"weak_hips: Left knee peaks coming out of the hole (early in the ascent) in 5 of 5 caving reps"},
			plan:     []string{"glute_strength", "single_leg_control", "retest"},
		},
		{
			name: "weak hips/real squats, right knee caves out of the hole with the pelvis dropping",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-squats.trc")
				kneesIn(tr, ref, both, []float64{0.3}, outOfHole)
				hipDown(tr, ref, body.Left, 0.06)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"weak_hips": High},
			signals:  []string{"weak_hips/out_of_hole", "weak_hips/pelvis_drop"},
			evidence: []string{"weak_hips: left hip lower"},
			plan:     []string{"glute_strength", "retest"},
		},
		{
			name: "weak hips + one leg only/synthetic single-leg squat on the right leg, pelvis dropping",
			build: func(t *testing.T) *valgus.SessionResult {
				tr := film(t, sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 4, DepthM: 0.3, RightValgusDeg: []float64{30}}, 0, 0.5, 5)
				ref := analyse(t, tr, valgus.Options{})
				hipDown(tr, ref, body.Left, 0.06)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"weak_hips": High},
			signals:  []string{"weak_hips/single_leg", "weak_hips/pelvis_drop"},
			evidence: []string{"weak_hips: On the right leg the knee caves in reps 1-4"},
			plan:     []string{"glute_strength", "single_leg_control", "film_other_leg"},
			planText: []string{"film_other_leg: Film the left leg"},
			limits:   []string{"one_leg_only"},
		},
		{
			name: "one-sided/synthetic single-leg sets on each leg, only the right caves",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{Movement: body.MoveSingleLegSquat, Reps: 4, DepthM: 0.3}
				r := l
				r.RightValgusDeg = []float64{30}
				lt, err := track.Project(mirrorLifter(l.Track3D()), track.Camera{})
				if err != nil {
					t.Fatal(err)
				}
				return session(t, []*valgus.SetResult{analyse(t, film(t, r, 0, 0.5, 6), valgus.Options{}), analyse(t, lt, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"one_sided": Medium, "weak_hips": Low},
			signals:  []string{"one_sided/single_leg_sides", "weak_hips/single_leg"},
			evidence: []string{"one_sided: the right leg caves in 4 of 4 reps", "one_sided: the left in none of 4"},
			plan:     []string{"unilateral_work", "glute_strength", "retest"}, notPlan: []string{"film_other_leg"},
			planText:  []string{"unilateral_work: with the right leg"},
			notLimits: []string{"one_leg_only"},
		},
		{
			// The hips slide right over the feet and both knees follow: a
			// hip shift, not a knee moving towards the midline.
			name: "negative/real asymmetric squats, hips slide right, knees do not cave",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, _ := mocap(t, "opencap-asymmetric-squats.trc")
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean", "see_professional_pain"}, notPlan: []string{"even_weight", "unilateral_work", "retest"},
		},
		{
			name: "one-sided/real asymmetric squats, hips slide right, left knee moved in",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-asymmetric-squats.trc")
				kneesIn(tr, ref, []body.Side{body.Left}, []float64{0.5}, withDepth)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"one_sided": High, "weak_hips": Low},
			signals:  []string{"one_sided/one_knee", "one_sided/more_on_one_side", "one_sided/shift_off", "weak_hips/hip_shift"},
			evidence: []string{"one_sided: The left knee caves in 5 of 5 reps, the right in none", "one_sided: taking weight off the left leg", "weak_hips: towards the right"},
			plan:     []string{"even_weight", "unilateral_work", "retest"},
			planText: []string{"unilateral_work: with the left leg", "even_weight: towards the right", "retest: the left knee's cave angle (up to"},
		},
		{
			name: "foot or ankle/real squats, knees drift in from the start of the descent",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-squats.trc")
				kneesIn(tr, ref, both, []float64{0.25}, early)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"foot_ankle": Medium},
			signals:  []string{"foot_ankle/early_onset", "foot_ankle/shank_tilt"},
			evidence: []string{"foot_ankle: of the way down, in 5 of 5 caving reps"},
			plan:     []string{"foot_pressure", "knee_cue", "ankle_mobility", "film_side"},
		},
		{
			name: "stance/synthetic wide stance, toes turned out, both knees cave",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{StanceM: stanceM, ToeOutDeg: toeOut, LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 7), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"stance": High},
			signals:  []string{"stance/wide", "stance/toes_out", "stance/both_knees", "stance/inside_toes"},
			evidence: []string{fmt.Sprintf("stance: The ankles are %.2f× the shoulder width apart", stanceM/shoulderM)},
			plan:     []string{"stance_adjust", "knee_cue", "retest"},
			planText: []string{fmt.Sprintf("stance_adjust: now %.1f× shoulder width", stanceM/shoulderM)},
			// toe-out from a front view is an estimate: within 5° of the truth
			nums: []numCheck{
				{"cause:stance", `feet turn out about (\d+)° \(left\) and (\d+)° \(right\)`, []float64{toeOut, toeOut}, 5, 0},
				{"step:stance_adjust", `now about (\d+)°`, []float64{toeOut}, 5, 0},
			},
		},
		{
			name: "stance without foot points/the same lifter as MoveNet sees it: wide only, toe-out not judged",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{StanceM: stanceM, ToeOutDeg: toeOut, LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				return session(t, []*valgus.SetResult{analyse(t, dropFeet(film(t, l, 0, 0.5, 7)), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"stance": High},
			signals: []string{"stance/wide", "stance/both_knees"},
			plan:    []string{"stance_adjust", "film_feet"},
			limits:  []string{"no_feet"},
		},
		{
			name: "stance without shoulder points/ankles against hip width",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{StanceM: stanceM, ToeOutDeg: toeOut, LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				tr := dropKeypoints(film(t, l, 0, 0.5, 7), track.LeftShoulder, track.RightShoulder)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"stance": High},
			signals:    []string{"stance/wide_hips", "stance/toes_out"},
			notSignals: []string{"stance/wide"},
			evidence:   []string{fmt.Sprintf("stance: The ankles are %.1f× the hip width apart", stanceM/hipM)},
			planText:   []string{"stance_adjust: toes turned out only slightly (now about "},
			nums:       []numCheck{{"step:stance_adjust", `now about (\d+)°`, []float64{toeOut}, 5, 0}},
		},
		{
			name: "load of a single set/the effect of weight cannot be told apart",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 13), loaded(100))})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan: []string{"knee_cue", "film_loads"}, notPlan: []string{"reduce_load"},
			limits: []string{"same_load"}, notLimits: []string{"no_load"},
		},
		{
			name: "ungraded/right knee found with low confidence only: graded on the left alone",
			build: func(t *testing.T) *valgus.SessionResult {
				// Reps 2 and 3 (2.8-7.4 s) only: more of the set and the
				// knee would count as out of the picture.
				tr := film(t, sim.StickSet{LeftValgusDeg: []float64{25}}, 0, 0.5, 14)
				for i := range tr.Frames {
					if tm := tr.Frames[i].Time; tm > 2.8 && tm < 7.4 {
						tr.Frames[i].Points[tr.Index(track.RightKnee)].Conf = 0.35
					}
				}
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"one_sided": High},
			evidence: []string{"one_sided: The left knee caves in 5 of 5 reps, the right in none"},
			plan:     []string{"unilateral_work", "film_setup"},
			limits:   []string{"ungraded_reps"},
		},
		{
			name: "tight hips/synthetic shallow squats caving on the way down",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{DepthM: 0.2, LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 8), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"tight_hips": Medium},
			signals:  []string{"tight_hips/shallow", "tight_hips/early_collapse"},
			evidence: []string{"tight_hips: before the bottom, in 5 of 5 caving reps"},
			// a 0.2 m hip drop on a 0.85 m leg
			nums: []numCheck{{"cause:tight_hips", `the hips drop (\d+)% of the leg length`, []float64{100 * 0.2 / legM}, 2, 0}},
			plan: []string{"hip_mobility", "film_side"},
		},
		{
			name: "negative/deep synthetic squats caving at the bottom from rep 1: no cause has its evidence",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 1, 9), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan:    []string{"knee_cue", "slow_descent", "retest", "film_loads"},
			notPlan: []string{"hip_mobility", "reduce_load", "end_set_earlier", "glute_strength", "see_professional_mild"},
		},
		{
			name: "mild/synthetic, a little inward drift on the right knee in the last reps",
			build: func(t *testing.T) *valgus.SessionResult {
				// Both knees track straight ahead (turned in by the lifter's
				// knees-out); the last rep turns the right knee further, by
				// a turn that reads in the middle of the mild band. On this
				// synthetic lifter a knee turned x deg inward reads about
				// 1.2x + 1.3 deg (docs/method.md, "cave angle"), so the
				// turn is the middle of the band less 1.3, over 1.2. (With
				// the other knee pushed out, the knees would not close in
				// and the analysis would not grade it.)
				b := valgus.Defaults().KneeCaveDeg
				turn := ((b.Mild+b.Moderate)/2 - 1.3) / 1.2
				straight := []float64{kneesOut}
				l := sim.StickSet{Reps: 6, LeftValgusDeg: straight,
					RightValgusDeg: []float64{kneesOut, kneesOut, kneesOut, kneesOut, kneesOut, kneesOut + turn}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 10), valgus.Options{})})
			},
			// Only the last rep caves: the analysis's trend over the set is
			// not clear ("no clear change over the set"), so fatigue is not
			// named and no step says to end the set sooner (issue 15).
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan:     []string{"knee_cue", "retest", "see_professional_mild"},
			notPlan:  []string{"end_set_earlier", "see_professional"},
			planText: []string{"knee_cue: keep your right knee in line", "retest: compare the right knee's cave angle"},
		},
		{
			name: "combination/fatigue at the heaviest load: weight and fatigue together",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k, kgs := range []float64{60, 80, 100} {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k == 2 {
						kneesIn(tr, ref, right, []float64{0.4, 0.45, 0.5, 0.55, 0.6}, withDepth)
						retime(tr, ref, nil, []float64{1.2, 1.2, 1.5, 1.8, 2.1})
					}
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"too_much_weight": High, "fatigue": High, "one_sided": High},
			signals: []string{"too_much_weight/appears_from", "fatigue/trend", "fatigue/velocity_loss"},
			plan:    []string{"reduce_load", "end_set_earlier", "retest"},
		},
		{
			// The OpenCap squats do not cave (see "clean/real squats"); filmed
			// from 30° aside they still do not: the camera's angle is not a
			// knee moving towards the midline. The view is said.
			name: "oblique/real squats filmed from 30° aside",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, _ := mocapAt(t, "opencap-squats.trc", 30)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean", "film_setup", "see_professional_pain"}, notPlan: []string{"see_professional"},
			limits: []string{"oblique_view"},
		},
		{
			name: "not analysed/synthetic squats filmed from the side",
			build: func(t *testing.T) *valgus.SessionResult {
				return session(t, []*valgus.SetResult{analyse(t, film(t, sim.StickSet{Reps: 3}, 90, 0.5, 11), valgus.Options{})})
			},
			verdict: VerdictNotAnalysed, causes: map[string]Confidence{},
			plan:   []string{"not_analysed", "film_setup", "see_professional_pain"},
			limits: []string{"not_analysed"}, notLimits: []string{"no_load", "front_view"},
		},
		{
			name: "few reps/two synthetic reps that cave: fatigue cannot be judged",
			build: func(t *testing.T) *valgus.SessionResult {
				l := sim.StickSet{Reps: 2, LeftValgusDeg: []float64{25}, RightValgusDeg: []float64{25}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 12), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan:   []string{"knee_cue", "retest", "film_more_reps"},
			limits: []string{"few_reps"},
		},
	}
}

// dumpAdvice writes the analysis numbers that matter and the advice, for
// calibrating and for failures.
func dumpAdvice(ss *valgus.SessionResult, a *Advice) string {
	var b strings.Builder
	for k, s := range ss.Sets {
		fmt.Fprintf(&b, "set %d analysed %v %s view %s load %v feet %v stance %.2f/%.2f toe %.0f/%.0f vl %.0f%% asym %+.1f %q\n", k+1, s.Analysed, s.Movement, s.View.View,
			s.LoadKG, s.HasFeet, s.Summary.Stance.AnkleHipRatio, s.Summary.Stance.AnkleShoulderRatio, s.Summary.Stance.ToeOutDeg[0], s.Summary.Stance.ToeOutDeg[1],
			s.Summary.VelocityLossPct, s.Summary.Asymmetry.MeanDiffDeg, s.Summary.Asymmetry.Side)
		for _, r := range s.Reps {
			fmt.Fprintf(&b, "  rep %d depth %.2f down %.2f up %.2f pelvis %+.1f shift %+.2f", r.Index, r.DepthLeg, r.Tempo.DescentS, r.Tempo.AscentS, r.PelvisDropDeg, r.LateralShift)
			for sd := 0; sd < 2; sd++ {
				x := r.Side[sd]
				fmt.Fprintf(&b, " | %s cave %+.1f valgus %+.1f (fppa %+.1f) %s onset %.2f kvt+ %.2f mkd %.2f %s", body.Side(sd), x.CaveDeg, x.PeakValgusDeg, x.PeakFPPAChange, x.PeakPhase, x.OnsetDepth, x.KneeVsToeChange, x.MKD, x.Severity)
			}
			b.WriteString("\n")
		}
		for sd := 0; sd < 2; sd++ {
			f := s.Summary.Fatigue[sd]
			fmt.Fprintf(&b, "  fatigue %s %+.2f [%+.2f %+.2f] %s\n", body.Side(sd), f.Slope, f.CILow, f.CIHigh, f.Verdict)
		}
	}
	for s := 0; s < 2; s++ {
		fmt.Fprintf(&b, "load %s: %s from %v\n", body.Side(s), ss.Load[s].Status, ss.Load[s].AppearsFromKG)
	}
	fmt.Fprintf(&b, "verdict %s\n", a.Verdict)
	for _, c := range a.Causes {
		fmt.Fprintf(&b, "cause %s (%s) %v\n", c.ID, c.Confidence, c.Signals)
		for _, e := range c.Evidence {
			fmt.Fprintf(&b, "   - %s\n", e)
		}
	}
	for _, l := range a.CannotJudge {
		fmt.Fprintf(&b, "limit %s: %s\n", l.ID, l.Text)
	}
	for _, s := range a.Plan {
		fmt.Fprintf(&b, "plan %d %s (%s) %v: %s\n", s.Priority, s.ID, s.Kind, s.For, s.Text)
	}
	return b.String()
}

func TestScenarios(t *testing.T) {
	rs, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			ss := sc.build(t)
			a, err := rs.Advise(ss)
			if err != nil {
				t.Fatal(err)
			}
			dump := dumpAdvice(ss, a)
			t.Log("\n" + dump)
			checkScenario(t, sc, a)
			checkWellFormed(t, a)
		})
	}
}

func checkScenario(t *testing.T, sc scenario, a *Advice) {
	t.Helper()
	if a.Verdict != sc.verdict {
		t.Errorf("verdict %s, want %s", a.Verdict, sc.verdict)
	}
	for id, conf := range sc.causes {
		c := a.Cause(id)
		switch {
		case c == nil:
			t.Errorf("cause %s not found", id)
		case c.Confidence != conf:
			t.Errorf("cause %s: confidence %s, want %s", id, c.Confidence, conf)
		}
	}
	for _, c := range a.Causes {
		if _, ok := sc.causes[c.ID]; !ok {
			t.Errorf("cause %s (%s) found without being expected: %v", c.ID, c.Confidence, c.Evidence)
		}
	}
	for _, cs := range sc.signals {
		id, sig, _ := strings.Cut(cs, "/")
		if c := a.Cause(id); c == nil || !contains(c.Signals, sig) {
			t.Errorf("cause %s lacks signal %s", id, sig)
		}
	}
	for _, cs := range sc.notSignals {
		id, sig, _ := strings.Cut(cs, "/")
		if c := a.Cause(id); c != nil && contains(c.Signals, sig) {
			t.Errorf("cause %s has signal %s without its evidence", id, sig)
		}
	}
	for _, ev := range sc.evidence {
		id, text, _ := strings.Cut(ev, ": ")
		c := a.Cause(id)
		if c == nil || !strings.Contains(strings.Join(c.Evidence, "\n"), text) {
			t.Errorf("cause %s: evidence lacks %q", id, text)
		}
	}
	last := -1
	for _, id := range sc.plan {
		s := a.Step(id)
		if s == nil {
			t.Errorf("plan lacks step %s", id)
			continue
		}
		if s.Priority < last || s.Priority == last && !slices.Contains(s.Includes, id) {
			t.Errorf("plan step %s at priority %d, after a step expected later", id, s.Priority)
		}
		last = s.Priority
	}
	for _, id := range sc.notPlan {
		if a.Step(id) != nil {
			t.Errorf("plan has step %s, which this input does not call for", id)
		}
	}
	for _, pt := range sc.planText {
		id, text, _ := strings.Cut(pt, ": ")
		if s := a.Step(id); s == nil || !strings.Contains(s.Text, text) {
			t.Errorf("plan step %s lacks %q", id, text)
		}
	}
	for _, nc := range sc.nums {
		kind, id, _ := strings.Cut(nc.in, ":")
		var text string
		switch kind {
		case "cause":
			if c := a.Cause(id); c != nil {
				text = strings.Join(c.Evidence, "\n")
			}
		case "step":
			if st := a.Step(id); st != nil {
				text = st.Text
			}
		}
		m := regexp.MustCompile(nc.re).FindStringSubmatch(text)
		if m == nil || len(m) != len(nc.want)+1 {
			t.Errorf("%s: no %q in %q", nc.in, nc.re, text)
			continue
		}
		for i, w := range nc.want {
			got, err := strconv.ParseFloat(m[i+1], 64)
			if tol := nc.tol + nc.rel*math.Abs(w); err != nil || math.Abs(got-w) > tol {
				t.Errorf("%s: %q gives %s, want %.2f ± %.2f", nc.in, nc.re, m[i+1], w, tol)
			}
		}
	}
	lim := map[string]bool{}
	for _, l := range a.CannotJudge {
		lim[l.ID] = true
	}
	for _, id := range sc.limits {
		if !lim[id] {
			t.Errorf("limit %s not said", id)
		}
	}
	for _, id := range sc.notLimits {
		if lim[id] {
			t.Errorf("limit %s said without reason", id)
		}
	}
}

// checkWellFormed holds for every advice: every template filled, priorities
// 1..n, safety last, the plan short, the disclaimer present.
func checkWellFormed(t *testing.T, a *Advice) {
	t.Helper()
	var all []string
	for _, c := range a.Causes {
		if len(c.Evidence) == 0 {
			t.Errorf("cause %s without evidence", c.ID)
		}
		all = append(all, c.Evidence...)
	}
	for i, s := range a.Plan {
		if s.Priority != i+1 {
			t.Errorf("step %s has priority %d at position %d", s.ID, s.Priority, i+1)
		}
		all = append(all, s.Text)
	}
	for _, l := range a.CannotJudge {
		all = append(all, l.Text)
	}
	for _, x := range all {
		if strings.ContainsAny(x, "{}[]") || strings.Contains(x, "NaN") || strings.Contains(x, "-0°") {
			t.Errorf("badly filled text: %q", x)
		}
	}
	// One safety step: last, or among the first three when the cave is
	// severe; at most five steps.
	safety := -1
	for i, s := range a.Plan {
		if s.Kind == "safety" {
			if safety >= 0 {
				t.Errorf("two safety steps: %+v", a.Plan)
			}
			safety = i
		}
	}
	switch n := len(a.Plan); {
	case n == 0 || safety < 0:
		t.Errorf("the plan must hold the safety step: %+v", a.Plan)
	case n > 5:
		t.Errorf("plan of %d steps, more than five", n)
	case safety != n-1 && safety > 2:
		t.Errorf("safety step at %d of %d: last, or in the first three", safety+1, n)
	}
	if !strings.Contains(a.Disclaimer, "not a diagnosis") {
		t.Errorf("disclaimer %q", a.Disclaimer)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
