package coach

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/track"
	"github.com/kneetrack/kneetrack/internal/track/synth"
	"github.com/kneetrack/kneetrack/internal/valgus"
)

var (
	right = []valgus.Side{valgus.Right}
	both  = []valgus.Side{valgus.Left, valgus.Right}
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
}

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
			planText:  []string{"clean: any of the 5 reps"},
			notLimits: []string{"no_load", "front_view", "few_reps", "no_feet"},
		},
		{
			name: "clean/synthetic with jitter, ascents slowing (no cave: no fatigue cause)",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{Reps: 6, AscentS: []float64{0.8, 0.8, 1.0, 1.1, 1.25, 1.4}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 1.5, 1), valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean", "see_professional_pain"}, notPlan: []string{"end_set_earlier"},
		},
		{
			name: "clean/wide stance and toes out without cave (no stance cause)",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{StanceM: 0.6, ToeOutDeg: 40, KneesOutDeg: 55}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 2), valgus.Options{})})
			},
			verdict: VerdictClean, causes: map[string]Confidence{},
			plan: []string{"clean"}, notPlan: []string{"stance_adjust"},
		},
		{
			name: "fatigue/real squats, right knee caves from rep 3 on, ascents slow",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-squats.trc")
				kneesIn(tr, ref, right, []float64{0, 0, 0.14, 0.25, 0.36}, withDepth)
				retime(tr, ref, nil, []float64{1, 1, 1.3, 1.6, 1.9})
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"fatigue": High, "one_sided": Medium},
			signals:  []string{"fatigue/trend_toes", "fatigue/late_onset", "fatigue/velocity_loss", "one_sided/one_knee"},
			evidence: []string{"fatigue: Right knee moves further inside the toes rep by rep", "fatigue: from 7% on rep 1 to", "fatigue: stays in line for the first 2 reps", "fatigue: slower on the last rep"},
			plan:     []string{"end_set_earlier", "retest", "see_professional"}, notPlan: []string{"reduce_load"},
			planText: []string{"end_set_earlier: held until rep 2", "end_set_earlier: slowed by about 20%"},
			limits:   []string{"no_load", "front_view"},
		},
		{
			name: "fatigue/synthetic, cave grows from rep 1 and the knees close in, no slowing",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{Reps: 6, LeftValgusDeg: []float64{12, 13, 14, 15, 16, 17}, RightValgusDeg: []float64{12, 13, 14, 15, 16, 17}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 1, 3), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"fatigue": High},
			signals:    []string{"fatigue/trend", "fatigue/knees_close_in"},
			notSignals: []string{"fatigue/velocity_loss", "fatigue/late_onset", "lack_of_control/from_first_rep"},
			evidence:   []string{"fatigue: Left knee: the peak angle rises by +4.", "fatigue: from 4° on rep 1 to 27° on rep 6"},
			plan:       []string{"end_set_earlier", "retest"},
			planText:   []string{"end_set_earlier: end the set sooner, and rest"},
		},
		{
			name: "too much weight/real squats at four loads, cave from 100 kg with slower ascents",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k, kgs := range []float64{60, 80, 100, 120} {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k >= 2 {
						kneesIn(tr, ref, both, []float64{0.2 + 0.05*float64(k-2)}, withDepth)
						retime(tr, ref, nil, []float64{1.4})
					}
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			// Moving both knees in by the same amount reads a little more on
			// this lifter's left (FPPA is a projection), so the analysis names
			// a left-right difference: one-sided weakness at low confidence.
			verdict: VerdictKneeCave, causes: map[string]Confidence{"too_much_weight": High, "one_sided": Low},
			signals:  []string{"too_much_weight/appears_from", "too_much_weight/slower_when_heavy"},
			evidence: []string{"too_much_weight: the cave starts at 100 kg", "too_much_weight: Left knee, first two reps of each set: 60 kg none, 80 kg none, 100 kg moderate (peak angle 15° above standing), 120 kg severe (peak angle 25° above standing)"},
			plan:     []string{"reduce_load", "knee_cue", "retest"}, notPlan: []string{"end_set_earlier", "slow_descent"},
			planText:  []string{"reduce_load: back to 80 kg"},
			notLimits: []string{"no_load", "same_load"},
		},
		{
			name: "too much weight/real squats, the cave grows with every load from 80 kg",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k, kgs := range []float64{60, 80, 100, 120} {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k >= 1 {
						kneesIn(tr, ref, right, []float64{0.1 * float64(k+1)}, withDepth)
					}
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"too_much_weight": High, "one_sided": High},
			signals:    []string{"too_much_weight/appears_from", "too_much_weight/rises_with_load"},
			notSignals: []string{"too_much_weight/slower_when_heavy"},
			evidence:   []string{"too_much_weight: Right knee: the first reps' peak angle rises by +7.2° per 10 kg (95% CI +2.1 to +12.4)"},
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
						kneesIn(tr, ref, both, []float64{0.2 + 0.05*float64(k-2)}, withDepth)
						retime(tr, ref, nil, []float64{1.4})
					}
					sets = append(sets, analyse(t, tr, valgus.Options{}))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"one_sided": Low},
			notSignals: []string{"lack_of_control/from_first_rep"},
			plan:       []string{"unilateral_work", "retest", "film_loads", "see_professional"},
			notPlan:    []string{"reduce_load", "unexplained"},
			limits:     []string{"no_load"},
		},
		{
			name: "lack of control/real squats at three loads, cave even at the lightest",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for _, kgs := range []float64{40, 60, 80} {
					tr, ref := mocap(t, "opencap-squats.trc")
					kneesIn(tr, ref, both, []float64{0.25}, withDepth)
					sets = append(sets, analyse(t, tr, loaded(kgs)))
				}
				return session(t, sets)
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"lack_of_control": High, "one_sided": Low},
			signals:  []string{"lack_of_control/light_load", "lack_of_control/from_first_rep"},
			evidence: []string{"lack_of_control: first reps of the lightest set (40 kg"},
			plan:     []string{"slow_descent", "knee_cue", "feedback", "retest"}, notPlan: []string{"reduce_load", "film_loads"},
			limits: []string{"front_view"}, notLimits: []string{"no_load", "same_load"},
		},
		{
			name: "lack of control/real squats, right knee caves every other rep, dropping descents",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, ref := mocap(t, "opencap-squats.trc")
				kneesIn(tr, ref, right, []float64{0.3, 0, 0.3, 0, 0.3}, withDepth)
				retime(tr, ref, []float64{0.5}, nil)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"lack_of_control": High, "one_sided": Medium},
			signals:  []string{"lack_of_control/inconsistent", "lack_of_control/fast_descent", "lack_of_control/from_first_rep"},
			evidence: []string{"lack_of_control: caves in reps 1, 3, 5 but not in 2, 4", "lack_of_control: s down against"},
			plan:     []string{"slow_descent", "knee_cue", "retest"},
		},
		{
			name: "weak hips/synthetic, both knees peak coming out of the hole",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{LeftValgusDeg: []float64{15}, RightValgusDeg: []float64{15}, PeakLagS: 0.6}
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
				hipDown(tr, ref, valgus.Left, 0.06)
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
				tr := film(t, synth.Lifter{Movement: synth.SingleLegSquat, Reps: 4, DepthM: 0.3, RightValgusDeg: []float64{30}}, 0, 0.5, 5)
				ref := analyse(t, tr, valgus.Options{})
				hipDown(tr, ref, valgus.Left, 0.06)
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
				l := synth.Lifter{Movement: synth.SingleLegSquat, Reps: 4, DepthM: 0.3}
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
			name: "one-sided/real asymmetric squats, left knee inside the toes, hips slide right",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, _ := mocap(t, "opencap-asymmetric-squats.trc")
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"one_sided": High, "weak_hips": Low},
			signals:  []string{"one_sided/one_knee", "one_sided/more_on_one_side", "one_sided/shift_off", "weak_hips/hip_shift"},
			evidence: []string{"one_sided: The left knee caves in 5 of 5 reps, the right in none", "one_sided: taking weight off the left leg"},
			plan:     []string{"even_weight", "unilateral_work", "retest"},
			planText: []string{"unilateral_work: with the left leg", "even_weight: towards the right", "retest: left knee sits inside the toes (up to 32% of the shin"},
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
			plan:     []string{"foot_pressure", "ankle_mobility", "film_side", "see_professional"},
		},
		{
			name: "stance/synthetic wide stance, toes turned out, both knees cave",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{StanceM: 0.6, ToeOutDeg: 40, LeftValgusDeg: []float64{12}, RightValgusDeg: []float64{12}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 7), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"stance": High},
			signals:  []string{"stance/wide", "stance/toes_out", "stance/both_knees", "stance/inside_toes"},
			evidence: []string{"stance: The ankles are 1.67× the shoulder width apart", "stance: The feet turn out about 41° (left) and 41° (right)"},
			plan:     []string{"stance_adjust", "knee_cue", "retest"},
			planText: []string{"stance_adjust: now 1.7× shoulder width", "stance_adjust: now about 41°"},
		},
		{
			name: "stance without foot points/the same lifter as MoveNet sees it: wide only, toe-out not judged",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{StanceM: 0.6, ToeOutDeg: 40, LeftValgusDeg: []float64{12}, RightValgusDeg: []float64{12}}
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
				l := synth.Lifter{StanceM: 0.6, ToeOutDeg: 40, LeftValgusDeg: []float64{12}, RightValgusDeg: []float64{12}}
				tr := dropKeypoints(film(t, l, 0, 0.5, 7), track.LeftShoulder, track.RightShoulder)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"stance": High},
			signals:    []string{"stance/wide_hips", "stance/toes_out"},
			notSignals: []string{"stance/wide"},
			evidence:   []string{"stance: The ankles are 3.0× the hip width apart"},
			planText:   []string{"stance_adjust: toes turned out only slightly (now about 41°)"},
		},
		{
			name: "load of a single set/the effect of weight cannot be told apart",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{LeftValgusDeg: []float64{15}, RightValgusDeg: []float64{15}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 13), loaded(100))})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan: []string{"unexplained", "film_loads"}, notPlan: []string{"reduce_load"},
			limits: []string{"same_load"}, notLimits: []string{"no_load"},
		},
		{
			name: "ungraded/right knee found with low confidence only: graded on the left alone",
			build: func(t *testing.T) *valgus.SessionResult {
				// Reps 2 and 3 (2.8-7.4 s) only: more of the set and the
				// knee would count as out of the picture.
				tr := film(t, synth.Lifter{LeftValgusDeg: []float64{15}}, 0, 0.5, 14)
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
				l := synth.Lifter{DepthM: 0.2, LeftValgusDeg: []float64{15}, RightValgusDeg: []float64{15}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 8), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"tight_hips": Medium},
			signals:  []string{"tight_hips/shallow", "tight_hips/early_collapse"},
			evidence: []string{"tight_hips: the hips drop 23% of the leg length", "tight_hips: before the bottom, in 5 of 5 caving reps"},
			plan:     []string{"hip_mobility", "film_side"},
		},
		{
			name: "negative/deep synthetic squats caving at the bottom from rep 1: no cause has its evidence",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{LeftValgusDeg: []float64{15}, RightValgusDeg: []float64{15}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 1, 9), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan:    []string{"unexplained", "slow_descent", "knee_cue", "retest", "film_loads"},
			notPlan: []string{"hip_mobility", "reduce_load", "end_set_earlier", "glute_strength", "mild"},
		},
		{
			name: "mild/synthetic, a little inward drift on the right knee in the last reps",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{Reps: 6, RightValgusDeg: []float64{0, 0, 0, 0, 0, 9}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 10), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"fatigue": Low},
			signals: []string{"fatigue/late_onset"},
			plan:    []string{"mild", "end_set_earlier", "retest"},
		},
		{
			name: "combination/fatigue at the heaviest load: weight and fatigue together",
			build: func(t *testing.T) *valgus.SessionResult {
				var sets []*valgus.SetResult
				for k, kgs := range []float64{60, 80, 100} {
					tr, ref := mocap(t, "opencap-squats.trc")
					if k == 2 {
						kneesIn(tr, ref, right, []float64{0.15, 0.2, 0.25, 0.3, 0.35}, withDepth)
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
			// From 30° aside the analysis reads a right-knee cave on the
			// OpenCap squats that the front view does not show (docs/method.md:
			// angles leak into 2D FPPA); left-right comparisons are not made and
			// what remains is held at low confidence.
			name: "oblique/real squats filmed from 30° aside",
			build: func(t *testing.T) *valgus.SessionResult {
				tr, _ := mocapAt(t, "opencap-squats.trc", 30)
				return session(t, []*valgus.SetResult{analyse(t, tr, valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{"weak_hips": Low, "foot_ankle": Low},
			plan:   []string{"film_setup", "see_professional"},
			limits: []string{"oblique_view"},
		},
		{
			name: "not analysed/synthetic squats filmed from the side",
			build: func(t *testing.T) *valgus.SessionResult {
				return session(t, []*valgus.SetResult{analyse(t, film(t, synth.Lifter{Reps: 3}, 90, 0.5, 11), valgus.Options{})})
			},
			verdict: VerdictNotAnalysed, causes: map[string]Confidence{},
			plan:   []string{"not_analysed", "film_setup", "see_professional_pain"},
			limits: []string{"not_analysed"}, notLimits: []string{"no_load", "front_view"},
		},
		{
			name: "few reps/two synthetic reps that cave: fatigue cannot be judged",
			build: func(t *testing.T) *valgus.SessionResult {
				l := synth.Lifter{Reps: 2, LeftValgusDeg: []float64{15}, RightValgusDeg: []float64{15}}
				return session(t, []*valgus.SetResult{analyse(t, film(t, l, 0, 0.5, 12), valgus.Options{})})
			},
			verdict: VerdictKneeCave, causes: map[string]Confidence{},
			plan:   []string{"unexplained", "film_more_reps"},
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
				fmt.Fprintf(&b, " | %s %+.1f (%+.1f) %s onset %.2f kvt %.2f med %.2f %s", valgus.Side(sd), x.PeakFPPA, x.PeakFPPAChange, x.PeakPhase, x.OnsetDepth, x.KneeVsToe, x.KneeMedial, x.Severity)
			}
			b.WriteString("\n")
		}
		for sd := 0; sd < 2; sd++ {
			f := s.Summary.Fatigue[sd]
			fmt.Fprintf(&b, "  fatigue %s %+.2f [%+.2f %+.2f] %s\n", valgus.Side(sd), f.Slope, f.CILow, f.CIHigh, f.Verdict)
		}
	}
	for s := 0; s < 2; s++ {
		fmt.Fprintf(&b, "load %s: %s from %v\n", valgus.Side(s), ss.Load[s].Status, ss.Load[s].AppearsFromKG)
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
			a, err := rs.Advise(ss, valgus.Defaults())
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
		if s.Priority <= last {
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
	if n := len(a.Plan); n == 0 || a.Plan[n-1].Kind != "safety" {
		t.Errorf("the plan must end with the safety step: %+v", a.Plan)
	} else if n > 12 {
		t.Errorf("plan of %d steps is not short", n)
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
