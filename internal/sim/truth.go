package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Truth is what the simulated set really contains, as the camera sees it.
// Angles are in degrees, times in seconds from the start of the video.
type Truth struct {
	Simulated bool   `json:"simulated"` // always true
	Note      string `json:"note"`
	Movement  string `json:"movement"`
	// WorkingLeg is the standing leg of a single-leg squat.
	WorkingLeg string      `json:"working_leg,omitempty"`
	FPS        float64     `json:"fps"`
	Frames     int         `json:"frames"`
	DurationS  float64     `json:"duration_s"`
	Camera     CameraTruth `json:"camera"`
	Lifter     LifterTruth `json:"lifter"`
	// StandingFPPA is each leg's FPPA standing (the baseline of changes).
	StandingFPPA SidePair   `json:"standing_fppa_deg"`
	Reps         []RepTruth `json:"reps"`
	// AscentVelocityLoss is (first rep's mean ascent velocity − last's) /
	// first's.
	AscentVelocityLoss float64 `json:"ascent_velocity_loss"`
	// FatigueSlope is the least-squares slope of each leg's peak FPPA
	// change against rep number (degrees per rep).
	FatigueSlope SidePair `json:"fatigue_slope_deg_per_rep"`
	// PerFrame is every frame's FPPA as the camera sees it and how far down
	// the hips are, for comparisons frame by frame.
	PerFrame []FrameTruth `json:"per_frame"`
}

// FrameTruth is one frame.
type FrameTruth struct {
	Time float64 `json:"t"`
	// Depth is the hip drop as a fraction of the rep's (0 standing, 1 at
	// the bottom).
	Depth float64  `json:"depth"`
	FPPA  SidePair `json:"fppa_deg"`
}

// SidePair holds one number per leg.
type SidePair struct {
	Left  float64 `json:"left"`
	Right float64 `json:"right"`
}

func (p *SidePair) set(s body.Side, v float64) {
	if s == body.Left {
		p.Left = v
	} else {
		p.Right = v
	}
}

// Get returns the value for side s.
func (p SidePair) Get(s body.Side) float64 {
	if s == body.Left {
		return p.Left
	}
	return p.Right
}

// CameraTruth records the camera.
type CameraTruth struct {
	YawDeg    float64 `json:"yaw_deg"`
	HeightM   float64 `json:"height_m"`
	DistanceM float64 `json:"distance_m"`
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	FocalPx   float64 `json:"focal_px"`
	Mirror    bool    `json:"mirror"`
}

// LifterTruth records the body and the stance.
type LifterTruth struct {
	HeightM     float64 `json:"height_m"`
	ThighM      float64 `json:"thigh_m"`
	ShankM      float64 `json:"shank_m"`
	HipWidthM   float64 `json:"hip_width_m"`
	StanceM     float64 `json:"stance_m"`
	ToeOutDeg   float64 `json:"toe_out_deg"`
	KneesOutDeg float64 `json:"knees_out_deg"`
	DepthM      float64 `json:"depth_m"`
	Arms        string  `json:"arms"`
}

// RepTruth is one rep.
type RepTruth struct {
	Rep int `json:"rep"` // 1-based
	// Start and End are when the hips start to move down and stop moving
	// up; BottomStart and BottomEnd bound the pause at the bottom.
	Start       float64 `json:"start_s"`
	BottomStart float64 `json:"bottom_start_s"`
	BottomEnd   float64 `json:"bottom_end_s"`
	End         float64 `json:"end_s"`
	DescentS    float64 `json:"descent_s"`
	AscentS     float64 `json:"ascent_s"`
	// Analysed gives the same rep's bounds by the analysis's rules.
	Analysed Bounds `json:"as_analysed"`
	// AscentVelocity is the hip drop divided by the ascent's duration.
	AscentVelocity float64  `json:"ascent_velocity_m_s"`
	Left           LegTruth `json:"left"`
	Right          LegTruth `json:"right"`
}

// Leg returns the rep's truth for side s.
func (r *RepTruth) Leg(s body.Side) *LegTruth {
	if s == body.Left {
		return &r.Left
	}
	return &r.Right
}

// Bounds are a rep's boundaries as kneetrack's analysis defines them:
// start and end where the hips are within 10% of the rep's depth from
// standing, the bottom where they are within 5% of it from the lowest point.
type Bounds struct {
	Start       float64 `json:"start_s"`
	BottomStart float64 `json:"bottom_start_s"`
	BottomEnd   float64 `json:"bottom_end_s"`
	End         float64 `json:"end_s"`
}

