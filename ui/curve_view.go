package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"powerwatch/calendar"
)

// valueAt describes the curves at image pixel (x, y): the time and each
// series' value in the column nearest to it.
func (c *curveScreen) valueAt(x, y int) string {
	t, _, ok := c.last.frame.At(x, y)
	if !ok {
		return ""
	}
	head := when(t)
	// The day's holiday or make-up working day explains a stop or a run.
	if d := c.s.deps.Holidays.Day(t); d.Kind == calendar.Holiday || d.MakeUp {
		head += " " + d.Name
	}
	parts := []string{head}
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
	c.s.saveFileDialog(c.s.tr.T("fd.title.save"), "curve.png", func(path string) {
		if err := writePNG(path, img); err != nil {
			dialog.ShowError(fmt.Errorf("%s", c.s.errorText(c.s.tr.T("curve.export"), err)), c.s.win)
		}
	})
}

// writePNG writes img to a new file at path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("save chart: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("save chart to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save chart to %s: %w", path, err)
	}
	return nil
}

// chartView shows the chart image. Hovering shows the time and values
// under the pointer in the info line, with a thin vertical cursor over the
// plot; a tap does the same, for touch screens. Nothing is redrawn but the
// cursor, so following the mouse stays cheap.
type chartView struct {
	widget.BaseWidget
	c        *curveScreen
	image    *canvas.Image
	cursor   *canvas.Line
	hovering bool // the info line shows values, not the chart's note
}

var (
	_ desktop.Hoverable = (*chartView)(nil)
	_ fyne.Tappable     = (*chartView)(nil)
)

func newChartView(c *curveScreen) *chartView {
	v := &chartView{c: c, image: canvas.NewImageFromImage(nil)}
	v.image.FillMode = canvas.ImageFillContain
	v.image.ScaleMode = canvas.ImageScaleSmooth
	// Mid grey reads on the light and the dark chart alike.
	v.cursor = canvas.NewLine(color.NRGBA{R: 128, G: 128, B: 128, A: 220})
	v.cursor.StrokeWidth = 1
	v.cursor.Hide()
	v.ExtendBaseWidget(v)
	return v
}

func (v *chartView) CreateRenderer() fyne.WidgetRenderer {
	// The cursor lies over the image in a layout-free container, placed by show.
	return widget.NewSimpleRenderer(container.NewStack(v.image, container.NewWithoutLayout(v.cursor)))
}

func (v *chartView) MinSize() fyne.Size { return fyne.NewSize(400, 260) }

func (v *chartView) setImage(img image.Image) {
	v.image.Image = img
	v.image.Refresh()
	v.cursor.Hide()
	v.hovering = false
}

// fit returns how the image is drawn in the widget: ImageFillContain keeps
// the aspect ratio, so it is scaled by k and offset by (ox, oy).
func (v *chartView) fit() (k, ox, oy float32, ok bool) {
	img, size := v.image.Image, v.Size()
	if img == nil || size.Width == 0 || size.Height == 0 {
		return 0, 0, 0, false
	}
	b := img.Bounds()
	k = min(size.Width/float32(b.Dx()), size.Height/float32(b.Dy()))
	return k, (size.Width - float32(b.Dx())*k) / 2, (size.Height - float32(b.Dy())*k) / 2, true
}

// show puts the values at pos (widget coordinates) in the info line and the
// cursor at pos.X; outside the plot it takes both away.
func (v *chartView) show(pos fyne.Position) {
	k, ox, oy, ok := v.fit()
	if !ok {
		return
	}
	text := v.c.valueAt(int((pos.X-ox)/k), int((pos.Y-oy)/k))
	if text == "" {
		v.clear()
		return
	}
	v.hovering = true
	v.c.info.SetText(text)
	box := v.c.last.frame.Box
	v.cursor.Position1 = fyne.NewPos(pos.X, oy+float32(box.Top)*k)
	v.cursor.Position2 = fyne.NewPos(pos.X, oy+float32(box.Bottom)*k)
	v.cursor.Show()
	v.cursor.Refresh()
}

// clear hides the cursor and gives the info line back to the chart's note.
func (v *chartView) clear() {
	if !v.cursor.Hidden {
		v.cursor.Hide()
	}
	if v.hovering {
		v.hovering = false
		v.c.info.SetText(v.c.last.note)
	}
}

// Tapped shows the values under the finger or pointer.
func (v *chartView) Tapped(ev *fyne.PointEvent) { v.show(ev.Position) }

// MouseIn shows the values where the pointer enters.
func (v *chartView) MouseIn(ev *desktop.MouseEvent) { v.show(ev.Position) }

// MouseMoved follows the pointer.
func (v *chartView) MouseMoved(ev *desktop.MouseEvent) { v.show(ev.Position) }

// MouseOut takes the cursor and the values away.
func (v *chartView) MouseOut() { v.clear() }
