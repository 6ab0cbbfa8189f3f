package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askOperator asks who reviews, once, on a laptop opened on a review package
// (Deps.AskOperator): every decision made there carries this name back to the
// office, so it must be a person's, not the laptop's login. The name is
// remembered in the preferences, so a later start does not ask again.
func (s *Shell) askOperator() {
	if !s.deps.AskOperator || strings.TrimSpace(s.app.Preferences().String(prefOperator)) != "" {
		return
	}
	entry := widget.NewEntry()
	var d dialog.Dialog
	ok := widget.NewButton(s.tr.T("al.pkg.operator.ok"), nil)
	ok.Importance = widget.HighImportance
	ok.Disable()
	ok.OnTapped = func() {
		name := strings.TrimSpace(entry.Text)
		if name == "" {
			return
		}
		s.app.Preferences().SetString(prefOperator, name)
		d.Hide()
	}
	entry.OnChanged = func(v string) {
		if strings.TrimSpace(v) == "" {
			ok.Disable()
		} else {
			ok.Enable()
		}
	}
	entry.OnSubmitted = func(string) { ok.OnTapped() }
	intro := widget.NewLabel(s.tr.T("al.pkg.operator.intro"))
	intro.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(s.tr.T("al.pkg.operator.title"), container.NewVBox(intro, entry, ok), s.win)
	d.Show()
	s.win.Canvas().Focus(entry)
}
