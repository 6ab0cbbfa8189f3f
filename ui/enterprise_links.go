package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// The treatment links of a production facility as an officer reads and types
// them in 一企一档: the registry's 关联治理设施 cell (store.ParseTreatedBy's
// syntax) and what it means, stage by stage. A database older than the stage
// syntax may hold ungrouped links never confirmed, which still mean "one of
// them suffices" (issue 14 §4); the page warns of them and saving a cell
// confirms.

// hasLinks reports whether facilities of kind k are linked to treatment.
func hasLinks(k store.FacilityKind) bool {
	return k == store.Production || k == store.Integrated || k == store.Indirect
}

// linksOf returns the stored links of production facility id.
func (p *enterprisePage) linksOf(id int64) []store.Link {
	var out []store.Link
	for _, l := range p.data.links {
		if l.ProductionID == id {
			out = append(out, l)
		}
	}
	return out
}

// linksCell is f's links in the cell syntax, as the rules read them now.
func (p *enterprisePage) linksCell(f store.Facility) string {
	return store.FormatTreatedBy(p.linksOf(f.ID), f.LinksConfirmed, p.facilityName)
}

// linksText is the line the facilities tab shows under f: its cell, and a
// warning when its links await confirmation.
func (p *enterprisePage) linksText(f store.Facility) string {
	tr, ls := p.s.tr, p.linksOf(f.ID)
	if len(ls) == 0 {
		return tr.T("links.none")
	}
	text := tr.T("links.line", p.linksCell(f))
	if !f.LinksConfirmed && store.LinksAmbiguous(ls) {
		text += "\n    " + tr.T("links.unconfirmed")
	}
	return text
}

// describeStages says in words what a parsed cell requires, one line per
// stage; "" lines never.
func describeStages(tr *translator, tbs []store.TreatedBy) []string {
	if len(tbs) == 0 {
		return []string{tr.T("links.none")}
	}
	var out []string
	var active, standby []string
	groups := map[string][]store.TreatedBy{}
	var order []string
	for _, tb := range tbs {
		switch {
		case tb.Group != "":
			if _, ok := groups[tb.Group]; !ok {
				order = append(order, tb.Group)
			}
			groups[tb.Group] = append(groups[tb.Group], tb)
		case tb.Standby:
			standby = append(standby, tb.Facility)
		default:
			active = append(active, tb.Facility)
		}
	}
	n := 0
	for _, a := range active {
		n++
		out = append(out, tr.T("links.stage.must", n, a))
	}
	if len(standby) > 0 {
		if len(active) > 0 {
			out = append(out, tr.T("links.stage.standby", strings.Join(standby, "、")))
		} else {
			n++
			out = append(out, tr.T("links.stage.any", n, strings.Join(standby, "、")))
		}
	}
	for _, g := range order {
		n++
		var names []string
		need := 1
		for _, tb := range groups[g] {
			name := tb.Facility
			if tb.Standby {
				name += "(备)"
			}
			names = append(names, name)
			need = max(need, tb.Need)
		}
		if need > 1 {
			out = append(out, tr.T("links.stage.nofm", n, strings.Join(names, "、"), len(names), need))
		} else {
			out = append(out, tr.T("links.stage.any", n, strings.Join(names, "、")))
		}
	}
	return out
}

// editLinks lets an officer type f's 关联治理设施 cell, shows what it means
// as it is typed, and saves it confirmed. The change is re-judged from the
// alarm engine's horizon on (a registry change), never rewriting what older
// alarms were raised under.
func (p *enterprisePage) editLinks(f store.Facility) {
	tr := p.s.tr
	cell := widget.NewEntry()
	cell.SetText(p.linksCell(f))
	meaning := widget.NewLabel("")
	meaning.Wrapping = fyne.TextWrapWord
	show := func(s string) {
		tbs, err := store.ParseTreatedBy(s)
		if err != nil {
			meaning.SetText(tr.T("links.bad", err.Error()))
			return
		}
		meaning.SetText(strings.Join(describeStages(tr, tbs), "\n"))
	}
	cell.OnChanged = show
	show(cell.Text)
	help := widget.NewLabel(tr.T("links.help"))
	help.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem(tr.T("links.cell"), cell), widget.NewFormItem(tr.T("links.meaning"), meaning),
		widget.NewFormItem("", help)}
	if !f.LinksConfirmed && store.LinksAmbiguous(p.linksOf(f.ID)) {
		warn := widget.NewLabel(tr.T("links.unconfirmed"))
		warn.Importance, warn.Wrapping = widget.WarningImportance, fyne.TextWrapWord
		items = append([]*widget.FormItem{widget.NewFormItem("", warn)}, items...)
	}
	p.s.editDialog(tr.T("links.title", f.Name), widget.NewForm(items...), func() (string, func(context.Context, string) error) {
		tbs, err := store.ParseTreatedBy(cell.Text)
		if err != nil {
			return tr.T("links.bad", err.Error()), nil
		}
		names := map[string]bool{}
		for _, x := range p.data.facilities {
			names[x.Name] = true
		}
		for _, tb := range tbs {
			if !names[tb.Facility] {
				return tr.T("links.unknown", tb.Facility), nil
			}
			if tb.Facility == f.Name {
				return tr.T("links.self"), nil
			}
		}
		return "", func(ctx context.Context, who string) error { return p.s.deps.Editor.SetLinks(ctx, who, f.ID, tbs) }
	}, p.refresh)
}
