package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// UplinkStatus reports the relay to the city platform, one entry per
// upstream (HJ 212 relays, then shared-data targets). app's Main is one.
type UplinkStatus interface {
	UplinkStatus(ctx context.Context) ([]store.UpstreamStatus, error)
}

// UplinkSettings are the upstreams as 设置 edits them: HJ 212 addresses
// (host:port), URLs for the shared-data JSON, and a shared folder.
type UplinkSettings struct {
	HJ212  []string
	HTTP   []string
	Folder string
}

// UplinkConfigurer edits the upstreams. When Deps.Uplink also implements it,
// 设置 offers an edit dialog. SetUplinkSettings saves to the config file and
// returns an error saying what is wrong with a value; the running service
// uses the new upstreams at once.
type UplinkConfigurer interface {
	UplinkSettings() UplinkSettings
	SetUplinkSettings(ctx context.Context, s UplinkSettings) error
}

// uplinkPanel is the 设置 view's part about the city platform: per upstream,
// connected or not, queue length, oldest undelivered, last success and last
// error. The upstreams themselves are set in the config file or on serve's
// command line (README "Uplink to the city platform").
type uplinkPanel struct {
	s        *Shell
	list     *fyne.Container
	box      fyne.CanvasObject
	relayout func() // lays out the page the panel is on; nil alone
}

func newUplinkPanel(s *Shell) *uplinkPanel {
	p := &uplinkPanel{s: s, list: container.NewVBox()}
	title := widget.NewLabelWithStyle(s.tr.T("uplink.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	buttons := container.NewHBox(widget.NewButton(s.tr.T("uplink.refresh"), p.refresh))
	if cfg, ok := s.deps.Uplink.(UplinkConfigurer); ok {
		buttons.Add(widget.NewButton(s.tr.T("uplink.edit"), func() { p.onEdit(cfg) }))
	}
	p.box = container.NewVBox(container.NewBorder(nil, nil, nil, buttons, title), p.list)
	return p
}

// onEdit shows the upstreams in a form, one address or URL a line, and saves them.
func (p *uplinkPanel) onEdit(cfg UplinkConfigurer) {
	tr := p.s.tr
	cur := cfg.UplinkSettings()
	hj := widget.NewMultiLineEntry()
	hj.SetText(strings.Join(cur.HJ212, "\n"))
	hj.SetPlaceHolder("city.example.gov.cn:9212")
	urls := widget.NewMultiLineEntry()
	urls.SetText(strings.Join(cur.HTTP, "\n"))
	urls.SetPlaceHolder("https://city.example.gov.cn/api/shared")
	folder := widget.NewEntry()
	folder.SetText(cur.Folder)
	items := []*widget.FormItem{
		widget.NewFormItem(tr.T("uplink.edit.hj212"), hj),
		widget.NewFormItem(tr.T("uplink.edit.http"), urls),
		widget.NewFormItem(tr.T("uplink.edit.folder"), folder),
	}
	d := dialog.NewForm(tr.T("uplink.edit"), tr.T("uplink.edit.save"), tr.T("common.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		next := UplinkSettings{HJ212: lines(hj.Text), HTTP: lines(urls.Text), Folder: strings.TrimSpace(folder.Text)}
		load(p.s, func(ctx context.Context) (struct{}, error) { return struct{}{}, cfg.SetUplinkSettings(ctx, next) },
			func(_ struct{}, err error) {
				if err != nil {
					dialog.ShowInformation(tr.T("uplink.edit"), tr.T("uplink.edit.invalid", err.Error()), p.s.win)
					return
				}
				dialog.ShowInformation(tr.T("uplink.edit"), tr.T("uplink.edit.saved"), p.s.win)
			})
	}, p.s.win)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}

// lines splits text into its non-empty trimmed lines.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
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
		if st.OverLimit || st.WriteOnly || (!st.Connected && st.LastError != "") {
			l.Importance = widget.DangerImportance
		}
		objs = append(objs, l)
	}
	p.list.Objects = objs
	p.list.Refresh()
	if p.relayout != nil {
		p.relayout()
	}
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
	if st.Kind == "hj212" && st.Conns > 0 {
		lines[0] += "  " + tr.T("uplink.conns", st.Conns)
	}
	if st.Kind == "hj212" && st.Resent > 0 {
		lines[1] += "  " + tr.T("uplink.resent", st.Resent)
	}
	if st.OverLimit {
		lines = append(lines, tr.T("uplink.overlimit"))
	}
	if st.WriteOnly {
		lines = append(lines, tr.T("uplink.writeonly"))
	}
	if st.Requests > 0 {
		lines = append(lines, tr.T("uplink.requests", st.Requests))
	}
	if st.LastError != "" {
		lines = append(lines, tr.T("uplink.lasterror", when(st.LastErrorAt), st.LastError))
	}
	return strings.Join(lines, "\n")
}
