package ui

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/golang/freetype/truetype"

	"powerwatch/assets"
	"powerwatch/statsheet"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// HourlyStats is a point's hourly aggregates, for the day/night comparison
// (*sqlite.DB has it).
type HourlyStats interface {
	HourlyAggregates(ctx context.Context, pointID int64, from, to time.Time) ([]store.Aggregate, error)
}

// Day hours for the day/night comparison: [dayFrom, dayTo) Beijing time is day.
const (
	dayFrom = 8
	dayTo   = 20
)

// statRow is one line of the statistics table: the store's row and the
// industry average of its period (NaN when it does not apply).
type statRow struct {
	store.StatsRow
	industryAvg float64
}

// dayNightRow is one enterprise's consumption by day and by night.
type dayNightRow struct {
	name         string
	day, night   float64 // kWh
	nightPercent float64 // night ÷ (day + night) × 100, NaN when nothing was used
}

// statisticsScreen is 统计: consumption by enterprise, industry or region per
// day, month or year with 同比, 环比 and the industry average, as a chart and
// a table, exported to Excel; and a day/night comparison per enterprise.
type statisticsScreen struct {
	s   *Shell
	box fyne.CanvasObject

	by       *widget.Select
	period   *widget.Select
	from, to *widget.Entry
	note     *widget.Label
	img      *canvas.Image
	tabs     *container.AppTabs
	table    *widget.Table
	dnTable  *widget.Table
	font     *truetype.Font

	q    store.StatsQuery // the query rows answer
	rows []statRow
	dn   []dayNightRow
}

var (
	statsBy      = []store.StatsBy{store.ByEnterprise, store.ByIndustry, store.ByRegion}
	statsPeriods = []store.Period{store.Day, store.Month, store.Year}
)

func newStatisticsScreen(s *Shell) *statisticsScreen {
	tr := s.tr
	st := &statisticsScreen{s: s, note: widget.NewLabel("")}
	st.by = widget.NewSelect([]string{tr.T("st.by.enterprise"), tr.T("st.by.industry"), tr.T("st.by.region")}, nil)
	st.period = widget.NewSelect([]string{tr.T("st.period.day"), tr.T("st.period.month"), tr.T("st.period.year")}, nil)
	st.by.SetSelectedIndex(0)
	st.period.SetSelectedIndex(1)
	now := s.deps.Now()
	st.from, st.to = widget.NewEntry(), widget.NewEntry()
	st.from.SetText(time.Date(now.In(store.Beijing).Year(), 1, 1, 0, 0, 0, 0, store.Beijing).Format("2006-01-02"))
	st.to.SetText(now.In(store.Beijing).Format("2006-01-02"))
	st.img = canvas.NewImageFromImage(nil)
	st.img.FillMode = canvas.ImageFillContain
	st.img.SetMinSize(fyne.NewSize(600, 240))
	cols := st.columns()
	st.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(st.rows), len(cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(st.cell(id)) })
	st.table.ShowHeaderColumn = false
	st.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(cols[id.Col])
		}
	}
	for i, w := range []float32{200, 100, 120, 120, 80, 120, 80, 120} {
		st.table.SetColumnWidth(i, w)
	}
	dnCols := []string{tr.T("st.col.name"), tr.T("st.dn.day"), tr.T("st.dn.night"), tr.T("st.dn.share")}
	st.dnTable = widget.NewTableWithHeaders(
		func() (int, int) { return len(st.dn), len(dnCols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(st.dnCell(id)) })
	st.dnTable.ShowHeaderColumn = false
	st.dnTable.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(dnCols[id.Col])
		}
	}
	for i, w := range []float32{220, 140, 140, 120} {
		st.dnTable.SetColumnWidth(i, w)
	}
	run := widget.NewButton(tr.T("st.run"), st.refresh)
	run.Importance = widget.HighImportance
	export := widget.NewButton(tr.T("st.export"), st.onExport)
	st.from.SetPlaceHolder(tr.T("common.from"))
	st.to.SetPlaceHolder(tr.T("common.to"))
	bar := container.NewGridWithColumns(6, st.by, st.period, st.from, st.to, run, export)
	st.tabs = container.NewAppTabs(
		container.NewTabItem(tr.T("st.tab.consumption"), container.NewVSplit(st.img, st.table)),
		container.NewTabItem(tr.T("st.tab.daynight"), container.NewBorder(widget.NewLabel(tr.T("st.dn.hint", dayFrom, dayTo)), nil, nil, nil, st.dnTable)))
	st.tabs.OnSelected = func(*container.TabItem) { st.refresh() }
	st.box = container.NewBorder(container.NewVBox(bar, st.note), nil, nil, nil, st.tabs)
	return st
}

