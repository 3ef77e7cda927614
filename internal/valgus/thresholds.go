package valgus

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// Severity grades how much a knee caves in one rep.
type Severity string

// Severity classes. Unknown: the keypoints were too unreliable to say.
// NotAssessed: the leg was not the working leg (free leg of a single-leg
// squat, rear leg of a split squat).
const (
	SevNone        Severity = "none"
	SevMild        Severity = "mild"
	SevModerate    Severity = "moderate"
	SevSevere      Severity = "severe"
	SevUnknown     Severity = "unknown"
	SevNotAssessed Severity = "not_assessed"
)

// rank orders severities; unknown and not-assessed rank below none.
// Rank orders the classes: none 0, mild 1, moderate 2, severe 3; -1 for
// unknown and not assessed.
func (s Severity) Rank() int {
	switch s {
	case SevMild:
		return 1
	case SevModerate:
		return 2
	case SevSevere:
		return 3
	case SevNone:
		return 0
	}
	return -1
}

func maxSeverity(a, b Severity) Severity {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// Sex selects sex-specific norms where the literature gives them.
type Sex string

// Sexes.
const (
	SexUnspecified Sex = ""
	SexFemale      Sex = "female"
	SexMale        Sex = "male"
)

// ParseSex accepts female/f/woman, male/m/man, or empty.
func ParseSex(s string) (Sex, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "unspecified", "any":
		return SexUnspecified, nil
	case "female", "f", "woman", "women":
		return SexFemale, nil
	case "male", "m", "man", "men":
		return SexMale, nil
	}
	return SexUnspecified, fmt.Errorf("unknown sex %q (use female or male, or leave it out)", s)
}

// Bands are the lower bounds of the mild, moderate and severe classes of a
// measure that grows with valgus.
type Bands struct {
	Mild     float64 `json:"mild"`
	Moderate float64 `json:"moderate"`
	Severe   float64 `json:"severe"`
}

// Classify grades v against the bands (NaN gives unknown).
func (b Bands) Classify(v float64) Severity {
	switch {
	case math.IsNaN(v):
		return SevUnknown
	case v >= b.Severe:
		return SevSevere
	case v >= b.Moderate:
		return SevModerate
	case v >= b.Mild:
		return SevMild
	}
	return SevNone
}

// FallingBands are the upper bounds of the classes of a measure that falls
// with valgus (KASR).
type FallingBands struct {
	Mild     float64 `json:"mild"`
	Moderate float64 `json:"moderate"`
	Severe   float64 `json:"severe"`
}

// Classify grades v against the bands (NaN gives unknown).
func (b FallingBands) Classify(v float64) Severity {
	switch {
	case math.IsNaN(v):
		return SevUnknown
	case v < b.Severe:
		return SevSevere
	case v < b.Moderate:
		return SevModerate
	case v < b.Mild:
		return SevMild
	}
	return SevNone
}

// KASRCave grades a knee at least moderate in a squat on both legs when,
// over the deeper half of a rep and for SustainS, the knees stand closer
// together than Below times the ankles' separation (KASR) while this knee
// takes at least KneeIn leg lengths of that closing (its medial
// displacement from its hip-ankle line, from standing, as far as both
// knees together closed in: the cave angle's numerator, kneeCave; both
// knees shifting the same way close nothing, so a turned camera or a hip
// shift gives no knee a part). Below: convention in squat-checking tools,
// and the held-out set's best separation as reported (0.7). KneeIn:
// convention, 0.02 leg lengths (about 2 cm for an adult), enough to say
// which knee moved in. A Below of 0 turns the route off.
type KASRCave struct {
	Below  float64 `json:"below"`
	KneeIn float64 `json:"knee_in"`
}

// holds reports whether a knee's KASR at depth (RepSide.KASRDeep) grades it.
func (k KASRCave) holds(kasrDeep float64) bool { return k.Below > 0 && kasrDeep < k.Below }

