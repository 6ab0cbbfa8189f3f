package ui

import (
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// confirm asks before an action that destroys something or binds people
// (withdrawing an order, saving a new rule-set version, deleting a survey
// point): ok runs only when the officer presses the action's own button, so
// a stray Enter or click cannot do it. The buttons name the action and 取消
// in the UI's language, not Fyne's "Yes"/"No".
func (s *Shell) confirm(title, message, action string, ok func()) {
	d := dialog.NewConfirm(title, message, func(yes bool) {
		if yes {
			ok()
		}
	}, s.win)
	d.SetConfirmText(action)
	d.SetDismissText(s.tr.T("common.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}
