package ui

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/golang/freetype/truetype"

	"powerwatch/assets"
	"powerwatch/statsheet"
	"powerwatch/store"
	"powerwatch/ui/chart"
)

// DayNightStats is every enterprise's consumption split into day and night
// hours, computed below the view (*sqlite.DB has it, from summaries), so
// `export stats --daynight` gives the same figures.
type DayNightStats interface {
	DayNight(ctx context.Context, from, to time.Time) ([]store.DayNightRow, error)
}

// statisticsScreen is 统计: consumption by enterprise, industry or region per
// day, month or year with 同比, 环比 and the industry average, as a chart and
// a table, exported to Excel; and a day/night comparison per enterprise.
// Both tables sort by a tap on a column's header and hide rows without any
// consumption unless asked to show them.
type statisticsScreen struct {
	s   *Shell
	box fyne.CanvasObject

	by        *widget.Select
	period    *widget.Select
	from, to  *widget.Entry
	showEmpty *widget.Check
	note      *widget.Label
	img       *canvas.Image
	tabs      *container.AppTabs
	table     *specTable[store.StatsRow]
	dnTable   *specTable[store.DayNightRow]
	font      *truetype.Font

	q       store.StatsQuery // the query rows answer
	rows    []store.StatsRow
	dn      []store.DayNightRow
	shown   []store.StatsRow // rows shown, in the order shown
	dnShown []store.DayNightRow
}

var (
	statsBy      = []store.StatsBy{store.ByEnterprise, store.ByIndustry, store.ByRegion}
	statsPeriods = []store.Period{store.Day, store.Month, store.Year}
)

func newStatisticsScreen(s *Shell) *statisticsScreen {
	tr := s.tr
	st := &statisticsScreen{s: s, note: widget.NewLabel("")}
	st.by = newSelect(tr, []string{tr.T("st.by.enterprise"), tr.T("st.by.industry"), tr.T("st.by.region")}, nil)
	st.period = newSelect(tr, []string{tr.T("st.period.day"), tr.T("st.period.month"), tr.T("st.period.year")}, nil)
	st.by.SetSelectedIndex(0)
	st.period.SetSelectedIndex(1)
	now := s.deps.Now()
	st.from, st.to = widget.NewEntry(), widget.NewEntry()
	st.from.SetText(time.Date(now.In(store.Beijing).Year(), 1, 1, 0, 0, 0, 0, store.Beijing).Format("2006-01-02"))
	st.to.SetText(now.In(store.Beijing).Format("2006-01-02"))
	st.img = canvas.NewImageFromImage(nil)
	st.img.FillMode = canvas.ImageFillContain
	st.img.SetMinSize(fyne.NewSize(600, 240))
	st.table = newSpecTable(statsColumns(tr, st.q.Period), func() []store.StatsRow { return st.shown }, nil, st.arrange)
	st.dnTable = newSpecTable(dayNightColumns(tr), func() []store.DayNightRow { return st.dnShown }, nil, st.arrange)
	st.showEmpty = widget.NewCheck(tr.T("st.showempty"), func(bool) { st.arrange() })
	run := widget.NewButton(tr.T("st.run"), st.refresh)
	run.Importance = widget.HighImportance
	export := widget.NewButton(tr.T("st.export"), st.onExport)
	st.from.SetPlaceHolder(tr.T("common.from"))
	st.to.SetPlaceHolder(tr.T("common.to"))
	bar := container.NewGridWithColumns(7, st.by, st.period, st.from, st.to, st.showEmpty, run, export)
	st.tabs = container.NewAppTabs(
		container.NewTabItem(tr.T("st.tab.consumption"), container.NewVSplit(st.img, st.table.table)),
		container.NewTabItem(tr.T("st.tab.daynight"), container.NewBorder(widget.NewLabel(tr.T("st.dn.hint", store.DayFrom, store.DayTo)), nil, nil, nil, st.dnTable.table)))
	st.tabs.OnSelected = func(*container.TabItem) { st.refresh() }
	st.box = container.NewBorder(container.NewVBox(bar, st.note), nil, nil, nil, st.tabs)
	return st
}

