package pose

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/kneetrack/kneetrack/internal/models"
	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Model names accepted by Options.Model.
const (
	ModelBlazePoseLite    = "blazepose-lite"
	ModelBlazePoseFull    = "blazepose-full"
	ModelBlazePoseHeavy   = "blazepose-heavy"
	ModelMoveNetLightning = "movenet-lightning"
	ModelMoveNetThunder   = "movenet-thunder"
	detectorModel         = "blazepose-detector"
)

// ModelNames lists the landmark models kneetrack can track with, default
// first.
func ModelNames() []string {
	return []string{ModelBlazePoseFull, ModelBlazePoseLite, ModelBlazePoseHeavy, ModelMoveNetLightning, ModelMoveNetThunder}
}

// HasFeet reports whether a landmark model predicts heels and toes
// (BlazePose does; MoveNet does not).
func HasFeet(model string) bool { return strings.HasPrefix(model, "blazepose") }

// estimator is a landmark model together with its cropping rule.
type estimator interface {
	Estimate(ctx context.Context, im Image, roi ROI) (Pose, error)
	// fromDetection is the crop for a person the detector found.
	fromDetection(d Detection) ROI
	// next is the crop for the next frame from this frame's pose; ok is
	// false when the pose cannot place it (the detector must run).
	next(p Pose) (ROI, bool)
	// anchor is the pose's hip centre and body radius in pixels, which
	// identify the person from frame to frame.
	anchor(p Pose) (x, y, r float64, ok bool)
	skeleton() track.Skeleton
	minScore() float64
	Close()
}

func (b *BlazePose) fromDetection(d Detection) ROI { return d.ROI() }
func (b *BlazePose) next(p Pose) (ROI, bool) {
	r := p.NextROI()
	return r, r.Valid()
}
func (b *BlazePose) anchor(p Pose) (x, y, r float64, ok bool) {
	a := p.Align
	r = math.Hypot(a[1][0]-a[0][0], a[1][1]-a[0][1])
	return a[0][0], a[0][1], r, r > 0 && finite(a[0][0]) && finite(a[0][1])
}
func (b *BlazePose) skeleton() track.Skeleton { return track.BlazePose33() }

// minScore is BlazePose's pose-flag threshold below which the person
// counts as lost and the detector runs again, as in MediaPipe.
func (b *BlazePose) minScore() float64 { return 0.5 }

// fromDetection for MoveNet is the detection's square, upright.
func (m *MoveNet) fromDetection(d Detection) ROI {
	r := d.ROI()
	r.Rotation = 0
	return r
}
func (m *MoveNet) next(p Pose) (ROI, bool) { return MoveNetROI(p.Keypoints) }
func (m *MoveNet) anchor(p Pose) (x, y, r float64, ok bool) {
	lh, rh := p.Keypoints[cocoLeftHip], p.Keypoints[cocoRightHip]
	if lh.Visibility < movenetMinScore || rh.Visibility < movenetMinScore {
		return 0, 0, 0, false
	}
	x, y = (lh.X+rh.X)/2, (lh.Y+rh.Y)/2
	// The detector's body radius reaches from the hips to above the head:
	// use the farthest confident keypoint, as a stand-in.
	for _, k := range p.Keypoints {
		if k.Visibility >= movenetMinScore {
			r = math.Max(r, math.Hypot(k.X-x, k.Y-y))
		}
	}
	return x, y, r, r > 0
}
func (m *MoveNet) skeleton() track.Skeleton { return track.COCO17() }

// minScore for MoveNet is the mean keypoint score below which the person
// counts as lost.
func (m *MoveNet) minScore() float64 { return 0.25 }

// ErrModelMissing is wrapped by errors about model files that are absent or
// damaged.
var ErrModelMissing = errors.New("pose model files missing")

// loadModel loads one model from dir, explaining how to fetch it when it is
// not there.
func loadModel(dir, name string) (*nn.Model, error) {
	jsonPath, binPath, err := models.Paths(dir, name)
	if err != nil {
		if errors.Is(err, models.ErrUnknownModel) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrModelMissing, err) // err says how to fetch them
	}
	m, err := nn.LoadFiles(jsonPath, binPath)
	if err != nil {
		return nil, fmt.Errorf("loading pose model %s: %w", name, err)
	}
	return m, nil
}

// newEstimator loads the named landmark model, with mirror averaging on
// when mirror is set.
func newEstimator(dir, name string, threads int, mirror bool) (estimator, error) {
	switch name {
	case ModelBlazePoseLite, ModelBlazePoseFull, ModelBlazePoseHeavy:
		m, err := loadModel(dir, name)
		if err != nil {
			return nil, err
		}
		b, err := NewBlazePose(m, threads)
		if err != nil {
			return nil, err
		}
		b.SetMirrorAverage(mirror)
		return b, nil
	case ModelMoveNetLightning, ModelMoveNetThunder:
		m, err := loadModel(dir, name)
		if err != nil {
			return nil, err
		}
		mn, err := NewMoveNet(m, threads)
		if err != nil {
			return nil, err
		}
		mn.SetMirrorAverage(mirror)
		return mn, nil
	}
	return nil, fmt.Errorf("unknown pose model %q: use one of %s", name, strings.Join(ModelNames(), ", "))
}

// newDetector loads BlazePose's person detector.
func newDetector(dir string, threads int) (*Detector, error) {
	m, err := loadModel(dir, detectorModel)
	if err != nil {
		return nil, err
	}
	return NewDetector(m, DetectorOptions{Threads: threads})
}
