package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// UplinkStatus reports the relay to the city platform, one entry per
// upstream (HJ 212 relays, then shared-data targets). app's Main is one.
type UplinkStatus interface {
	UplinkStatus(ctx context.Context) ([]store.UpstreamStatus, error)
}

// uplinkPanel is the 设置 view's part about the city platform: per upstream,
// connected or not, queue length, oldest undelivered, last success and last
// error. The upstreams themselves are set in the config file or on serve's
// command line (README "Uplink to the city platform").
type uplinkPanel struct {
	s    *Shell
	list *fyne.Container
	box  fyne.CanvasObject
}

func newUplinkPanel(s *Shell) *uplinkPanel {
	p := &uplinkPanel{s: s, list: container.NewVBox()}
	title := widget.NewLabelWithStyle(s.tr.T("uplink.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	reload := widget.NewButton(s.tr.T("uplink.refresh"), p.refresh)
	p.box = container.NewVBox(container.NewBorder(nil, nil, nil, reload, title), p.list)
	return p
}

func (p *uplinkPanel) content() fyne.CanvasObject { return p.box }

// refresh loads the status off the UI goroutine and shows it.
func (p *uplinkPanel) refresh() {
	src := p.s.deps.Uplink
	if src == nil {
		p.show(nil, nil)
		return
	}
	load(p.s, src.UplinkStatus, p.show)
}

func (p *uplinkPanel) show(sts []store.UpstreamStatus, err error) {
	tr := p.s.tr
	var objs []fyne.CanvasObject
	switch {
	case err != nil:
		objs = append(objs, widget.NewLabel(p.s.errorText(tr.T("uplink.title"), err)))
	case len(sts) == 0:
		l := widget.NewLabel(tr.T("uplink.none"))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	for _, st := range sts {
		l := widget.NewLabel(p.describe(st))
		l.Wrapping = fyne.TextWrapWord
		if st.OverLimit || (!st.Connected && st.LastError != "") {
			l.Importance = widget.DangerImportance
		}
		objs = append(objs, l)
	}
	p.list.Objects = objs
	p.list.Refresh()
}

// describe is one upstream in three lines: target and state; queue; errors.
func (p *uplinkPanel) describe(st store.UpstreamStatus) string {
	tr := p.s.tr
	state := tr.T("uplink.disconnected")
	if st.Connected {
		state = tr.T("uplink.connected")
	}
	lines := []string{tr.T("uplink.kind."+st.Kind) + "  " + st.Target + "  —  " + state,
		tr.T("uplink.queue", st.Pending, when(st.Oldest), when(st.LastOK))}
	if st.Kind == "hj212" && st.Resent > 0 {
		lines[1] += "  " + tr.T("uplink.resent", st.Resent)
	}
	if st.OverLimit {
		lines = append(lines, tr.T("uplink.overlimit"))
	}
	if st.LastError != "" {
		lines = append(lines, tr.T("uplink.lasterror", when(st.LastErrorAt), st.LastError))
	}
	return strings.Join(lines, "\n")
}
