package ui

import (
	"cmp"
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/statsheet"
	"powerwatch/store"
)

// statsFake answers Consumption with a row per enterprise (or industry) and
// month, and hourly aggregates of 2 kWh by day and 1 kWh by night.
type statsFake struct {
	*fakeStore
	queries []store.StatsQuery
	fail    error // when set, Consumption returns it
}

func (f *statsFake) Consumption(_ context.Context, q store.StatsQuery) ([]store.StatsRow, error) {
	f.queries = append(f.queries, q)
	if f.fail != nil {
		return nil, f.fail
	}
	var groups []store.StatsRow
	switch q.By {
	case store.ByEnterprise:
		for _, e := range f.ents {
			groups = append(groups, store.StatsRow{ID: e.ID, Name: e.Name})
		}
	case store.ByIndustry:
		for _, i := range f.industries {
			groups = append(groups, store.StatsRow{ID: i.ID, Name: i.Name})
		}
	default:
		for _, r := range f.regions {
			groups = append(groups, store.StatsRow{ID: r.ID, Name: r.Name})
		}
	}
	var out []store.StatsRow
	for _, g := range groups {
		for m := q.Period.Start(q.From); m.Before(q.To); m = q.Period.Add(m, 1) {
			r := g
			r.Start = m
			r.Energy = 1000*float64(g.ID) + float64(m.Month())/3
			r.LastYear = 900 * float64(g.ID)
			r.YoY = (r.Energy - r.LastYear) / r.LastYear
			r.Previous = 1000*float64(g.ID) + float64(m.Month()-1)/3
			r.MoM = math.NaN()
			if m.Month() > 1 {
				r.MoM = (r.Energy - r.Previous) / r.Previous
			}
			out = append(out, r)
		}
	}
	n := len(f.queries)
	withIndustryAverages(f.ents, q, out, f.Consumption)
	f.queries = f.queries[:n] // the store's own query, not the view's
	return out, nil
}

// DayNight gives every enterprise but the last 2 kWh by day for each 1 by
// night; the last used nothing.
func (f *statsFake) DayNight(_ context.Context, from, to time.Time) ([]store.DayNightRow, error) {
	var out []store.DayNightRow
	for i, e := range f.ents {
		r := store.DayNightRow{ID: e.ID, Name: e.Name}
		if i < len(f.ents)-1 {
			r.Night = float64(i+1) * to.Sub(from).Hours() / 24
			r.Day = 2 * r.Night
		}
		out = append(out, r)
	}
	return out, nil
}