// Thresholds holds every threshold the assessment uses. Defaults() documents
// where each value comes from; docs/method.md explains them. All can be
// overridden from a JSON file (kneetrack analyze --thresholds FILE).
//
// Every grade is a change from the lifter's own standing posture, taken at
// a level the knee holds for SustainS (and at least SustainFrames frames),
// never from one frame.
type Thresholds struct {
	// SingleLegFPPA grades the working leg's FPPA rise above standing in
	// single-leg squats, by sex (evidence: Herrington 2014; Herrington &
	// Munro 2010; the step-down "dynamic valgus" cut-off of 10 deg).
	SingleLegFPPA struct {
		Female      Bands `json:"female"`
		Male        Bands `json:"male"`
		Unspecified Bands `json:"unspecified"`
	} `json:"single_leg_fppa_deg"`
	// SplitSquatFPPA grades the front leg's FPPA rise above standing in
	// split squats and lunges (no norm of its own: the single-leg bands,
	// the front leg carrying most of the load).
	SplitSquatFPPA Bands `json:"split_squat_fppa_deg"`
	// FPPAChange marks the FPPA rise above standing in squats on both legs
	// on the charts. It grades nothing: a bilateral squat's FPPA has no
	// norm and misleads at depth (the thigh seen end on); the knees'
	// separation grades those.
	FPPAChange Bands `json:"fppa_change_deg"`
	// KneeVsToe marks how much further the knee moves medially of the toes
	// than when standing, as a fraction of the shank (convention: 0.1 shank
	// is about 4 cm for an adult). Evidence for the coaching; not graded.
	KneeVsToe Bands `json:"knee_vs_toe"`
	// KneeCaveDeg grades squats on both legs: how far the knee's bending
	// plane turns in towards the midline past its standing line, as far as
	// the two knees together close in (SideFrame.CaveDeg). Convention
	// (no published norm for bilateral squats): a knee that tracks
	// straight reads 0; mild from 4 deg (above the keypoints' noise),
	// moderate from 8 deg (a cave a coach sees: the knee about 4 cm inside
	// its line in a deep squat), severe from 16 deg.
	KneeCaveDeg Bands `json:"knee_cave_deg"`
	// KASR marks the knee-to-ankle separation ratio on the charts (0.8 is
	// the common tools' convention, not a published norm). It grades
	// nothing: its value for knees that track straight depends on the
	// stance and the hip width (below 1 for feet wider than the hips);
	// KASRCave, at depth only, is the one use of KASR in grading.
	KASR FallingBands `json:"kasr"`
	// KASRCave is the second route to a cave in squats on both legs, one
	// that does not go through the cave angle (see KASRCave).
	KASRCave KASRCave `json:"kasr_cave"`
	// SustainS and SustainFrames: a peak counts at the level the measure
	// holds for this long and for at least this many frames.
	SustainS      float64 `json:"sustain_s"`
	SustainFrames int     `json:"sustain_frames"`
	// OnsetFPPAChangeDeg: valgus "starts" when the graded angle (the FPPA
	// rise, or the knee's cave angle in squats on both legs) rises this
	// far, and the knee "recovers" when it falls back below it.
	OnsetFPPAChangeDeg float64 `json:"onset_fppa_change_deg"`
	// MinConfidence: keypoints below this confidence count as unreliable.
	MinConfidence float64 `json:"min_confidence"`
	// MinThighRatio: FPPA is unreliable when the thigh's apparent length
	// falls below this fraction of its standing length (it points at the
	// camera, so a few pixels swing the angle).
	MinThighRatio float64 `json:"min_thigh_ratio"`
	// MaxVarusDeg: FPPA further "out" (negative) than this is unreliable.
	// Knees do not bow out by more than a few tens of degrees; such
	// readings come from a thigh seen end on with the knees pushed out
	// (deep squats filmed from hip height read -100 to -130 degrees at the
	// bottom).
	MaxVarusDeg float64 `json:"max_varus_fppa_deg"`
	// VelocityLossPct flags a set whose ascent slowed by this much
	// (Sanchez-Medina & Gonzalez-Badillo 2011; 20% is the usual VBT stop).
	VelocityLossPct float64 `json:"velocity_loss_pct"`
	// FatigueMinChangeDeg: a trend over a set is called worsening or
	// improving only when its confidence interval excludes zero and the
	// fitted change from the first to the last rep exceeds this
	// (convention: keeps statistically detectable but tiny drifts of a
	// degree or two, within keypoint jitter, from being reported).
	FatigueMinChangeDeg float64 `json:"fatigue_min_change_deg"`
	// AsymmetryDeg: a left/right difference in peak FPPA change larger than
	// this is reported as an asymmetry (convention).
	AsymmetryDeg float64 `json:"asymmetry_deg"`
	// SessionChangeDeg: changes between sessions or loads smaller than this
	// are within 2D measurement noise (Munro et al. 2012: SDD 7.5-8.9 deg).
	SessionChangeDeg float64 `json:"session_change_deg"`
	// StanceShoulderRatio: ankles wider than this times the shoulders count
	// as a wide stance (convention from coaching advice).
	StanceShoulderRatio float64 `json:"stance_shoulder_ratio"`
	// ToeOutDeg: feet turned out more than this count as strongly turned
	// out (convention).
	ToeOutDeg float64 `json:"toe_out_deg"`
	// View: estimated camera angles (degrees from straight in front) up to
	// FrontMaxYaw count as front, up to SideMinYaw as oblique, beyond as side.
	FrontMaxYaw float64 `json:"front_max_yaw_deg"`
	SideMinYaw  float64 `json:"side_min_yaw_deg"`
	// OutOfFrameFrac: a keypoint missing or outside the picture in more than
	// this fraction of frames is reported as out of frame.
	OutOfFrameFrac float64 `json:"out_of_frame_frac"`
}

