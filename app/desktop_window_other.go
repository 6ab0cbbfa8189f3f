//go:build !windows

package main

import "fyne.io/fyne/v2"

// workArea is unknown here: Fyne offers no portable way to ask, and X11's
// _NET_WORKAREA needs a display connection of our own.
func workArea() (fyne.Size, bool) { return fyne.Size{}, false }

// systemScale is 1: Fyne's own scale follows the monitor, FYNE_SCALE overrides it.
func systemScale() float32 { return 1 }