func TestStatistics(t *testing.T) {
	f := &statsFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Stats, d.DayNight = f, f
	s, _ := mustShell(t, d)
	s.Show(ViewStatistics)
	s.Wait()
	st := s.screens[ViewStatistics].(*statisticsScreen)
	want, _ := f.Consumption(t.Context(), st.q)
	if len(st.rows) != len(want) || len(want) != 4*3 || len(st.shown) != len(want) {
		t.Fatalf("table has %d rows, the store %d; want 4 enterprises × 3 months", len(st.rows), len(want))
	}
	for i, r := range st.rows {
		w := want[i]
		if sh := st.shown[i]; sh.ID != r.ID || !sh.Start.Equal(r.Start) { // the store's order until a header is tapped
			t.Errorf("row %d shows %s %s, the store's row %s %s", i, sh.Name, sh.Start, r.Name, r.Start)
		}
		if r.ID != w.ID || !r.Start.Equal(w.Start) || r.Energy != w.Energy || r.LastYear != w.LastYear || r.Previous != w.Previous ||
			!sameFloat(r.YoY, w.YoY) || !sameFloat(r.MoM, w.MoM) {
			t.Errorf("row %d = %+v, the store's %+v", i, r, w)
		}
	}
	// 华北建材 (industry 1) shares its industry with 城关包装印刷厂 (id 4).
	if got, want := st.rows[0].IndustryAvg, (want[0].Energy+want[9].Energy)/2; got != want {
		t.Errorf("industry average of %s in %s = %v, want %v", st.rows[0].Name, st.rows[0].Start, got, want)
	}
	if got := st.table.cell(1, 4); got != pct(want[1].YoY) || got == "—" {
		t.Errorf("同比 cell = %q, want %q", got, pct(want[1].YoY))
	}
	if got := st.table.cell(0, 6); got != "—" {
		t.Errorf("环比 of January with no base = %q, want —", got)
	}
	if len(st.dn) != 0 {
		t.Errorf("day/night computed with its tab hidden: %+v", st.dn)
	}
	st.tabs.SelectIndex(1)
	s.Wait()
	// A third by night; the enterprise that used nothing is hidden.
	if len(st.dn) != 4 || len(st.dnShown) != 3 || st.dnTable.cell(0, 3) != "33.3%" {
		t.Errorf("day/night = %+v, shown %v", st.dn, st.dnShown)
	}

	path := filepath.Join(t.TempDir(), "stats.xlsx")
	if err := st.exportXLSX(path); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(statsheet.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(st.rows) {
		t.Fatalf("the sheet has %d rows, want a header and %d", len(rows), len(st.rows))
	}
	for i, r := range st.rows {
		cells := rows[i+1]
		// The columns of statsheet.Header: energy to 0.01 kWh, rates as
		// percentages to 0.01, exactly.
		for c, v := range map[int]float64{3: roundTo(r.Energy, 2), 4: roundTo(r.LastYear, 2), 5: roundTo(r.YoY*100, 2),
			6: roundTo(r.Previous, 2), 7: roundTo(r.MoM*100, 2), 8: roundTo(r.IndustryAvg, 2)} {
			got := math.NaN()
			if c < len(cells) && cells[c] != "" {
				if got, err = strconv.ParseFloat(cells[c], 64); err != nil {
					t.Fatalf("row %d column %d: %v", i+2, c+1, err)
				}
			}
			if !sameFloat(got, v) {
				t.Errorf("row %d column %d reads back %v, the table has %v", i+2, c+1, got, v)
			}
		}
		if cells[1] != r.Name || cells[2] != periodLabel(st.q.Period, r.Start) {
			t.Errorf("row %d = %v", i+2, cells[:3])
		}
	}
	// The day/night sheet has every enterprise, as `export stats --daynight` writes it.
	dn, _ := x.GetRows(statsheet.DayNightName)
	if len(dn) != 5 || dn[1][2] != strconv.FormatFloat(roundTo(st.dn[0].Day, 2), 'f', -1, 64) || dn[1][4] != "33.33" || len(dn[4]) > 4 && dn[4][4] != "" {
		t.Errorf("day/night sheet = %v", dn)
	}

	// By industry: the average is per enterprise of the industry.
	st.by.SetSelectedIndex(1)
	st.refresh()
	s.Wait()
	st.tabs.SelectIndex(0)
	s.Wait()
	if len(st.rows) != 9 || st.rows[0].IndustryAvg != (want[0].Energy+want[9].Energy)/2 {
		t.Errorf("by industry: %d rows, first average %v", len(st.rows), st.rows[0].IndustryAvg)
	}
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// TestStatisticsSortAndEmpty taps the headers and the show-empty box: the
// largest energy first, then reversed; rows without consumption hidden
// until asked for, in 统计 and 昼夜对比 alike.
func TestStatisticsSortAndEmpty(t *testing.T) {
	f := &statsFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Stats, d.DayNight = emptyMonths{f}, f
	s, _ := mustShell(t, d)
	s.Show(ViewStatistics)
	s.Wait()
	st := s.screens[ViewStatistics].(*statisticsScreen)
	if len(st.rows) != 12 || len(st.shown) != 9 {
		t.Fatalf("%d rows, %d shown; want 12 with the 3 empty months of one enterprise hidden", len(st.rows), len(st.shown))
	}
	tests := []struct {
		name  string
		tap   int
		value func(store.StatsRow) float64
		desc  bool
	}{
		{"energy: largest first", 2, func(r store.StatsRow) float64 { return r.Energy }, true},
		{"energy again: smallest first", 2, func(r store.StatsRow) float64 { return r.Energy }, false},
		{"同比: largest first", 4, func(r store.StatsRow) float64 { return r.YoY }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st.table.sortBy(tt.tap) // the header's tap
			var got []float64
			for _, r := range st.shown {
				got = append(got, tt.value(r))
			}
			sorted := slices.IsSortedFunc(got, func(a, b float64) int {
				if tt.desc {
					return cmp.Compare(b, a)
				}
				return cmp.Compare(a, b)
			})
			if !sorted || st.table.sort.desc != tt.desc {
				t.Errorf("column %d: %v, desc %v", tt.tap, got, st.table.sort.desc)
			}
		})
	}
	if len(st.shown) != 9 {
		t.Errorf("sorting changed what is shown: %d rows", len(st.shown))
	}
	st.showEmpty.SetChecked(true)
	if len(st.shown) != 12 {
		t.Errorf("with empty rows: %d shown, want 12", len(st.shown))
	}
	st.tabs.SelectIndex(1)
	s.Wait()
	if len(st.dnShown) != 4 {
		t.Errorf("昼夜对比 with empty rows: %d shown, want 4", len(st.dnShown))
	}
}

// emptyMonths is the fake with the last enterprise's months empty (no
// consumption, no point reporting).
type emptyMonths struct{ *statsFake }

func (e emptyMonths) Consumption(ctx context.Context, q store.StatsQuery) ([]store.StatsRow, error) {
	rows, err := e.statsFake.Consumption(ctx, q)
	last := e.ents[len(e.ents)-1].ID
	for i := range rows {
		if rows[i].ID == last {
			rows[i].Energy, rows[i].Points, rows[i].YoY, rows[i].MoM = 0, 0, math.NaN(), math.NaN()
		}
	}
	return rows, err
}

func TestPeriodTicks(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, store.Beijing) }
	tests := []struct {
		name   string
		q      store.StatsQuery
		want   []string
		layout string
	}{
		{"months: each month's start", store.StatsQuery{Period: store.Month, From: day(2026, 1, 1), To: day(2026, 4, 15)},
			[]string{"2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"}, "2006-01"},
		{"days over months: the months' starts inside", store.StatsQuery{Period: store.Day, From: day(2026, 10, 20), To: day(2026, 12, 5)},
			[]string{"2026-11-01", "2026-12-01"}, "2006-01"},
		{"years", store.StatsQuery{Period: store.Year, From: day(2024, 3, 1), To: day(2026, 2, 1)},
			[]string{"2024-01-01", "2025-01-01", "2026-01-01"}, "2006"},
		{"a fortnight of days: go-chart's own", store.StatsQuery{Period: store.Day, From: day(2026, 11, 1), To: day(2026, 11, 15)}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks, layout := periodTicks(tt.q)
			var got []string
			for _, x := range ticks {
				got = append(got, x.In(store.Beijing).Format("2006-01-02"))
			}
			if !slices.Equal(got, tt.want) || layout != tt.layout {
				t.Errorf("ticks %v %q, want %v %q", got, layout, tt.want, tt.layout)
			}
		})
	}
}

