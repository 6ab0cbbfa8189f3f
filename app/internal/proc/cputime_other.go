//go:build !unix

package proc

import "time"

// CPU is not measured here: the benchmarks report wall time only.
func CPU() (time.Duration, bool) { return 0, false }