// analysedBounds solves the hips' eased path for the 10% and 5% levels.
func analysedBounds(rc RepTiming) Bounds {
	down := func(level float64) float64 { // descent: (1 − cos πu)/2 = level
		return rc.Start + (rc.BottomStart-rc.Start)*math.Acos(1-2*level)/math.Pi
	}
	up := func(level float64) float64 { // ascent: (1 + cos πu)/2 = level
		return rc.BottomEnd + (rc.End-rc.BottomEnd)*math.Acos(2*level-1)/math.Pi
	}
	return Bounds{Start: round(down(0.1), 4), BottomStart: round(down(0.95), 4), BottomEnd: round(up(0.95), 4), End: round(up(0.1), 4)}
}

// phaseAt names the phase at time t as the analysis does: descent, bottom,
// out_of_the_hole (the first third of the ascent) or ascent.
func (b Bounds) phaseAt(t float64) body.Phase {
	switch {
	case t < b.BottomStart:
		return body.PhaseDescent
	case t <= b.BottomEnd:
		return body.PhaseBottom
	case t-b.BottomEnd <= (b.End-b.BottomEnd)/3:
		return body.PhaseOutOfTheHole
	}
	return body.PhaseAscent
}

// LegTruth is one leg in one rep.
type LegTruth struct {
	// Assessed is false for the free leg of a single-leg squat.
	Assessed bool `json:"assessed"`
	// TargetDeg is the requested peak FPPA change (camera in front).
	TargetDeg float64 `json:"target_fppa_change_deg"`
	// TurnDeg is the inward turn of the knee's bending plane that produced
	// it, at the turn's peak.
	TurnDeg float64 `json:"knee_turn_deg"`
	// PeakFPPA and PeakChange are the largest FPPA over the rep and its
	// change from standing, as this camera sees them.
	PeakFPPA   float64 `json:"peak_fppa_deg"`
	PeakChange float64 `json:"peak_fppa_change_deg"`
	PeakTime   float64 `json:"peak_time_s"`
	// PeakPhase is descent, bottom, out_of_the_hole or ascent and PeakPct
	// the peak's time as a percentage of the rep, both by the analysis's
	// rules (see Bounds); the phase is "none" when the FPPA change never
	// reaches 5° (its largest value then marks no event).
	PeakPhase body.Phase `json:"peak_phase"`
	PeakPct   float64    `json:"peak_pct"`
	// Onset is when the FPPA change last rose through 5° before the peak;
	// absent when it never did.
	Onset *float64 `json:"onset_s,omitempty"`
}

