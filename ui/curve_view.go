package ui

import (
	"fmt"
	"image"
	"image/png"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// valueAt describes the curves at image pixel (x, y): the time and each
// series' value in the column nearest to it.
func (c *curveScreen) valueAt(x, y int) string {
	t, _, ok := c.last.frame.At(x, y)
	if !ok {
		return ""
	}
	parts := []string{when(t)}
	for _, s := range c.last.series {
		i := sort.Search(len(s.Points), func(i int) bool { return !s.Points[i].At.Before(t) })
		best := -1
		for _, j := range []int{i - 1, i} {
			if j >= 0 && j < len(s.Points) && (best < 0 || s.Points[j].At.Sub(t).Abs() < s.Points[best].At.Sub(t).Abs()) {
				best = j
			}
		}
		if best < 0 {
			continue
		}
		p := s.Points[best]
		v := fmt.Sprintf("%.1f", p.Mean)
		if p.Max > p.Min {
			v = fmt.Sprintf("%.1f (%.1f–%.1f)", p.Mean, p.Min, p.Max)
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", s.Name, v, c.last.unit))
	}
	return strings.Join(parts, "   ")
}

// onExport saves the chart shown as a PNG file.
func (c *curveScreen) onExport() {
	if c.last.img == nil {
		return
	}
	img := c.last.img
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		err = png.Encode(w, img)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			dialog.ShowError(fmt.Errorf("%s", c.s.errorText(c.s.tr.T("curve.export"), err)), c.s.win)
		}
	}, c.s.win)
	d.SetFileName("curve.png")
	d.Show()
}

// chartView shows the chart image and reports clicks in image pixels.
type chartView struct {
	widget.BaseWidget
	c     *curveScreen
	image *canvas.Image
}

func newChartView(c *curveScreen) *chartView {
	v := &chartView{c: c, image: canvas.NewImageFromImage(nil)}
	v.image.FillMode = canvas.ImageFillContain
	v.image.ScaleMode = canvas.ImageScaleSmooth
	v.ExtendBaseWidget(v)
	return v
}

func (v *chartView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.image) }

func (v *chartView) MinSize() fyne.Size { return fyne.NewSize(400, 260) }

func (v *chartView) setImage(img image.Image) {
	v.image.Image = img
	v.image.Refresh()
}

// Tapped shows the values under the pointer.
func (v *chartView) Tapped(ev *fyne.PointEvent) {
	img := v.image.Image
	if img == nil || v.Size().Width == 0 {
		return
	}
	b := img.Bounds()
	// ImageFillContain keeps the aspect ratio: find the drawn rectangle.
	k := min(v.Size().Width/float32(b.Dx()), v.Size().Height/float32(b.Dy()))
	ox := (v.Size().Width - float32(b.Dx())*k) / 2
	oy := (v.Size().Height - float32(b.Dy())*k) / 2
	x, y := int((ev.Position.X-ox)/k), int((ev.Position.Y-oy)/k)
	if s := v.c.valueAt(x, y); s != "" {
		v.c.info.SetText(s)
	}
}
