package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// ---- 勘察报告: the site survey and point design of §6.7.1–6.7.2 ----

// surveyTab edits one enterprise's survey, with the point-design warnings
// recomputed as the design changes.
type surveyTab struct {
	ms   *maintenanceScreen
	box  fyne.CanvasObject
	pick *entPicker
	body *fyne.Container // the form, rebuilt for each enterprise
	form *surveyForm
	warn *widget.Label
	note *widget.Label
	gen  int // of the latest check, so that a slow older check never overwrites a newer one
}

// surveyForm is one survey as widgets.
type surveyForm struct {
	t          *surveyTab
	ent        int64
	facilities []store.Facility
	pairs      [][2]int64 // production–treatment links of the enterprise
	date       *widget.Entry
	surveyors  *widget.Entry
	texts      []*widget.Entry // products, pattern, process, power use, outlets, emergency, notes
	points     []*pointEditor
	pointBox   *fyne.Container
	together   *widget.CheckGroup
	photos     []string
	plist      *widget.Label
}

// pointEditor is one planned point.
type pointEditor struct {
	id       int64
	name     *widget.Entry
	facs     *widget.CheckGroup
	breaker  *widget.Entry
	aux      *widget.Entry
	supply   *widget.Select
	afterBus *widget.Check
	location *widget.Entry
	box      fyne.CanvasObject
}

var supplies = []store.Supply{store.SupplySingle, store.SupplyMulti, store.SupplyStandby}

func newSurveyTab(ms *maintenanceScreen) *surveyTab {
	s := ms.s
	t := &surveyTab{ms: ms, body: container.NewVBox(), warn: widget.NewLabel(""), note: widget.NewLabel(s.tr.T("maint.survey.pick"))}
	t.warn.Wrapping = fyne.TextWrapWord
	t.warn.Importance = widget.WarningImportance
	t.pick = newEntPicker(s.tr, nil, t.load)
	save := widget.NewButton(s.tr.T("common.save"), t.save)
	save.Importance = widget.HighImportance
	pdf := widget.NewButton(s.tr.T("maint.pdf"), t.print)
	top := container.NewBorder(nil, t.note, nil, container.NewHBox(save, pdf), t.pick.button)
	t.box = container.NewBorder(top, nil, nil, nil, container.NewVScroll(t.body))
	return t
}

func (t *surveyTab) setEnterprises(ents []store.Enterprise) { t.pick.SetEnterprises(ents) }

// load reads an enterprise's survey and facilities and builds the form.
func (t *surveyTab) load(e store.Enterprise) {
	s := t.ms.s
	if s.deps.Maintenance == nil || s.deps.Registry == nil {
		return
	}
	type loaded struct {
		sv    store.Survey
		facs  []store.Facility
		links []store.Link
	}
	load(s, func(ctx context.Context) (loaded, error) {
		var l loaded
		var err error
		if l.sv, err = s.deps.Maintenance.Survey(ctx, e.ID); err != nil {
			return l, err
		}
		if l.facs, err = s.deps.Registry.FacilitiesByEnterprise(ctx, e.ID); err != nil {
			return l, err
		}
		for _, f := range l.facs {
			if f.Kind != store.Production {
				continue
			}
			ls, err := s.deps.Registry.LinksByProduction(ctx, f.ID)
			if err != nil {
				return l, err
			}
			l.links = append(l.links, ls...)
		}
		return l, nil
	}, func(l loaded, err error) {
		if err != nil {
			t.note.SetText(s.errorText(s.tr.T("maint.tab.survey"), err))
			return
		}
		t.note.SetText("")
		t.form = t.newForm(e.ID, l.sv, l.facs, l.links)
		t.body.Objects = []fyne.CanvasObject{t.form.widget(), t.warn}
		t.body.Refresh()
		t.check()
	})
}

