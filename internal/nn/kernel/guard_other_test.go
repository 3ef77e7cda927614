//go:build !linux

package kernel

import "testing"

// guarded returns n float32s; only Linux builds add a guard page after them.
func guarded(_ testing.TB, n int) []float32 { return make([]float32, n) }
