package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// enterprisePage is one enterprise's file (一企一档): basic data, facilities
// with their points and thresholds, the 产治排 diagram, orders and filings, alarms.
type enterprisePage struct {
	s    *Shell
	es   *enterprisesScreen
	id   int64
	box  fyne.CanvasObject
	tabs *container.AppTabs
	data entFile
	note *widget.Label

	basic, facilities, diagram, control, alarms *fyne.Container
}

// entFile is everything the page shows about one enterprise.
type entFile struct {
	e          store.Enterprise
	facilities []store.Facility
	links      []store.Link
	points     map[int64][]store.Point     // facility id →
	thresholds map[int64][]store.Threshold // facility id → history
	orders     []store.Order
	filings    []store.Filing
	alarms     []store.Alarm
	alarmsNote string
}

func newEnterprisePage(s *Shell, es *enterprisesScreen, id int64) *enterprisePage {
	p := &enterprisePage{s: s, es: es, id: id, note: widget.NewLabel("")}
	p.basic, p.facilities, p.diagram, p.control, p.alarms = container.NewVBox(), container.NewVBox(), container.NewStack(), container.NewVBox(), container.NewVBox()
	tr := s.tr
	p.tabs = container.NewAppTabs(
		container.NewTabItem(tr.T("ent.tab.basic"), container.NewVScroll(p.basic)),
		container.NewTabItem(tr.T("ent.tab.facilities"), container.NewScroll(p.facilities)),
		container.NewTabItem(tr.T("ent.tab.diagram"), p.diagram),
		container.NewTabItem(tr.T("ent.tab.control"), container.NewVScroll(p.control)),
		container.NewTabItem(tr.T("ent.tab.alarms"), container.NewVScroll(p.alarms)))
	top := container.NewHBox(
		widget.NewButtonWithIcon(tr.T("common.back"), theme.NavigateBackIcon(), es.back),
		widget.NewButtonWithIcon(tr.T("ent.curves"), theme.GridIcon(), func() { s.curve.showEnterprise(p.id); s.Show(ViewCurves) }),
		p.note)
	p.box = container.NewBorder(top, nil, nil, nil, p.tabs)
	return p
}

func (p *enterprisePage) refresh() {
	load(p.s, p.gather, func(f entFile, err error) {
		if err != nil {
			p.note.SetText(p.s.errorText(p.s.tr.T("nav.enterprises"), err))
			return
		}
		p.note.SetText(f.e.Name)
		p.data = f
		p.showBasic()
		p.showFacilities()
		p.diagram.Objects = []fyne.CanvasObject{container.NewScroll(newChainDiagram(p.s, f.facilities, f.links))}
		p.diagram.Refresh()
		p.showControl()
		p.showAlarms()
	})
}

// gather reads the enterprise's whole file; it runs off the UI goroutine.
func (p *enterprisePage) gather(ctx context.Context) (entFile, error) {
	r, f := p.s.deps.Registry, entFile{points: map[int64][]store.Point{}, thresholds: map[int64][]store.Threshold{}}
	var err error
	if f.e, err = r.EnterpriseByID(ctx, p.id); err != nil {
		return f, fmt.Errorf("read enterprise %d: %w", p.id, err)
	}
	if f.facilities, err = r.FacilitiesByEnterprise(ctx, p.id); err != nil {
		return f, fmt.Errorf("read facilities: %w", err)
	}
	points, err := r.FindPoints(ctx, store.PointFilter{EnterpriseID: p.id})
	if err != nil {
		return f, fmt.Errorf("read points: %w", err)
	}
	for _, pt := range points {
		f.points[pt.FacilityID] = append(f.points[pt.FacilityID], pt)
	}
	for _, fac := range f.facilities {
		if f.thresholds[fac.ID], err = r.ThresholdsFor(ctx, fac.ID); err != nil {
			return f, fmt.Errorf("read thresholds of %s: %w", fac.Name, err)
		}
		if hasLinks(fac.Kind) {
			ls, err := r.LinksByProduction(ctx, fac.ID)
			if err != nil {
				return f, fmt.Errorf("read links of %s: %w", fac.Name, err)
			}
			f.links = append(f.links, ls...)
		}
	}
	if f.orders, err = r.FindOrders(ctx, store.OrderFilter{EnterpriseID: p.id}); err != nil {
		return f, fmt.Errorf("read orders: %w", err)
	}
	if f.filings, err = r.FindFilings(ctx, store.FilingFilter{EnterpriseID: p.id}); err != nil {
		return f, fmt.Errorf("read filings: %w", err)
	}
	if p.s.deps.Alarms == nil {
		f.alarmsNote = p.s.tr.T("common.nodata")
	} else if f.alarms, err = p.s.deps.Alarms.FindAlarms(ctx, store.AlarmFilter{EnterpriseID: p.id, Limit: 200}); err != nil {
		f.alarmsNote = p.s.errorText(p.s.tr.T("ent.tab.alarms"), err)
	}
	return f, nil
}

