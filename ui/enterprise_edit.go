package ui

import (
	"context"

	"regexp"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/geo"
	"powerwatch/store"
)

// editDialog shows form with Save and Cancel. Save calls check, which returns
// what is wrong ("" when nothing) and the change to write; the dialog stays
// open with the mistake or the store's refusal, and closes after saved.
func (s *Shell) editDialog(title string, form *widget.Form, check func() (string, func(ctx context.Context, who string) error), saved func()) *dialog.CustomDialog {
	errLabel := widget.NewLabel("")
	errLabel.Importance = widget.DangerImportance
	errLabel.Wrapping = fyne.TextWrapWord
	var dlg *dialog.CustomDialog
	save := widget.NewButton(s.tr.T("common.save"), func() {
		msg, write := check()
		if msg != "" {
			errLabel.SetText(msg)
			return
		}
		errLabel.SetText(s.tr.T("common.saving"))
		who := s.operator()
		load(s, func(ctx context.Context) (struct{}, error) { return struct{}{}, write(ctx, who) }, func(_ struct{}, err error) {
			if err != nil {
				errLabel.SetText(s.message(err))
				return
			}
			dlg.Hide()
			saved()
		})
	})
	save.Importance = widget.HighImportance
	dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(form, errLabel), s.win)
	dlg.SetButtons([]fyne.CanvasObject{widget.NewButton(s.tr.T("common.cancel"), func() { dlg.Hide() }), save})
	dlg.Resize(fyne.NewSize(640, 560))
	dlg.Show()
	return dlg
}

