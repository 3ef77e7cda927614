package pose

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/kneetrack/kneetrack/internal/nn"
)

// Detection is one person found by BlazePose's detector, in image pixels.
type Detection struct {
	Box   Box     // the box around the person (mostly the torso and head)
	Score float64 // 0..1
	// Keypoints are the detector's four alignment points: 0 the hip
	// centre, 1 a point whose distance from the hip centre gives the size of
	// a circle around the whole body and whose direction gives the body's
	// rotation, 2 the shoulder centre, 3 the same kind of point for the
	// upper body.
	Keypoints [4][2]float64
}

// ROI returns the region the landmark model should look at for this
// person: centred on the hip centre, turned upright, 1.25 times the
// full-body circle.
func (d Detection) ROI() ROI {
	k := d.Keypoints
	return AlignedROI(k[0][0], k[0][1], k[1][0], k[1][1], roiScale)
}

// roiScale enlarges the alignment square so the whole body fits with a
// margin, as BlazePose's landmark model was trained.
const roiScale = 1.25

// Detector finds people with BlazePose's detector model. It is not safe for
// concurrent use.
type Detector struct {
	runner   *nn.Runner
	size     int // input side, pixels
	anchors  []anchor
	rgb      []float32
	minScore float64
	nmsIoU   float64
	threads  int // for the crop
}

// DetectorOptions adjust a Detector. Zero fields take the defaults noted.
type DetectorOptions struct {
	Threads  int     // goroutines per inference (0: all cores)
	MinScore float64 // lowest detection score kept (default 0.5)
	NMSIoU   float64 // overlap above which detections merge (default 0.3)
}

