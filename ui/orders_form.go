package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// orderForm is the dialog's fields for an order or filing, new or edited.
type orderForm struct {
	id         int64 // the order or filing edited; 0 for a new one
	filing     bool
	ent        *entPicker
	facs       *widget.CheckGroup
	exempt     *widget.CheckGroup // facilities a whole-enterprise order lets run (一厂一策)
	facIDs     map[string]int64
	kind       *widget.Select
	cut        *widget.Entry
	level      *widget.Select
	start, end *widget.Entry
	note       *widget.Entry
	err        *widget.Label
	// relayout lays the dialog out again once the facilities are in: the
	// check groups grow and Fyne does not resize their form by itself.
	relayout func()
	// checked are the facility ids to tick once the enterprise's facilities
	// are loaded (an edited order's); taken once.
	checked, exempted []int64
}

var (
	orderKinds  = []store.OrderKind{store.Shutdown, store.Cut}
	orderLevels = []store.Level{store.Yellow, store.Orange, store.Red}
	filingKinds = []store.FilingKind{store.PlannedStop, store.Renovation, store.PowerCut, store.Other}
)

// newForm builds the fields; filing forms have a filing kind and no level or cut.
func (od *ordersScreen) newForm(filing bool) *orderForm {
	tr := od.s.tr
	f := &orderForm{filing: filing, facs: widget.NewCheckGroup(nil, nil), exempt: widget.NewCheckGroup(nil, nil), facIDs: map[string]int64{},
		cut: widget.NewEntry(), start: widget.NewEntry(), end: widget.NewEntry(), note: widget.NewEntry(), err: widget.NewLabel("")}
	f.err.Importance = widget.DangerImportance
	f.ent = newEntPicker(tr, od.ents, func(store.Enterprise) { od.loadFacilities(f) })
	if filing {
		var kinds []string
		for _, k := range filingKinds {
			kinds = append(kinds, tr.T("filing."+string(k)))
		}
		f.kind = newSelect(tr, kinds, nil)
	} else {
		f.kind = newSelect(tr, []string{tr.T("order.shutdown"), tr.T("order.cut")}, nil)
		var levels []string
		for _, l := range orderLevels {
			levels = append(levels, od.level(l))
		}
		f.level = newSelect(tr, levels, nil)
		f.level.SetSelectedIndex(1)
	}
	f.kind.SetSelectedIndex(0)
	start := dayStart(od.s.deps.Now()).AddDate(0, 0, 1)
	f.start.SetText(start.Format(orderTimeLayout))
	f.end.SetText(start.AddDate(0, 0, 3).Format(orderTimeLayout))
	f.cut.SetPlaceHolder("30")
	return f
}

// orderEditForm is the form filled with order o, to correct it.
func (od *ordersScreen) orderEditForm(o store.Order) *orderForm {
	f := od.newForm(false)
	f.id, f.checked, f.exempted = o.ID, o.FacilityIDs, o.ExemptIDs
	f.kind.SetSelectedIndex(max(slices.Index(orderKinds, o.Kind), 0))
	f.level.SetSelectedIndex(max(slices.Index(orderLevels, o.Level), 0))
	if o.Kind == store.Cut {
		f.cut.SetText(strconv.FormatFloat(o.CutPercent, 'g', -1, 64))
	}
	od.fillCommon(f, o.EnterpriseID, o.Start, o.End, o.Note)
	return f
}

// filingEditForm is the form filled with filing x, to correct it.
func (od *ordersScreen) filingEditForm(x store.Filing) *orderForm {
	f := od.newForm(true)
	f.id, f.checked = x.ID, x.FacilityIDs
	f.kind.SetSelectedIndex(max(slices.Index(filingKinds, x.Kind), 0))
	od.fillCommon(f, x.EnterpriseID, x.Start, x.End, x.Note)
	return f
}

func (od *ordersScreen) fillCommon(f *orderForm, ent int64, start, end time.Time, note string) {
	f.start.SetText(start.In(store.Beijing).Format(orderTimeLayout))
	f.end.SetText(end.In(store.Beijing).Format(orderTimeLayout))
	f.note.SetText(note)
	f.ent.SetSelectedID(ent) // loads the facilities, then ticks f.checked
}

