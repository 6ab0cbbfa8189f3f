package ui

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/golang/freetype/truetype"

	"powerwatch/assets"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// curveScreen is 曲线: one or several facilities' power (or current, voltage,
// energy) over a range, production and treatment overlaid, with thresholds,
// alarms, orders, filings, weekends and public holidays. Drawing runs off the
// UI goroutine and can be cancelled; hovering (or, on a touch screen,
// tapping) shows the time and values under the pointer.
type curveScreen struct {
	s *Shell

	ents     []store.Enterprise
	facs     []store.Facility
	entSel   *entPicker // searchable: a district has hundreds
	facCheck *widget.CheckGroup
	rangeSel *widget.Select
	qtySel   *widget.Select
	from, to *widget.Entry
	info     *widget.Label
	busy     *widget.ProgressBarInfinite
	cancelB  *widget.Button
	view     *chartView
	box      fyne.CanvasObject

	font    *truetype.Font
	cancel  context.CancelFunc // of the drawing in progress
	last    curveResult
	pending int64 // enterprise to select once the list is loaded
}

// curveRanges are the range choices, in order.
var curveRanges = []string{"curve.today", "curve.24h", "curve.7d", "curve.month", "curve.year", "curve.custom"}

var curveQuantities = []struct {
	id   string
	unit string
	q    chart.Quantity
}{{"curve.power", "kW", chart.Power}, {"curve.current", "A", chart.Current}, {"curve.voltage", "V", chart.Voltage}, {"curve.energy", "kWh", chart.Energy}}

func newCurveScreen(s *Shell) *curveScreen {
	c := &curveScreen{s: s, info: widget.NewLabel(""), busy: widget.NewProgressBarInfinite()}
	tr := s.tr
	c.entSel = newEntPicker(tr, nil, func(store.Enterprise) { c.onEnterprise() })
	c.facCheck = widget.NewCheckGroup(nil, func([]string) { c.draw() })
	c.facCheck.Horizontal = true
	c.rangeSel = newSelect(tr, names(curveRanges, func(id string) string { return tr.T(id) }), func(string) { c.onRange() })
	c.qtySel = newSelect(tr, nil, func(string) { c.draw() })
	for _, q := range curveQuantities {
		c.qtySel.Options = append(c.qtySel.Options, tr.T(q.id))
	}
	c.from, c.to = widget.NewEntry(), widget.NewEntry()
	c.from.Validator, c.to.Validator = s.validTime, s.validTime
	c.cancelB = widget.NewButtonWithIcon(tr.T("common.cancel"), theme.CancelIcon(), c.stop)
	c.view = newChartView(c)
	c.busy.Hide()
	c.cancelB.Hide()
	c.qtySel.SetSelectedIndex(0)
	c.rangeSel.SetSelectedIndex(1)
	export := widget.NewButtonWithIcon(tr.T("curve.export"), theme.DownloadIcon(), c.onExport)
	apply := widget.NewButton(tr.T("curve.apply"), c.draw)
	row1 := container.NewBorder(nil, nil, widget.NewLabel(tr.T("curve.enterprise")), container.NewHBox(c.qtySel, export), c.entSel.button)
	row2 := container.NewHBox(c.rangeSel, widget.NewLabel(tr.T("common.from")), sized(c.from, 150), widget.NewLabel(tr.T("common.to")), sized(c.to, 150), apply, c.busy, c.cancelB)
	top := container.NewVBox(row1, container.NewHScroll(c.facCheck), row2)
	c.box = container.NewBorder(top, c.info, nil, nil, c.view)
	return c
}

// sized keeps an entry at a readable width inside an HBox.
func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func (c *curveScreen) content() fyne.CanvasObject { return c.box }

func (c *curveScreen) refresh() {
	r := c.s.deps.Registry
	if r == nil || c.s.deps.Readings == nil {
		c.info.SetText(c.s.tr.T("common.nodata"))
		return
	}
	load(c.s, func(ctx context.Context) ([]store.Enterprise, error) {
		return r.FindEnterprises(ctx, store.EnterpriseFilter{})
	}, func(es []store.Enterprise, err error) {
		if err != nil {
			c.info.SetText(c.s.errorText(c.s.tr.T("nav.enterprises"), err))
			return
		}
		c.ents = es
		selected := c.entSel.SelectedID()
		c.entSel.SetEnterprises(es)
		switch {
		case c.pending != 0:
			c.showEnterprise(c.pending)
		case selected == 0 && len(es) > 0:
			c.entSel.SetSelectedID(es[0].ID)
		}
	})
}