// uscc is the form of a unified social credit code (GB 32100-2015): 18
// characters of digits and capitals without I, O, S, V, Z.
var uscc = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{18}$`)

var phone = regexp.MustCompile(`^[0-9+\- ]{7,20}$`)

// checkEnterprise returns the message id of the first mistake in e, or "".
func checkEnterprise(e store.Enterprise) string {
	switch {
	case strings.TrimSpace(e.Name) == "":
		return "valid.name"
	case e.USCC != "" && !uscc.MatchString(e.USCC):
		return "valid.uscc"
	case e.Phone != "" && !phone.MatchString(e.Phone):
		return "valid.phone"
	case (e.Longitude != 0 || e.Latitude != 0) && !geo.Beijing.Contains(geo.Point{Lng: e.Longitude, Lat: e.Latitude}):
		return "valid.coords"
	}
	return ""
}

// editEnterprise edits the basic file of the shown enterprise.
func (p *enterprisePage) editEnterprise() {
	tr, e := p.s.tr, p.data.e
	name, code, addr, contact, tel, lon, lat := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	plan := widget.NewMultiLineEntry()
	grade := widget.NewSelectEntry([]string{"A", "B", "C", "D", "引领性"})
	grade.SetPlaceHolder(tr.T("common.choose"))
	name.SetText(e.Name)
	code.SetText(e.USCC)
	addr.SetText(e.Address)
	contact.SetText(e.Contact)
	tel.SetText(e.Phone)
	lon.SetText(strconv.FormatFloat(e.Longitude, 'f', -1, 64))
	lat.SetText(strconv.FormatFloat(e.Latitude, 'f', -1, 64))
	grade.SetText(e.Grade)
	plan.SetText(e.EmergencyPlan)
	form := widget.NewForm(
		widget.NewFormItem(tr.T("ent.name"), name), widget.NewFormItem(tr.T("ent.uscc"), code),
		widget.NewFormItem(tr.T("ent.address"), addr), widget.NewFormItem(tr.T("ent.contact"), contact),
		widget.NewFormItem(tr.T("ent.phone"), tel), widget.NewFormItem(tr.T("ent.longitude"), lon),
		widget.NewFormItem(tr.T("ent.latitude"), container.NewBorder(nil, nil, nil, p.s.pickButton(lon, lat), lat)),
		widget.NewFormItem(tr.T("ent.grade"), grade),
		widget.NewFormItem(tr.T("ent.plan"), plan))
	p.s.editDialog(tr.T("ent.edit.title", e.Name), form, func() (string, func(context.Context, string) error) {
		n := e
		n.Name, n.USCC, n.Address = strings.TrimSpace(name.Text), strings.ToUpper(strings.TrimSpace(code.Text)), strings.TrimSpace(addr.Text)
		n.Contact, n.Phone, n.Grade, n.EmergencyPlan = strings.TrimSpace(contact.Text), strings.TrimSpace(tel.Text), strings.TrimSpace(grade.Text), plan.Text
		var err1, err2 error
		n.Longitude, err1 = parseFloat(lon.Text)
		n.Latitude, err2 = parseFloat(lat.Text)
		if err1 != nil || err2 != nil {
			return tr.T("valid.coords"), nil
		}
		if id := checkEnterprise(n); id != "" {
			return tr.T(id), nil
		}
		return "", func(ctx context.Context, who string) error { return p.s.deps.Editor.UpdateEnterprise(ctx, who, &n) }
	}, p.refresh)
}

// parseDate reads a Beijing date; an empty field is the zero time.
func parseDate(s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.DateOnly, s, store.Beijing)
}

// parseFloat reads a number; an empty field is 0.
func parseFloat(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return strconv.ParseFloat(s, 64)
}

// editFacility edits one facility's name, kind, rated power, process, pollutants and outlet.
func (p *enterprisePage) editFacility(f store.Facility) {
	tr := p.s.tr
	kinds := []store.FacilityKind{store.Production, store.Treatment, store.Integrated, store.Total, store.Indirect}
	name, rated, process, pollutants, outlet := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	commissioned := widget.NewEntry()
	commissioned.SetPlaceHolder("2026-03-01")
	if !f.CommissionedAt.IsZero() {
		commissioned.SetText(f.CommissionedAt.In(store.Beijing).Format(time.DateOnly))
	}
	kind := newSelect(p.s.tr, names(kinds, p.s.facilityKind), nil)
	name.SetText(f.Name)
	rated.SetText(strconv.FormatFloat(f.RatedKW, 'f', -1, 64))
	process.SetText(f.Process)
	pollutants.SetText(f.Pollutants)
	outlet.SetText(f.Outlet)
	for i, k := range kinds {
		if k == f.Kind {
			kind.SetSelectedIndex(i)
		}
	}
	form := widget.NewForm(
		widget.NewFormItem(tr.T("fac.name"), name), widget.NewFormItem(tr.T("fac.kind"), kind),
		widget.NewFormItem(tr.T("ent.rated"), rated), widget.NewFormItem(tr.T("fac.process"), process),
		widget.NewFormItem(tr.T("fac.pollutants"), pollutants), widget.NewFormItem(tr.T("fac.outlet"), outlet),
		widget.NewFormItem(tr.T("fac.commissioned"), commissioned))
	p.s.editDialog(tr.T("fac.edit.title", f.Name), form, func() (string, func(context.Context, string) error) {
		n := f
		var errDate error
		n.CommissionedAt, errDate = parseDate(commissioned.Text)
		n.Name, n.Process, n.Pollutants, n.Outlet = strings.TrimSpace(name.Text), strings.TrimSpace(process.Text), strings.TrimSpace(pollutants.Text), strings.TrimSpace(outlet.Text)
		kw, err := parseFloat(rated.Text)
		switch {
		case n.Name == "":
			return tr.T("valid.name"), nil
		case err != nil || (store.Facility{Name: n.Name, Kind: store.Production, RatedKW: kw}).Validate() != nil:
			return tr.T("valid.rated"), nil
		case kind.SelectedIndex() < 0:
			return tr.T("valid.kind"), nil
		case errDate != nil:
			return tr.T("valid.time"), nil
		}
		n.RatedKW, n.Kind = kw, kinds[kind.SelectedIndex()]
		return "", func(ctx context.Context, who string) error { return p.s.deps.Editor.UpdateFacility(ctx, who, &n) }
	}, p.refresh)
}

// checkThreshold returns the message id of the first mistake in t, or "".
func checkThreshold(t store.Threshold) string {
	if t.Validate() == nil { // the rule is the store's; below only which message
		return ""
	}
	switch {
	case t.Stop < 0 || t.Run <= 0:
		return "valid.threshold.positive"
	case t.Run <= t.Stop:
		return "valid.threshold.order"
	case t.MinPersist < 0 || t.MinPersist > store.MaxPersist:
		return "valid.persist"
	}
	return "valid.threshold.order"
}

// addThreshold adds a new threshold to facility f from a chosen time on.
func (p *enterprisePage) addThreshold(f store.Facility) {
	tr := p.s.tr
	stop, run, persist, from, note := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	basis := newSelect(p.s.tr, []string{"kW", "A"}, nil)
	basis.SetSelectedIndex(0)
	cur, ok := store.ThresholdAt(p.data.thresholds[f.ID], p.s.deps.Now())
	if !ok {
		cur, _ = store.DefaultThreshold(f.RatedKW)
	}
	stop.SetText(strconv.FormatFloat(cur.Stop, 'f', -1, 64))
	run.SetText(strconv.FormatFloat(cur.Run, 'f', -1, 64))
	persist.SetText(strconv.Itoa(int(cur.MinPersist.Minutes())))
	from.SetText(p.s.deps.Now().In(store.Beijing).Format(timeLayout))
	form := widget.NewForm(
		widget.NewFormItem(tr.T("th.basis"), basis), widget.NewFormItem(tr.T("th.stop"), stop),
		widget.NewFormItem(tr.T("th.run"), run), widget.NewFormItem(tr.T("th.persist"), persist),
		widget.NewFormItem(tr.T("th.from"), from), widget.NewFormItem(tr.T("th.note"), note))
	p.s.editDialog(tr.T("th.title", f.Name), form, func() (string, func(context.Context, string) error) {
		t := store.Threshold{FacilityID: f.ID, Basis: store.ByPower, Note: strings.TrimSpace(note.Text)}
		if basis.SelectedIndex() == 1 {
			t.Basis = store.ByCurrent
		}
		var e1, e2, e3, e4 error
		t.Stop, e1 = parseFloat(stop.Text)
		t.Run, e2 = parseFloat(run.Text)
		var mins int
		mins, e3 = strconv.Atoi(strings.TrimSpace(persist.Text))
		t.MinPersist = time.Duration(mins) * time.Minute
		t.EffectiveFrom, e4 = parseTime(from.Text)
		switch {
		case e1 != nil || e2 != nil:
			return tr.T("valid.threshold.positive"), nil
		case e3 != nil:
			return tr.T("valid.persist"), nil
		case e4 != nil:
			return tr.T("valid.time"), nil
		}
		if id := checkThreshold(t); id != "" {
			return tr.T(id), nil
		}
		return "", func(ctx context.Context, who string) error { return p.s.deps.Editor.CreateThreshold(ctx, who, &t) }
	}, p.refresh)
}
