package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// InboxFailures are the acknowledged uploads the database refused and set
// aside (one terminal's share of a group commit each), so that the other
// terminals' uploads went in. app's Main is one.
type InboxFailures interface {
	InboxFailed(ctx context.Context) ([]store.InboxFailure, error)
	// RetryInboxFailed moves one into the tables; an error says why it is
	// still refused, and it stays listed.
	RetryInboxFailed(ctx context.Context, id int64) error
	// ExportInboxFailed writes every one, with its frames as received.
	ExportInboxFailed(ctx context.Context, w io.Writer) error
}

// inboxPanel is 设置's 搁置的上传: how many uploads were set aside, each with
// its terminal, time and reason, and buttons to retry them or export them.
// It shows nothing but its title and "none" when all is well.
type inboxPanel struct {
	s        *Shell
	list     *fyne.Container
	box      fyne.CanvasObject
	ids      []int64
	relayout func() // lays out the page the panel is on; nil alone
}

func newInboxPanel(s *Shell) *inboxPanel {
	p := &inboxPanel{s: s, list: container.NewVBox()}
	tr := s.tr
	title := widget.NewLabelWithStyle(tr.T("inbox.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	buttons := container.NewHBox(widget.NewButton(tr.T("inbox.retry"), p.onRetry),
		widget.NewButton(tr.T("inbox.export"), p.onExport), widget.NewButton(tr.T("uplink.refresh"), p.refresh))
	p.box = container.NewVBox(container.NewBorder(nil, nil, nil, buttons, title), p.list)
	return p
}

func (p *inboxPanel) content() fyne.CanvasObject { return p.box }

func (p *inboxPanel) refresh() {
	src := p.s.deps.Inbox
	if src == nil {
		p.show(nil, nil)
		return
	}
	load(p.s, src.InboxFailed, p.show)
}

func (p *inboxPanel) show(fs []store.InboxFailure, err error) {
	tr := p.s.tr
	p.ids = p.ids[:0]
	var objs []fyne.CanvasObject
	switch {
	case err != nil:
		objs = append(objs, widget.NewLabel(p.s.errorText(tr.T("inbox.title"), err)))
	case len(fs) == 0:
		objs = append(objs, widget.NewLabel(tr.T("inbox.none")))
	default:
		packets := 0
		for _, f := range fs {
			packets += f.Packets
		}
		head := widget.NewLabel(tr.T("inbox.count", len(fs), packets))
		head.Importance = widget.DangerImportance
		head.Wrapping = fyne.TextWrapWord
		objs = append(objs, head)
	}
	for _, f := range fs {
		p.ids = append(p.ids, f.ID)
		mn := f.MN
		if mn == "" {
			mn = tr.T("inbox.damaged")
		}
		l := widget.NewLabel(fmt.Sprintf("%s  %s  %s\n%s", when(f.FailedAt), mn, tr.T("inbox.packets", f.Packets), f.Error))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	p.list.Objects = objs
	p.list.Refresh()
	if p.relayout != nil {
		p.relayout()
	}
}

// onRetry retries every listed upload and reports those still refused.
func (p *inboxPanel) onRetry() {
	src, ids, tr := p.s.deps.Inbox, append([]int64(nil), p.ids...), p.s.tr
	if src == nil || len(ids) == 0 {
		return
	}
	load(p.s, func(ctx context.Context) ([]string, error) {
		var still []string
		for _, id := range ids {
			if err := src.RetryInboxFailed(ctx, id); err != nil {
				still = append(still, fmt.Sprintf("%d: %s", id, p.s.message(err)))
			}
		}
		return still, nil
	}, func(still []string, _ error) {
		msg := tr.T("inbox.retried", len(ids)-len(still), len(ids))
		if len(still) > 0 {
			msg += "\n" + strings.Join(still, "\n")
		}
		dialog.ShowInformation(tr.T("inbox.title"), msg, p.s.win)
		p.refresh()
	})
}

// onExport asks where to save and writes every set-aside upload there.
func (p *inboxPanel) onExport() {
	src, tr := p.s.deps.Inbox, p.s.tr
	if src == nil {
		return
	}
	p.s.saveFileDialog(tr.T("fd.title.save"), "set-aside-uploads.hj212", func(path string) {
		load(p.s, func(ctx context.Context) (struct{}, error) {
			w, err := os.Create(path)
			if err != nil {
				return struct{}{}, fmt.Errorf("export set-aside uploads: %w", err)
			}
			err = src.ExportInboxFailed(ctx, w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return struct{}{}, err
		}, func(_ struct{}, err error) {
			if err != nil {
				dialog.ShowError(fmt.Errorf("%s", p.s.message(err)), p.s.win)
				return
			}
			dialog.ShowInformation(tr.T("inbox.title"), tr.T("inbox.exported", path), p.s.win)
		})
	})
}
