package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// leadFit lays out a horizontal split so that its leading side is never
// narrower than lead() while the window is wide enough: on a narrow window
// (1366×768 at 150 % scaling) the alarm queue keeps its triage columns and
// the detail beside it gives way, instead of the columns going off screen.
// A wider leading side dragged by the officer is kept.
type leadFit struct {
	split *container.Split
	lead  func() float32
}

// newLeadFit wraps split; lead is the leading side's width in Fyne units.
func newLeadFit(split *container.Split, lead func() float32) fyne.CanvasObject {
	return container.New(leadFit{split: split, lead: lead}, split)
}

// minTrail is the least the trailing side keeps: a sliver that shows the
// detail is there and can be dragged open.
const minTrail = 32

func (l leadFit) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width > 0 {
		need := float64(l.lead() / size.Width)
		if most := float64((size.Width - minTrail) / size.Width); need > most {
			need = most
		}
		if l.split.Offset < need {
			l.split.Offset = need
		}
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l leadFit) MinSize(objs []fyne.CanvasObject) fyne.Size { return l.split.MinSize() }
