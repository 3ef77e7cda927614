package kernel

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling OS thread has used (user + system).
// Benchmarks lock their goroutine to its thread and measure with it, so that
// time spent descheduled while other processes run on a shared machine does
// not count against a kernel.
func threadCPU() (time.Duration, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
