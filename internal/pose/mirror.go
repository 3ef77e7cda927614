package pose

import (
	"strings"
)

// Mirror averaging (test-time flip augmentation).
//
// The landmark models are not mirror-symmetric: run on a crop and on the
// same crop flipped left to right, they place the keypoints, once mapped
// back and with the sides exchanged, about 2-2.5 crop pixels apart (a few
// frame pixels), which moves a knee's frontal plane projection angle by
// several degrees depending on which side of the picture the leg is on.
// The crop itself is exactly mirror-symmetric (TestCropMirrorSymmetric);
// the bias is the model's. With mirror averaging the model also runs on
// the mirrored crop, whose landmarks are mapped back (x → size − x, left
// and right exchanged) and averaged with the first run's, so that a
// mirrored picture gives the mirrored result (docs/pose.md, "Mirrored
// video").

// mirrorPartners returns, for each keypoint name, the index of its mirror
// image: left_x ↔ right_x, x_left ↔ x_right, and itself for points on the
// midline.
func mirrorPartners(names []string) []int {
	idx := make(map[string]int, len(names))
	for i, n := range names {
		idx[n] = i
	}
	out := make([]int, len(names))
	for i, n := range names {
		out[i] = i
		var other string
		switch {
		case strings.HasPrefix(n, "left_"):
			other = "right_" + strings.TrimPrefix(n, "left_")
		case strings.HasPrefix(n, "right_"):
			other = "left_" + strings.TrimPrefix(n, "right_")
		case strings.HasSuffix(n, "_left"):
			other = strings.TrimSuffix(n, "_left") + "_right"
		case strings.HasSuffix(n, "_right"):
			other = strings.TrimSuffix(n, "_right") + "_left"
		default:
			continue
		}
		if j, ok := idx[other]; ok {
			out[i] = j
		}
	}
	return out
}

// mirroredIndex returns the offset in a size x size x 3 image of the
// pixel that pixel (x, y) shows in its left-right mirror image.
func mirroredIndex(x, y, size int) int { return (y*size + size - 1 - x) * 3 }

// averageMirroredBlazePose replaces ld (39 x (x, y, z, visibility logit,
// presence logit), crop pixels) and world (39 x (x, y, z) metres, or nil)
// with the mean of themselves and mld and mworld, the outputs on the
// mirrored crop, mapped back: crop pixel i covers [i, i+1), so the mirror
// of x is size − x; the body landmarks trade sides by partner; world x
// changes sign. The alignment points after the body landmarks lie on the
// body's midline and keep their index.
func averageMirroredBlazePose(ld, world, mld, mworld []float32, partner []int, size int) {
	s := float32(size)
	for i := range blazePoseLandmarks {
		j := i
		if i < len(partner) {
			j = partner[i]
		}
		a, b := ld[i*5:i*5+5], mld[j*5:j*5+5]
		a[0] = (a[0] + (s - b[0])) / 2
		for k := 1; k < 5; k++ {
			a[k] = (a[k] + b[k]) / 2
		}
		if world != nil {
			w, m := world[i*3:i*3+3], mworld[j*3:j*3+3]
			w[0] = (w[0] - m[0]) / 2
			w[1] = (w[1] + m[1]) / 2
			w[2] = (w[2] + m[2]) / 2
		}
	}
}

// averageMirroredMoveNet replaces out (17 x (y, x, score), fractions of
// the crop) with the mean of itself and mout, the output on the mirrored
// crop mapped back (x → 1 − x, sides exchanged by partner).
func averageMirroredMoveNet(out, mout []float32, partner []int) {
	for i := range movenetKeypoints {
		a, b := out[i*3:i*3+3], mout[partner[i]*3:partner[i]*3+3]
		a[0] = (a[0] + b[0]) / 2
		a[1] = (a[1] + (1 - b[1])) / 2
		a[2] = (a[2] + b[2]) / 2
	}
}