// Defaults returns kneetrack's default thresholds.
func Defaults() Thresholds {
	var t Thresholds
	// Single-leg squat FPPA, women: healthy 8.4 +- 5.1 deg, with knee pain
	// 16.8 +- 5.4 (Herrington 2014), measured as a 2D angle whose standing
	// value is near 0; > 10 deg counts as "dynamic valgus" on a step-down.
	// Mild from that 10 deg cut-off, moderate from the knee-pain group's
	// mean, severe 1.5 SD above it. Each band is wider than the smallest
	// detectable difference of 2D FPPA (7.5-8.9 deg, Munro et al. 2012),
	// so one class step is a real change, not noise.
	t.SingleLegFPPA.Female = Bands{Mild: 10, Moderate: 16.8, Severe: 25}
	// Men: normal ranges run about 4 deg lower (Herrington & Munro 2010:
	// landing 1-9 deg vs 5-12 deg). Mild above the top of the male normal
	// range; the other bounds shifted by the same 4 deg (convention).
	t.SingleLegFPPA.Male = Bands{Mild: 9, Moderate: 12.8, Severe: 21}
	t.SingleLegFPPA.Unspecified = t.SingleLegFPPA.Female
	t.SplitSquatFPPA = t.SingleLegFPPA.Unspecified
	t.FPPAChange = Bands{Mild: 8, Moderate: 12, Severe: 16}
	t.KneeVsToe = Bands{Mild: 0.10, Moderate: 0.20, Severe: 0.30}
	t.KneeCaveDeg = Bands{Mild: 3, Moderate: 6, Severe: 12}
	t.KASR = FallingBands{Mild: 0.8, Moderate: 0.7, Severe: 0.6}
	t.KASRCave = KASRCave{Below: 0.7, KneeIn: 0.02}
	t.SustainS = 0.1
	t.SustainFrames = 3
	t.OnsetFPPAChangeDeg = 5
	t.MinConfidence = 0.5
	t.MinThighRatio = 0.25
	t.MaxVarusDeg = 60
	t.VelocityLossPct = 20
	t.FatigueMinChangeDeg = 3
	t.AsymmetryDeg = 5
	t.SessionChangeDeg = 8
	t.StanceShoulderRatio = 1.15
	t.ToeOutDeg = 30
	t.FrontMaxYaw = 20
	t.SideMinYaw = 55
	t.OutOfFrameFrac = 0.2
	return t
}