func (p *enterprisePage) showBasic() {
	tr, e := p.s.tr, p.data.e
	form := widget.NewForm()
	add := func(key, v string) {
		l := widget.NewLabel(v)
		l.Wrapping = fyne.TextWrapWord
		form.Append(tr.T(key), l)
	}
	add("ent.name", e.Name)
	add("ent.uscc", e.USCC)
	add("ent.region", p.es.regionName(e.RegionID))
	add("ent.industry", p.es.industryName(e.IndustryID))
	add("ent.address", e.Address)
	add("ent.coords", fmt.Sprintf("%.6f, %.6f", e.Longitude, e.Latitude))
	add("ent.contact", strings.TrimSpace(e.Contact+"  "+e.Phone))
	add("ent.grade", e.Grade)
	add("ent.plan", e.EmergencyPlan)
	add("ent.updated", when(e.UpdatedAt))
	edit := widget.NewButtonWithIcon(tr.T("common.edit"), theme.DocumentCreateIcon(), func() { p.editEnterprise() })
	if p.s.deps.Editor == nil {
		edit.Disable()
	}
	p.basic.Objects = []fyne.CanvasObject{form, container.NewHBox(edit)}
	p.basic.Refresh()
}

func (p *enterprisePage) showFacilities() {
	tr := p.s.tr
	var objs []fyne.CanvasObject
	if len(p.data.facilities) == 0 {
		objs = append(objs, widget.NewLabel(tr.T("ent.facilities.none")))
	}
	for _, f := range p.data.facilities {
		f := f
		text := fmt.Sprintf("%s  [%s]  %s %.0f kW  %s  %s  %s", f.Name, p.s.facilityKind(f.Kind), tr.T("ent.rated"), f.RatedKW, f.Process, f.Pollutants, f.Outlet)
		lines := []string{text}
		for _, pt := range p.data.points[f.ID] {
			lines = append(lines, "    "+tr.T("ent.point", pt.Name, pt.PowerCode, pt.CurrentCode, pt.CTRatio))
		}
		lines = append(lines, "    "+p.thresholdText(f))
		buttons := []fyne.CanvasObject{widget.NewButton(tr.T("common.edit"), func() { p.editFacility(f) }),
			widget.NewButton(tr.T("ent.threshold.add"), func() { p.addThreshold(f) })}
		if hasLinks(f.Kind) {
			lines = append(lines, "    "+p.linksText(f))
			buttons = append(buttons, widget.NewButton(tr.T("links.edit"), func() { p.editLinks(f) }))
		}
		if p.s.deps.Editor == nil {
			for _, b := range buttons {
				b.(*widget.Button).Disable()
			}
		}
		l := widget.NewLabel(strings.Join(lines, "\n"))
		objs = append(objs, container.NewBorder(nil, nil, nil, container.NewVBox(buttons...), l), widget.NewSeparator())
	}
	p.facilities.Objects = objs
	p.facilities.Refresh()
}

