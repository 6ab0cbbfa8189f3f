package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// placeholder stands for a view another part of the project will build; its
// text says what will be there, so nobody mistakes it for an empty result.
type placeholder struct {
	box fyne.CanvasObject
}

func newPlaceholder(s *Shell, key string) *placeholder {
	title := widget.NewLabelWithStyle(s.tr.T(key+".title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := widget.NewLabel(s.tr.T(key + ".body"))
	body.Wrapping = fyne.TextWrapWord
	return &placeholder{box: container.NewVBox(title, body)}
}

func (p *placeholder) content() fyne.CanvasObject { return p.box }
func (p *placeholder) refresh()                   {}