// showEnterprise selects enterprise id (from its page's "curves" button).
func (c *curveScreen) showEnterprise(id int64) {
	for _, e := range c.ents {
		if e.ID == id {
			c.pending = 0
			c.entSel.SetSelectedID(id)
			return
		}
	}
	c.pending = id // the list is not loaded yet; refresh selects it
}

// onEnterprise loads the chosen enterprise's facilities and checks the
// production and treatment ones.
func (c *curveScreen) onEnterprise() {
	id := c.entSel.SelectedID()
	if id == 0 {
		return
	}
	load(c.s, func(ctx context.Context) ([]store.Facility, error) {
		return c.s.deps.Registry.FacilitiesByEnterprise(ctx, id)
	}, func(fs []store.Facility, err error) {
		if err != nil {
			c.info.SetText(c.s.errorText(c.s.tr.T("ent.tab.facilities"), err))
			return
		}
		c.facs = fs
		var opts, on []string
		for _, f := range fs {
			opts = append(opts, c.facLabel(f))
			if f.Kind == store.Production || f.Kind == store.Treatment || f.Kind == store.Integrated {
				on = append(on, c.facLabel(f))
			}
		}
		c.facCheck.OnChanged = nil
		c.facCheck.Options = opts
		c.facCheck.SetSelected(on)
		c.facCheck.OnChanged = func([]string) { c.draw() }
		c.draw()
	})
}

func (c *curveScreen) facLabel(f store.Facility) string {
	return f.Name + " (" + c.s.facilityKind(f.Kind) + ")"
}

// onRange fills the from/to fields for the chosen range and draws.
func (c *curveScreen) onRange() {
	now := c.s.deps.Now().In(store.Beijing)
	var from time.Time
	to := now
	switch curveRanges[max(c.rangeSel.SelectedIndex(), 0)] {
	case "curve.today":
		from = dayStart(now)
	case "curve.24h":
		from = now.Add(-24 * time.Hour)
	case "curve.7d":
		from = now.AddDate(0, 0, -7)
	case "curve.month":
		from = store.Month.Start(now)
	case "curve.year":
		from = now.AddDate(-1, 0, 0)
	case "curve.custom":
		return // the officer types from and to, then applies
	}
	c.from.SetText(from.Format(timeLayout))
	c.to.SetText(to.Format(timeLayout))
	c.draw()
}

// curveRequest is what one drawing needs, read on the UI goroutine.
type curveRequest struct {
	enterprise int64
	facs       []store.Facility
	all        []store.Facility // every facility of the enterprise: their colours (chart.Options.Keys)
	from, to   time.Time
	quantity   int
	width      int
	height     int
	dark       bool
}

// curveResult is a drawn chart and what a click needs to look up values.
type curveResult struct {
	img    image.Image
	frame  chart.Frame
	series []chart.Series
	unit   string
	note   string
}

// request reads the controls; ok is false when they do not make a chart yet.
func (c *curveScreen) request() (curveRequest, bool) {
	var r curveRequest
	if r.enterprise = c.entSel.SelectedID(); r.enterprise == 0 {
		return r, false
	}
	chosen := map[string]bool{}
	for _, s := range c.facCheck.Selected {
		chosen[s] = true
	}
	r.all = c.facs
	for _, f := range c.facs {
		if chosen[c.facLabel(f)] {
			r.facs = append(r.facs, f)
		}
	}
	var err1, err2 error
	r.from, err1 = parseTime(c.from.Text)
	r.to, err2 = parseTime(c.to.Text)
	if err1 != nil || err2 != nil || !r.to.After(r.from) {
		c.info.SetText(c.s.tr.T("valid.range"))
		return r, false
	}
	r.quantity = max(c.qtySel.SelectedIndex(), 0)
	scale := float32(1)
	if cv := c.s.win.Canvas(); cv != nil && cv.Scale() > 0 {
		scale = cv.Scale()
	}
	size := c.view.Size()
	r.width, r.height = int(size.Width*scale), int(size.Height*scale)
	if r.width < 300 || r.height < 200 {
		r.width, r.height = 1100, 480
	}
	r.dark = c.s.app.Settings().ThemeVariant() == theme.VariantDark
	if mode := c.s.app.Preferences().String(prefTheme); mode == string(ThemeDark) {
		r.dark = true
	} else if mode == string(ThemeLight) {
		r.dark = false
	}
	return r, true
}

