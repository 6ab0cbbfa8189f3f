//go:build unix

package proc

import (
	"syscall"
	"time"
)

// CPU is the CPU time (user + system) the process has used so far, for
// benchmarks on a shared machine where wall time depends on the neighbours.
func CPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
