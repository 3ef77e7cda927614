package valgus

import "math"

// sustainedMax returns the highest level that x holds for at least k
// consecutive frames within [lo, hi] (every frame of the run measurable:
// x not NaN), and the frame of the largest value inside the best run. A
// single frame, a blurred frame or a keypoint jump, cannot set the level:
// it is the run's lowest value that counts. It returns NaN and -1 when no
// run of k measurable frames exists.
func sustainedMax(x func(i int) float64, lo, hi, k int) (level float64, at int) {
	level, at = math.NaN(), -1
	k = max(k, 1)
	run := 0
	for j := lo; j <= hi; j++ {
		if math.IsNaN(x(j)) {
			run = 0
			continue
		}
		run++
		if run < k {
			continue
		}
		// the window j-k+1..j is measurable
		lowest, top := math.Inf(1), j
		for i := j - k + 1; i <= j; i++ {
			v := x(i)
			lowest = math.Min(lowest, v)
			if v > x(top) {
				top = i
			}
		}
		if at < 0 || lowest > level {
			level, at = lowest, top
		}
	}
	return level, at
}

// sustainedMin is sustainedMax for a measure that falls with valgus.
func sustainedMin(x func(i int) float64, lo, hi, k int) (float64, int) {
	v, at := sustainedMax(func(i int) float64 { return -x(i) }, lo, hi, k)
	return -v, at
}
