package pose

import "math"

// anchor is the centre of one detector prior, normalised to the detector
// input (0..1). BlazePose's detector uses fixed-size anchors, so an anchor
// has no width or height of its own: regressed sizes are relative to the
// input.
type anchor struct{ X, Y float64 }

// ssdAnchorSpec describes SSD anchor generation as BlazePose's detector was
// trained with it: one feature map per stride; consecutive layers with the
// same stride share one feature map, each contributing perLayer anchors per
// cell.
type ssdAnchorSpec struct {
	InputW, InputH int
	Strides        []int
	PerLayer       int     // anchors per cell contributed by each layer
	Offset         float64 // anchor centre within its cell (0.5: the middle)
}

// blazePoseAnchors is the detector's anchor layout: 224x224 input, strides
// 8, 16, 32, 32, 32, two anchors per layer and cell (aspect ratio 1 plus the
// interpolated scale), centres in the middle of each cell. That is
// 28²·2 + 14²·2 + 7²·6 = 2254 anchors, the number of rows the model outputs.
var blazePoseAnchors = ssdAnchorSpec{InputW: 224, InputH: 224, Strides: []int{8, 16, 32, 32, 32}, PerLayer: 2, Offset: 0.5}

// generate lists the anchors in the order of the model's output rows: by
// feature map, then row, then column, then anchor within the cell.
func (s ssdAnchorSpec) generate() []anchor {
	var out []anchor
	for l := 0; l < len(s.Strides); {
		stride := s.Strides[l]
		n := 0
		for l < len(s.Strides) && s.Strides[l] == stride {
			n += s.PerLayer
			l++
		}
		fw := int(math.Ceil(float64(s.InputW) / float64(stride)))
		fh := int(math.Ceil(float64(s.InputH) / float64(stride)))
		for y := 0; y < fh; y++ {
			for x := 0; x < fw; x++ {
				a := anchor{X: (float64(x) + s.Offset) / float64(fw), Y: (float64(y) + s.Offset) / float64(fh)}
				for range n {
					out = append(out, a)
				}
			}
		}
	}
	return out
}
