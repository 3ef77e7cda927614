package pose

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/nn"
	"github.com/kneetrack/kneetrack/internal/track"
)

// Keypoint is one body keypoint of one frame in image coordinates.
type Keypoint struct {
	X, Y float64 // pixels, origin top-left, y down
	// Z is BlazePose's relative depth, on the scale of X (pixels); smaller
	// is nearer the camera. Zero for MoveNet.
	Z float64
	// Visibility is the probability that the point is in the picture and
	// not hidden; Presence that it is in the picture at all. MoveNet gives
	// one score, stored in both.
	Visibility, Presence float64
	// World is BlazePose's 3D world landmark, metres, centred between the
	// hips, y down; zero (with Pose.HasWorld false) for MoveNet.
	World track.Vec3
}

// Pose is what a landmark model found in one crop.
type Pose struct {
	Keypoints []Keypoint
	// Score is the model's confidence that a person fills the crop: the
	// pose flag for BlazePose, the mean keypoint score for MoveNet.
	Score    float64
	HasWorld bool
	ROI      ROI // the crop the model saw
	// Align holds BlazePose's two alignment landmarks (hip centre and the
	// full-body scale point) in image pixels, from which the next frame's
	// ROI is made; unused for MoveNet.
	Align [2][2]float64
}

// blazePoseLandmarks is the number of landmarks ld_3d holds: 33 body
// landmarks, then the two alignment points of the full body (33, 34) and
// of the upper body (35, 36), then two more.
const (
	blazePoseLandmarks = 39
	blazePoseBody      = 33
	blazePoseSize      = 256
)

// BlazePose runs a BlazePose landmark model (lite, full or heavy) on a
// rotated crop of the picture. It is not safe for concurrent use.
type BlazePose struct {
	runner   *nn.Runner
	rgb      []float32
	hasWorld bool
	threads  int // for the crop
	// mirror turns mirror averaging on (SetMirrorAverage); partner holds
	// its side table, ld and world the first run's outputs.
	mirror    bool
	partner   []int
	ld, world []float32
}

// NewBlazePose prepares a BlazePose landmark model for inference, checking
// its input and outputs.
func NewBlazePose(m *nn.Model, threads int) (*BlazePose, error) {
	in := m.Inputs()
	if len(in) != 1 || !slices.Equal(in[0].Shape, []int{1, blazePoseSize, blazePoseSize, 3}) || in[0].DType != "float32" {
		return nil, fmt.Errorf("blazepose: expected one float32 input of shape [1 256 256 3], the model has %v", in)
	}
	need := map[string][]int{"ld_3d": {1, blazePoseLandmarks * 5}, "output_poseflag": {1, 1}}
	hasWorld := false
	for _, o := range m.Outputs() {
		if want, ok := need[o.Name]; ok && slices.Equal(o.Shape, want) {
			delete(need, o.Name)
		}
		if o.Name == "world_3d" && slices.Equal(o.Shape, []int{1, blazePoseLandmarks * 3}) {
			hasWorld = true
		}
	}
	if len(need) > 0 {
		return nil, fmt.Errorf("blazepose: the model lacks the outputs ld_3d [1 195] and output_poseflag [1 1] (it has %v)", m.Outputs())
	}
	r, err := m.NewRunner(nn.Options{Threads: threads})
	if err != nil {
		return nil, fmt.Errorf("blazepose: %w", err)
	}
	return &BlazePose{runner: r, rgb: make([]float32, blazePoseSize*blazePoseSize*3), hasWorld: hasWorld, threads: cropThreads(threads)}, nil
}

// Close releases the model's worker goroutines.
func (b *BlazePose) Close() { b.runner.Close() }

// SetMirrorAverage turns mirror averaging on or off (default off): when on,
// Estimate runs the model a second time on the left-right mirror image of
// the crop, maps those landmarks back (sides exchanged) and averages the
// two, so that the result does not depend on which side of the picture a
// limb is on. It doubles the model's cost.
func (b *BlazePose) SetMirrorAverage(on bool) {
	b.mirror = on
	if on && b.partner == nil {
		b.partner = mirrorPartners(track.BlazePose33().Keypoints)
	}
}

