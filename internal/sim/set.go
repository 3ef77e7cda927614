package sim

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/body"
	"github.com/kneetrack/kneetrack/internal/track"
)

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
	// Movement is body.MoveBilateralSquat (the default) or
	// body.MoveSingleLegSquat.
	Movement body.Movement
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
	// AscentS gives each rep's ascent before velocity loss (default 1.0 s
	// for every rep; a short slice repeats its last value).
	AscentS []float64
	// VelocityLoss slows the ascents over the set: the last rep's ascent
	// velocity is (1 − VelocityLoss) times the first's (0..0.8), the reps
	// in between slowing down in equal steps of duration.
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
	Onset, Peak, Release Moment

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
	if s.Movement == body.MoveAuto {
		s.Movement = body.MoveBilateralSquat
	}
	single := s.Movement == body.MoveSingleLegSquat
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
	if len(s.AscentS) == 0 {
		s.AscentS = []float64{1.0}
	}
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
	if s.Movement != body.MoveBilateralSquat && s.Movement != body.MoveSingleLegSquat {
		errs = append(errs, fmt.Errorf("the whole-body figure performs squats and single-leg squats, not %s", truthName(s.Movement)))
	}
	for _, a := range s.AscentS {
		if e := bad("ascent (s)", a, 0.2, 10); e != nil {
			errs = append(errs, e)
			break
		}
	}
	for _, e := range []error{
		bad("frame rate", s.FPS, 5, 240),
		bad("height (m)", s.HeightM, 1.2, 2.2),
		bad("lead-in (s)", s.LeadS, 0.2, 10),
		bad("pause (s)", s.PauseS, 0, 10),
		bad("descent (s)", s.DescentS, 0.2, 10),
		bad("bottom pause (s)", s.BottomS, 0, 10),
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
func (s Set) WorkingLeg() body.Side {
	if s.StandOnLeft {
		return body.Left
	}
	return body.Right
}

// DefaultCamera is a phone in landscape on a tripod in front of the lifter:
// 1280x720, a main camera's field of view (about 67° across), lens at 0.9 m,
// 3 m away. yawDeg turns it around the lifter as track.Camera.YawDeg does.
func DefaultCamera(yawDeg float64) track.Camera {
	return track.Camera{YawDeg: yawDeg, HeightM: 0.9, DistanceM: 3, Width: 1280, Height: 720, FocalPx: 960}
}