// loadFacilities fills the facility checks with the chosen enterprise's facilities.
func (od *ordersScreen) loadFacilities(f *orderForm) {
	id := f.ent.SelectedID()
	if id == 0 || od.s.deps.Registry == nil {
		return
	}
	load(od.s, func(ctx context.Context) ([]store.Facility, error) {
		return od.s.deps.Registry.FacilitiesByEnterprise(ctx, id)
	}, func(fs []store.Facility, err error) {
		if err != nil {
			f.err.SetText(od.s.errorText(od.s.tr.T("ord.col.facility"), err))
			return
		}
		var opts, checked, exempted []string
		f.facIDs = map[string]int64{}
		for _, x := range fs {
			label := x.Name + " (" + od.s.facilityKind(x.Kind) + ")"
			opts = append(opts, label)
			f.facIDs[label] = x.ID
			if slices.Contains(f.checked, x.ID) {
				checked = append(checked, label)
			}
			if slices.Contains(f.exempted, x.ID) {
				exempted = append(exempted, label)
			}
		}
		f.checked, f.exempted = nil, nil
		f.facs.Options, f.facs.Selected = opts, checked
		f.facs.Refresh()
		f.exempt.Options, f.exempt.Selected = opts, exempted
		f.exempt.Refresh()
		if f.relayout != nil {
			f.relayout()
		}
	})
}

// period reads the form's start and end; the error is a sentence for people.
func (od *ordersScreen) period(f *orderForm) (time.Time, time.Time, string) {
	start, err1 := time.ParseInLocation(orderTimeLayout, strings.TrimSpace(f.start.Text), store.Beijing)
	end, err2 := time.ParseInLocation(orderTimeLayout, strings.TrimSpace(f.end.Text), store.Beijing)
	if err1 != nil || err2 != nil {
		return start, end, od.s.tr.T("valid.time")
	}
	if !end.After(start) {
		return start, end, od.s.tr.T("ord.valid.period")
	}
	return start, end, ""
}

// order reads the form as an order, or says what is wrong.
func (od *ordersScreen) order(f *orderForm) (store.Order, string) {
	o := store.Order{ID: f.id, EnterpriseID: f.ent.SelectedID(), Note: strings.TrimSpace(f.note.Text)}
	if o.EnterpriseID == 0 {
		return o, od.s.tr.T("ord.valid.enterprise")
	}
	var msg string
	if o.Start, o.End, msg = od.period(f); msg != "" {
		return o, msg
	}
	o.Kind = orderKinds[max(f.kind.SelectedIndex(), 0)]
	o.Level = orderLevels[max(f.level.SelectedIndex(), 0)]
	if o.Kind == store.Cut {
		c, err := strconv.ParseFloat(strings.TrimSpace(f.cut.Text), 64)
		if err != nil || store.ValidCut(c) != nil {
			return o, od.s.tr.T("ord.valid.cut")
		}
		o.CutPercent = c
	}
	o.FacilityIDs = f.ids(f.facs.Selected)
	o.ExemptIDs = f.ids(f.exempt.Selected)
	return o, ""
}

// ids are the facility ids of the ticked labels, in ascending order as the store keeps them.
func (f *orderForm) ids(labels []string) []int64 {
	var out []int64
	for _, label := range labels {
		out = append(out, f.facIDs[label])
	}
	slices.Sort(out)
	return out
}

func (od *ordersScreen) filing(f *orderForm) (store.Filing, string) {
	x := store.Filing{ID: f.id, EnterpriseID: f.ent.SelectedID(), Note: strings.TrimSpace(f.note.Text)}
	if x.EnterpriseID == 0 {
		return x, od.s.tr.T("ord.valid.enterprise")
	}
	var msg string
	if x.Start, x.End, msg = od.period(f); msg != "" {
		return x, msg
	}
	x.Kind = filingKinds[max(f.kind.SelectedIndex(), 0)]
	x.FacilityIDs = f.ids(f.facs.Selected)
	return x, ""
}

