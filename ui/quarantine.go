package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// quarantineList shows the MNs that sent data without being registered (or
// with a wrong password), and registers one with a dialog.
type quarantineList struct {
	s     *Shell
	ts    *terminalsScreen
	box   fyne.CanvasObject
	items []store.QuarantinedPacket
	list  *widget.List
	note  *widget.Label
	ents  []store.Enterprise
	// registered MNs: the listener keeps their quarantined packets until it
	// has replayed them, so the list marks them instead of offering to register again.
	registered map[string]bool
}

func newQuarantineList(s *Shell, ts *terminalsScreen) *quarantineList {
	q := &quarantineList{s: s, ts: ts, note: widget.NewLabel("")}
	q.list = widget.NewList(func() int { return len(q.items) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewButton(s.tr.T("quar.register"), nil), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			it := q.items[i]
			c.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s  %s  %s  %s — %s  ×%d", it.MN, s.tr.T("quar.reason."+it.Reason),
				it.RemoteAddr, when(it.FirstSeen), when(it.LastSeen), it.Count))
			b := c.Objects[1].(*widget.Button)
			b.OnTapped = func() { q.onRegister(it) }
			b.SetText(s.tr.T("quar.register"))
			b.Enable()
			if q.registered[it.MN] {
				b.SetText(s.tr.T("quar.registered"))
				b.Disable()
			}
			if s.deps.Editor == nil {
				b.Disable()
			}
		})
	q.box = container.NewBorder(q.note, nil, nil, nil, q.list)
	return q
}

func (q *quarantineList) refresh() {
	d := q.s.deps
	if d.Terminals == nil && d.Quarantine == nil {
		q.items = nil
		q.list.Refresh()
		q.note.SetText(q.s.tr.T("common.nodata"))
		return
	}
	type quarData struct {
		items      []store.QuarantinedPacket
		ents       []store.Enterprise
		registered map[string]bool
	}
	load(q.s, func(ctx context.Context) (quarData, error) {
		var qd quarData
		var err error
		if d.Quarantine != nil {
			qd.items, err = d.Quarantine.Quarantine(ctx)
		} else {
			qd.items, err = d.Terminals.Quarantined(ctx)
		}
		if err != nil || d.Registry == nil {
			return qd, err
		}
		if qd.ents, err = d.Registry.FindEnterprises(ctx, store.EnterpriseFilter{}); err != nil {
			return qd, err
		}
		terms, err := d.Registry.FindTerminals(ctx, store.TerminalFilter{})
		qd.registered = map[string]bool{}
		for _, t := range terms {
			qd.registered[t.MN] = true
		}
		return qd, err
	}, func(qd quarData, err error) {
		q.items, q.ents, q.registered = qd.items, qd.ents, qd.registered
		q.list.Refresh()
		switch {
		case err != nil:
			q.note.SetText(q.s.errorText(q.s.tr.T("term.tab.quarantine"), err))
		case len(q.items) == 0:
			q.note.SetText(q.s.tr.T("quar.none"))
		default:
			q.note.SetText(q.s.tr.T("quar.count", len(q.items)))
		}
	})
}

// registerForm is the dialog's fields; validate returns the first mistake.
type registerForm struct {
	quarMN           string // the MN as quarantined
	mn, pw, rtd, min *widget.Entry
	ent              *widget.Select
	err              *widget.Label
	warned           string // the 2005 MN whose warning was shown: saving again registers it
}

func (q *quarantineList) onRegister(it store.QuarantinedPacket) {
	tr := q.s.tr
	f := &registerForm{quarMN: it.MN, mn: widget.NewEntry(), pw: widget.NewEntry(), rtd: widget.NewEntry(), min: widget.NewEntry(), err: widget.NewLabel("")}
	f.mn.SetText(it.MN)
	f.rtd.SetText("5")
	f.min.SetText("5")
	names := make([]string, len(q.ents))
	for i, e := range q.ents {
		names[i] = e.Name
	}
	f.ent = newSelect(tr, names, nil)
	f.err.Importance = widget.DangerImportance
	f.err.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr.T("term.mn"), f.mn), widget.NewFormItem(tr.T("term.enterprise"), f.ent),
		widget.NewFormItem(tr.T("quar.password"), f.pw), widget.NewFormItem(tr.T("term.rtd"), f.rtd),
		widget.NewFormItem(tr.T("term.min"), f.min))
	var dlg *dialog.CustomDialog
	save := widget.NewButton(tr.T("common.save"), func() { q.submit(f, dlg) })
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(tr.T("common.cancel"), func() { dlg.Hide() })
	dlg = dialog.NewCustomWithoutButtons(tr.T("quar.register.title"), container.NewVBox(form, f.err), q.s.win)
	dlg.SetButtons([]fyne.CanvasObject{cancel, save})
	dlg.Resize(fyne.NewSize(520, 360))
	dlg.Show()
}

// submit validates the form and creates the terminal; the dialog stays open
// with the reason when either fails.
func (q *quarantineList) submit(f *registerForm, dlg *dialog.CustomDialog) {
	tr := q.s.tr
	t, msg := q.terminal(f)
	if msg != "" {
		f.err.SetText(msg)
		return
	}
	f.err.SetText(tr.T("common.saving"))
	who := q.s.operator()
	load(q.s, func(ctx context.Context) (struct{}, error) {
		create := func(ctx context.Context, _ store.QuarantinedPacket) error {
			return q.s.deps.Editor.CreateTerminal(ctx, who, &t)
		}
		if q.s.deps.Quarantine == nil {
			return struct{}{}, create(ctx, store.QuarantinedPacket{})
		}
		return struct{}{}, q.s.deps.Quarantine.RegisterFromQuarantine(ctx, f.quarMN, create)
	}, func(_ struct{}, err error) {
		if err != nil {
			f.err.SetText(q.s.message(err))
			return
		}
		dlg.Hide()
		q.refresh()
	})
}

// terminal builds the terminal from the form, or says what is wrong.
func (q *quarantineList) terminal(f *registerForm) (store.Terminal, string) {
	tr := q.s.tr
	mn := strings.ToUpper(strings.TrimSpace(f.mn.Text))
	// The MN's forms are the store's (store.KindOfMN); an HJ/T 212-2005 MN is
	// registrable after the operator confirmed the warning (issue 17).
	switch store.KindOfMN(mn) {
	case store.MN2005:
		if f.warned != mn {
			f.warned = mn
			return store.Terminal{}, tr.T("valid.mn2005")
		}
	case store.MNInvalid:
		return store.Terminal{}, tr.T("valid.mn")
	}
	i := f.ent.SelectedIndex()
	if i < 0 {
		return store.Terminal{}, tr.T("valid.enterprise")
	}
	if strings.TrimSpace(f.pw.Text) == "" {
		return store.Terminal{}, tr.T("valid.password")
	}
	rtd, err1 := strconv.Atoi(strings.TrimSpace(f.rtd.Text))
	min, err2 := strconv.Atoi(strings.TrimSpace(f.min.Text))
	if err1 != nil || err2 != nil || rtd <= 0 || min <= 0 || rtd > 1440 || min > 1440 {
		return store.Terminal{}, tr.T("valid.minutes")
	}
	return store.Terminal{
		MN: mn, Password: strings.TrimSpace(f.pw.Text), EnterpriseID: q.ents[i].ID,
		RtdInterval: time.Duration(rtd) * time.Minute, MinInterval: time.Duration(min) * time.Minute,
		InstalledAt: q.s.deps.Now(),
	}, ""
}
