//go:build !linux

package proc

import "time"

// Started is not known here: start-up is measured from the command.
func Started() (time.Time, bool) { return time.Time{}, false }
