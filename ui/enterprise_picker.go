package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// matchEnterprises returns the enterprises of ents whose name or 统一社会信用代码
// contains every space-separated word of q (letters in any case), in the
// order of ents. An empty q matches all.
func matchEnterprises(ents []store.Enterprise, q string) []store.Enterprise {
	words := strings.Fields(strings.ToLower(q))
	out := []store.Enterprise{}
	for _, e := range ents {
		hay := strings.ToLower(e.Name + " " + e.USCC)
		ok := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, e)
		}
	}
	return out
}

// entPicker chooses an enterprise: a button naming the chosen one which
// opens a search field over the list of matches (type part of the name or
// the code). A district has hundreds of enterprises; a dropdown of all of
// them cannot be searched. The search field lives in the popup itself so
// that it keeps the keyboard while the list changes under it.
type entPicker struct {
	tr        *translator
	button    *widget.Button
	search    *widget.Entry
	list      *widget.List
	popup     *widget.PopUp
	all       []store.Enterprise
	matches   []store.Enterprise
	chosen    store.Enterprise // ID 0: none
	OnChanged func(store.Enterprise)
}

func newEntPicker(tr *translator, ents []store.Enterprise, changed func(store.Enterprise)) *entPicker {
	p := &entPicker{tr: tr, OnChanged: changed, search: widget.NewEntry()}
	p.button = widget.NewButton(tr.T("picker.choose"), p.open)
	p.button.Alignment = widget.ButtonAlignLeading
	p.search.SetPlaceHolder(tr.T("picker.search"))
	p.search.OnChanged = func(q string) { p.filter(q) }
	p.search.OnSubmitted = func(string) { // Enter takes the only or first match
		if len(p.matches) > 0 {
			p.choose(0)
		}
	}
	p.list = widget.NewList(func() int { return len(p.matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(p.line(i)) })
	p.list.OnSelected = func(i widget.ListItemID) { p.choose(i) }
	p.SetEnterprises(ents)
	return p
}

// line is one match as listed: the name, and the code to tell namesakes apart.
func (p *entPicker) line(i int) string {
	if i < 0 || i >= len(p.matches) {
		return ""
	}
	e := p.matches[i]
	if e.USCC == "" {
		return e.Name
	}
	return e.Name + "  " + e.USCC
}

// SetEnterprises replaces the choices; the chosen one stays when still there.
func (p *entPicker) SetEnterprises(ents []store.Enterprise) {
	p.all = ents
	keep := p.chosen.ID
	p.chosen = store.Enterprise{}
	for _, e := range ents {
		if e.ID == keep {
			p.chosen = e
		}
	}
	p.showChosen()
	p.filter(p.search.Text)
}

func (p *entPicker) filter(q string) {
	p.matches = matchEnterprises(p.all, q)
	p.list.UnselectAll()
	p.list.Refresh()
}

// open shows the search field and the matches under the button.
func (p *entPicker) open() {
	c := fyne.CurrentApp().Driver().CanvasForObject(p.button)
	if c == nil {
		return
	}
	p.search.SetText("")
	p.filter("")
	p.popup = widget.NewPopUp(container.NewBorder(p.search, nil, nil, nil, p.list), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.button).AddXY(0, p.button.Size().Height)
	w := max(p.button.Size().Width, 360)
	h := min(float32(340), c.Size().Height-pos.Y-8)
	p.popup.Resize(fyne.NewSize(w, max(h, 160)))
	p.popup.ShowAtPosition(pos)
	c.Focus(p.search)
}

// choose takes match i and closes the popup.
func (p *entPicker) choose(i int) {
	if i < 0 || i >= len(p.matches) {
		return
	}
	p.set(p.matches[i])
	if p.popup != nil {
		p.popup.Hide()
		p.popup = nil
	}
}

func (p *entPicker) set(e store.Enterprise) {
	changed := e.ID != p.chosen.ID
	p.chosen = e
	p.showChosen()
	if changed && p.OnChanged != nil {
		p.OnChanged(e)
	}
}

func (p *entPicker) showChosen() {
	if p.chosen.ID == 0 {
		p.button.SetText(p.tr.T("picker.choose"))
		return
	}
	p.button.SetText(p.chosen.Name)
}

// Selected is the chosen enterprise; ok is false when none is.
func (p *entPicker) Selected() (store.Enterprise, bool) { return p.chosen, p.chosen.ID != 0 }

// SelectedID is the chosen enterprise's id, 0 when none.
func (p *entPicker) SelectedID() int64 { return p.chosen.ID }

// SetSelectedID chooses enterprise id (0 or unknown: none), as a click would.
func (p *entPicker) SetSelectedID(id int64) {
	for _, e := range p.all {
		if e.ID == id {
			p.set(e)
			return
		}
	}
	p.set(store.Enterprise{})
}

// SetSelectedName chooses the enterprise named name, as a click would.
func (p *entPicker) SetSelectedName(name string) {
	for _, e := range p.all {
		if e.Name == name {
			p.set(e)
			return
		}
	}
}
