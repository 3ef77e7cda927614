// Package report presents an analysis: a concise terminal summary, a JSON
// document with a versioned schema (docs/analysis-json.md) and a per-frame
// CSV. It only formats results from package valgus; it measures nothing,
// and takes its sentences about the analysis from package words.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/kneetrack/kneetrack/internal/valgus"
	"github.com/kneetrack/kneetrack/internal/words"
)

// SchemaV1 identifies version 1 of the analysis JSON. Field names are
// stable within a version; fields may be added.
const SchemaV1 = "kneetrack.analysis/v1"

// num is a float that marshals NaN and infinities as null.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(math.Round(f*10000) / 10000)
}

// Document is the analysis JSON.
type Document struct {
	Schema    string         `json:"schema"`
	Generator string         `json:"generator"`
	Settings  Settings       `json:"settings"`
	Sets      []Set          `json:"sets"`
	Summary   SessionSummary `json:"summary"`
	// Coaching (AddAdvice): the verdict ("" when no advice was attached),
	// the likely causes with their evidence, the plan and what the input
	// cannot show.
	Verdict     string  `json:"verdict"`
	Causes      []Cause `json:"causes"`
	Plan        []Step  `json:"plan"`
	CannotJudge []Limit `json:"cannot_judge"`
}

// Settings records what the analysis was asked to do.
type Settings struct {
	Movement   string            `json:"movement"`
	Sex        string            `json:"sex"`
	HeightCM   *float64          `json:"height_cm"`
	Thresholds valgus.Thresholds `json:"thresholds"`
}

// Video is the source's metadata.
type Video struct {
	Width     int `json:"width"`
	Height    int `json:"height"`
	FPS       num `json:"fps"`
	DurationS num `json:"duration_s"`
	Rotation  int `json:"rotation"`
}

// Set is one analysed set.
type Set struct {
	Source         string     `json:"source"`
	LoadKG         *num       `json:"load_kg"`
	Video          Video      `json:"video"`
	Skeleton       string     `json:"skeleton"`
	HasFeet        bool       `json:"has_feet"`
	Movement       string     `json:"movement"`
	MovementGiven  bool       `json:"movement_given"`
	MovementReason string     `json:"movement_reason"`
	View           string     `json:"view"`
	ViewDetail     ViewDetail `json:"view_detail"`
	Analysed       bool       `json:"analysed"`
	// NotAnalysed says why, as a code scripts can test ("" when analysed).
	NotAnalysed string       `json:"not_analysed_reason"`
	Baseline    Baseline     `json:"baseline"`
	Cleaning    Cleaning     `json:"cleaning"`
	Reps        []Rep        `json:"reps"`
	Summary     SetSummary   `json:"summary"`
	Notes       []string     `json:"notes"`
	OutOfFrame  []OutOfFrame `json:"out_of_frame"`
}

// ViewDetail explains the view check.
type ViewDetail struct {
	YawDeg       num      `json:"yaw_deg"`
	WidthRatio   num      `json:"width_ratio"`
	FacingCamera bool     `json:"facing_camera"`
	Refused      bool     `json:"refused"`
	Notes        []string `json:"notes"`
}

// OutOfFrame is a keypoint missing or outside the picture too often.
type OutOfFrame struct {
	Keypoint string `json:"keypoint"`
	Fraction num    `json:"fraction"`
}

// Baseline is the standing posture.
type Baseline struct {
	Frames             int   `json:"frames"`
	FPPADeg            Sides `json:"fppa_deg"`
	KASR               num   `json:"kasr"`
	KneeVsToe          Sides `json:"knee_vs_toe"`
	ToeOutDeg          Sides `json:"toe_out_deg"`
	AnkleHipRatio      num   `json:"stance_ankle_hip_ratio"`
	AnkleShoulderRatio num   `json:"stance_ankle_shoulder_ratio"`
	LegLengthPx        num   `json:"leg_length_px"`
	FacingCamera       bool  `json:"facing_camera"`
	// FeetYawDeg is the camera's angle to the lifter read from the feet
	// (degrees, signed as a forward-pointing segment shifts towards +x in
	// the picture); null without heels and toes seen.
	FeetYawDeg num `json:"feet_yaw_deg"`
}