// NewDetector prepares the detector model for inference, checking that it
// is the model this code decodes.
func NewDetector(m *nn.Model, opts DetectorOptions) (*Detector, error) {
	in, out := m.Inputs(), m.Outputs()
	if len(in) != 1 || !slices.Equal(in[0].Shape, []int{1, 224, 224, 3}) || in[0].DType != "float32" {
		return nil, fmt.Errorf("pose detector: expected one float32 input of shape [1 224 224 3], the model has %v", in)
	}
	anchors := blazePoseAnchors.generate()
	found := false
	for _, o := range out {
		if o.Name == "person" && slices.Equal(o.Shape, []int{1, len(anchors), 13}) {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("pose detector: expected an output \"person\" of shape [1 %d 13], the model has %v", len(anchors), out)
	}
	r, err := m.NewRunner(nn.Options{Threads: opts.Threads})
	if err != nil {
		return nil, fmt.Errorf("pose detector: %w", err)
	}
	d := &Detector{runner: r, size: 224, anchors: anchors, rgb: make([]float32, 224*224*3),
		minScore: opts.MinScore, nmsIoU: opts.NMSIoU, threads: cropThreads(opts.Threads)}
	if d.minScore == 0 {
		d.minScore = 0.5
	}
	if d.nmsIoU == 0 {
		d.nmsIoU = 0.3
	}
	return d, nil
}

// Close releases the detector's worker goroutines.
func (d *Detector) Close() { d.runner.Close() }

// Detect finds the people in im, best score first. The picture is
// letterboxed into the detector's square input (RGB scaled to -1..1), and
// the results are mapped back to image pixels.
func (d *Detector) Detect(ctx context.Context, im Image) ([]Detection, error) {
	if err := im.check(); err != nil {
		return nil, err
	}
	roi := LetterboxROI(im.W, im.H)
	toImage := roi.ToImage(d.size, d.size)
	crop(im, toImage, d.size, d.size, d.rgb, d.threads)
	in := d.runner.InputFloat32()
	for i, v := range d.rgb {
		in[i] = v/127.5 - 1
	}
	if err := d.runner.Run(ctx); err != nil {
		return nil, fmt.Errorf("pose detector: %w", err)
	}
	raw, _, err := d.runner.Output("person")
	if err != nil {
		return nil, fmt.Errorf("pose detector: %w", err)
	}
	dets := decodeDetections(raw, d.anchors, d.size, d.minScore)
	dets = weightedNMS(dets, d.nmsIoU)
	// From input pixels (0..size) to image pixels.
	for i := range dets {
		dets[i] = mapDetection(dets[i], toImage)
	}
	return dets, nil
}

// decodeDetections turns the detector's raw rows into detections in input
// pixels, keeping those scoring at least minScore. In this conversion of
// the model each row holds the score logit first, then the box centre x, y
// and size w, h, then the four keypoints x, y; centres and keypoints are
// offsets in input pixels from the row's anchor. (The box is the head's;
// the keypoints are what matter for the region of interest.)
func decodeDetections(raw []float32, anchors []anchor, size int, minScore float64) []Detection {
	const stride = 13
	s := float64(size)
	var out []Detection
	for i, a := range anchors {
		row := raw[i*stride : (i+1)*stride]
		logit := math.Max(-100, math.Min(100, float64(row[0])))
		score := sigmoid(logit)
		if score < minScore {
			continue
		}
		ax, ay := a.X*s, a.Y*s
		cx, cy := float64(row[1])+ax, float64(row[2])+ay
		w, h := float64(row[3]), float64(row[4])
		if !finite(cx) || !finite(cy) || !(w >= minBox*s) || !(h >= minBox*s) || math.IsInf(w, 0) || math.IsInf(h, 0) {
			continue
		}
		det := Detection{Score: score, Box: Box{cx - w/2, cy - h/2, cx + w/2, cy + h/2}}
		ok := true
		for k := range 4 {
			x, y := float64(row[5+2*k])+ax, float64(row[6+2*k])+ay
			ok = ok && finite(x) && finite(y)
			det.Keypoints[k] = [2]float64{x, y}
		}
		if ok {
			out = append(out, det)
		}
	}
	return out
}

// minBox is the smallest box side, as a fraction of the input, of a row
// taken as a detection. Real detections regress a box of about a fifth of
// the input whatever the person's size; on some text-like patches this
// conversion of the model emits rows with huge score logits (thousands) and
// boxes collapsed to a pixel or two, which this rejects.
const minBox = 0.05

// weightedNMS merges overlapping detections: the best remaining detection
// and every other whose box overlaps it by more than iou form a cluster,
// whose box and keypoints are the score-weighted mean of its members and
// whose score is the best one. This steadies boxes compared with keeping
// only the best member.
func weightedNMS(dets []Detection, iou float64) []Detection {
	slices.SortStableFunc(dets, func(a, b Detection) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	used := make([]bool, len(dets))
	var out []Detection
	for i := range dets {
		if used[i] {
			continue
		}
		var sum Detection
		wsum := 0.0
		for j := i; j < len(dets); j++ {
			if used[j] || (j != i && IoU(dets[i].Box, dets[j].Box) <= iou) {
				continue
			}
			used[j] = true
			w := dets[j].Score
			wsum += w
			sum.Box.X0 += w * dets[j].Box.X0
			sum.Box.Y0 += w * dets[j].Box.Y0
			sum.Box.X1 += w * dets[j].Box.X1
			sum.Box.Y1 += w * dets[j].Box.Y1
			for k := range 4 {
				sum.Keypoints[k][0] += w * dets[j].Keypoints[k][0]
				sum.Keypoints[k][1] += w * dets[j].Keypoints[k][1]
			}
		}
		m := Detection{Score: dets[i].Score,
			Box: Box{sum.Box.X0 / wsum, sum.Box.Y0 / wsum, sum.Box.X1 / wsum, sum.Box.Y1 / wsum}}
		for k := range 4 {
			m.Keypoints[k] = [2]float64{sum.Keypoints[k][0] / wsum, sum.Keypoints[k][1] / wsum}
		}
		out = append(out, m)
	}
	return out
}

// mapDetection maps a detection through an unrotated map (scale and
// offset), as from the letterboxed input to the image.
func mapDetection(d Detection, m Affine) Detection {
	x0, y0 := m.Apply(d.Box.X0, d.Box.Y0)
	x1, y1 := m.Apply(d.Box.X1, d.Box.Y1)
	d.Box = Box{math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1)}
	for k := range d.Keypoints {
		d.Keypoints[k][0], d.Keypoints[k][1] = m.Apply(d.Keypoints[k][0], d.Keypoints[k][1])
	}
	return d
}