func (t *surveyTab) newForm(ent int64, sv store.Survey, facs []store.Facility, links []store.Link) *surveyForm {
	s := t.ms.s
	f := &surveyForm{t: t, ent: ent, facilities: facs, date: widget.NewEntry(), surveyors: widget.NewEntry(),
		pointBox: container.NewVBox(), plist: widget.NewLabel(strings.Join(sv.Photos, "\n")), photos: sv.Photos}
	if !sv.Date.IsZero() {
		f.date.SetText(sv.Date.In(store.Beijing).Format(time.DateOnly))
	} else {
		f.date.SetText(s.deps.Now().In(store.Beijing).Format(time.DateOnly))
	}
	f.surveyors.SetText(sv.Surveyors)
	for _, v := range []string{sv.Products, sv.Pattern, sv.ProcessFlow, sv.PowerUse, sv.Outlets, sv.Emergency, sv.Notes} {
		e := widget.NewMultiLineEntry()
		e.SetMinRowsVisible(2)
		e.SetText(v)
		f.texts = append(f.texts, e)
	}
	name := map[int64]string{}
	for _, fc := range facs {
		name[fc.ID] = fc.Name
	}
	var opts []string
	for _, l := range links {
		f.pairs = append(f.pairs, [2]int64{l.ProductionID, l.TreatmentID})
		opts = append(opts, name[l.ProductionID]+" → "+name[l.TreatmentID])
	}
	f.together = widget.NewCheckGroup(opts, func([]string) { t.check() })
	var on []string
	for _, p := range sv.SwitchTogether {
		for i, q := range f.pairs {
			if q == p {
				on = append(on, opts[i])
			}
		}
	}
	f.together.SetSelected(on)
	for _, p := range sv.Points {
		f.addPoint(p)
	}
	return f
}

func (f *surveyForm) facilityNames() []string {
	out := make([]string, len(f.facilities))
	for i, fc := range f.facilities {
		out[i] = fc.Name
	}
	return out
}

// addPoint appends an editor for p to the form.
func (f *surveyForm) addPoint(p store.PointPlan) {
	s := f.t.ms.s
	changed := func() { f.t.check() }
	pe := &pointEditor{id: p.PointID, name: widget.NewEntry(), breaker: widget.NewEntry(), aux: widget.NewEntry(), location: widget.NewEntry()}
	pe.name.SetText(p.Name)
	pe.facs = widget.NewCheckGroup(f.facilityNames(), func([]string) { changed() })
	pe.facs.Horizontal = true
	var on []string
	for _, id := range p.Facilities {
		for _, fc := range f.facilities {
			if fc.ID == id {
				on = append(on, fc.Name)
			}
		}
	}
	pe.facs.SetSelected(on)
	if p.BreakerA > 0 {
		pe.breaker.SetText(strconv.FormatFloat(p.BreakerA, 'f', -1, 64))
	}
	if p.SharedAuxKW > 0 {
		pe.aux.SetText(strconv.FormatFloat(p.SharedAuxKW, 'f', -1, 64))
	}
	pe.aux.OnChanged = func(string) { changed() }
	pe.supply = newSelect(s.tr, []string{s.tr.T("maint.supply.single"), s.tr.T("maint.supply.multi"), s.tr.T("maint.supply.standby")}, func(string) { changed() })
	pe.supply.SetSelectedIndex(0)
	for i, x := range supplies {
		if x == p.Supply {
			pe.supply.SetSelectedIndex(i)
		}
	}
	pe.afterBus = widget.NewCheck(s.tr.T("maint.afterbus"), func(bool) { changed() })
	pe.afterBus.SetChecked(p.AfterBus)
	pe.location.SetText(p.Location)
	var remove *widget.Button
	remove = widget.NewButton(s.tr.T("maint.point.remove"), func() {
		name := strings.TrimSpace(pe.name.Text)
		s.confirm(s.tr.T("maint.point.remove"), s.tr.T("maint.point.remove.confirm", name), s.tr.T("common.delete"), func() {
			for i, x := range f.points {
				if x == pe {
					f.points = append(f.points[:i], f.points[i+1:]...)
				}
			}
			f.pointBox.Remove(pe.box)
			changed()
		})
	})
	form := widget.NewForm(
		widget.NewFormItem(s.tr.T("maint.point.name"), container.NewBorder(nil, nil, nil, remove, pe.name)),
		widget.NewFormItem(s.tr.T("maint.point.facilities"), pe.facs),
		widget.NewFormItem(s.tr.T("maint.point.breaker"), pe.breaker),
		widget.NewFormItem(s.tr.T("maint.point.aux"), pe.aux),
		widget.NewFormItem(s.tr.T("maint.point.supply"), container.NewHBox(pe.supply, pe.afterBus)),
		widget.NewFormItem(s.tr.T("maint.point.location"), pe.location))
	pe.box = widget.NewCard("", "", form)
	f.points = append(f.points, pe)
	f.pointBox.Add(pe.box)
}

