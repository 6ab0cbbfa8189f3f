package chart

import (
	"image/color"
	"time"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// The chart's own series: go-chart draws axes, grid and ticks; these draw the
// data the way officers read it (min–max columns, shaded periods, levels).

// base is what every custom series shares.
type base struct{ name string }

func (b base) GetName() string             { return b.name }
func (b base) GetYAxis() gochart.YAxisType { return gochart.YAxisPrimary }
func (b base) GetStyle() gochart.Style     { return gochart.Style{} }
func (b base) Validate() error             { return nil }
func x(box gochart.Box, xr gochart.Range, t time.Time) int {
	return box.Left + xr.Translate(gochart.TimeToFloat64(t))
}
func y(box gochart.Box, yr gochart.Range, v float64) int { return box.Bottom - yr.Translate(v) }

// bandSeries draws each column's min–max as a thin vertical bar and its mean
// as a line, broken where data is missing.
type bandSeries struct {
	base
	s     Series
	color drawing.Color
}

func (b *bandSeries) Len() int { return len(b.s.Points) }
func (b *bandSeries) GetBoundedValues(i int) (float64, float64, float64) {
	p := b.s.Points[i]
	return gochart.TimeToFloat64(p.At), p.Min, p.Max
}

func (b *bandSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	pts := b.s.Points
	if len(pts) == 0 {
		return
	}
	r.SetStrokeColor(b.color.WithAlpha(90))
	r.SetStrokeWidth(1)
	for _, p := range pts {
		if p.Max > p.Min {
			px := x(box, xr, p.At)
			r.MoveTo(px, y(box, yr, p.Min))
			r.LineTo(px, y(box, yr, p.Max))
			r.Stroke()
		}
	}
	step := time.Duration(1<<63 - 1)
	for i := 1; i < len(pts); i++ {
		step = min(step, pts[i].At.Sub(pts[i-1].At))
	}
	r.SetStrokeColor(b.color)
	r.SetStrokeWidth(1.6)
	r.MoveTo(x(box, xr, pts[0].At), y(box, yr, pts[0].Mean))
	for i := 1; i < len(pts); i++ {
		px, py := x(box, xr, pts[i].At), y(box, yr, pts[i].Mean)
		if pts[i].At.Sub(pts[i-1].At) > 3*step {
			r.Stroke()
			r.MoveTo(px, py)
			continue
		}
		r.LineTo(px, py)
		// The rasterizer's cell search grows with the path: stroke in short
		// pieces so a year's jagged line costs milliseconds, not a second.
		if i%16 == 0 {
			r.Stroke()
			r.MoveTo(px, py)
		}
	}
	r.Stroke()
}

// lineSeries draws a horizontal level across the range with its label.
type lineSeries struct {
	base
	l        Line
	from, to time.Time
	color    color.Color
}

func (l *lineSeries) Len() int { return 2 }
func (l *lineSeries) GetBoundedValues(i int) (float64, float64, float64) {
	t := l.from
	if i == 1 {
		t = l.to
	}
	return gochart.TimeToFloat64(t), l.l.Value, l.l.Value
}

func (l *lineSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	c := drawing.ColorFromAlphaMixedRGBA(l.color.RGBA())
	py := y(box, yr, l.l.Value)
	r.SetStrokeColor(c)
	r.SetStrokeWidth(1.2)
	r.SetStrokeDashArray([]float64{6, 4})
	r.MoveTo(box.Left, py)
	r.LineTo(box.Right, py)
	r.Stroke()
	r.SetStrokeDashArray(nil)
}

// lineLabels writes the labels of all levels, placed by PlaceLabels so that
// labels of nearby levels never print over each other.
type lineLabels struct {
	base
	lines []Line
	color color.Color
	bg    drawing.Color
	font  *truetype.Font
}

func (ll *lineLabels) Render(r gochart.Renderer, box gochart.Box, _, yr gochart.Range, _ gochart.Style) {
	var ys []int
	var labels []string
	h := 0
	if ll.font != nil {
		r.SetFont(ll.font)
	}
	r.SetFontSize(8)
	for _, l := range ll.lines {
		if l.Label == "" {
			continue
		}
		ys = append(ys, y(box, yr, l.Value))
		labels = append(labels, l.Label)
		h = max(h, r.MeasureText(l.Label).Height()+3)
	}
	fg := drawing.ColorFromAlphaMixedRGBA(ll.color.RGBA())
	for i, ly := range PlaceLabels(ys, h, box.Top, box.Bottom) {
		// A veil behind the text: the dashed levels a label was pushed
		// across do not strike through it.
		w := r.MeasureText(labels[i]).Width()
		r.SetFillColor(ll.bg.WithAlpha(215))
		r.SetStrokeColor(drawing.ColorTransparent)
		r.MoveTo(box.Left+2, ly-h+3)
		r.LineTo(box.Left+6+w, ly-h+3)
		r.LineTo(box.Left+6+w, ly+2)
		r.LineTo(box.Left+2, ly+2)
		r.Close()
		r.Fill()
		r.SetFontColor(fg)
		r.Text(labels[i], box.Left+4, ly)
	}
}

// spanSeries shades periods over the full plot height; labels sit at the top.
type spanSeries struct {
	base
	spans []Span
	pal   colours
	font  *truetype.Font
}

func (s *spanSeries) Render(r gochart.Renderer, box gochart.Box, xr, yr gochart.Range, _ gochart.Style) {
	if s.font != nil {
		r.SetFont(s.font)
	}
	for kind := Weekend; kind <= Alarm; kind++ {
		for _, sp := range s.spans {
			if sp.Kind != kind {
				continue
			}
			x1, x2 := max(x(box, xr, sp.From), box.Left), min(x(box, xr, sp.To), box.Right)
			if x2 < x1 {
				continue
			}
			if x2 == x1 {
				x2++ // a period shorter than a pixel still shows
			}
			r.SetFillColor(s.pal.spans[kind])
			r.SetStrokeColor(drawing.ColorTransparent)
			r.MoveTo(x1, box.Top)
			r.LineTo(x2, box.Top)
			r.LineTo(x2, box.Bottom)
			r.LineTo(x1, box.Bottom)
			r.Close()
			r.Fill()
			if sp.Label != "" && x2-x1 > 24 {
				r.SetFontColor(s.pal.text)
				r.SetFontSize(8)
				ly := box.Top + 10 + 10*int(kind-Filing)
				if kind < Filing {
					ly = box.Bottom - 4 // holidays at the foot, clear of filings, orders and alarms
				}
				r.Text(sp.Label, x1+2, ly)
			}
		}
	}
}

// probe draws the legend and remembers the plot box and value range, so
// clicks can be mapped back (go-chart does not export them).
type probe struct {
	base
	box      gochart.Box
	min, max float64
	legend   []Series
	colors   []drawing.Color
	kinds    []spanName // shaded kinds named in the legend after the series
	pal      colours
	font     *truetype.Font
}

func (p *probe) Render(r gochart.Renderer, box gochart.Box, _, yr gochart.Range, _ gochart.Style) {
	p.box, p.min, p.max = box, yr.GetMin(), yr.GetMax()
	if p.font != nil {
		r.SetFont(p.font)
	}
	r.SetFontSize(9)
	lx := box.Left
	for i, s := range p.legend {
		r.SetFillColor(p.colors[i])
		r.SetStrokeColor(p.colors[i])
		r.MoveTo(lx, 8)
		r.LineTo(lx+12, 8)
		r.LineTo(lx+12, 16)
		r.LineTo(lx, 16)
		r.Close()
		r.FillStroke()
		r.SetFontColor(p.pal.text)
		r.Text(s.Name, lx+16, 16)
		lx += 16 + r.MeasureText(s.Name).Width() + 14
	}
	for _, k := range p.kinds {
		c := p.pal.spans[k.kind]
		r.SetFillColor(c.WithAlpha(uint8(min(255, 2*int(c.A))))) // a touch stronger than the faint shade, to be seen at 12 px
		r.SetStrokeColor(p.pal.axis)
		r.SetStrokeWidth(0.5)
		r.MoveTo(lx, 6)
		r.LineTo(lx+12, 6)
		r.LineTo(lx+12, 18)
		r.LineTo(lx, 18)
		r.Close()
		r.FillStroke()
		r.SetFontColor(p.pal.text)
		r.Text(k.name, lx+16, 16)
		lx += 16 + r.MeasureText(k.name).Width() + 14
	}
}

// spanName is a shaded kind as the legend names it.
type spanName struct {
	kind SpanKind
	name string
}
