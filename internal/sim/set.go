package sim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Movement is the simulated exercise.
type Movement int

// Movements.
const (
	// Squat is a bodyweight squat on both legs.
	Squat Movement = iota
	// SingleLegSquat stands on one leg (the right unless Set.StandOnLeft)
	// with the other foot lifted behind.
	SingleLegSquat
)

func (m Movement) String() string {
	if m == SingleLegSquat {
		return "single_leg_squat"
	}
	return "squat"
}

// ParseMovement reads "squat" or "single-leg" (also "single_leg_squat").
func ParseMovement(s string) (Movement, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "squat", "bilateral":
		return Squat, nil
	case "single-leg", "single_leg", "single-leg-squat", "single_leg_squat", "pistol":
		return SingleLegSquat, nil
	}
	return 0, fmt.Errorf("unknown movement %q: use squat or single-leg", s)
}

// Arms is where the lifter holds their hands.
type Arms int

// Arm positions.
const (
	// ArmsDefault is ArmsChest for squats, ArmsHips for single-leg squats.
	ArmsDefault Arms = iota
	// ArmsChest: hands together in front of the chest, elbows down.
	ArmsChest
	// ArmsHips: hands on the hips, elbows out.
	ArmsHips
	// ArmsForward: arms reaching forward, rising to horizontal at the
	// bottom, for balance.
	ArmsForward
)

// ParseArms reads "chest", "hips" or "forward".
func ParseArms(s string) (Arms, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto", "default":
		return ArmsDefault, nil
	case "chest":
		return ArmsChest, nil
	case "hips":
		return ArmsHips, nil
	case "forward":
		return ArmsForward, nil
	}
	return 0, fmt.Errorf("unknown arm position %q: use chest, hips or forward", s)
}

// Side is the lifter's own left or right.
type Side int

// Sides.
const (
	Left  Side = 0
	Right Side = 1
)

func (s Side) String() string {
	if s == Left {
		return "left"
	}
	return "right"
}

// Phase is a moment within a rep on the rep's own clock: 0 to 1 is the
// descent, 1 to 2 the pause at the bottom, 2 to 3 the ascent. So 0.5 is
// half-way down, 1.5 the middle of the bottom pause and 2.3 is 30% of the
// way up, "out of the hole", whatever each phase's duration.
type Phase float64

