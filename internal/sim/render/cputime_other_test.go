//go:build !linux

package render_test

import "time"

// processCPU is unavailable here; the benchmark reports wall-clock time only.
func processCPU() (time.Duration, bool) { return 0, false }