func (f *surveyForm) widget() fyne.CanvasObject {
	s := f.t.ms.s
	labels := []string{"maint.survey.products", "maint.survey.pattern", "maint.survey.process", "maint.survey.power",
		"maint.survey.outlets", "maint.survey.emergency", "maint.survey.notes"}
	form := widget.NewForm(
		widget.NewFormItem(s.tr.T("maint.date"), f.date),
		widget.NewFormItem(s.tr.T("maint.survey.people"), f.surveyors))
	for i, e := range f.texts {
		form.Append(surveyLabel(s, labels[i]), e)
	}
	form.Append(s.tr.T("maint.survey.together"), f.together)
	addPhoto := widget.NewButton(s.tr.T("maint.photo.add"), func() {
		s.openFileDialog(s.tr.T("fd.title.open"), photoExts, func(path string) {
			data, err := os.ReadFile(path)
			if err != nil {
				dialog.ShowError(err, s.win)
				return
			}
			f.addPhoto(filepath.Base(path), data)
		})
	})
	form.Append(s.tr.T("maint.survey.photos"), container.NewBorder(nil, nil, addPhoto, nil, f.plist))
	add := widget.NewButton(s.tr.T("maint.point.add"), func() {
		f.addPoint(store.PointPlan{Supply: store.SupplySingle})
		f.t.check()
	})
	return container.NewVBox(form, widget.NewLabelWithStyle(s.tr.T("maint.survey.design"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.pointBox, container.NewHBox(add))
}

// surveyLabel looks up the label of one free-text field of the survey.
func surveyLabel(s *Shell, id string) string {
	switch id {
	case "maint.survey.products":
		return s.tr.T("maint.survey.products")
	case "maint.survey.pattern":
		return s.tr.T("maint.survey.pattern")
	case "maint.survey.process":
		return s.tr.T("maint.survey.process")
	case "maint.survey.power":
		return s.tr.T("maint.survey.power")
	case "maint.survey.outlets":
		return s.tr.T("maint.survey.outlets")
	case "maint.survey.emergency":
		return s.tr.T("maint.survey.emergency")
	}
	return s.tr.T("maint.survey.notes")
}

func (f *surveyForm) addPhoto(name string, data []byte) {
	s := f.t.ms.s
	load(s, func(ctx context.Context) (string, error) {
		return s.deps.Maintenance.SavePhoto(ctx, name, data)
	}, func(p string, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		f.photos = append(f.photos, p)
		f.plist.SetText(strings.Join(f.photos, "\n"))
	})
}

// survey reads the form; msg says what is wrong ("" when nothing).
func (f *surveyForm) survey() (store.Survey, string) {
	tr := f.t.ms.s.tr
	sv := store.Survey{EnterpriseID: f.ent, Surveyors: strings.TrimSpace(f.surveyors.Text), Photos: f.photos}
	var err error
	if strings.TrimSpace(f.date.Text) != "" {
		if sv.Date, err = store.ParseLocalTime(f.date.Text); err != nil {
			return sv, tr.T("maint.bad.date", f.date.Text)
		}
	}
	vals := make([]string, len(f.texts))
	for i, e := range f.texts {
		vals[i] = strings.TrimSpace(e.Text)
	}
	sv.Products, sv.Pattern, sv.ProcessFlow, sv.PowerUse, sv.Outlets, sv.Emergency, sv.Notes = vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]
	on := map[string]bool{}
	for _, x := range f.together.Selected {
		on[x] = true
	}
	for i, o := range f.together.Options {
		if on[o] {
			sv.SwitchTogether = append(sv.SwitchTogether, f.pairs[i])
		}
	}
	for n, pe := range f.points {
		p := store.PointPlan{PointID: pe.id, Name: strings.TrimSpace(pe.name.Text), Location: strings.TrimSpace(pe.location.Text),
			AfterBus: pe.afterBus.Checked}
		if p.Name == "" {
			p.Name = fmt.Sprintf("P%d", n+1)
		}
		if i := pe.supply.SelectedIndex(); i >= 0 && i < len(supplies) {
			p.Supply = supplies[i]
		}
		sel := map[string]bool{}
		for _, x := range pe.facs.Selected {
			sel[x] = true
		}
		for _, fc := range f.facilities {
			if sel[fc.Name] {
				p.Facilities = append(p.Facilities, fc.ID)
			}
		}
		for _, num := range []struct {
			e   *widget.Entry
			dst *float64
		}{{pe.breaker, &p.BreakerA}, {pe.aux, &p.SharedAuxKW}} {
			txt := strings.TrimSpace(num.e.Text)
			if txt == "" {
				continue
			}
			v, err := strconv.ParseFloat(txt, 64)
			if err != nil || v < 0 {
				return sv, tr.T("maint.bad.number", p.Name, txt)
			}
			*num.dst = v
		}
		sv.Points = append(sv.Points, p)
	}
	return sv, ""
}

// check recomputes the design warnings.
func (t *surveyTab) check() {
	s := t.ms.s
	if t.form == nil {
		return
	}
	sv, msg := t.form.survey()
	if msg != "" {
		t.warn.SetText(msg)
		return
	}
	t.gen++
	gen := t.gen
	load(s, func(ctx context.Context) ([]string, error) {
		return s.deps.Maintenance.DesignWarnings(ctx, sv)
	}, func(ws []string, err error) {
		if gen != t.gen {
			return
		}
		switch {
		case err != nil:
			t.warn.SetText(s.message(err))
		case len(ws) == 0:
			t.warn.SetText(s.tr.T("maint.survey.nowarnings"))
		default:
			t.warn.SetText(s.tr.T("maint.survey.warnings", len(ws)) + "\n• " + strings.Join(ws, "\n• "))
		}
	})
}

func (t *surveyTab) save() {
	s := t.ms.s
	if t.form == nil {
		return
	}
	sv, msg := t.form.survey()
	if msg != "" {
		t.note.SetText(msg)
		return
	}
	who := s.operator()
	load(s, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.deps.Maintenance.SaveSurvey(ctx, who, sv)
	}, func(_ struct{}, err error) {
		if err != nil {
			t.note.SetText(s.message(err))
			return
		}
		t.note.SetText(s.tr.T("maint.survey.saved"))
	})
}

func (t *surveyTab) print() {
	s := t.ms.s
	if t.form == nil {
		return
	}
	sv, msg := t.form.survey()
	if msg != "" {
		t.note.SetText(msg)
		return
	}
	s.saveFileDialog(s.tr.T("fd.title.save"), "勘察安装报告.pdf", func(path string) {
		load(s, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.deps.Maintenance.PrintSurvey(ctx, path, sv)
		}, func(_ struct{}, err error) {
			if err != nil {
				dialog.ShowError(err, s.win)
			}
		})
	})
}
