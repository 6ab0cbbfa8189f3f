package ui

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"powerwatch/statsheet"
	"powerwatch/store"
)

// statsFake answers Consumption with a row per enterprise (or industry) and
// month, and hourly aggregates of 2 kWh by day and 1 kWh by night.
type statsFake struct {
	*fakeStore
	queries []store.StatsQuery
}

func (f *statsFake) Consumption(_ context.Context, q store.StatsQuery) ([]store.StatsRow, error) {
	f.queries = append(f.queries, q)
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

func (f *statsFake) HourlyAggregates(_ context.Context, pointID int64, from, to time.Time) ([]store.Aggregate, error) {
	var out []store.Aggregate
	for t := from; t.Before(to); t = t.Add(time.Hour) {
		e := 1.0
		if h := t.In(store.Beijing).Hour(); h >= 8 && h < 20 {
			e = 2
		}
		out = append(out, store.Aggregate{PointID: pointID, Start: t, Energy: e})
	}
	return out, nil
}

func TestStatistics(t *testing.T) {
	f := &statsFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Stats, d.Hourly = f, f
	s, _ := mustShell(t, d)
	s.Show(ViewStatistics)
	s.Wait()
	st := s.screens[ViewStatistics].(*statisticsScreen)
	want, _ := f.Consumption(t.Context(), st.q)
	if len(st.rows) != len(want) || len(want) != 4*3 {
		t.Fatalf("table has %d rows, the store %d; want 4 enterprises × 3 months", len(st.rows), len(want))
	}
	for i, r := range st.rows {
		w := want[i]
		if r.ID != w.ID || !r.Start.Equal(w.Start) || r.Energy != w.Energy || r.LastYear != w.LastYear || r.Previous != w.Previous ||
			!sameFloat(r.YoY, w.YoY) || !sameFloat(r.MoM, w.MoM) {
			t.Errorf("row %d = %+v, the store's %+v", i, r.StatsRow, w)
		}
	}
	// 华北建材 (industry 1) shares its industry with 城关包装印刷厂 (id 4).
	if got, want := st.rows[0].industryAvg, (want[0].Energy+want[9].Energy)/2; got != want {
		t.Errorf("industry average of %s in %s = %v, want %v", st.rows[0].Name, st.rows[0].Start, got, want)
	}
	if got := st.cell(widget.TableCellID{Row: 1, Col: 4}); got != pct(want[1].YoY) || got == "—" {
		t.Errorf("同比 cell = %q, want %q", got, pct(want[1].YoY))
	}
	if got := st.cell(widget.TableCellID{Row: 0, Col: 6}); got != "—" {
		t.Errorf("环比 of January with no base = %q, want —", got)
	}
	if len(st.dn) != 0 {
		t.Errorf("day/night computed with its tab hidden: %+v", st.dn)
	}
	st.tabs.SelectIndex(1)
	s.Wait()
	// Day 2 kWh × 12 h, night 1 kWh × 12 h on every point: a third by night.
	if len(st.dn) != 4 || math.Abs(st.dn[0].nightPercent-100.0/3) > 1e-9 || st.dn[0].day != 2*st.dn[0].night {
		t.Errorf("day/night = %+v", st.dn)
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
			6: roundTo(r.Previous, 2), 7: roundTo(r.MoM*100, 2), 8: roundTo(r.industryAvg, 2)} {
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
	dn, _ := x.GetRows(s.tr.T("st.tab.daynight"))
	if len(dn) != 5 || dn[1][1] != strconv.FormatFloat(roundTo(st.dn[0].day, 2), 'f', -1, 64) || dn[1][3] != "0.3333" {
		t.Errorf("day/night sheet = %v", dn)
	}

	// By industry: the average is per enterprise of the industry.
	st.by.SetSelectedIndex(1)
	st.refresh()
	s.Wait()
	if len(st.rows) != 9 || st.rows[0].industryAvg != (want[0].Energy+want[9].Energy)/2 {
		t.Errorf("by industry: %d rows, first average %v", len(st.rows), st.rows[0].industryAvg)
	}
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
