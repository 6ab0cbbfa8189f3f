package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// statusBar is the line at the bottom of the window: where the listener
// listens, how many terminals are connected and when the last packet came.
type statusBar struct {
	s      *Shell
	box    fyne.CanvasObject
	listen *widget.Label
	online *widget.Label
	last   *widget.Label
}

func newStatusBar(s *Shell) statusBar {
	b := statusBar{s: s, listen: widget.NewLabel(""), online: widget.NewLabel(""), last: widget.NewLabel("")}
	if s.deps.ReviewWorkspace != "" {
		b.listen.SetText(s.tr.T("status.workspace"))
		b.online.Hide()
		b.last.Hide()
		b.box = container.NewHBox(b.listen)
		return b
	}
	if s.deps.ListenOn != "" {
		b.listen.SetText(s.tr.T("status.listen", s.deps.ListenOn))
	} else {
		b.listen.SetText(s.tr.T("status.nolistener"))
	}
	b.online.SetText(s.tr.T("status.online.unknown"))
	b.last.SetText(s.tr.T("status.last.none"))
	b.box = container.NewHBox(b.listen, widget.NewSeparator(), b.online, widget.NewSeparator(), b.last)
	return b
}

func (b statusBar) setOnline(online, registered int) {
	b.online.SetText(b.s.tr.T("status.online", online, registered))
}

func (b statusBar) setLast(mn string, at time.Time) {
	b.last.SetText(b.s.tr.T("status.last", when(at), mn))
}
