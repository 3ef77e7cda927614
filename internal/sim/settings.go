package sim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kneetrack/kneetrack/internal/track"
)

// Settings describe a set and its camera as people write them (the flags
// of `kneetrack simulate`, which its error messages name): Set and Camera
// check them and build the set and the camera.
type Settings struct {
	Reps                         int
	Movement, StandOn, Arms      string
	LeftValgus, RightValgus      string // ramps, see ParseRamp
	Onset, Peak, Release         string // phases, see ParseMoment
	VelocityLoss                 float64
	Depth, Stance, ToeOut        float64
	KneesOut, LateralShift, Lean float64
	FPS                          float64
	Noise, Dropouts, Outliers    float64
	Seed                         uint64

	Size                          string // WIDTHxHEIGHT
	Yaw, CameraHeight, CameraDist float64
	Mirror                        bool
}

// Set checks the settings and builds the set; the lifter's height is left
// for the caller to set (HeightM).
func (o Settings) Set() (Set, error) {
	var s Set
	var err error
	if s.Movement, err = ParseMovement(o.Movement); err != nil {
		return s, fmt.Errorf("--movement: %w", err)
	}
	switch strings.ToLower(o.StandOn) {
	case "right":
	case "left":
		s.StandOnLeft = true
	default:
		return s, fmt.Errorf("--stand-on %q: use left or right", o.StandOn)
	}
	if s.Arms, err = ParseArms(o.Arms); err != nil {
		return s, fmt.Errorf("--arms: %w", err)
	}
	s.Reps = o.Reps
	if o.Reps < 1 {
		return s, fmt.Errorf("--reps must be at least 1, got %d", o.Reps)
	}
	if s.LeftValgusDeg, err = ParseRamp(o.LeftValgus, o.Reps); err != nil {
		return s, fmt.Errorf("--left-valgus: %w", err)
	}
	if s.RightValgusDeg, err = ParseRamp(o.RightValgus, o.Reps); err != nil {
		return s, fmt.Errorf("--right-valgus: %w", err)
	}
	for _, p := range []struct {
		flag, val string
		dst       *Moment
	}{{"--onset", o.Onset, &s.Onset}, {"--peak", o.Peak, &s.Peak}, {"--release", o.Release, &s.Release}} {
		if *p.dst, err = ParseMoment(p.val); err != nil {
			return s, fmt.Errorf("%s: %w", p.flag, err)
		}
	}
	s.VelocityLoss, s.DepthM, s.StanceM, s.ToeOutDeg = o.VelocityLoss, o.Depth, o.Stance, o.ToeOut
	s.KneesOutDeg, s.LateralShiftM, s.TrunkLeanDeg, s.FPS = o.KneesOut, o.LateralShift, o.Lean, o.FPS
	// Zero means "default" for these two in Set; keep an explicit zero.
	if o.ToeOut == 0 {
		s.ToeOutDeg = 1e-9
	}
	if o.KneesOut == 0 {
		s.KneesOutDeg = 1e-9
	}
	s.Noise = Noise{JitterPx: o.Noise, DropoutRate: o.Dropouts, OutlierRate: o.Outliers}
	s.Seed = o.Seed
	return s, nil
}

// Camera checks the settings' picture size and builds the camera: a
// phone's field of view (focal length 0.75 x width) at Yaw around the
// lifter, CameraHeight above the floor and CameraDist away.
func (o Settings) Camera() (track.Camera, error) {
	ws, hs, ok := strings.Cut(strings.ToLower(o.Size), "x")
	w, err1 := strconv.Atoi(strings.TrimSpace(ws))
	h, err2 := strconv.Atoi(strings.TrimSpace(hs))
	if !ok || err1 != nil || err2 != nil || w < 64 || h < 64 || w > 4096 || h > 4096 {
		return track.Camera{}, fmt.Errorf("--size %q: write WIDTHxHEIGHT, each 64..4096 pixels (e.g. 1280x720)", o.Size)
	}
	cam := DefaultCamera(o.Yaw)
	cam.Width, cam.Height, cam.FocalPx = w, h, 0.75*float64(w)
	cam.HeightM, cam.DistanceM, cam.Mirror = o.CameraHeight, o.CameraDist, o.Mirror
	return cam, nil
}

// The demo's set (`kneetrack demo`): the right knee's peak FPPA rise grows
// from DemoCaveFirst to DemoCaveLast degrees over the set, peaking just out
// of the hole, while the ascents slow down by DemoVelocityLoss; the left
// knee tracks straight. The lifter's knees track nearly straight ahead when
// they do not cave (DemoKneesOut degrees out), so the rise is a knee
// turning in past straight ahead: the cave kneetrack grades in squats on
// both legs.
const (
	DemoCaveFirst    = 4.0
	DemoCaveLast     = 30.0
	DemoCavePeak     = Moment(2.22) // ascent:0.22, out of the hole
	DemoVelocityLoss = 0.25
	DemoKneesOut     = 2.0
)

// DemoSet is the demo's set of reps squats filmed at fps, and its camera:
// size WIDTHxHEIGHT, in front of the lifter at hip height 3 m away.
func DemoSet(reps int, fps float64, size string) (Set, track.Camera, error) {
	cam, err := Settings{Size: size, CameraHeight: 0.9, CameraDist: 3}.Camera()
	if err != nil {
		return Set{}, cam, err
	}
	if cam.Width < 320 || cam.Height < 180 {
		return Set{}, cam, fmt.Errorf("--size %s: at least 320x180, or the athlete is too small for the pose model", size)
	}
	ramp, err := ParseRamp(fmt.Sprintf("%g:%g", DemoCaveFirst, DemoCaveLast), reps)
	if err != nil {
		return Set{}, cam, err
	}
	set := Set{Reps: reps, FPS: fps, RightValgusDeg: ramp, Peak: DemoCavePeak, VelocityLoss: DemoVelocityLoss, KneesOutDeg: DemoKneesOut}
	return set, cam, nil
}