// thresholdText is the threshold in force now, or the derived one, or "none".
func (p *enterprisePage) thresholdText(f store.Facility) string {
	tr := p.s.tr
	th, ok := store.ThresholdAt(p.data.thresholds[f.ID], p.s.deps.Now())
	if !ok {
		if th, ok = store.DefaultThreshold(f.RatedKW); !ok {
			return tr.T("ent.threshold.none")
		}
		return tr.T("ent.threshold.derived", th.Stop, th.Run, unit(th.Basis))
	}
	return tr.T("ent.threshold", th.Stop, th.Run, unit(th.Basis), when(th.EffectiveFrom), len(p.data.thresholds[f.ID]))
}

func unit(b store.Basis) string {
	if b == store.ByCurrent {
		return "A"
	}
	return "kW"
}

func (p *enterprisePage) showControl() {
	tr := p.s.tr
	var lines []string
	lines = append(lines, tr.T("ent.orders"))
	if len(p.data.orders) == 0 {
		lines = append(lines, "    "+tr.T("ent.orders.none"))
	}
	for _, o := range p.data.orders {
		cut := ""
		if o.Kind == store.Cut {
			cut = fmt.Sprintf(" %.0f %%", o.CutPercent)
		}
		scope := p.scope(o.FacilityIDs)
		if len(o.ExemptIDs) > 0 {
			scope += "  " + tr.T("ent.scope.exempt", p.scope(o.ExemptIDs))
		}
		lines = append(lines, fmt.Sprintf("    %s%s  %s  %s — %s  %s", tr.T("order."+string(o.Kind)), cut, tr.T("level."+string(o.Level)), when(o.Start), when(o.End), scope))
	}
	lines = append(lines, "", tr.T("ent.filings"))
	if len(p.data.filings) == 0 {
		lines = append(lines, "    "+tr.T("ent.filings.none"))
	}
	for _, f := range p.data.filings {
		lines = append(lines, fmt.Sprintf("    %s  %s — %s  %s  %s", tr.T("filing."+string(f.Kind)), when(f.Start), when(f.End), p.scope(f.FacilityIDs), f.Note))
	}
	l := widget.NewLabel(strings.Join(lines, "\n"))
	l.Wrapping = fyne.TextWrapWord
	p.control.Objects = []fyne.CanvasObject{l}
	p.control.Refresh()
}

// scope names the facilities an order or filing lists, or "whole enterprise".
func (p *enterprisePage) scope(ids []int64) string {
	if len(ids) == 0 {
		return p.s.tr.T("ent.scope.all")
	}
	var ns []string
	for _, id := range ids {
		ns = append(ns, p.facilityName(id))
	}
	return strings.Join(ns, "、")
}

func (p *enterprisePage) facilityName(id int64) string {
	for _, f := range p.data.facilities {
		if f.ID == id {
			return f.Name
		}
	}
	return fmt.Sprintf("#%d", id)
}

func (p *enterprisePage) showAlarms() {
	tr := p.s.tr
	var lines []string
	switch {
	case p.data.alarmsNote != "":
		lines = append(lines, p.data.alarmsNote)
	case len(p.data.alarms) == 0:
		lines = append(lines, tr.T("ent.alarms.none"))
	}
	for _, a := range p.data.alarms {
		fac := ""
		if a.ProductionID != 0 {
			fac = p.facilityName(a.ProductionID)
		}
		if a.TreatmentID != 0 {
			fac += " → " + p.facilityName(a.TreatmentID)
		}
		lines = append(lines, fmt.Sprintf("%s — %s  %s  %s  %s  %s", when(a.Start), when(a.End), p.s.alarmType(a.Type), p.s.grade(a.Grade), fac, a.Detail))
	}
	l := widget.NewLabel(strings.Join(lines, "\n"))
	l.Wrapping = fyne.TextWrapWord
	p.alarms.Objects = []fyne.CanvasObject{l}
	p.alarms.Refresh()
}
