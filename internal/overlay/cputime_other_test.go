//go:build !linux

package overlay

import "time"

// threadCPU is unavailable here; the benchmark reports wall-clock time only.
func threadCPU() (time.Duration, bool) { return 0, false }
