package render_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used (user + system, all
// threads): what a frame costs whatever else runs on a shared machine.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
