// Package winplace sizes and places the main window for the screen it
// starts on, and keeps its size (and on Windows its place) for the next
// start: a bureau's office screens go from 1366×768 to 1920×1080 at 100 or
// 150 %, and a monitor may have been unplugged since the last close.
package winplace

import (
	"os"
	"strconv"

	"fyne.io/fyne/v2"
)

// Preference keys of the main window's last size, in Fyne units, and of
// its last frame on the desktop, in pixels (Windows only).
const (
	prefWindowWidth  = "ui.window.width"
	prefWindowHeight = "ui.window.height"
	prefWindowLeft   = "ui.window.left"
	prefWindowTop    = "ui.window.top"
	prefWindowRight  = "ui.window.right"
	prefWindowBottom = "ui.window.bottom"
)

// windowRect is a window's frame on the desktop in pixels, as Windows
// gives it (GetWindowRect): right and bottom are exclusive.
type windowRect struct{ Left, Top, Right, Bottom int }

// savedWindowRect is the frame kept by Remember; false when none
// was kept or it is nonsense (a frame too small to be the main window).
func savedWindowRect(p fyne.Preferences) (windowRect, bool) {
	const unset = -1 << 30
	r := windowRect{p.IntWithFallback(prefWindowLeft, unset), p.IntWithFallback(prefWindowTop, unset),
		p.IntWithFallback(prefWindowRight, unset), p.IntWithFallback(prefWindowBottom, unset)}
	if r.Left == unset || r.Top == unset || r.Right-r.Left < 200 || r.Bottom-r.Top < 100 {
		return windowRect{}, false
	}
	return r, true
}

// Fit is the window size that fits a screen's work area (in pixels) at a
// scale: the desktop's choice of how much of the screen to take.
type Fit func(screen fyne.Size, scale float32) fyne.Size

// Place sizes w for the screen it starts on and centres it, unless the
// place it had when last closed is still on a monitor: then Restore moves it
// back there once it is shown.
func Place(p fyne.Preferences, w fyne.Window, fit Fit) {
	w.Resize(initialWindowSize(p, fit))
	if r, ok := savedWindowRect(p); !ok || !onScreen(r) {
		w.CenterOnScreen()
	}
}

// Restore moves the shown window w to where it was last closed,
// when that place still lies on a monitor (one may have been unplugged).
func Restore(p fyne.Preferences, w fyne.Window) {
	if r, ok := savedWindowRect(p); ok && onScreen(r) {
		moveWindow(w, r)
	}
}

// Remember keeps w's size and, where the system tells it, its
// place for the next start.
func Remember(p fyne.Preferences, w fyne.Window) {
	rememberWindowSize(p, w)
	if r, ok := windowFrame(w); ok {
		p.SetInt(prefWindowLeft, r.Left)
		p.SetInt(prefWindowTop, r.Top)
		p.SetInt(prefWindowRight, r.Right)
		p.SetInt(prefWindowBottom, r.Bottom)
	}
}

// smallestOfficeScreen is the screen assumed where the system does not tell
// its size (Linux; Fyne has no portable way to ask): the bureau's smallest.
var smallestOfficeScreen = fyne.NewSize(1366, 768)

// initialWindowSize is the main window's size at start: the size it had
// when last closed, shrunk to fit the screen it starts on; the whole screen
// less the taskbar the first time.
func initialWindowSize(p fyne.Preferences, fitTo Fit) fyne.Size {
	screen, ok := workArea()
	if !ok {
		screen = smallestOfficeScreen
	}
	fit := fitTo(screen, displayScale())
	saved := fyne.NewSize(float32(p.Float(prefWindowWidth)), float32(p.Float(prefWindowHeight)))
	return windowSize(saved, fit)
}

// windowSize is saved within fit, or fit when nothing (or nonsense) was saved.
func windowSize(saved, fit fyne.Size) fyne.Size {
	const least = 640 // smaller than anything usable: a corrupt preference
	if saved.Width < least || saved.Height < least/2 {
		return fit
	}
	return fyne.NewSize(min(saved.Width, fit.Width), min(saved.Height, fit.Height))
}

// rememberWindowSize keeps w's size for the next start.
func rememberWindowSize(p fyne.Preferences, w fyne.Window) {
	sz := w.Canvas().Size()
	if sz.Width > 0 && sz.Height > 0 {
		p.SetFloat(prefWindowWidth, float64(sz.Width))
		p.SetFloat(prefWindowHeight, float64(sz.Height))
	}
}

// displayScale is the scale Fyne will draw at, as far as it can be known
// before the window exists: FYNE_SCALE when set, else the system's (Windows'
// display setting), else 1.
func displayScale() float32 {
	if v, err := strconv.ParseFloat(os.Getenv("FYNE_SCALE"), 32); err == nil && v > 0 {
		return float32(v)
	}
	return systemScale()
}
