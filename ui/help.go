package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/assets"
)

// helpScreen is 帮助: the user guide shipped with the app (assets/guide),
// in the interface's language, so an officer has the manual without a
// network or a printed copy.
type helpScreen struct {
	text *widget.RichText
}

func newHelpScreen(s *Shell) *helpScreen {
	guide := assets.GuideZH
	if s.tr.lang == English {
		guide = assets.GuideEN
	}
	t := widget.NewRichTextFromMarkdown(guide)
	t.Wrapping = fyne.TextWrapWord
	return &helpScreen{text: t}
}

func (h *helpScreen) content() fyne.CanvasObject { return container.NewVScroll(h.text) }

func (h *helpScreen) refresh() {} // the guide does not change while the app runs
