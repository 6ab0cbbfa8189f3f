package ui

import (
	"context"
	"image"
	"math"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"powerwatch/alarmview"
	"powerwatch/ui/chart"
)

// paneChart shows a chart drawn at the size of its pane: it grows with the
// window and the split, redrawn off the UI goroutine whenever its size
// changes (a chart scaled up from a fixed image would blur its text).
type paneChart struct {
	widget.BaseWidget
	s     *Shell
	img   *canvas.Image
	spec  *chart.Options // without size; nil: nothing to draw
	drawn fyne.Size      // the size the image shown (or being drawn) has
	seq   int            // number of the latest drawing: older ones finishing later are dropped
}

func newPaneChart(s *Shell) *paneChart {
	c := &paneChart{s: s, img: canvas.NewImageFromImage(nil)}
	c.img.FillMode = canvas.ImageFillContain
	c.ExtendBaseWidget(c)
	return c
}

func (c *paneChart) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.img) }

// MinSize is small: the chart takes what the pane leaves, not the reverse.
func (c *paneChart) MinSize() fyne.Size { return fyne.NewSize(240, 140) }

func (c *paneChart) Resize(size fyne.Size) {
	c.BaseWidget.Resize(size)
	c.redraw()
}

// show draws spec (nil clears the chart).
func (c *paneChart) show(spec *chart.Options) {
	c.spec, c.drawn = spec, fyne.Size{}
	if spec == nil {
		c.seq++
		c.img.Image = nil
		c.img.Refresh()
		return
	}
	c.redraw()
}

func (c *paneChart) redraw() {
	size := c.Size()
	if c.spec == nil || size.Width < 100 || size.Height < 80 || size == c.drawn {
		return
	}
	c.drawn = size
	c.seq++
	seq := c.seq
	scale := float32(1)
	if cv := c.s.win.Canvas(); cv != nil && cv.Scale() > 0 {
		scale = cv.Scale()
	}
	o := *c.spec
	o.Width, o.Height = int(size.Width*scale), int(size.Height*scale)
	load(c.s, func(context.Context) (image.Image, error) {
		img, _, err := chart.Render(o)
		return img, err
	}, func(img image.Image, err error) {
		if seq != c.seq || err != nil {
			return // a newer drawing is on its way; a size too small draws nothing
		}
		c.img.Image = img
		c.img.Refresh()
	})
}

// ruleTable shows alarmview.RuleRows: five columns sharing the pane's width,
// each row as tall as its longest cell needs when wrapped.
type ruleTable struct {
	*widget.Table
	head  []string
	rows  []alarmview.Row
	share [5]float32 // of the width, by column
	width float32    // the width the columns were last set for
}

func newRuleTable(tr alarmview.Texts) *ruleTable {
	rt := &ruleTable{head: alarmview.Headers(tr), share: [5]float32{0.22, 0.2, 0.3, 0.1, 0.18}}
	cell := func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	rt.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(rt.rows), len(rt.head) },
		cell,
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(rt.rows) {
				o.(*widget.Label).SetText(rt.rows[id.Row].Cells()[id.Col])
			}
		})
	rt.ShowHeaderColumn = false
	rt.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	rt.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(rt.head) {
			o.(*widget.Label).SetText(rt.head[id.Col])
		}
	}
	return rt
}

// set shows rows.
func (rt *ruleTable) set(rows []alarmview.Row) {
	rt.rows = rows
	rt.width = 0
	rt.fit(rt.Size().Width)
	rt.Refresh()
}

func (rt *ruleTable) Resize(size fyne.Size) {
	rt.fit(size.Width)
	rt.Table.Resize(size)
}

// fit shares width w among the columns and sets each row's height.
func (rt *ruleTable) fit(w float32) {
	if w < 200 || w == rt.width {
		return
	}
	rt.width = w
	pad := theme.Padding()
	usable := w - 3*pad // the table's own scroll bar
	var widths [5]float32
	for i, s := range rt.share {
		widths[i] = float32(math.Floor(float64(usable * s)))
		rt.SetColumnWidth(i, widths[i])
	}
	size := theme.TextSize()
	line := fyne.MeasureText("国", size, fyne.TextStyle{}).Height
	for r, row := range rt.rows {
		lines := 1
		for i, c := range row.Cells() {
			lines = max(lines, wrappedLines(c, widths[i]-4*pad, size))
		}
		rt.SetRowHeight(r, float32(lines)*line+2*pad+theme.InnerPadding())
	}
}

// wrappedLines is how many lines a word-wrapped label of width w needs for
// s: words break at spaces, a word wider than a line breaks between runes
// (Chinese has no spaces).
func wrappedLines(s string, w, size float32) int {
	if w <= 0 {
		return 1
	}
	width := func(t string) float32 { return fyne.MeasureText(t, size, fyne.TextStyle{}).Width }
	space := width(" ")
	lines, used := 1, float32(0)
	for _, word := range strings.Fields(s) {
		ww := width(word)
		switch {
		case used > 0 && used+space+ww <= w:
			used += space + ww
			continue
		case used > 0:
			lines++
			used = 0
		}
		if ww <= w {
			used = ww
			continue
		}
		for _, r := range word { // a word longer than the line
			rw := width(string(r))
			if used+rw > w && used > 0 {
				lines++
				used = 0
			}
			used += rw
		}
	}
	return lines
}