// Estimate runs the landmark model on the part of im inside roi and returns
// the 33 body landmarks in image coordinates.
func (b *BlazePose) Estimate(ctx context.Context, im Image, roi ROI) (Pose, error) {
	if err := im.check(); err != nil {
		return Pose{}, err
	}
	if !roi.Valid() {
		return Pose{}, fmt.Errorf("blazepose: invalid region %+v", roi)
	}
	toImage := roi.ToImage(blazePoseSize, blazePoseSize)
	crop(im, toImage, blazePoseSize, blazePoseSize, b.rgb, b.threads)
	ld, world, flag, err := b.run(ctx, false)
	if err != nil {
		return Pose{}, err
	}
	if b.mirror {
		// Keep the first run's outputs: the runner reuses its buffers.
		b.ld = append(b.ld[:0], ld...)
		b.world = append(b.world[:0], world...)
		ld, world = b.ld, b.world
		if !b.hasWorld {
			world = nil
		}
		mld, mworld, mflag, err := b.run(ctx, true)
		if err != nil {
			return Pose{}, err
		}
		averageMirroredBlazePose(ld, world, mld, mworld, b.partner, blazePoseSize)
		flag = (flag + mflag) / 2
	}
	p := decodeBlazePose(ld, world, roi, toImage)
	p.Score = flag
	return p, nil
}

// run feeds the crop in b.rgb (mirrored left to right when mirrored is
// set) to the model and returns its landmarks, world landmarks (nil for a
// model without them) and pose flag. The slices are the runner's own,
// valid until the next run.
func (b *BlazePose) run(ctx context.Context, mirrored bool) (ld, world []float32, flag float64, err error) {
	in := b.runner.InputFloat32()
	if mirrored {
		for y := range blazePoseSize {
			for x := range blazePoseSize {
				o, m := (y*blazePoseSize+x)*3, mirroredIndex(x, y, blazePoseSize)
				in[o], in[o+1], in[o+2] = b.rgb[m]/255, b.rgb[m+1]/255, b.rgb[m+2]/255
			}
		}
	} else {
		for i, v := range b.rgb {
			in[i] = v / 255
		}
	}
	if err := b.runner.Run(ctx); err != nil {
		return nil, nil, 0, fmt.Errorf("blazepose: %w", err)
	}
	if ld, _, err = b.runner.Output("ld_3d"); err != nil {
		return nil, nil, 0, fmt.Errorf("blazepose: %w", err)
	}
	f, _, err := b.runner.Output("output_poseflag")
	if err != nil {
		return nil, nil, 0, fmt.Errorf("blazepose: %w", err)
	}
	if b.hasWorld {
		if world, _, err = b.runner.Output("world_3d"); err != nil {
			return nil, nil, 0, fmt.Errorf("blazepose: %w", err)
		}
	}
	return ld, world, float64(f[0]), nil // the model applies the sigmoid itself
}

// decodeBlazePose maps the landmark model's outputs to image coordinates:
// ld holds 39 x (x, y, z, visibility logit, presence logit) in crop pixels,
// world (optional) 39 x (x, y, z) metres in the crop's orientation, which
// is turned back by the ROI's rotation so that y points down the picture.
func decodeBlazePose(ld, world []float32, roi ROI, toImage Affine) Pose {
	p := Pose{Keypoints: make([]Keypoint, blazePoseBody), ROI: roi, HasWorld: world != nil}
	zScale := math.Hypot(toImage.A, toImage.D) // image pixels per crop pixel
	c, s := math.Cos(roi.Rotation), math.Sin(roi.Rotation)
	for i := range blazePoseBody {
		r := ld[i*5 : i*5+5]
		x, y := toImage.Apply(float64(r[0]), float64(r[1]))
		kp := Keypoint{X: x, Y: y, Z: float64(r[2]) * zScale,
			Visibility: sigmoid(float64(r[3])), Presence: sigmoid(float64(r[4]))}
		if world != nil {
			wx, wy, wz := float64(world[i*3]), float64(world[i*3+1]), float64(world[i*3+2])
			kp.World = track.Vec3{X: c*wx - s*wy, Y: s*wx + c*wy, Z: wz}
		}
		p.Keypoints[i] = kp
	}
	for k := range 2 {
		r := ld[(blazePoseBody+k)*5:]
		p.Align[k][0], p.Align[k][1] = toImage.Apply(float64(r[0]), float64(r[1]))
	}
	return p
}

// NextROI returns the region for the next frame from this pose's alignment
// landmarks, by the same rule as for a detection.
func (p Pose) NextROI() ROI {
	a := p.Align
	return AlignedROI(a[0][0], a[0][1], a[1][0], a[1][1], roiScale)
}
