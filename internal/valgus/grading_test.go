package valgus

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/motion"
	"github.com/kneetrack/kneetrack/internal/sim"
	"github.com/kneetrack/kneetrack/internal/track"
)

// The bands that grade each movement, with thresholds whose bands all
// differ, so a wrong pick cannot pass by coincidence.
func TestGradedBands(t *testing.T) {
	var th Thresholds
	th.KneeCaveDeg = Bands{1, 2, 3}
	th.SingleLegFPPA.Female = Bands{4, 5, 6}
	th.SingleLegFPPA.Male = Bands{7, 8, 9}
	th.SingleLegFPPA.Unspecified = Bands{10, 11, 12}
	th.SplitSquatFPPA = Bands{13, 14, 15}
	th.FPPAChange = Bands{16, 17, 18}
	for _, c := range []struct {
		name string
		mv   body.Movement
		sex  Sex
		want Bands
		cave bool
	}{
		{"squat, women", body.MoveBilateralSquat, SexFemale, Bands{1, 2, 3}, true},
		{"squat, sex not given", body.MoveBilateralSquat, SexUnspecified, Bands{1, 2, 3}, true},
		{"single-leg, women", body.MoveSingleLegSquat, SexFemale, Bands{4, 5, 6}, false},
		{"single-leg, men", body.MoveSingleLegSquat, SexMale, Bands{7, 8, 9}, false},
		{"single-leg, sex not given", body.MoveSingleLegSquat, SexUnspecified, Bands{10, 11, 12}, false},
		{"split squat, men", body.MoveSplitSquat, SexMale, Bands{13, 14, 15}, false},
		{"split squat, sex not given", body.MoveSplitSquat, SexUnspecified, Bands{13, 14, 15}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := th.GradedBands(c.mv, c.sex); got != c.want {
				t.Errorf("Thresholds.GradedBands = %v, want %v", got, c.want)
			}
			res := &SetResult{Movement: c.mv, Sex: c.sex, Thresholds: th}
			if got := res.GradedBands(); got != c.want {
				t.Errorf("SetResult.GradedBands = %v, want %v", got, c.want)
			}
			if res.GradedOnCave() != c.cave {
				t.Errorf("GradedOnCave = %v, want %v", res.GradedOnCave(), c.cave)
			}
		})
	}
}

// A result grades with the thresholds it carries: the classes of its reps
// follow from its bands and graded peaks.
func TestRepsGradedWithCarriedThresholds(t *testing.T) {
	strict := Defaults()
	strict.KneeCaveDeg = Bands{Mild: 1, Moderate: 2, Severe: 4}
	tr := film(t, sim.StickSet{Reps: 3, RightValgusDeg: []float64{14, 18, 24}}, track.Camera{}, 0, 1)
	for _, c := range []struct {
		name string
		th   *Thresholds
		want Thresholds
		// rep 3 caves about 7°: moderate by the default bands (6 to 12),
		// severe by the strict ones (from 4)
		rep3 Severity
	}{
		{"defaults", nil, Defaults(), SevModerate},
		{"strict", &strict, strict, SevSevere},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := analyse(t, tr, Options{Thresholds: c.th})
			if res.Thresholds != c.want {
				t.Fatalf("the result carries %+v, want %+v", res.Thresholds, c.want)
			}
			if len(res.Reps) != 3 {
				t.Fatalf("%d reps, want 3", len(res.Reps))
			}
			for _, r := range res.Reps {
				rs := r.Side[body.Right]
				if want := c.want.KneeCaveDeg.Classify(rs.CaveDeg); rs.Severity != want {
					t.Errorf("rep %d: cave %.1f° graded %s, want %s", r.Index, rs.CaveDeg, rs.Severity, want)
				}
			}
			if got := res.Reps[2].Side[body.Right].Severity; got != c.rep3 {
				t.Errorf("rep 3 (cave %.1f°) graded %s, want %s", res.Reps[2].Side[body.Right].CaveDeg, got, c.rep3)
			}
		})
	}
}

// The cleaned track a result carries is the input cleaned as the options
// say, for a set too short to analyse too; the input is left as it was.
func TestResultCarriesCleanTrack(t *testing.T) {
	long := film(t, sim.StickSet{Reps: 2}, track.Camera{}, 2, 3)
	short := long.Clone()
	short.Frames = short.Frames[:5] // 0.13 s at 30 fps
	for _, c := range []struct {
		name     string
		tr       *track.Track
		opt      motion.CleanOptions
		analysed bool
	}{
		{"default cleaning", long, motion.CleanOptions{}, true},
		{"3 Hz cut-off", long, motion.CleanOptions{CutoffHz: 3}, true},
		{"too short", short, motion.CleanOptions{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := c.tr.Clone()
			res := analyse(t, c.tr, Options{Clean: c.opt})
			if res.Analysed != c.analysed {
				t.Fatalf("analysed %v (%s), want %v", res.Analysed, res.Reason, c.analysed)
			}
			want, rep, err := motion.Clean(c.tr, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.CleanTrack, want) {
				t.Error("the result's track is not the input cleaned with the analysis's options")
			}
			if c.analysed && !reflect.DeepEqual(res.Clean, rep) {
				t.Errorf("cleaning report %+v, want %+v", res.Clean, rep)
			}
			if !reflect.DeepEqual(c.tr, before) {
				t.Error("the analysis changed its input track")
			}
		})
	}
}

