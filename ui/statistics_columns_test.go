package ui

import (
	"math"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
)

func cellTexts[R any](cols []column[R], r R) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c.text(r))
	}
	return out
}

// TestStatsColumns: 统计's headers, widths and cells for each period, a row
// with every figure and one without a base (NaN, ±Inf shown —).
func TestStatsColumns(t *testing.T) {
	tr := &translator{lang: Chinese, msgs: shippedMessages(t)}
	nan := math.NaN()
	start := time.Date(2026, 3, 18, 0, 0, 0, 0, store.Beijing)
	full := store.StatsRow{ID: 1, Name: "华北建材有限公司", Start: start, Energy: 1234.56, LastYear: 1100, YoY: 0.12232,
		Previous: 1300.04, MoM: -0.0503, IndustryAvg: 2000.25}
	none := store.StatsRow{ID: 2, Name: "城关包装印刷厂", Start: start, Energy: 0, LastYear: 0, YoY: math.Inf(1),
		Previous: 0, MoM: nan, IndustryAvg: nan}
	heads := []string{"名称", "周期", "用电量 kWh", "去年同期 kWh", "同比", "上期 kWh", "环比", "行业平均 kWh"}
	widths := []float32{200, 100, 120, 120, 80, 120, 80, 120}
	tests := []struct {
		period     store.Period
		full, none []string
	}{
		{store.Day, []string{"华北建材有限公司", "2026-03-18", "1234.6", "1100.0", "+12.2%", "1300.0", "-5.0%", "2000.2"},
			[]string{"城关包装印刷厂", "2026-03-18", "0.0", "0.0", "—", "0.0", "—", "—"}},
		{store.Month, []string{"华北建材有限公司", "2026-03", "1234.6", "1100.0", "+12.2%", "1300.0", "-5.0%", "2000.2"},
			[]string{"城关包装印刷厂", "2026-03", "0.0", "0.0", "—", "0.0", "—", "—"}},
		{store.Year, []string{"华北建材有限公司", "2026", "1234.6", "1100.0", "+12.2%", "1300.0", "-5.0%", "2000.2"},
			[]string{"城关包装印刷厂", "2026", "0.0", "0.0", "—", "0.0", "—", "—"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.period), func(t *testing.T) {
			cols := statsColumns(tr, tt.period)
			var gotHeads []string
			var gotWidths []float32
			for _, c := range cols {
				gotHeads, gotWidths = append(gotHeads, c.head), append(gotWidths, c.width)
			}
			if !slices.Equal(gotHeads, heads) || !slices.Equal(gotWidths, widths) {
				t.Errorf("headers %q widths %v, want %q %v", gotHeads, gotWidths, heads, widths)
			}
			if got := cellTexts(cols, full); !slices.Equal(got, tt.full) {
				t.Errorf("full row %q, want %q", got, tt.full)
			}
			if got := cellTexts(cols, none); !slices.Equal(got, tt.none) {
				t.Errorf("row without bases %q, want %q", got, tt.none)
			}
		})
	}
}

func TestDayNightColumns(t *testing.T) {
	cols := dayNightColumns(&translator{lang: Chinese, msgs: shippedMessages(t)})
	var heads []string
	for _, c := range cols {
		heads = append(heads, c.head)
	}
	if want := []string{"名称", "白天 kWh", "夜间 kWh", "夜间占比"}; !slices.Equal(heads, want) {
		t.Errorf("headers %q, want %q", heads, want)
	}
	tests := []struct {
		row  store.DayNightRow
		want []string
	}{
		{store.DayNightRow{Name: "东湖石化有限公司", Day: 308, Night: 154}, []string{"东湖石化有限公司", "308.0", "154.0", "33.3%"}},
		{store.DayNightRow{Name: "城关包装印刷厂"}, []string{"城关包装印刷厂", "0.0", "0.0", "—"}},
	}
	for _, tt := range tests {
		if got := cellTexts(cols, tt.row); !slices.Equal(got, tt.want) {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

// TestStatsColumnsSort clicks each figure's header twice: the largest first,
// then the smallest, and the rows without the figure (—) last both times.
func TestStatsColumnsSort(t *testing.T) {
	tr := &translator{lang: Chinese, msgs: shippedMessages(t)}
	nan := math.NaN()
	rows := []store.StatsRow{
		{ID: 1, Energy: 10, YoY: nan, MoM: 0.1, IndustryAvg: 5},
		{ID: 2, Energy: nan, YoY: 0.3, MoM: nan, IndustryAvg: nan},
		{ID: 3, Energy: 30, YoY: -0.2, MoM: math.Inf(1), IndustryAvg: 1},
		{ID: 4, Energy: 20, YoY: math.Inf(-1), MoM: -0.1, IndustryAvg: 3},
	}
	ids := func(rs []store.StatsRow) string { return joinIDs(rs, func(r store.StatsRow) int64 { return r.ID }) }
	tests := []struct {
		name       string
		col        int
		first, yet string // after one click, after two
	}{
		{"用电量", 2, "3,4,1,2", "1,4,3,2"},
		{"同比", 4, "2,3,1,4", "3,2,1,4"},
		{"环比", 6, "1,4,2,3", "4,1,2,3"},
		{"行业平均", 7, "1,4,3,2", "3,4,1,2"},
		{"名称: as the store gave equal names", 0, "1,2,3,4", "1,2,3,4"},
	}
	cols := statsColumns(tr, store.Month)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := unsorted.next(tt.col, cols[tt.col].descFirst)
			if got := ids(sortRows(rows, cols, st)); got != tt.first {
				t.Errorf("one click: %s, want %s", got, tt.first)
			}
			st = st.next(tt.col, cols[tt.col].descFirst)
			if got := ids(sortRows(rows, cols, st)); got != tt.yet {
				t.Errorf("two clicks: %s, want %s", got, tt.yet)
			}
		})
	}
	dn := []store.DayNightRow{{ID: 1, Day: 2, Night: 1}, {ID: 2}, {ID: 3, Day: 1, Night: 1}}
	dcols := dayNightColumns(tr)
	st := unsorted.next(3, dcols[3].descFirst)
	if got := joinIDs(sortRows(dn, dcols, st), func(r store.DayNightRow) int64 { return r.ID }); got != "3,1,2" {
		t.Errorf("夜间占比 largest first: %s, want 3,1,2 (no consumption last)", got)
	}
}