// Sides holds a left and right value.
type Sides struct {
	Left  num `json:"left"`
	Right num `json:"right"`
}

// Cleaning says what cleaning did.
type Cleaning struct {
	RateHz       num       `json:"rate_hz"`
	Resampled    bool      `json:"resampled"`
	CutoffHz     num       `json:"cutoff_hz"`
	FilledPoints int       `json:"filled_points"`
	LongGaps     []LongGap `json:"long_gaps"`
}

// LongGap is a keypoint missing for too long to fill.
type LongGap struct {
	Keypoint string `json:"keypoint"`
	StartS   num    `json:"start_s"`
	EndS     num    `json:"end_s"`
}

// Rep is one rep.
type Rep struct {
	Index            int      `json:"index"`
	StartS           num      `json:"start_s"`
	BottomS          num      `json:"bottom_s"`
	EndS             num      `json:"end_s"`
	Partial          bool     `json:"partial"`
	DepthLeg         num      `json:"depth_leg"`
	HipKneeMin       num      `json:"hip_knee_min"`
	DescentS         num      `json:"descent_s"`
	BottomHoldS      num      `json:"bottom_hold_s"`
	AscentS          num      `json:"ascent_s"`
	AscentVelocity   num      `json:"ascent_velocity_leg_per_s"`
	PeakAscentVel    num      `json:"peak_ascent_velocity_leg_per_s"`
	AscentVelocityMS num      `json:"ascent_velocity_m_per_s"`
	WorkingLeg       string   `json:"working_leg"`
	KASRMin          num      `json:"kasr_min"`
	KASRMinS         num      `json:"kasr_min_s"`
	KASRChange       num      `json:"kasr_change"`
	KASRRel          num      `json:"kasr_rel"`
	PelvisDropDeg    num      `json:"pelvis_drop_deg"`
	LateralShift     num      `json:"lateral_shift_hip_widths"`
	TrunkLateralDeg  num      `json:"trunk_lateral_deg"`
	TrunkForwardDeg  num      `json:"trunk_forward_deg"`
	Left             RepSide  `json:"left"`
	Right            RepSide  `json:"right"`
	Quality          string   `json:"quality"`
	Severity         string   `json:"severity"`
	Notes            []string `json:"notes,omitempty"`
}

// RepSide is one leg in one rep.
type RepSide struct {
	Assessed          bool   `json:"assessed"`
	PeakFPPADeg       num    `json:"peak_fppa_deg"`
	PeakFPPAChangeDeg num    `json:"peak_fppa_change_deg"`
	PeakS             num    `json:"peak_s"`
	PeakPhase         string `json:"peak_phase"`
	PeakPct           num    `json:"peak_pct"`
	OnsetS            *num   `json:"onset_s"`
	OnsetDepthLeg     *num   `json:"onset_depth_leg"`
	Recovered         *bool  `json:"recovered"`
	KneeVsToe         num    `json:"knee_vs_toe"`
	KneeVsToeCM       num    `json:"knee_vs_toe_cm"`
	KneeVsToe3D       num    `json:"knee_vs_toe_3d"`
	KneeVsToePhase    string `json:"knee_vs_toe_phase"`
	KneeMedial        num    `json:"knee_medial_shift"`
	KneeVsToeChange   num    `json:"knee_vs_toe_change"`
	CaveDeg           num    `json:"cave_deg"`
	// KASRDeep: the lowest knee-to-ankle separation ratio held over the
	// deeper half of the rep while this knee takes part in the closing
	// (squats on both legs; below the kasr_cave threshold it grades the
	// knee at least moderate, basis "kasr").
	KASRDeep      num      `json:"kasr_deep"`
	MKDLeg        num      `json:"mkd_leg"`
	MKD3DLeg      num      `json:"mkd_3d_leg"`
	MKDCM         num      `json:"mkd_cm"`
	MKDDeg        num      `json:"mkd_deg"`
	PeakValgusDeg num      `json:"peak_valgus_deg"`
	Severity      string   `json:"severity"`
	SeverityBasis []string `json:"severity_basis"`
	Quality       string   `json:"quality"`
	Notes         []string `json:"notes"`
}

