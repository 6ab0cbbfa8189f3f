// Package chart draws facility curves with go-chart into images: power (or
// current, voltage, energy) of several facilities over a time range, with
// thresholds, alarm spans, order and filing periods, weekends and public
// holidays (from a calendar.Calendar, see RestDays). It knows nothing of
// Fyne; ui shows the image and maps clicks back through a Frame.
package chart

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"

	"powerwatch/store"
)

// Role decides how a series is drawn.
type Role int

// Roles: production warm, treatment cool, anything else grey.
const (
	Other Role = iota
	Production
	Treatment
)

// A Series is one facility's curve.
type Series struct {
	Name   string
	Role   Role
	Key    int64 // the facility's id: its colour on every redraw (palette.go); 0: by position
	Points []store.CurvePoint
}

// SeriesKey names a series that may be shown, for its colour (Options.Keys).
type SeriesKey struct {
	Key  int64
	Role Role
}

// SpanKind says what a shaded period is.
type SpanKind int

// Span kinds, drawn in this order (later on top). A Holiday's label is
// written at the foot of the plot, the others' at its top.
const (
	Weekend SpanKind = iota
	Holiday
	Filing
	Order
	Alarm
)

// A Span is a shaded period with an optional label at its top.
type Span struct {
	From, To time.Time
	Kind     SpanKind
	Label    string
}

// A Line is a horizontal level, e.g. a stop or run threshold.
type Line struct {
	Value float64
	Label string
}

// Options is one chart.
type Options struct {
	Width, Height int
	From, To      time.Time
	Font          *truetype.Font // a CJK font, so Chinese labels render
	Unit          string         // y-axis label
	Series        []Series
	// Keys are all the series a chart of this kind may show, hidden ones
	// too (an enterprise's facilities, by Key and Role). Colours are handed
	// out over them all, so hiding a curve moves no other curve's colour,
	// and a facility has one colour on every chart given the same Keys.
	Keys  []SeriesKey
	Lines []Line
	Spans []Span
	// SpanNames names span kinds in the legend (e.g. Weekend: "周末",
	// Holiday: "节假日"); a kind gets a legend entry when it is named and
	// present in Spans.
	SpanNames map[SpanKind]string
	Dark      bool
	// Ticks, when set, are the x axis's ticks and grid lines (e.g. each
	// month's start for monthly totals, so a value sits on its own month's
	// label), written with TickLayout (Beijing time).
	Ticks      []time.Time
	TickLayout string
}

// A Frame maps pixels of a rendered chart back to time and value.
type Frame struct {
	Box      gochart.Box // the plot area in pixels
	From, To time.Time
	Min, Max float64
}

// At returns the time and value at pixel (x, y); ok is false outside the plot.
func (f Frame) At(x, y int) (t time.Time, v float64, ok bool) {
	b := f.Box
	if x < b.Left || x > b.Right || y < b.Top || y > b.Bottom || b.Width() == 0 || b.Height() == 0 {
		return time.Time{}, 0, false
	}
	frac := float64(x-b.Left) / float64(b.Width())
	t = f.From.Add(time.Duration(frac * float64(f.To.Sub(f.From))))
	v = f.Max - float64(y-b.Top)/float64(b.Height())*(f.Max-f.Min)
	return t, v, true
}

// Render draws o. It returns the image and the frame to map clicks with.
func Render(o Options) (image.Image, Frame, error) {
	if o.Width < 100 || o.Height < 80 || !o.To.After(o.From) {
		return nil, Frame{}, fmt.Errorf("render chart %dx%d over %v–%v: %w", o.Width, o.Height, o.From, o.To, errBadSize)
	}
	pal := palette(o.Dark)
	probe := &probe{pal: pal, font: o.Font, legend: o.Series, kinds: spanLegend(o)}
	series := []gochart.Series{&spanSeries{spans: o.Spans, pal: pal, font: o.Font}}
	colours := seriesColours(o.Series, o.Keys)
	for i, s := range o.Series {
		c := colours[i]
		probe.colors = append(probe.colors, c)
		series = append(series, &bandSeries{s: s, color: c})
	}
	for _, l := range o.Lines {
		series = append(series, &lineSeries{l: l, from: o.From, to: o.To, color: pal.line})
	}
	series = append(series, &lineLabels{lines: o.Lines, color: pal.line, bg: pal.bg, font: o.Font})
	if !hasValues(o) {
		series = append(series, &lineSeries{l: Line{Value: 0}, from: o.From, to: o.To, color: color.Transparent})
	}
	series = append(series, probe)
	axisStyle := gochart.Style{FontColor: pal.text, StrokeColor: pal.axis, FontSize: 9}
	c := gochart.Chart{
		Width: o.Width, Height: o.Height, Font: o.Font,
		Background: gochart.Style{FillColor: pal.bg, Padding: gochart.Box{Top: 24, Left: 10, Right: 20, Bottom: 10}},
		Canvas:     gochart.Style{FillColor: pal.bg},
		XAxis: gochart.XAxis{Style: axisStyle, ValueFormatter: timeFormatter(o.From, o.To),
			Range:          &gochart.ContinuousRange{Min: gochart.TimeToFloat64(o.From), Max: gochart.TimeToFloat64(o.To)},
			GridMajorStyle: gochart.Style{StrokeColor: pal.grid, StrokeWidth: 1}},
		YAxis: gochart.YAxis{Name: o.Unit, NameStyle: axisStyle, Style: axisStyle, ValueFormatter: valueFormatter,
			GridMajorStyle: gochart.Style{StrokeColor: pal.grid, StrokeWidth: 1}},
		Series: series,
	}
	if len(o.Ticks) > 0 {
		// go-chart takes the axis' range from explicit ticks: unlabelled ones
		// at the range's ends keep it From–To, and a range of one period
		// (one tick, which go-chart refused as "zero x-range delta") drawable.
		if o.Ticks[0].After(o.From) {
			c.XAxis.Ticks = append(c.XAxis.Ticks, gochart.Tick{Value: gochart.TimeToFloat64(o.From)})
		}
		for _, t := range o.Ticks {
			c.XAxis.Ticks = append(c.XAxis.Ticks, gochart.Tick{Value: gochart.TimeToFloat64(t), Label: t.In(store.Beijing).Format(o.TickLayout)})
		}
		if o.Ticks[len(o.Ticks)-1].Before(o.To) {
			c.XAxis.Ticks = append(c.XAxis.Ticks, gochart.Tick{Value: gochart.TimeToFloat64(o.To)})
		}
	}
	w := &gochart.ImageWriter{}
	if err := c.Render(gochart.PNG, w); err != nil {
		return nil, Frame{}, fmt.Errorf("render chart: %w", err)
	}
	img, err := w.Image()
	if err != nil {
		return nil, Frame{}, fmt.Errorf("render chart: %w", err)
	}
	return img, Frame{Box: probe.box, From: o.From, To: o.To, Min: probe.min, Max: probe.max}, nil
}