func (st *statisticsScreen) content() fyne.CanvasObject { return st.box }

func (st *statisticsScreen) columns() []string {
	tr := st.s.tr
	return []string{tr.T("st.col.name"), tr.T("st.col.period"), tr.T("st.col.energy"), tr.T("st.col.lastyear"),
		tr.T("st.col.yoy"), tr.T("st.col.previous"), tr.T("st.col.mom"), tr.T("st.col.industryavg")}
}

// query reads the controls.
func (st *statisticsScreen) query() (store.StatsQuery, bool) {
	f, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(st.from.Text), store.Beijing)
	t, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(st.to.Text), store.Beijing)
	if err1 != nil || err2 != nil || t.Before(f) {
		return store.StatsQuery{}, false
	}
	return store.StatsQuery{By: statsBy[max(st.by.SelectedIndex(), 0)], Period: statsPeriods[max(st.period.SelectedIndex(), 0)],
		From: f, To: t.AddDate(0, 0, 1)}, true
}

// statsResult is one load of the view.
type statsResult struct {
	q    store.StatsQuery
	rows []statRow
	dn   []dayNightRow
	img  image.Image
}

func (st *statisticsScreen) refresh() {
	d := st.s.deps
	if d.Stats == nil || d.Registry == nil {
		st.note.SetText(st.s.tr.T("common.nodata"))
		return
	}
	q, ok := st.query()
	if !ok {
		st.note.SetText(st.s.tr.T("al.badrange"))
		return
	}
	dark := st.s.app.Settings().ThemeVariant() == theme.VariantDark
	st.note.SetText(st.s.tr.T("curve.loading"))
	// The day/night comparison reads every point's hourly rows: only when its tab is shown.
	dn := st.tabs.SelectedIndex() == 1
	load(st.s, func(ctx context.Context) (statsResult, error) { return st.gather(ctx, q, dark, dn) },
		func(r statsResult, err error) {
			if err != nil {
				st.note.SetText(st.s.errorText(st.s.tr.T("nav.statistics"), err))
				return
			}
			st.q, st.rows = r.q, r.rows
			if dn {
				st.dn = r.dn
			}
			st.img.Image = r.img
			st.img.Refresh()
			st.table.Refresh()
			st.dnTable.Refresh()
			note := st.s.tr.T("st.count", len(r.rows))
			if d.Hourly == nil {
				note += "  " + st.s.tr.T("st.dn.none")
			}
			st.note.SetText(note)
		})
}

func (st *statisticsScreen) gather(ctx context.Context, q store.StatsQuery, dark, withDayNight bool) (statsResult, error) {
	d := st.s.deps
	res := statsResult{q: q}
	rows, err := d.Stats.Consumption(ctx, q)
	if err != nil {
		return res, err
	}
	ents, err := d.Registry.FindEnterprises(ctx, store.EnterpriseFilter{})
	if err != nil {
		return res, fmt.Errorf("read enterprises: %w", err)
	}
	for _, r := range rows { // the industry average comes with the rows (store.SetIndustryAverages)
		res.rows = append(res.rows, statRow{StatsRow: r, industryAvg: r.IndustryAvg})
	}
	if res.img, err = st.chart(q, rows, dark); err != nil {
		return res, err
	}
	if d.Hourly != nil && withDayNight {
		if res.dn, err = dayNight(ctx, d, ents, q.From, q.To); err != nil {
			return res, err
		}
	}
	return res, nil
}

// chart draws the consumption per period of the six largest groups.
func (st *statisticsScreen) chart(q store.StatsQuery, rows []store.StatsRow, dark bool) (image.Image, error) {
	if st.font == nil {
		st.font, _ = truetype.Parse(assets.FontRegular.Content())
	}
	total := map[int64]float64{}
	byID := map[int64]*chart.Series{}
	var order []int64
	for _, r := range rows {
		total[r.ID] += r.Energy
		s, ok := byID[r.ID]
		if !ok {
			s = &chart.Series{Name: r.Name}
			byID[r.ID] = s
			order = append(order, r.ID)
		}
		s.Points = append(s.Points, store.CurvePoint{At: r.Start, Min: r.Energy, Max: r.Energy, Mean: r.Energy, N: 1})
	}
	sort.SliceStable(order, func(i, j int) bool { return total[order[i]] > total[order[j]] })
	o := chart.Options{Width: 900, Height: 300, From: q.Period.Start(q.From), To: q.Period.Add(q.Period.Start(q.To.Add(-time.Millisecond)), 1),
		Font: st.font, Unit: "kWh", Dark: dark}
	for i, id := range order {
		if i == 6 {
			break
		}
		s := *byID[id]
		s.Role = chart.Production // the two roles' palettes give six distinct colours
		if i%2 == 1 {
			s.Role = chart.Treatment
		}
		o.Series = append(o.Series, s)
	}
	img, _, err := chart.Render(o)
	return img, err
}