func (st *statisticsScreen) content() fyne.CanvasObject { return st.box }

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
	rows []store.StatsRow
	dn   []store.DayNightRow
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
	// Each tab reads only what it shows.
	dn := st.tabs.SelectedIndex() == 1
	load(st.s, func(ctx context.Context) (statsResult, error) { return st.gather(ctx, q, dark, dn) },
		func(r statsResult, err error) {
			if err != nil {
				// The previous query's rows go: 导出 must not write them
				// under this query.
				if dn {
					st.dn = nil
				} else {
					st.q, st.rows = r.q, nil
				}
				st.arrange()
				st.note.SetText(st.s.errorText(st.s.tr.T("nav.statistics"), err))
				return
			}
			if dn {
				st.dn = r.dn
			} else {
				st.q, st.rows = r.q, r.rows
				st.table.setColumns(statsColumns(st.s.tr, r.q.Period))
				st.img.Image = r.img
				st.img.Refresh()
			}
			st.arrange()
			if dn && d.DayNight == nil {
				st.note.SetText(st.s.tr.T("st.dn.none"))
			}
		})
}

// arrange applies the filter and the sort to the rows and shows them.
func (st *statisticsScreen) arrange() {
	all := st.showEmpty.Checked
	shown := make([]store.StatsRow, 0, len(st.rows))
	for _, r := range st.rows {
		if all || r.Energy != 0 || r.Points > 0 {
			shown = append(shown, r)
		}
	}
	st.shown = st.table.sorted(shown)
	dnShown := make([]store.DayNightRow, 0, len(st.dn))
	for _, r := range st.dn {
		if all || r.Day != 0 || r.Night != 0 {
			dnShown = append(dnShown, r)
		}
	}
	st.dnShown = st.dnTable.sorted(dnShown)
	st.table.Refresh()
	st.dnTable.Refresh()
	if st.tabs.SelectedIndex() == 1 {
		st.note.SetText(st.s.tr.T("st.count", len(st.dnShown), len(st.dn)))
	} else {
		st.note.SetText(st.s.tr.T("st.count", len(st.shown), len(st.rows)))
	}
}

func (st *statisticsScreen) gather(ctx context.Context, q store.StatsQuery, dark, dayNight bool) (statsResult, error) {
	d := st.s.deps
	res := statsResult{q: q}
	if dayNight {
		if d.DayNight == nil {
			return res, nil
		}
		var err error
		res.dn, err = d.DayNight.DayNight(ctx, q.From, q.To)
		return res, err
	}
	rows, err := d.Stats.Consumption(ctx, q) // with the industry averages (store.SetIndustryAverages)
	if err != nil {
		return res, err
	}
	res.rows = rows
	if res.img, err = st.chart(q, rows, dark); err != nil {
		return res, err
	}
	return res, nil
}

// chart draws the consumption per period of the six largest groups, each
// value on its period's start, with the axis ticked at the periods' starts
// (months or years of the calendar) so a value reads under its own period.
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
	first, last := q.Period.Start(q.From), q.Period.Start(q.To.Add(-time.Millisecond))
	o := chart.Options{Width: 900, Height: 300, From: first, To: q.Period.Add(last, 1),
		Font: st.font, Unit: "kWh", Dark: dark}
	o.Ticks, o.TickLayout = periodTicks(q)
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

// periodTicks are the chart's x ticks for q: each year's or month's start
// in the range (months also for days over more than a month); none for a
// month or less of days, where go-chart's own ticks read well.
func periodTicks(q store.StatsQuery) ([]time.Time, string) {
	first, last := q.Period.Start(q.From), q.Period.Start(q.To.Add(-time.Millisecond))
	var ticks []time.Time
	switch {
	case q.Period == store.Year:
		for t := first; !t.After(last); t = t.AddDate(1, 0, 0) {
			ticks = append(ticks, t)
		}
		return ticks, "2006"
	case q.Period == store.Month || q.To.Sub(q.From) > 31*24*time.Hour:
		for t := store.Month.Start(first); !t.After(last); t = t.AddDate(0, 1, 0) {
			if !t.Before(first) {
				ticks = append(ticks, t)
			}
		}
		return ticks, "2006-01"
	}
	return nil, ""
}

func (st *statisticsScreen) onExport() {
	st.s.saveFileDialog(st.s.tr.T("fd.title.save"), "用电统计.xlsx", func(path string) {
		if err := st.exportXLSX(path); err != nil {
			st.note.SetText(st.s.errorText(st.s.tr.T("st.export"), err))
			return
		}
		st.note.SetText(st.s.tr.T("st.exported", path))
	})
}

// exportXLSX writes every row of the query (empty ones too) and, once
// 昼夜对比 was shown, the day/night comparison, as statsheet writes them for
// `export stats` too.
func (st *statisticsScreen) exportXLSX(path string) error {
	var extra []statsheet.Sheet
	if len(st.dn) > 0 {
		extra = append(extra, statsheet.DayNightSheet(st.dn))
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export statistics: %w", err)
	}
	if err := statsheet.WriteXLSX(f, st.q.Period, st.rows, extra...); err != nil {
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
