//go:build unix

package alarms

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used, so that a
// benchmark on a shared machine can report its own work apart from the wait.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
