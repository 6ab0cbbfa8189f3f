package main

import (
	"os"
	"strconv"

	"fyne.io/fyne/v2"

	"powerwatch/ui"
)

// Preference keys of the main window's last size, in Fyne units.
const (
	prefWindowWidth  = "ui.window.width"
	prefWindowHeight = "ui.window.height"
)

// smallestOfficeScreen is the screen assumed where the system does not tell
// its size (Linux; Fyne has no portable way to ask): the bureau's smallest.
var smallestOfficeScreen = fyne.NewSize(1366, 768)

// initialWindowSize is the main window's size at start: the size it had
// when last closed, shrunk to fit the screen it starts on; the whole screen
// less the taskbar the first time.
func initialWindowSize(p fyne.Preferences) fyne.Size {
	screen, ok := workArea()
	if !ok {
		screen = smallestOfficeScreen
	}
	fit := ui.FitWindow(screen, displayScale())
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