// truth measures the exact track.
func (r *Result) truth(d dims, ts []RepTiming, turns [][2]float64, cam track.Camera) Truth {
	s := r.Set
	tr := Truth{
		Simulated: true,
		Note:      "a simulated lifter: every angle is computed from the known skeleton filmed by the stated camera",
		Movement:  truthName(s.Movement),
		FPS:       s.FPS, Frames: len(r.Frames), DurationS: float64(len(r.Frames)) / s.FPS,
		Camera: CameraTruth{YawDeg: cam.YawDeg, HeightM: cam.HeightM, DistanceM: cam.DistanceM,
			Width: cam.Width, Height: cam.Height, FocalPx: cam.FocalPx, Mirror: cam.Mirror},
		Lifter: LifterTruth{HeightM: s.HeightM, ThighM: d.thigh, ShankM: d.shank, HipWidthM: d.hipW,
			StanceM: s.StanceM, ToeOutDeg: s.ToeOutDeg, KneesOutDeg: s.KneesOutDeg, DepthM: s.DepthM,
			Arms: []string{"", "chest", "hips", "forward"}[s.Arms]},
	}
	if s.Movement == body.MoveSingleLegSquat {
		tr.WorkingLeg = s.WorkingLeg().String()
		tr.Lifter.StanceM = 0
	}
	// FPPA of every frame from the known skeleton as cam sees it (see
	// legFPPA: computed independently of the analysis's own FPPA).
	view := viewerOf(cam)
	fp := make([][2]float64, len(r.Frames))
	for i, f := range r.Frames {
		for sd := range 2 {
			l, o := f.Pose.Legs[sd], f.Pose.Legs[1-sd]
			fp[i][sd] = legFPPA(view, l.Hip, l.Knee, l.Ankle, o.Hip)
		}
	}
	for i, f := range r.Frames {
		tr.PerFrame = append(tr.PerFrame, FrameTruth{Time: round(f.Time, 4), Depth: round(stateAt(f.Time, ts).frac, 4),
			FPPA: SidePair{Left: round(fp[i][body.Left], 3), Right: round(fp[i][body.Right], 3)}})
	}
	// Standing: the median over the frames before the first rep.
	var stand [2]float64
	for sd := range 2 {
		var v []float64
		for i, f := range r.Frames {
			if f.Time < ts[0].Start && !math.IsNaN(fp[i][sd]) {
				v = append(v, fp[i][sd])
			}
		}
		slices.Sort(v)
		if len(v) > 0 {
			stand[sd] = v[len(v)/2]
		}
		tr.StandingFPPA.set(body.Side(sd), round(stand[sd], 3))
	}
	for rep, rc := range ts {
		rt := RepTruth{Rep: rep + 1, Start: round(rc.Start, 4), BottomStart: round(rc.BottomStart, 4),
			BottomEnd: round(rc.BottomEnd, 4), End: round(rc.End, 4),
			DescentS: round(rc.BottomStart-rc.Start, 4), AscentS: round(rc.End-rc.BottomEnd, 4)}
		rt.AscentVelocity = round(s.DepthM/(rc.End-rc.BottomEnd), 4)
		rt.Analysed = analysedBounds(rc)
		for sd := range 2 {
			lt := rt.Leg(body.Side(sd))
			lt.Assessed = s.Movement != body.MoveSingleLegSquat || body.Side(sd) == s.WorkingLeg()
			if sd == int(body.Left) {
				lt.TargetDeg = perRep(s.LeftValgusDeg, rep)
			} else {
				lt.TargetDeg = perRep(s.RightValgusDeg, rep)
			}
			if !lt.Assessed {
				lt.TargetDeg = 0
			}
			lt.TurnDeg = round(turns[rep][sd], 3)
			best, bi := math.Inf(-1), -1
			for i, f := range r.Frames {
				if f.Time < rc.Start-1e-9 || f.Time > rc.End+1e-9 || math.IsNaN(fp[i][sd]) {
					continue
				}
				if fp[i][sd] > best {
					best, bi = fp[i][sd], i
				}
			}
			if bi < 0 {
				continue
			}
			t := r.Frames[bi].Time
			lt.PeakFPPA, lt.PeakChange, lt.PeakTime = round(best, 3), round(best-stand[sd], 3), round(t, 4)
			b := rt.Analysed
			lt.PeakPct = round(100*(t-b.Start)/(b.End-b.Start), 1)
			lt.PeakPhase = body.PhaseNone
			if best-stand[sd] >= 5 {
				lt.PeakPhase = b.phaseAt(t)
			}
			// Onset: the last upward crossing of 5° before the peak.
			for i := bi; i > 0; i-- {
				if r.Frames[i-1].Time < rc.Start-1e-9 {
					break
				}
				a, b := fp[i-1][sd]-stand[sd], fp[i][sd]-stand[sd]
				if a < 5 && b >= 5 {
					u := (5 - a) / (b - a)
					on := round(r.Frames[i-1].Time+u*(r.Frames[i].Time-r.Frames[i-1].Time), 4)
					lt.Onset = &on
					break
				}
			}
		}
		tr.Reps = append(tr.Reps, rt)
	}
	if n := len(tr.Reps); n > 0 {
		tr.AscentVelocityLoss = round((tr.Reps[0].AscentVelocity-tr.Reps[n-1].AscentVelocity)/tr.Reps[0].AscentVelocity, 4)
		for sd := range 2 {
			x, y := make([]float64, n), make([]float64, n)
			for i := range tr.Reps {
				x[i], y[i] = float64(i+1), tr.Reps[i].Leg(body.Side(sd)).PeakChange
			}
			tr.FatigueSlope.set(body.Side(sd), round(slope(x, y), 4))
		}
	}
	return tr
}

// slope is the least-squares slope of y on x (0 for fewer than 2 points).
func slope(x, y []float64) float64 {
	n := float64(len(x))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// WriteJSON writes the truth as indented JSON.
func (t *Truth) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the simulation's truth: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing the simulation's truth: %w", err)
	}
	return nil
}
