//go:build !windows

package winplace

import "fyne.io/fyne/v2"

// workArea is unknown here: Fyne offers no portable way to ask, and X11's
// _NET_WORKAREA needs a display connection of our own.
func workArea() (fyne.Size, bool) { return fyne.Size{}, false }

// systemScale is 1: Fyne's own scale follows the monitor, FYNE_SCALE overrides it.
func systemScale() float32 { return 1 }

// windowFrame is unknown here: Fyne does not tell a window's position, and
// on Linux the window manager places windows itself.
func windowFrame(fyne.Window) (windowRect, bool) { return windowRect{}, false }

// onScreen is false here, where no frame is ever saved.
func onScreen(windowRect) bool { return false }

// moveWindow does nothing here (see windowFrame).
func moveWindow(fyne.Window, windowRect) {}
