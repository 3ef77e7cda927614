package nn

import (
	"fmt"
	"slices"
)

// Limits that keep a corrupt or hostile model from making the runtime
// allocate (or fold constants) without bound. The six pose models stay far
// below them: their largest tensor has 3.1 million elements and their
// largest Runner needs 31 MB.
const (
	maxRank         = 6              // highest tensor rank accepted
	maxDim          = 1 << 24        // largest single dimension
	maxTensorElems  = 1 << 25        // largest tensor (128 MiB as float32)
	maxArenaBytes   = 1 << 30        // activations of one Runner
	maxFoldedBytes  = 1 << 28        // constants computed while planning
	maxFoldWork     = 1 << 28        // arithmetic spent computing them
	maxNodes        = 100000         // graph nodes
	maxOutputs      = 1024           // outputs of one node (Unpack)
	maxScratchElems = maxTensorElems // im2col buffer of one convolution
)

// numElems returns the element count of shape, rejecting negative
// dimensions, ranks above maxRank and counts above maxTensorElems (checked
// step by step so the product cannot overflow).
func numElems(shape []int) (int, error) {
	if len(shape) > maxRank {
		return 0, fmt.Errorf("rank %d exceeds the supported maximum %d", len(shape), maxRank)
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d == 0 {
			return 0, fmt.Errorf("empty tensors (shape %v) are not supported", shape)
		}
		if d > maxDim || n > maxTensorElems/d {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, maxTensorElems)
		}
		n *= d
	}
	return n, nil
}

// normAxis maps a possibly negative axis into [0, rank).
func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d is out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// broadcastShape returns the NumPy-style broadcast of a and b.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v cannot be broadcast together", a, b)
		}
	}
	return out, nil
}

// stridesOf returns the row-major element strides of shape.
func stridesOf(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// prod multiplies dims (1 for none).
func prod(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

func cloneShape(s []int) []int { return slices.Clone(s) }
