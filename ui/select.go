package ui

import "fyne.io/fyne/v2/widget"

// newSelect is widget.NewSelect saying 请选择 (in the UI's language) while
// nothing is chosen, instead of Fyne's untranslatable "(Select one)".
// Screens that have a more telling hint set their own PlaceHolder after.
func newSelect(tr *translator, options []string, changed func(string)) *widget.Select {
	sel := widget.NewSelect(options, changed)
	sel.PlaceHolder = tr.T("common.choose")
	return sel
}