// Trend is a fitted slope with its 95% confidence interval.
type Trend struct {
	N         int    `json:"n"`
	Slope     num    `json:"slope"`
	CI95      [2]num `json:"ci95"`
	FirstMean num    `json:"first_mean"`
	LastMean  num    `json:"last_mean"`
	Verdict   string `json:"verdict"`
}

// SetSummary sums up a set.
type SetSummary struct {
	Reps            int         `json:"reps"`
	PartialReps     int         `json:"partial_reps"`
	Worst           SidesString `json:"worst_severity"`
	Fatigue         SidesTrend  `json:"fatigue_graded_deg_per_rep"`
	KASRTrend       Trend       `json:"kasr_min_per_rep"`
	AscentVelocity  []num       `json:"ascent_velocity_leg_per_s"`
	VelocityLossPct num         `json:"velocity_loss_pct"`
	VelocityFlag    bool        `json:"velocity_loss_flag"`
	Asymmetry       Asymmetry   `json:"asymmetry"`
	Consistency     SidesConsis `json:"consistency"`
	Stance          Stance      `json:"stance"`
	Findings        []string    `json:"findings"`
}

// SidesString holds a left and right label.
type SidesString struct {
	Left  string `json:"left"`
	Right string `json:"right"`
}

// SidesTrend holds a trend per leg.
type SidesTrend struct {
	Left  Trend `json:"left"`
	Right Trend `json:"right"`
}

// Asymmetry compares the legs.
type Asymmetry struct {
	MeanDiffDeg num    `json:"mean_right_minus_left_deg"`
	Side        string `json:"side"`
	Consistent  num    `json:"consistent_fraction"`
}

// Consistency is a leg's rep-to-rep repeatability.
type Consistency struct {
	PeakSDDeg  num `json:"peak_sd_deg"`
	PathRMSDeg num `json:"path_rms_deg"`
}

// SidesConsis holds consistency per leg.
type SidesConsis struct {
	Left  Consistency `json:"left"`
	Right Consistency `json:"right"`
}

// Stance describes the feet.
type Stance struct {
	AnkleHipRatio      num   `json:"ankle_hip_ratio"`
	AnkleShoulderRatio num   `json:"ankle_shoulder_ratio"`
	ToeOutDeg          Sides `json:"toe_out_deg"`
	Wide               bool  `json:"wide"`
	ToesOut            bool  `json:"toes_out"`
}

// SessionSummary sums up all sets.
type SessionSummary struct {
	Sets             int       `json:"sets"`
	Load             SidesLoad `json:"load"`
	MeanFatigueSlope Sides     `json:"mean_fatigue_slope_deg_per_rep"`
	Findings         []string  `json:"findings"`
	Disclaimer       string    `json:"disclaimer"`
}

// LoadTrend is a leg's valgus against load.
type LoadTrend struct {
	Status        string      `json:"status"`
	AppearsFromKG *num        `json:"appears_from_kg"`
	Per10KG       Trend       `json:"per_10kg"`
	Points        []LoadPoint `json:"points"`
}

// LoadPoint is one set's fresh valgus at its load.
type LoadPoint struct {
	Set          int    `json:"set"`
	LoadKG       num    `json:"load_kg"`
	FreshPeakDeg num    `json:"fresh_peak_fppa_change_deg"`
	Severity     string `json:"severity"`
}

// SidesLoad holds a load trend per leg.
type SidesLoad struct {
	Left  LoadTrend `json:"left"`
	Right LoadTrend `json:"right"`
}

func optNum(ok bool, v float64) *num {
	if !ok {
		return nil
	}
	n := num(v)
	return &n
}