// TestStatisticsErrorDropsRows: a query that fails leaves no earlier rows
// behind for 导出 to write under it; one month by month draws.
func TestStatisticsErrorDropsRows(t *testing.T) {
	f := &statsFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Stats, d.DayNight = f, f
	s, _ := mustShell(t, d)
	s.Show(ViewStatistics)
	s.Wait()
	st := s.screens[ViewStatistics].(*statisticsScreen)
	// One month, by month: one period, one tick on the chart.
	st.from.SetText(demoNow.In(store.Beijing).Format("2006-01") + "-01")
	st.to.SetText(demoNow.In(store.Beijing).Format("2006-01-02"))
	st.refresh()
	s.Wait()
	if len(st.rows) == 0 || st.img.Image == nil || strings.Contains(st.note.Text, "错误") || strings.Contains(st.note.Text, "chart") {
		t.Fatalf("one month by month: %d rows, chart %v, note %q", len(st.rows), st.img.Image != nil, st.note.Text)
	}
	f.fail = errors.New("数据库忙 busy")
	st.refresh()
	s.Wait()
	if len(st.rows) != 0 || len(st.shown) != 0 {
		t.Errorf("after a failed query %d rows kept, %d shown", len(st.rows), len(st.shown))
	}
	if !strings.Contains(st.note.Text, "数据库忙") {
		t.Errorf("note = %q, want the error", st.note.Text)
	}
	path := filepath.Join(t.TempDir(), "s.xlsx")
	if err := st.exportXLSX(path); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) > 1 {
		t.Errorf("the export after a failed query has %d data rows", len(rows)-1)
	}
}
