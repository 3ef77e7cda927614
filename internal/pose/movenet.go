package pose

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/track"
)

// MoveNet runs a MoveNet single-pose model (lightning 192 or thunder 256)
// on an upright square crop of the picture. It predicts the 17 COCO
// keypoints: no heels and no toes, so foot-based measures (knee over toes,
// foot turn-out) are unavailable with it. It is not safe for concurrent
// use.
type MoveNet struct {
	runner  *nn.Runner
	size    int
	output  string
	rgb     []float32
	threads int // for the crop
	// mirror turns mirror averaging on (SetMirrorAverage); partner holds
	// its side table, out the first run's output.
	mirror  bool
	partner []int
	out     []float32
}

const movenetKeypoints = 17

// NewMoveNet prepares a MoveNet model for inference, checking its input
// (int32 RGB 0..255) and output ([1 1 17 3]: y, x, score).
func NewMoveNet(m *nn.Model, threads int) (*MoveNet, error) {
	in := m.Inputs()
	if len(in) != 1 || len(in[0].Shape) != 4 || in[0].Shape[1] != in[0].Shape[2] || in[0].Shape[3] != 3 || in[0].DType != "int32" {
		return nil, fmt.Errorf("movenet: expected one int32 input of shape [1 S S 3], the model has %v", in)
	}
	out := m.Outputs()
	if len(out) != 1 || !slices.Equal(out[0].Shape, []int{1, 1, movenetKeypoints, 3}) {
		return nil, fmt.Errorf("movenet: expected one output of shape [1 1 17 3], the model has %v", out)
	}
	r, err := m.NewRunner(nn.Options{Threads: threads})
	if err != nil {
		return nil, fmt.Errorf("movenet: %w", err)
	}
	s := in[0].Shape[1]
	return &MoveNet{runner: r, size: s, output: out[0].Name, rgb: make([]float32, s*s*3), threads: cropThreads(threads)}, nil
}

// Close releases the model's worker goroutines.
func (m *MoveNet) Close() { m.runner.Close() }

// SetMirrorAverage turns mirror averaging on or off (default off), as
// BlazePose.SetMirrorAverage.
func (m *MoveNet) SetMirrorAverage(on bool) {
	m.mirror = on
	if on && m.partner == nil {
		m.partner = mirrorPartners(track.COCO17().Keypoints)
	}
}

// Estimate runs MoveNet on the part of im inside roi (its rotation is
// ignored: MoveNet is trained on upright crops) and returns the 17
// keypoints in image coordinates. Pose.Score is the mean keypoint score.
func (m *MoveNet) Estimate(ctx context.Context, im Image, roi ROI) (Pose, error) {
	if err := im.check(); err != nil {
		return Pose{}, err
	}
	if !roi.Valid() {
		return Pose{}, fmt.Errorf("movenet: invalid region %+v", roi)
	}
	roi.Rotation = 0
	toImage := roi.ToImage(m.size, m.size)
	crop(im, toImage, m.size, m.size, m.rgb, m.threads)
	out, err := m.run(ctx, false)
	if err != nil {
		return Pose{}, err
	}
	if m.mirror {
		m.out = append(m.out[:0], out...) // the runner reuses its buffer
		out = m.out
		mout, err := m.run(ctx, true)
		if err != nil {
			return Pose{}, err
		}
		averageMirroredMoveNet(out, mout, m.partner)
	}
	return decodeMoveNet(out, roi, toImage, m.size), nil
}

// run feeds the crop in m.rgb (mirrored left to right when mirrored is
// set) to the model and returns its output, the runner's own slice.
func (m *MoveNet) run(ctx context.Context, mirrored bool) ([]float32, error) {
	in := m.runner.InputInt32()
	if mirrored {
		for y := range m.size {
			for x := range m.size {
				o, s := (y*m.size+x)*3, mirroredIndex(x, y, m.size)
				in[o], in[o+1], in[o+2] = roundInt32(m.rgb[s]), roundInt32(m.rgb[s+1]), roundInt32(m.rgb[s+2])
			}
		}
	} else {
		for i, v := range m.rgb {
			in[i] = roundInt32(v)
		}
	}
	if err := m.runner.Run(ctx); err != nil {
		return nil, fmt.Errorf("movenet: %w", err)
	}
	out, _, err := m.runner.Output(m.output)
	if err != nil {
		return nil, fmt.Errorf("movenet: %w", err)
	}
	return out, nil
}

func roundInt32(v float32) int32 { return int32(math.Round(float64(v))) }

// decodeMoveNet maps MoveNet's output (17 x (y, x, score), positions as
// fractions of the crop) to image coordinates.
func decodeMoveNet(out []float32, roi ROI, toImage Affine, size int) Pose {
	p := Pose{Keypoints: make([]Keypoint, movenetKeypoints), ROI: roi}
	s := float64(size)
	sum := 0.0
	for i := range movenetKeypoints {
		y, x, sc := float64(out[i*3]), float64(out[i*3+1]), float64(out[i*3+2])
		ix, iy := toImage.Apply(x*s, y*s)
		sc = math.Max(0, math.Min(1, sc))
		p.Keypoints[i] = Keypoint{X: ix, Y: iy, Visibility: sc, Presence: sc}
		sum += sc
	}
	p.Score = sum / movenetKeypoints
	return p
}

// COCO keypoint indices used to place MoveNet's crops.
const (
	cocoLeftShoulder = 5
	cocoLeftHip      = 11
	cocoRightHip     = 12
)

// movenetMinScore is the keypoint score above which MoveNet's keypoints
// are trusted to place the next crop.
const movenetMinScore = 0.3

// MoveNetROI returns the next crop for MoveNet from the current keypoints:
// an upright square centred between the hips, large enough to hold every
// confidently found keypoint with a margin (1.2 times the farthest one from
// the centre, and 1.9 times the farthest torso point, so a crouching body
// still gets room). ok is false when the hips are not both found, and the
// caller should fall back to the detector.
func MoveNetROI(kps []Keypoint) (roi ROI, ok bool) {
	if len(kps) != movenetKeypoints {
		return ROI{}, false
	}
	lh, rh := kps[cocoLeftHip], kps[cocoRightHip]
	if lh.Visibility < movenetMinScore || rh.Visibility < movenetMinScore {
		return ROI{}, false
	}
	cx, cy := (lh.X+rh.X)/2, (lh.Y+rh.Y)/2
	body, torso := 0.0, 0.0
	n := 0
	for i, k := range kps {
		if k.Visibility < movenetMinScore {
			continue
		}
		n++
		d := math.Max(math.Abs(k.X-cx), math.Abs(k.Y-cy))
		body = math.Max(body, d)
		if i >= cocoLeftShoulder && (i <= cocoLeftShoulder+1 || i == cocoLeftHip || i == cocoRightHip) {
			torso = math.Max(torso, d)
		}
	}
	half := math.Max(1.2*body, 1.9*torso)
	if n < 5 || !(half > 0) {
		return ROI{}, false
	}
	return ROI{CX: cx, CY: cy, W: 2 * half, H: 2 * half}, true
}