var errBadSize = errors.New("chart too small or empty time range")

// spanLegend returns the named span kinds present in o, in drawing order.
func spanLegend(o Options) []spanName {
	present := map[SpanKind]bool{}
	for _, s := range o.Spans {
		present[s.Kind] = true
	}
	var out []spanName
	for k := Weekend; k <= Alarm; k++ {
		if name := o.SpanNames[k]; name != "" && present[k] {
			out = append(out, spanName{k, name})
		}
	}
	return out
}

func hasValues(o Options) bool {
	for _, s := range o.Series {
		if len(s.Points) > 0 {
			return true
		}
	}
	return len(o.Lines) > 0
}

// timeFormatter labels the x axis in Beijing time at a grain that fits the range.
func timeFormatter(from, to time.Time) gochart.ValueFormatter {
	layout := "01-02"
	switch span := to.Sub(from); {
	case span <= 2*24*time.Hour:
		layout = "15:04"
	case span <= 10*24*time.Hour:
		layout = "01-02 15h"
	case span > 120*24*time.Hour:
		layout = "2006-01"
	}
	return func(v any) string {
		f, ok := v.(float64)
		if !ok {
			return ""
		}
		return gochart.TimeFromFloat64(f).In(store.Beijing).Format(layout)
	}
}

// valueFormatter labels the y axis with as few decimals as the values need.
func valueFormatter(v any) string {
	f, ok := v.(float64)
	if !ok {
		return ""
	}
	switch a := math.Abs(f); {
	case a >= 100:
		return fmt.Sprintf("%.0f", f)
	case a >= 10:
		return fmt.Sprintf("%.1f", f)
	}
	return fmt.Sprintf("%.2f", f)
}

// colours is the palette of one theme variant.
type colours struct {
	bg, text, axis, grid, line drawing.Color
	spans                      [5]drawing.Color // by SpanKind
}

func palette(dark bool) colours {
	// Spans: weekend grey, holiday violet (apart from the warm production and
	// cool treatment curves), filing blue, order amber, alarm red.
	c := colours{
		bg: drawing.ColorWhite, text: drawing.Color{R: 40, G: 40, B: 40, A: 255},
		axis: drawing.Color{R: 120, G: 120, B: 120, A: 255}, grid: drawing.Color{R: 225, G: 225, B: 225, A: 255},
		line:  drawing.Color{R: 200, G: 30, B: 30, A: 255},
		spans: [5]drawing.Color{{R: 120, G: 120, B: 120, A: 28}, {R: 150, G: 70, B: 210, A: 40}, {R: 30, G: 120, B: 220, A: 40}, {R: 240, G: 170, B: 0, A: 50}, {R: 230, G: 30, B: 30, A: 55}},
	}
	if dark {
		c.bg, c.text = drawing.Color{R: 30, G: 30, B: 34, A: 255}, drawing.Color{R: 225, G: 225, B: 225, A: 255}
		c.grid = drawing.Color{R: 60, G: 60, B: 66, A: 255}
		c.line = drawing.Color{R: 255, G: 90, B: 90, A: 255}
	}
	return c
}

// RoleOf is how a facility of kind k is drawn: 产治一体 and 间接用电 facilities
// are judged as production, so they are drawn as production everywhere.
func RoleOf(k store.FacilityKind) Role {
	switch k {
	case store.Production, store.Integrated, store.Indirect:
		return Production
	case store.Treatment:
		return Treatment
	}
	return Other
}
