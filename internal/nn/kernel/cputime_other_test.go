//go:build !linux

package kernel

import "time"

// threadCPU is unavailable here; benchmarks fall back to wall-clock time.
func threadCPU() (time.Duration, bool) { return 0, false }
