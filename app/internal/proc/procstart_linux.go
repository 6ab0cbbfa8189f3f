package proc

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// Started is when this process was started, from /proc (to the
// kernel's clock tick, 10 ms), so that start-up is measured from the exec
// and not from main; ok is false when /proc cannot tell.
func Started() (time.Time, bool) {
	now := time.Now()
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return time.Time{}, false
	}
	// Field 22, starttime in clock ticks after boot, counted here from after
	// the command name, which may hold spaces but ends at the last ')'.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 20 {
		return time.Time{}, false
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	up, err := os.ReadFile("/proc/uptime") // seconds since boot, two decimals
	if err != nil {
		return time.Time{}, false
	}
	f := strings.Fields(string(up))
	if len(f) == 0 {
		return time.Time{}, false
	}
	uptime, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return time.Time{}, false
	}
	const hz = 100 // USER_HZ, 100 on every Linux the app runs on
	age := time.Duration(uptime*float64(time.Second)) - time.Duration(ticks)*time.Second/hz
	return now.Add(-age), age >= 0
}