// ParsePhase reads a phase as "descent:F", "bottom" or "bottom:F",
// "ascent:F" (F the fraction 0..1 of that phase) or as the bare number 0..3.
func ParsePhase(s string) (Phase, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	name, frac, hasFrac := strings.Cut(s, ":")
	f := 0.5
	if hasFrac {
		v, err := strconv.ParseFloat(strings.TrimSpace(frac), 64)
		if err != nil || v < 0 || v > 1 {
			return 0, fmt.Errorf("phase %q: the fraction after ':' must be a number from 0 to 1", s)
		}
		f = v
	}
	switch name {
	case "descent":
		return Phase(f), nil
	case "bottom":
		return Phase(1 + f), nil
	case "ascent":
		return Phase(2 + f), nil
	}
	if hasFrac {
		return 0, fmt.Errorf("phase %q: use descent:F, bottom:F or ascent:F", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 3 {
		return 0, fmt.Errorf("phase %q: use descent:F, bottom, ascent:F (F from 0 to 1) or a number from 0 to 3", s)
	}
	return Phase(v), nil
}

// String writes the phase in ParsePhase's words.
func (p Phase) String() string {
	switch {
	case p < 1:
		return fmt.Sprintf("descent:%.2g", float64(p))
	case p <= 2:
		return fmt.Sprintf("bottom:%.2g", float64(p)-1)
	default:
		return fmt.Sprintf("ascent:%.2g", float64(p)-2)
	}
}

// ParseRamp reads per-rep values for n reps: "8" (every rep), "4:14"
// (from 4 on the first rep to 14 on the last, in equal steps) or
// "0,0,5,10" (one value per rep; a short list repeats its last value).
func ParseRamp(s string, n int) ([]float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if n < 1 {
		return nil, fmt.Errorf("values %q for %d reps", s, n)
	}
	num := func(p string) (float64, error) {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%q is not a number", p)
		}
		return v, nil
	}
	if a, b, ok := strings.Cut(s, ":"); ok {
		lo, err := num(a)
		if err != nil {
			return nil, err
		}
		hi, err := num(b)
		if err != nil {
			return nil, err
		}
		out := make([]float64, n)
		for i := range out {
			if n == 1 {
				out[i] = lo
			} else {
				out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
			}
		}
		return out, nil
	}
	var out []float64
	for _, p := range strings.Split(s, ",") {
		v, err := num(p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) > n {
		return nil, fmt.Errorf("%d values for %d reps", len(out), n)
	}
	for len(out) < n {
		out = append(out, out[len(out)-1])
	}
	return out, nil
}

// Noise imitates a pose model's imperfections in the 2D track. The zero
// value adds none.
type Noise struct {
	// JitterPx is the standard deviation, in pixels, of each keypoint
	// coordinate's error.
	JitterPx float64
	// JitterCorr is the error's correlation from one frame to the next
	// (0..0.95; default 0.5), as pose models' errors drift rather than
	// flicker.
	JitterCorr float64
	// DropoutRate is the expected fraction of frames in which one leg's
	// keypoints are lost (confidence below 0.3, position unreliable).
	DropoutRate float64
	// DropoutS is the mean length of a loss (default 0.2 s).
	DropoutS float64
	// OutlierRate is the fraction of frames in which one keypoint is thrown
	// off by OutlierPx (default 30 px).
	OutlierRate float64
	OutlierPx   float64
}

// Set describes a simulated set. Zero fields take the defaults noted; the
// body's lengths scale with HeightM.
type Set struct {
	Movement Movement
	// StandOnLeft makes a single-leg squat stand on the left leg instead of
	// the right.
	StandOnLeft bool
	Reps        int     // default 5
	FPS         float64 // default 30
	HeightM     float64 // lifter's height (default 1.75 m)

	LeadS    float64 // standing before the first rep and after the last (default 1 s)
	PauseS   float64 // standing between reps (default 0.7 s)
	DescentS float64 // default 1.3 s (1.1 s single-leg)
	BottomS  float64 // pause at the bottom (default 0.3 s)
	AscentS  float64 // first rep's ascent (default 1.0 s)
	// VelocityLoss is how much slower the last rep's ascent is than the
	// first's, as a fraction of the first's velocity (0..0.8); the reps in
	// between slow down in equal steps of duration.
	VelocityLoss float64

	DepthM float64 // hip drop at the bottom (default 0.24·height squat, 0.14·height single-leg)
	// StanceM is the distance between the ankle joints (default 0.19·height
	// for squats).
	StanceM   float64
	ToeOutDeg float64 // each foot's turn outwards from forward (default 12°)
	// KneesOutDeg turns the plane in which each knee bends outwards from
	// forward (default 10°): a lifter who tracks the knees over the toes.
	KneesOutDeg float64
	// TrunkLeanDeg is the trunk's forward lean at the bottom (default 35°
	// squat, 25° single-leg).
	TrunkLeanDeg float64
	// LateralShiftM moves the pelvis towards the lifter's right at the
	// bottom (negative: left).
	LateralShiftM float64
	Arms          Arms

	// LeftValgusDeg and RightValgusDeg are each rep's peak FPPA change from
	// standing, in degrees, that a camera in front (yaw 0) would measure on
	// that leg (a short slice repeats its last value; see ParseRamp). Zero
	// or negative values and a nil slice mean no cave: the knee tracks out
	// as set by KneesOutDeg. The free leg of a single-leg squat ignores
	// them.
	LeftValgusDeg, RightValgusDeg []float64
	// Onset, Peak and Release shape each rep's cave: the FPPA change
	// leaves its natural course at Onset, reaches the requested value at
	// Peak (and is below it at every other moment of the rep) and is back
	// on its natural course at Release (defaults descent:0.3, bottom:0.5 and
	// the end of the ascent; zero means the default).
	Onset, Peak, Release Phase

	Noise Noise
	Seed  uint64 // seeds the noise; the same seed gives the same track
}

// withDefaults fills the zero fields.
func (s Set) withDefaults() Set {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if s.Reps == 0 {
		s.Reps = 5
	}
	def(&s.FPS, 30)
	def(&s.HeightM, 1.75)
	def(&s.LeadS, 1)
	def(&s.PauseS, 0.7)
	single := s.Movement == SingleLegSquat
	if single {
		def(&s.DescentS, 1.1)
		def(&s.DepthM, 0.14*s.HeightM)
		def(&s.TrunkLeanDeg, 25)
	} else {
		def(&s.DescentS, 1.3)
		def(&s.DepthM, 0.24*s.HeightM)
		def(&s.TrunkLeanDeg, 35)
	}
	def(&s.BottomS, 0.3)
	def(&s.AscentS, 1.0)
	def(&s.StanceM, 0.19*s.HeightM)
	def(&s.ToeOutDeg, 12)
	def(&s.KneesOutDeg, 10)
	if s.Peak == 0 {
		s.Peak = 1.5
	}
	if s.Onset == 0 {
		s.Onset = 0.3
	}
	if s.Release == 0 {
		s.Release = 3
	}
	if s.Arms == ArmsDefault {
		s.Arms = ArmsChest
		if single {
			s.Arms = ArmsHips
		}
	}
	def(&s.Noise.JitterCorr, 0.5)
	def(&s.Noise.DropoutS, 0.2)
	def(&s.Noise.OutlierPx, 30)
	return s
}

// check rejects settings the simulation cannot honour, saying which and
// what range works.
func (s Set) check() error {
	bad := func(name string, v float64, lo, hi float64) error {
		if math.IsNaN(v) || v < lo || v > hi {
			return fmt.Errorf("%s %g is outside %g..%g", name, v, lo, hi)
		}
		return nil
	}
	var errs []error
	if s.Reps < 1 || s.Reps > 100 {
		errs = append(errs, fmt.Errorf("reps %d is outside 1..100", s.Reps))
	}
	if s.Movement != Squat && s.Movement != SingleLegSquat {
		errs = append(errs, fmt.Errorf("unknown movement %d", s.Movement))
	}
	for _, e := range []error{
		bad("frame rate", s.FPS, 5, 240),
		bad("height (m)", s.HeightM, 1.2, 2.2),
		bad("lead-in (s)", s.LeadS, 0.2, 10),
		bad("pause (s)", s.PauseS, 0, 10),
		bad("descent (s)", s.DescentS, 0.2, 10),
		bad("bottom pause (s)", s.BottomS, 0, 10),
		bad("ascent (s)", s.AscentS, 0.2, 10),
		bad("velocity loss", s.VelocityLoss, 0, 0.8),
		bad("depth as a fraction of height", s.DepthM/s.HeightM, 0.03, 0.32),
		bad("stance as a fraction of height", s.StanceM/s.HeightM, 0.08, 0.45),
		bad("toe-out (deg)", s.ToeOutDeg, -10, 45),
		bad("knees-out (deg)", s.KneesOutDeg, -20, 40),
		bad("trunk lean (deg)", s.TrunkLeanDeg, 0, 60),
		bad("lateral shift (m)", s.LateralShiftM, -0.15, 0.15),
		bad("onset phase", float64(s.Onset), 0, 3),
		bad("peak phase", float64(s.Peak), 0, 3),
		bad("release phase", float64(s.Release), 0, 3),
		bad("jitter (px)", s.Noise.JitterPx, 0, 50),
		bad("jitter correlation", s.Noise.JitterCorr, 0, 0.95),
		bad("dropout rate", s.Noise.DropoutRate, 0, 0.5),
		bad("dropout length (s)", s.Noise.DropoutS, 0.02, 5),
		bad("outlier rate", s.Noise.OutlierRate, 0, 0.5),
		bad("outlier size (px)", s.Noise.OutlierPx, 0, 500),
	} {
		if e != nil {
			errs = append(errs, e)
		}
	}
	if !(s.Onset < s.Peak && s.Peak < s.Release) {
		errs = append(errs, fmt.Errorf("the valgus onset (%v), peak (%v) and release (%v) must come in that order", s.Onset, s.Peak, s.Release))
	}
	for _, v := range append(append([]float64(nil), s.LeftValgusDeg...), s.RightValgusDeg...) {
		if math.IsNaN(v) || v < -30 || v > 45 {
			errs = append(errs, fmt.Errorf("valgus %g° is outside -30..45°", v))
			break
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("simulated set: %w", errors.Join(errs...))
	}
	return nil
}

// WorkingLeg is the leg a single-leg squat stands on.
func (s Set) WorkingLeg() Side {
	if s.StandOnLeft {
		return Left
	}
	return Right
}

// DefaultCamera is a phone in landscape on a tripod in front of the lifter:
// 1280x720, a main camera's field of view (about 67° across), lens at 0.9 m,
// 3 m away. yawDeg turns it around the lifter as track.Camera.YawDeg does.
func DefaultCamera(yawDeg float64) track.Camera {
	return track.Camera{YawDeg: yawDeg, HeightM: 0.9, DistanceM: 3, Width: 1280, Height: 720, FocalPx: 960}
}

// at returns s[i], the last value for i past the end, 0 for an empty slice.
func at(s []float64, i int) float64 {
	switch {
	case len(s) == 0:
		return 0
	case i < len(s):
		return s[i]
	default:
		return s[len(s)-1]
	}
}