// A session grades with its sets' thresholds and refuses sets graded
// with different ones.
func TestSessionThresholds(t *testing.T) {
	tr := film(t, sim.StickSet{Reps: 2}, track.Camera{}, 1, 5)
	other := Defaults()
	other.AsymmetryDeg = 9
	a, b, c := analyse(t, tr, Options{Thresholds: &other}), analyse(t, tr, Options{Thresholds: &other}), analyse(t, tr, Options{})
	ss, err := AnalyzeSession([]*SetResult{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if ss.Thresholds != other {
		t.Errorf("session thresholds %+v, want the sets' %+v", ss.Thresholds, other)
	}
	if _, err := AnalyzeSession([]*SetResult{a, c}); err == nil || !strings.Contains(err.Error(), "set 2") {
		t.Errorf("sets with different thresholds: %v, want an error naming set 2", err)
	}
}

func TestKeyReps(t *testing.T) {
	rep := func(left, right Severity, leftPeak, rightPeak float64, partial bool, quality string) RepResult {
		r := RepResult{Partial: partial, Quality: quality}
		r.Side[body.Left] = RepSide{Assessed: true, Severity: left, GradedDeg: leftPeak}
		r.Side[body.Right] = RepSide{Assessed: true, Severity: right, GradedDeg: rightPeak}
		r.Severity = left // the worse of the two
		if right.Rank() > left.Rank() {
			r.Severity = right
		}
		return r
	}
	freeLeft := func(r RepResult) RepResult {
		r.Side[body.Left] = RepSide{Severity: SevNotAssessed, GradedDeg: 40}
		r.Severity = r.Side[body.Right].Severity
		return r
	}
	none, mild, moderate, unknown := SevNone, SevMild, SevModerate, SevUnknown
	good, poor := QualityGood, QualityPoor
	for _, c := range []struct {
		name        string
		reps        []RepResult
		worst, best int
		ok          bool
	}{
		// the goblet clip's pattern: rep 4 has the larger angle, rep 5 both
		// knees mild
		{"more legs beat a larger angle", []RepResult{
			rep(none, mild, -1, 2, false, good), rep(none, none, 0, 1, false, good),
			rep(none, mild, -1, 3, false, good), rep(none, mild, 0, 4, false, good),
			rep(mild, mild, 1, 2, false, good)}, 4, 1, true},
		{"class first", []RepResult{
			rep(mild, mild, 9, 9, false, good), rep(none, moderate, 0, 12, false, good), rep(none, none, 1, 1, false, good)}, 1, 2, true},
		{"angle breaks a full tie", []RepResult{
			rep(none, mild, 0, 8.5, false, good), rep(none, mild, 0, 10, false, good)}, 1, 0, true},
		{"partial and poor reps only as a last resort", []RepResult{
			rep(moderate, moderate, 13, 13, true, good), rep(moderate, moderate, 14, 14, false, poor),
			rep(none, mild, 0, 9, false, good), rep(none, none, 0, 1, false, good)}, 2, 3, true},
		{"only partial reps", []RepResult{
			rep(none, mild, 0, 4, true, good), rep(none, moderate, 0, 7, true, good)}, 1, 0, true},
		{"every rep alike: the worst and the next", []RepResult{
			rep(none, mild, 0, 5, false, good), rep(none, mild, 0, 5, false, good), rep(none, mild, 0, 5, false, good)}, 0, 1, true},
		{"one rep", []RepResult{rep(none, mild, 0, 5, false, good)}, 0, 0, true},
		{"a free leg's angle does not count", []RepResult{
			freeLeft(rep(none, mild, 0, 4, false, good)), freeLeft(rep(none, mild, 0, 6, false, good))}, 1, 0, true},
		{"no rep with a class", []RepResult{rep(unknown, unknown, math.NaN(), math.NaN(), false, good)}, 0, 0, false},
		{"no reps", nil, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			worst, best, ok := (&SetResult{Reps: c.reps}).KeyReps()
			if ok != c.ok || worst != c.worst || best != c.best {
				t.Errorf("worst %d best %d (ok %v); want %d and %d (ok %v)", worst, best, ok, c.worst, c.best, c.ok)
			}
		})
	}
}

// KeyReps on an analysed set: the rep whose knee caves most is the worst,
// one that does not cave the best.
func TestKeyRepsAnalysed(t *testing.T) {
	// The knees track straight at 10° (KneesOutDeg); rep 3 caves most.
	res := analyse(t, film(t, sim.StickSet{Reps: 4, RightValgusDeg: []float64{10, 16, 34, 22}}, track.Camera{}, 0, 1), Options{})
	worst, best, ok := res.KeyReps()
	if !ok || worst != 2 || best != 0 {
		t.Fatalf("worst %d best %d (ok %v); want reps 3 and 1 (indexes 2 and 0)", worst, best, ok)
	}
}