func trend(t valgus.Trend) Trend {
	return Trend{N: t.N, Slope: num(t.Slope), CI95: [2]num{num(t.CILow), num(t.CIHigh)},
		FirstMean: num(t.FirstMean), LastMean: num(t.LastMean), Verdict: t.Verdict}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Build turns a session's results into the JSON document.
func Build(ss *valgus.SessionResult, settings Settings, generator string) Document {
	doc := Document{Schema: SchemaV1, Generator: generator, Settings: settings, Sets: []Set{},
		Causes: []Cause{}, Plan: []Step{}, CannotJudge: []Limit{}}
	for _, s := range ss.Sets {
		doc.Sets = append(doc.Sets, buildSet(s))
	}
	doc.Summary = SessionSummary{Sets: len(ss.Sets), Findings: nonNil(words.SessionFindings(ss.Findings)), Disclaimer: words.Disclaimer,
		MeanFatigueSlope: Sides{num(ss.MeanFatigueSlope[0]), num(ss.MeanFatigueSlope[1])},
		Load:             SidesLoad{Left: loadTrend(ss.Load[0]), Right: loadTrend(ss.Load[1])}}
	return doc
}

func loadTrend(lt valgus.LoadTrend) LoadTrend {
	out := LoadTrend{Status: lt.Status, AppearsFromKG: optNum(!math.IsNaN(lt.AppearsFromKG), lt.AppearsFromKG),
		Per10KG: trend(lt.Per10KG), Points: []LoadPoint{}}
	for _, p := range lt.Points {
		out.Points = append(out.Points, LoadPoint{Set: p.Set + 1, LoadKG: num(p.LoadKG), FreshPeakDeg: num(p.FreshPeakDeg), Severity: string(p.Severity)})
	}
	return out
}

func buildSet(r *valgus.SetResult) Set {
	bl := r.Baseline
	s := Set{
		Source: r.Source, LoadKG: optNum(r.HasLoad, r.LoadKG),
		Video: Video{Width: r.Video.Width, Height: r.Video.Height, FPS: num(r.Video.FPS),
			DurationS: num(r.Video.DurationS), Rotation: r.Video.Rotation},
		Skeleton: r.Skeleton, HasFeet: r.HasFeet,
		Movement: string(r.Movement), MovementGiven: r.MovementGiven, MovementReason: words.MovementReason(r.MovementReason),
		View: r.View.View,
		ViewDetail: ViewDetail{YawDeg: num(r.View.YawDeg), WidthRatio: num(r.View.WidthRatio),
			FacingCamera: r.View.FacingCamera, Refused: r.View.Refused, Notes: nonNil(words.Notes(r.View.Notes))},
		Analysed: r.Analysed, NotAnalysed: string(r.Reason),
		Baseline: Baseline{Frames: bl.Frames, FPPADeg: Sides{num(bl.FPPA[0]), num(bl.FPPA[1])}, KASR: num(bl.KASR),
			KneeVsToe: Sides{num(bl.KneeVsToe[0]), num(bl.KneeVsToe[1])}, ToeOutDeg: Sides{num(bl.ToeOutDeg[0]), num(bl.ToeOutDeg[1])},
			AnkleHipRatio: num(bl.StanceHip), AnkleShoulderRatio: num(bl.StanceShoulder), LegLengthPx: num(bl.LegPx),
			FacingCamera: bl.FacingCamera, FeetYawDeg: num(math.Asin(bl.FeetYawSin) * 180 / math.Pi)},
		Cleaning: Cleaning{RateHz: num(r.Clean.RateHz), Resampled: r.Clean.Resampled, CutoffHz: num(r.Clean.CutoffHz),
			FilledPoints: r.Clean.FilledPoints, LongGaps: []LongGap{}},
		Reps: []Rep{}, Notes: nonNil(words.Notes(r.Notes)), OutOfFrame: []OutOfFrame{},
	}
	if !r.Analysed && len(r.Notes) == 0 && len(r.View.Notes) == 0 {
		s.Notes = []string{"not analysed: " + words.NotAnalysedReason(r)}
	}
	for _, g := range r.Clean.LongGaps {
		s.Cleaning.LongGaps = append(s.Cleaning.LongGaps, LongGap{g.Keypoint, num(g.StartS), num(g.EndS)})
	}
	for _, o := range r.View.OutOfFrame {
		s.OutOfFrame = append(s.OutOfFrame, OutOfFrame{o.Keypoint, num(o.Fraction)})
	}
	for _, rep := range r.Reps {
		s.Reps = append(s.Reps, buildRep(rep))
	}
	sm := r.Summary
	s.Summary = SetSummary{Reps: sm.Reps, PartialReps: sm.PartialReps,
		Worst:   SidesString{string(sm.Worst[0]), string(sm.Worst[1])},
		Fatigue: SidesTrend{trend(sm.Fatigue[0]), trend(sm.Fatigue[1])}, KASRTrend: trend(sm.KASRTrend),
		AscentVelocity: []num{}, VelocityLossPct: num(sm.VelocityLossPct), VelocityFlag: sm.VelocityFlag,
		Asymmetry: Asymmetry{num(sm.Asymmetry.MeanDiffDeg), sm.Asymmetry.Side, num(sm.Asymmetry.Consistent)},
		Consistency: SidesConsis{
			Consistency{num(sm.Consistency[0].PeakSDDeg), num(sm.Consistency[0].PathRMSDeg)},
			Consistency{num(sm.Consistency[1].PeakSDDeg), num(sm.Consistency[1].PathRMSDeg)}},
		Stance: Stance{AnkleHipRatio: num(sm.Stance.AnkleHipRatio), AnkleShoulderRatio: num(sm.Stance.AnkleShoulderRatio),
			ToeOutDeg: Sides{num(sm.Stance.ToeOutDeg[0]), num(sm.Stance.ToeOutDeg[1])}, Wide: sm.Stance.Wide, ToesOut: sm.Stance.ToesOut},
		Findings: nonNil(words.Findings(sm.Findings))}
	if !r.Analysed {
		s.Summary.Worst = SidesString{string(valgus.SevUnknown), string(valgus.SevUnknown)}
	}
	for _, v := range sm.AscentVelocity {
		s.Summary.AscentVelocity = append(s.Summary.AscentVelocity, num(v))
	}
	return s
}

func buildRep(r valgus.RepResult) Rep {
	out := Rep{Index: r.Index, StartS: num(r.StartS), BottomS: num(r.BottomS), EndS: num(r.EndS), Partial: r.Partial,
		DepthLeg: num(r.DepthLeg), HipKneeMin: num(r.HipKneeMin),
		DescentS: num(r.Tempo.DescentS), BottomHoldS: num(r.Tempo.BottomS), AscentS: num(r.Tempo.AscentS),
		AscentVelocity: num(r.Tempo.AscentVelocity), PeakAscentVel: num(r.Tempo.PeakAscentVelocity),
		AscentVelocityMS: num(r.AscentVelocityMS), WorkingLeg: r.WorkingLeg,
		KASRMin: num(r.KASRMin), KASRMinS: num(r.KASRMinS), KASRChange: num(r.KASRChange), KASRRel: num(r.KASRRel),
		PelvisDropDeg: num(r.PelvisDropDeg), LateralShift: num(r.LateralShift),
		TrunkLateralDeg: num(r.TrunkLateralDeg), TrunkForwardDeg: num(r.TrunkForwardDeg),
		Left: repSide(r.Side[0]), Right: repSide(r.Side[1]), Quality: r.Quality, Severity: string(r.Severity)}
	return out
}

func repSide(s valgus.RepSide) RepSide {
	out := RepSide{Assessed: s.Assessed, PeakFPPADeg: num(s.PeakFPPA), PeakFPPAChangeDeg: num(s.PeakFPPAChange),
		PeakS: num(s.PeakS), PeakPhase: string(s.PeakPhase), PeakPct: num(s.PeakPct),
		KneeVsToe: num(s.KneeVsToe), KneeVsToeCM: num(s.KneeVsToeCM), KneeVsToe3D: num(s.KneeVsToe3D),
		KneeVsToePhase: string(s.KneeVsToePhase), KneeMedial: num(s.KneeMedial), KneeVsToeChange: num(s.KneeVsToeChange),
		CaveDeg: num(s.CaveDeg), KASRDeep: num(s.KASRDeep), MKDLeg: num(s.MKD), MKD3DLeg: num(s.MKD3D), MKDCM: num(s.MKDCM), MKDDeg: num(s.MKDDeg),
		PeakValgusDeg: num(s.PeakValgusDeg),
		Severity:      string(s.Severity), SeverityBasis: nonNil(s.Basis), Quality: s.Quality, Notes: nonNil(words.Notes(s.Notes))}
	if s.HasOnset {
		out.OnsetS, out.OnsetDepthLeg = optNum(true, s.OnsetS), optNum(true, s.OnsetDepth)
		rec := s.Recovered
		out.Recovered = &rec
	}
	return out
}

// WriteJSON writes the document, indented.
func WriteJSON(w io.Writer, doc Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing analysis JSON: %w", err)
	}
	return nil
}