// draw starts drawing the chart for the current controls, cancelling any
// drawing still running.
func (c *curveScreen) draw() {
	req, ok := c.request()
	if !ok || c.s.deps.Readings == nil {
		return
	}
	c.stop()
	c.chartFont()
	ctx, cancel := context.WithCancel(c.s.ctx)
	c.cancel = cancel
	c.busy.Show()
	c.cancelB.Show()
	c.info.SetText(c.s.tr.T("curve.loading"))
	load(c.s, func(context.Context) (curveResult, error) { return c.render(ctx, req) }, func(res curveResult, err error) {
		if ctx.Err() != nil {
			return // cancelled or replaced by a newer drawing
		}
		cancel()
		c.busy.Hide()
		c.cancelB.Hide()
		if err != nil {
			c.info.SetText(c.s.errorText(c.s.tr.T("nav.curves"), err))
			return
		}
		c.last = res
		c.view.setImage(res.img)
		c.info.SetText(res.note)
	})
}

// stop cancels the drawing in progress, if any.
func (c *curveScreen) stop() {
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
		c.busy.Hide()
		c.cancelB.Hide()
		c.info.SetText(c.s.tr.T("err.canceled"))
	}
}

func (c *curveScreen) chartFont() *truetype.Font {
	if c.font == nil {
		// The bundled font parses or the build is broken; a nil font falls
		// back to go-chart's Latin font and Chinese shows as boxes.
		c.font, _ = truetype.Parse(assets.FontRegular.Content())
	}
	return c.font
}

// render reads the series and marks and draws them. It runs off the UI goroutine.
func (c *curveScreen) render(ctx context.Context, req curveRequest) (curveResult, error) {
	d, tr := c.s.deps, c.s.tr
	qty := curveQuantities[req.quantity]
	res := curveResult{unit: qty.unit}
	o := chart.Options{Width: req.width, Height: req.height, From: req.from, To: req.to, Unit: tr.T(qty.id) + " (" + qty.unit + ")", Dark: req.dark}
	o.Font = c.font
	// Colours are handed out over every facility of the enterprise, so
	// unticking one does not recolour the others.
	for _, f := range req.all {
		o.Keys = append(o.Keys, chart.SeriesKey{Key: f.ID, Role: role(f.Kind)})
	}
	columns := req.width * 9 / 10
	var notes []string
	var reads []curveRead
	for _, f := range req.facs {
		pts, err := d.Registry.FindPoints(ctx, store.PointFilter{FacilityID: f.ID})
		if err != nil {
			return res, fmt.Errorf("read points of %s: %w", f.Name, err)
		}
		if len(pts) == 0 {
			notes = append(notes, tr.T("curve.nopoint", f.Name))
		}
		for _, p := range pts {
			name := f.Name
			if len(pts) > 1 {
				name += "/" + p.Name
			}
			reads = append(reads, curveRead{fac: f, point: p.ID, series: chart.Series{Name: name, Role: role(f.Kind), Key: f.ID}})
		}
		if err := c.addThresholds(ctx, &o, f, req); err != nil {
			return res, err
		}
	}
	if err := c.readCurves(ctx, reads, req, columns); err != nil {
		return res, err
	}
	for _, r := range reads {
		o.Series = append(o.Series, r.series)
	}
	if err := c.addSpans(ctx, &o, req); err != nil {
		return res, err
	}
	notes = append(notes, c.calendarNotes(req)...)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	img, frame, err := chart.Render(o)
	if err != nil {
		return res, err
	}
	res.img, res.frame, res.series = img, frame, o.Series
	empty := true
	for _, s := range o.Series {
		empty = empty && len(s.Points) == 0
	}
	if empty {
		notes = append(notes, tr.T("curve.empty"))
	}
	res.note = strings.Join(append([]string{tr.T("curve.hint")}, notes...), "  ")
	return res, nil
}

// curveRead is one point's series to read.
type curveRead struct {
	fac    store.Facility
	point  int64
	series chart.Series
}

// readCurves fills the points of every read, on every core at once: a year
// of a point is a year of packed days to unpack, and an enterprise has
// several points.
func (c *curveScreen) readCurves(ctx context.Context, reads []curveRead, req curveRequest, columns int) error {
	errs := make([]error, len(reads))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(reads)) {
		wg.Go(func() {
			for i := range next {
				reads[i].series.Points, errs[i] = c.curve(ctx, reads[i].point, req, columns)
			}
		})
	}
	for i := range reads {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("read the curve of %s: %w", reads[i].fac.Name, err)
		}
	}
	return nil
}

// curve reads one point's columns: power from the store's downsampled tiers
// (fast for a year), the other quantities from the samples.
func (c *curveScreen) curve(ctx context.Context, point int64, req curveRequest, columns int) ([]store.CurvePoint, error) {
	if req.quantity == 0 {
		return c.s.deps.Readings.Curve(ctx, point, req.from, req.to, columns)
	}
	samples, err := c.s.deps.Readings.Samples(ctx, point, req.from, req.to)
	if err != nil {
		return nil, err
	}
	return chart.Downsample(samples, curveQuantities[req.quantity].q, req.from, req.to, columns), nil
}