// dayNight sums every point's hourly energy per enterprise into day and night.
func dayNight(ctx context.Context, d Deps, ents []store.Enterprise, from, to time.Time) ([]dayNightRow, error) {
	var out []dayNightRow
	for _, e := range ents {
		pts, err := d.Registry.FindPoints(ctx, store.PointFilter{EnterpriseID: e.ID})
		if err != nil {
			return nil, fmt.Errorf("points of %s: %w", e.Name, err)
		}
		r := dayNightRow{name: e.Name}
		for _, p := range pts {
			aggs, err := d.Hourly.HourlyAggregates(ctx, p.ID, from, to)
			if err != nil {
				return nil, fmt.Errorf("hourly energy of %s: %w", e.Name, err)
			}
			for _, a := range aggs {
				if h := a.Start.In(store.Beijing).Hour(); h >= dayFrom && h < dayTo {
					r.day += a.Energy
				} else {
					r.night += a.Energy
				}
			}
		}
		r.nightPercent = math.NaN()
		if r.day+r.night > 0 {
			r.nightPercent = r.night / (r.day + r.night) * 100
		}
		out = append(out, r)
	}
	return out, nil
}

// periodLabel writes a period start as the period's name: 2026-03-18, 2026-03, 2026.
func periodLabel(p store.Period, t time.Time) string { return statsheet.PeriodLabel(p, t) }

func kwh(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", v*100)
}

func (st *statisticsScreen) cell(id widget.TableCellID) string {
	if id.Row >= len(st.rows) {
		return ""
	}
	r := st.rows[id.Row]
	switch id.Col {
	case 0:
		return r.Name
	case 1:
		return periodLabel(st.q.Period, r.Start)
	case 2:
		return kwh(r.Energy)
	case 3:
		return kwh(r.LastYear)
	case 4:
		return pct(r.YoY)
	case 5:
		return kwh(r.Previous)
	case 6:
		return pct(r.MoM)
	case 7:
		return kwh(r.industryAvg)
	}
	return ""
}

func (st *statisticsScreen) dnCell(id widget.TableCellID) string {
	if id.Row >= len(st.dn) {
		return ""
	}
	r := st.dn[id.Row]
	switch id.Col {
	case 0:
		return r.name
	case 1:
		return kwh(r.day)
	case 2:
		return kwh(r.night)
	case 3:
		if math.IsNaN(r.nightPercent) {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", r.nightPercent)
	}
	return ""
}

func (st *statisticsScreen) onExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := st.exportXLSX(path); err != nil {
			st.note.SetText(st.s.errorText(st.s.tr.T("st.export"), err))
			return
		}
		st.note.SetText(st.s.tr.T("st.exported", path))
	}, st.s.win)
	d.SetFileName("用电统计.xlsx")
	d.Show()
}

// exportXLSX writes the table and the day/night comparison to an Excel file
// with the same numbers: energy to 0.01 kWh, 同比/环比 and the night share as
// fractions to 0.0001 (empty when there is no base), so a spreadsheet can
// recompute them and nothing depends on Excel's 15 significant digits.
func (st *statisticsScreen) exportXLSX(path string) error {
	rows := make([]store.StatsRow, len(st.rows))
	for i, r := range st.rows {
		rows[i] = r.StatsRow
	}
	frac := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return roundTo(v, 4)
	}
	dn := statsheet.Sheet{Name: st.s.tr.T("st.tab.daynight"),
		Header: []string{st.s.tr.T("st.col.name"), st.s.tr.T("st.dn.day"), st.s.tr.T("st.dn.night"), st.s.tr.T("st.dn.share")}}
	for _, r := range st.dn {
		dn.Rows = append(dn.Rows, []any{r.name, statsheet.Round2(r.day), statsheet.Round2(r.night), frac(r.nightPercent / 100)})
	}
	var extra []statsheet.Sheet
	if len(st.dn) > 0 {
		extra = append(extra, dn)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export statistics: %w", err)
	}
	if err := statsheet.WriteXLSX(f, st.q.Period, rows, extra...); err != nil {
		f.Close()
		return fmt.Errorf("export statistics to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export statistics to %s: %w", path, err)
	}
	return nil
}

// roundTo rounds v to n decimals, the precision the Excel export keeps.
func roundTo(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(v*p) / p
}