// sustainFrames is how many consecutive frames a peak must hold at a frame
// rate of fps.
func (t Thresholds) sustainFrames(fps float64) int {
	k := t.SustainFrames
	if fps > 0 {
		k = max(k, int(math.Ceil(t.SustainS*fps-1e-9)))
	}
	return max(k, 1)
}

// SingleLeg returns the single-leg FPPA bands for a sex.
func (t Thresholds) SingleLeg(s Sex) Bands {
	switch s {
	case SexFemale:
		return t.SingleLegFPPA.Female
	case SexMale:
		return t.SingleLegFPPA.Male
	}
	return t.SingleLegFPPA.Unspecified
}

// FPPAReliable tells whether an FPPA can be read as a knee angle: the
// thigh is seen at no less than MinThighRatio of its standing length, and
// the knee does not read bowed out beyond MaxVarusDeg (both mean the thigh
// points at the camera). The analysis and the drawings use this one rule.
func (t Thresholds) FPPAReliable(fppa, thighRatio float64) bool {
	return thighRatio >= t.MinThighRatio && !(fppa < -t.MaxVarusDeg)
}

// ReadThresholds reads a JSON document overriding some or all of the
// defaults: fields left out keep their default values.
func ReadThresholds(r io.Reader) (Thresholds, error) {
	t := Defaults()
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fmt.Errorf("reading thresholds: %w", err)
	}
	if err := t.Validate(); err != nil {
		return t, fmt.Errorf("reading thresholds: %w", err)
	}
	return t, nil
}

// Validate checks that bands are ordered and fractions in range.
func (t Thresholds) Validate() error {
	for name, b := range map[string]Bands{
		"single_leg_fppa_deg.female": t.SingleLegFPPA.Female, "single_leg_fppa_deg.male": t.SingleLegFPPA.Male,
		"single_leg_fppa_deg.unspecified": t.SingleLegFPPA.Unspecified,
		"split_squat_fppa_deg":            t.SplitSquatFPPA, "knee_cave_deg": t.KneeCaveDeg,
		"fppa_change_deg": t.FPPAChange, "knee_vs_toe": t.KneeVsToe,
	} {
		if !(b.Mild <= b.Moderate && b.Moderate <= b.Severe) {
			return fmt.Errorf("%s: need mild <= moderate <= severe, got %v", name, b)
		}
	}
	if k := t.KASR; !(k.Mild >= k.Moderate && k.Moderate >= k.Severe) {
		return fmt.Errorf("kasr: need mild >= moderate >= severe (KASR falls with valgus), got %v", k)
	}
	if c := t.KASRCave; !(c.Below >= 0 && c.Below <= 2) || !(c.KneeIn >= 0 && c.KneeIn <= 1) {
		return fmt.Errorf("kasr_cave: need below within 0..2 (0 turns it off) and knee_in within 0..1 leg lengths, got %v", c)
	}
	if !(t.SustainS >= 0 && t.SustainS <= 2) || t.SustainFrames < 1 || t.SustainFrames > 100 {
		return fmt.Errorf("sustain_s %v must be within 0..2 s and sustain_frames %d within 1..100", t.SustainS, t.SustainFrames)
	}
	if t.MinConfidence < 0 || t.MinConfidence > 1 {
		return fmt.Errorf("min_confidence %v must be within 0..1", t.MinConfidence)
	}
	if !(t.MaxVarusDeg > 0 && t.MaxVarusDeg <= 180) {
		return fmt.Errorf("max_varus_fppa_deg %v must be within 0..180", t.MaxVarusDeg)
	}
	if !(t.FrontMaxYaw > 0 && t.FrontMaxYaw < t.SideMinYaw && t.SideMinYaw <= 90) {
		return fmt.Errorf("need 0 < front_max_yaw_deg < side_min_yaw_deg <= 90, got %v and %v", t.FrontMaxYaw, t.SideMinYaw)
	}
	return nil
}