func role(k store.FacilityKind) chart.Role {
	switch k {
	case store.Production, store.Integrated:
		return chart.Production
	case store.Treatment:
		return chart.Treatment
	}
	return chart.Other
}

// addThresholds draws f's threshold in force at the end of the range when it
// is on the quantity shown.
func (c *curveScreen) addThresholds(ctx context.Context, o *chart.Options, f store.Facility, req curveRequest) error {
	ts, err := c.s.deps.Registry.ThresholdsFor(ctx, f.ID)
	if err != nil {
		return fmt.Errorf("read thresholds of %s: %w", f.Name, err)
	}
	th, ok := store.ThresholdAt(ts, req.to)
	if !ok {
		th, ok = store.DefaultThreshold(f.RatedKW)
	}
	if !ok || (th.Basis == store.ByPower) != (req.quantity == 0) || (th.Basis == store.ByCurrent) != (req.quantity == 1) {
		return nil
	}
	// The rule compares a production's running level with its treatment's
	// stop level: draw those two, so the chart stays readable with many facilities.
	tr := c.s.tr
	switch f.Kind {
	case store.Production, store.Integrated:
		o.Lines = append(o.Lines, chart.Line{Value: th.Run, Label: tr.T("curve.run", f.Name, th.Run)})
	case store.Treatment:
		o.Lines = append(o.Lines, chart.Line{Value: th.Stop, Label: tr.T("curve.stop", f.Name, th.Stop)})
	}
	return nil
}

// addSpans shades weekends, public holidays, filings, orders and alarms of
// the enterprise.
func (c *curveScreen) addSpans(ctx context.Context, o *chart.Options, req curveRequest) error {
	d, tr := c.s.deps, c.s.tr
	o.Spans = chart.RestDays(d.Holidays, req.from, req.to)
	o.SpanNames = map[chart.SpanKind]string{chart.Weekend: tr.T("curve.weekend"), chart.Holiday: tr.T("curve.holiday")}
	fs, err := d.Registry.FindFilings(ctx, store.FilingFilter{EnterpriseID: req.enterprise, From: req.from, To: req.to})
	if err != nil {
		return fmt.Errorf("read filings: %w", err)
	}
	for _, f := range fs {
		o.Spans = append(o.Spans, chart.Span{From: f.Start, To: f.End, Kind: chart.Filing, Label: tr.T("filing." + string(f.Kind))})
	}
	ords, err := d.Registry.FindOrders(ctx, store.OrderFilter{EnterpriseID: req.enterprise, From: req.from, To: req.to})
	if err != nil {
		return fmt.Errorf("read orders: %w", err)
	}
	for _, x := range ords {
		o.Spans = append(o.Spans, chart.Span{From: x.Start, To: x.End, Kind: chart.Order, Label: tr.T("order."+string(x.Kind)) + " " + tr.T("level."+string(x.Level))})
	}
	if d.Alarms == nil {
		return nil
	}
	// A withdrawn alarm was disproved by later data, an alarm of a recorded
	// test (试验) is not the enterprise's doing: no shading for either.
	as, err := d.Alarms.FindAlarms(ctx, store.AlarmFilter{EnterpriseID: req.enterprise, From: req.from, To: req.to,
		Statuses: []store.AlarmStatus{store.Open, store.Ended}, Trial: store.TrialNo})
	if err != nil {
		return fmt.Errorf("read alarms: %w", err)
	}
	for _, a := range as {
		end := a.End
		if end.IsZero() {
			end = req.to
		}
		o.Spans = append(o.Spans, chart.Span{From: a.Start, To: end, Kind: chart.Alarm, Label: c.s.alarmType(a.Type)})
	}
	return nil
}

// calendarNotes says, under the chart, which years of the range have no
// official calendar (only weekends are shaded there) and what is wrong in the
// officer's holidays.csv.
func (c *curveScreen) calendarNotes(req curveRequest) []string {
	d, tr := c.s.deps, c.s.tr
	var notes []string
	if ys := d.Holidays.UnknownYears(req.from, req.to); len(ys) > 0 {
		years := make([]string, len(ys))
		for i, y := range ys {
			years[i] = strconv.Itoa(y)
		}
		notes = append(notes, tr.T("curve.holidays.unknown", strings.Join(years, ", ")))
	}
	if d.HolidaysErr != nil {
		lines := strings.Split(d.HolidaysErr.Error(), "\n")
		notes = append(notes, tr.T("curve.holidays.error", len(lines), lines[0]))
	}
	return notes
}
