package ui

import "fyne.io/fyne/v2"

// Window chrome the screen keeps for itself, in pixels at 100 %: Windows'
// taskbar and a window's title bar and borders. Both grow with the scale.
const (
	taskbarHeight  = 40
	titleBarHeight = 31
	borderWidth    = 8
)

// FitWindow is the largest window content, in Fyne units, that fits a screen
// of screen pixels (the whole screen; its work area when known) at scale
// (1.5 for 150 %), leaving the taskbar and the window's title bar.
func FitWindow(screen fyne.Size, scale float32) fyne.Size {
	if scale <= 0 {
		scale = 1
	}
	return fyne.NewSize(screen.Width/scale-2*borderWidth, screen.Height/scale-taskbarHeight-titleBarHeight)
}

// fitWindow is FitWindow, for the tests' table of office screens.
func fitWindow(screen fyne.Size, scale float32) fyne.Size { return FitWindow(screen, scale) }
