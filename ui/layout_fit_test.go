package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// screenSizes are the office screens the window must fit, in Fyne's
// device-independent units: 1366×768 at 100 % and at 150 % scaling
// (FYNE_SCALE=1.5 or Windows' display setting), each less a taskbar and
// the window's title bar.
var screenSizes = []struct {
	name string
	size fyne.Size
}{
	{"1366x768", fyne.NewSize(1366, 768)},
	{"1366x768 less taskbar", fitWindow(fyne.NewSize(1366, 768), 1)},
	{"1366x768 at 150%", fitWindow(fyne.NewSize(1366, 768), 1.5)},
}

// visibleText reports whether a visible label, button or text reading text
// lies wholly inside the window's canvas, and where.
func visibleText(w fyne.Window, text string) (fyne.Position, bool) {
	d := fyne.CurrentApp().Driver()
	cs := w.Canvas().Size()
	var at fyne.Position
	found := false
	walk(w.Canvas().Content(), func(o fyne.CanvasObject) {
		if found || !o.Visible() {
			return
		}
		var s string
		switch x := o.(type) {
		case *canvas.Text:
			s = x.Text
		case *widget.Label:
			s = x.Text
		default:
			return
		}
		if s != text {
			return
		}
		p := d.AbsolutePositionForObject(o)
		if p.X >= 0 && p.Y >= 0 && p.X+o.Size().Width <= cs.Width+0.5 && p.Y+o.Size().Height <= cs.Height+0.5 {
			at, found = p, true
		}
	})
	return at, found
}

// TestNavigationFits renders the main views at each office screen size and
// fails when a navigation entry is hidden (Fyne's "⋮" overflow) or off the
// window, or when the window grew beyond the screen.
func TestNavigationFits(t *testing.T) {
	for _, lang := range []Lang{Chinese, English} {
		for _, sz := range screenSizes {
			t.Run(fmt.Sprintf("%s/%s", lang, sz.name), func(t *testing.T) {
				s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
				s.SetLanguage(lang)
				w.Resize(sz.size)
				for _, v := range Views {
					s.Show(v)
					s.Wait()
					if cs := w.Canvas().Size(); cs.Width > sz.size.Width+0.5 || cs.Height > sz.size.Height+0.5 {
						t.Errorf("%s: the window grew to %v beyond %v", v, cs, sz.size)
					}
					for _, n := range Views {
						if _, ok := visibleText(w, s.items[n].Text); !ok {
							t.Errorf("with %s shown, the navigation entry %s is not visible", v, s.items[n].Text)
						}
					}
				}
			})
		}
	}
}
