//go:build unix

package gen_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used. The benchmarks report CPU
// figures next to wall-clock ones because on the shared 2-core machine the
// wall clock depends on what the other processes do.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
