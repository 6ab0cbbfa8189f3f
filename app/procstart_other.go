//go:build !linux

package main

import "time"

// processStart is not known here: start-up is measured from the command.
func processStart() (time.Time, bool) { return time.Time{}, false }
