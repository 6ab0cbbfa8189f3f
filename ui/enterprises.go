package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// enterprisesScreen is 企业 (一企一档): the searchable list of enterprises,
// the registry import/export, and one enterprise's page over the list.
type enterprisesScreen struct {
	s     *Shell
	stack *fyne.Container
	list  fyne.CanvasObject

	all        []store.Enterprise
	rows       []store.Enterprise
	regions    []store.Region
	industries []store.Industry

	search   *widget.Entry
	region   *widget.Select
	industry *widget.Select
	note     *widget.Label
	tbl      *specTable[store.Enterprise]
}

func newEnterprisesScreen(s *Shell) *enterprisesScreen {
	es := &enterprisesScreen{s: s, note: widget.NewLabel("")}
	es.search = widget.NewEntry()
	es.search.SetPlaceHolder(s.tr.T("ent.search"))
	es.search.OnChanged = func(string) { es.apply() }
	es.region = newSelect(s.tr, nil, func(string) { es.apply() })
	es.region.PlaceHolder = s.tr.T("ent.region.all")
	es.industry = newSelect(s.tr, nil, func(string) { es.apply() })
	es.industry.PlaceHolder = s.tr.T("ent.industry.all")
	es.tbl = newSpecTable(es.columns(), func() []store.Enterprise { return es.rows }, func(row int) {
		es.tbl.table.UnselectAll()
		es.open(es.rows[row].ID)
	}, func() { es.rows = es.tbl.sorted(es.rows) })
	tools := container.NewHBox(
		widget.NewButton(s.tr.T("ent.import"), es.onImport),
		widget.NewButton(s.tr.T("ent.export"), es.onExport))
	if s.deps.Transfer == nil {
		for _, o := range tools.Objects {
			o.(*widget.Button).Disable()
		}
	}
	if s.deps.Limits != nil {
		tools.Add(widget.NewButton(s.tr.T("lim.misfits"), s.showMisfits))
	}
	filters := container.NewGridWithColumns(2, es.region, es.industry)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, tools, es.search), filters, es.note)
	es.list = container.NewBorder(top, es.tbl.hint, nil, nil, es.tbl.table)
	es.stack = container.NewStack(es.list)
	return es
}

func (es *enterprisesScreen) content() fyne.CanvasObject { return es.stack }

type entData struct {
	ents       []store.Enterprise
	regions    []store.Region
	industries []store.Industry
}

func (es *enterprisesScreen) refresh() {
	es.back()
	r := es.s.deps.Registry
	if r == nil {
		es.note.SetText(es.s.tr.T("common.nodata"))
		return
	}
	load(es.s, func(ctx context.Context) (entData, error) {
		var d entData
		var err error
		if d.ents, err = r.FindEnterprises(ctx, store.EnterpriseFilter{}); err != nil {
			return d, fmt.Errorf("list enterprises: %w", err)
		}
		if d.regions, err = r.FindRegions(ctx); err != nil {
			return d, fmt.Errorf("list regions: %w", err)
		}
		d.industries, err = r.FindIndustries(ctx)
		return d, err
	}, func(d entData, err error) {
		if err != nil {
			es.note.SetText(es.s.errorText(es.s.tr.T("nav.enterprises"), err))
			return
		}
		es.all, es.regions, es.industries = d.ents, d.regions, d.industries
		es.region.Options = append([]string{es.s.tr.T("ent.region.all")}, names(d.regions, func(r store.Region) string { return r.Name })...)
		es.industry.Options = append([]string{es.s.tr.T("ent.industry.all")}, names(d.industries, func(i store.Industry) string { return i.Name })...)
		es.apply()
	})
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = name(x)
	}
	return out
}

// apply filters all by the search text, region and industry.
func (es *enterprisesScreen) apply() {
	q := strings.ToLower(strings.TrimSpace(es.search.Text))
	region := es.pick(es.region, func(i int) int64 { return es.regions[i].ID })
	industry := es.pick(es.industry, func(i int) int64 { return es.industries[i].ID })
	rows := []store.Enterprise{}
	for _, e := range es.all {
		if q != "" && !strings.Contains(strings.ToLower(e.Name), q) && !strings.Contains(strings.ToLower(e.USCC), q) && !strings.Contains(strings.ToLower(e.Address), q) {
			continue
		}
		if (region != 0 && e.RegionID != region) || (industry != 0 && e.IndustryID != industry) {
			continue
		}
		rows = append(rows, e)
	}
	es.rows = es.tbl.sorted(rows)
	es.tbl.Refresh()
	if es.s.deps.Registry != nil {
		es.note.SetText(es.s.tr.T("ent.count", len(es.rows), len(es.all)))
	}
}

// pick returns the id chosen in a filter select, 0 for "all" or none.
func (es *enterprisesScreen) pick(sel *widget.Select, id func(i int) int64) int64 {
	i := sel.SelectedIndex()
	if i <= 0 {
		return 0
	}
	return id(i - 1)
}

func (es *enterprisesScreen) regionName(id int64) string {
	for _, r := range es.regions {
		if r.ID == id {
			return r.Name
		}
	}
	return "—"
}

func (es *enterprisesScreen) industryName(id int64) string {
	for _, i := range es.industries {
		if i.ID == id {
			return i.Name
		}
	}
	return "—"
}

// columns are the enterprise table's columns.
func (es *enterprisesScreen) columns() []column[store.Enterprise] {
	tr := es.s.tr
	type r = store.Enterprise
	return []column[r]{
		{head: tr.T("ent.name"), width: 260, text: func(e r) string { return e.Name }},
		{head: tr.T("ent.uscc"), width: 190, text: func(e r) string { return e.USCC }},
		{head: tr.T("ent.region"), width: 120, text: func(e r) string { return es.regionName(e.RegionID) }},
		{head: tr.T("ent.industry"), width: 180, text: func(e r) string { return es.industryName(e.IndustryID) }},
		{head: tr.T("ent.grade"), width: 90, text: func(e r) string { return e.Grade }},
		{head: tr.T("ent.contact"), width: 100, text: func(e r) string { return e.Contact }},
		{head: tr.T("ent.address"), width: 260, text: func(e r) string { return e.Address }},
	}
}

// open shows enterprise id's page in place of the list.
func (es *enterprisesScreen) open(id int64) *enterprisePage {
	p := newEnterprisePage(es.s, es, id)
	es.stack.Objects = []fyne.CanvasObject{p.box}
	es.stack.Refresh()
	p.refresh()
	return p
}

func (es *enterprisesScreen) back() {
	if len(es.stack.Objects) == 1 && es.stack.Objects[0] == es.list {
		return
	}
	es.stack.Objects = []fyne.CanvasObject{es.list}
	es.stack.Refresh()
}