func (od *ordersScreen) onNewOrder()  { od.showForm(od.newForm(false)) }
func (od *ordersScreen) onNewFiling() { od.showForm(od.newForm(true)) }

// showForm opens the order (or filing) dialog of f; it stays open with the
// problem shown until the input is valid and saved.
func (od *ordersScreen) showForm(f *orderForm) {
	tr := od.s.tr
	items := []*widget.FormItem{
		widget.NewFormItem(tr.T("ord.col.enterprise"), f.ent.button),
		widget.NewFormItem(tr.T("ord.col.facility"), container.NewVBox(widget.NewLabel(tr.T("ord.facilities.hint")), f.facs)),
		widget.NewFormItem(tr.T("ord.col.kind"), f.kind),
	}
	if !f.filing {
		items = append(items, widget.NewFormItem(tr.T("ord.col.exempt"), container.NewVBox(widget.NewLabel(tr.T("ord.exempt.hint")), f.exempt)),
			widget.NewFormItem(tr.T("ord.col.cut"), f.cut), widget.NewFormItem(tr.T("ord.col.level"), f.level))
	}
	items = append(items, widget.NewFormItem(tr.T("ord.col.start"), f.start), widget.NewFormItem(tr.T("ord.col.end"), f.end),
		widget.NewFormItem(tr.T("ord.col.note"), f.note))
	title := map[[2]bool]string{{false, false}: tr.T("ord.new"), {true, false}: tr.T("ord.filing.new"),
		{false, true}: tr.T("ord.edit.title"), {true, true}: tr.T("ord.filing.edit.title")}[[2]bool{f.filing, f.id != 0}]
	var dlg *dialog.CustomDialog
	save := widget.NewButton(tr.T("common.save"), func() { od.save(f, func() { dlg.Hide() }) })
	save.Importance = widget.HighImportance
	form := widget.NewForm(items...)
	scroll := container.NewVScroll(form) // an enterprise with many facilities makes a tall form
	dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, f.err, nil, nil, scroll), od.s.win)
	dlg.SetButtons([]fyne.CanvasObject{widget.NewButton(tr.T("common.cancel"), func() { dlg.Hide() }), save})
	size := fyne.NewSize(600, min(640, od.s.win.Canvas().Size().Height-60))
	f.relayout = func() {
		form.Refresh()
		scroll.Refresh()
		dlg.Resize(size)
	}
	dlg.Resize(size)
	dlg.Show()
}

// save validates f and creates or corrects the order or filing; done closes
// the dialog. A correction changes what binds an enterprise, so it is
// confirmed first; the desk re-judges the alarms it touches.
func (od *ordersScreen) save(f *orderForm, done func()) {
	d := od.s.deps.Orders
	if d == nil {
		f.err.SetText(od.s.tr.T("ord.nodesk"))
		return
	}
	who := od.s.operator()
	var work func(ctx context.Context) error
	if f.filing {
		x, msg := od.filing(f)
		if msg != "" {
			f.err.SetText(msg)
			return
		}
		work = func(ctx context.Context) error { return d.CreateFiling(ctx, who, &x) }
		if f.id != 0 {
			work = func(ctx context.Context) error { return d.UpdateFiling(ctx, who, &x) }
		}
	} else {
		o, msg := od.order(f)
		if msg != "" {
			f.err.SetText(msg)
			return
		}
		work = func(ctx context.Context) error { return d.CreateOrder(ctx, who, &o) }
		if f.id != 0 {
			work = func(ctx context.Context) error { return d.UpdateOrder(ctx, who, &o) }
		}
	}
	run := func() {
		f.err.SetText(od.s.tr.T("common.saving"))
		load(od.s, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) }, func(_ struct{}, err error) {
			if err != nil {
				f.err.SetText(od.s.message(err))
				return
			}
			done()
			od.refresh()
		})
	}
	if f.id == 0 {
		run()
		return
	}
	od.s.confirm(od.s.tr.T("ord.edit.confirm.title"), od.s.tr.T("ord.edit.confirm"), od.s.tr.T("common.save"), run)
}
