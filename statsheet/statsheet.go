// Package statsheet writes consumption statistics (store.StatsRow) as a
// spreadsheet: one set of columns and units for 统计's export, `powerwatch
// export stats` and anything else that exports them, so an officer gets the
// same file whichever way it was made.
package statsheet

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/store"
)

// Header names the columns, in Chinese with English.
var Header = []string{"编号 id", "名称 name", "时段 period", "用电量 kWh", "去年同期 kWh", "同比 %", "上期 kWh", "环比 %",
	"行业平均 kWh", "运行时长 h", "点位数 points"}

// SheetName is the consumption sheet's name.
const SheetName = "用电统计"

// PeriodLabel is a period's start as the sheets and the view write it:
// 2026, 2026-11 or 2026-11-28 (Beijing).
func PeriodLabel(p store.Period, t time.Time) string {
	switch p {
	case store.Year:
		return t.In(store.Beijing).Format("2006")
	case store.Month:
		return t.In(store.Beijing).Format("2006-01")
	}
	return t.In(store.Beijing).Format("2006-01-02")
}

// Round2 rounds to 0.01: energy in kWh and percentages, so nothing depends
// on a spreadsheet's 15 significant digits.
func Round2(v float64) float64 { return math.Round(v*100) / 100 }

// Percent is a ratio (0.25) as a rounded percentage (25), or nil when there
// is no base.
func Percent(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	r := Round2(v * 100)
	return &r
}

// Cells is one row under Header: numbers as numbers, an empty cell where a
// ratio or average has no base.
func Cells(p store.Period, r store.StatsRow) []any {
	opt := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	avg := any("")
	if !math.IsNaN(r.IndustryAvg) && !math.IsInf(r.IndustryAvg, 0) {
		avg = Round2(r.IndustryAvg)
	}
	return []any{r.ID, r.Name, PeriodLabel(p, r.Start), Round2(r.Energy), Round2(r.LastYear), opt(Percent(r.YoY)),
		Round2(r.Previous), opt(Percent(r.MoM)), avg, Round2(r.RunMinutes / 60), r.Points}
}

// DayNightName is the day/night sheet's name.
const DayNightName = "昼夜对比"

// DayNightHeader names the day/night sheet's columns.
var DayNightHeader = []string{"编号 id", "名称 name", fmt.Sprintf("白天 day kWh (%02d–%02d)", store.DayFrom, store.DayTo),
	"夜间 night kWh", "夜间占比 night %"}

// DayNightSheet is every enterprise's day and night consumption as the
// sheet 昼夜对比, for 统计's export and `export stats --daynight`.
func DayNightSheet(rows []store.DayNightRow) Sheet {
	s := Sheet{Name: DayNightName, Header: DayNightHeader}
	for _, r := range rows {
		share := any("")
		if v := Percent(r.NightShare()); v != nil {
			share = *v
		}
		s.Rows = append(s.Rows, []any{r.ID, r.Name, Round2(r.Day), Round2(r.Night), share})
	}
	return s
}

// A Sheet is a further sheet of the same workbook (统计's day/night split).
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// WriteXLSX writes rows under Header on the sheet 用电统计, then the extra
// sheets.
func WriteXLSX(w io.Writer, p store.Period, rows []store.StatsRow, extra ...Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return fmt.Errorf("write statistics: %w", err)
	}
	body := make([][]any, len(rows))
	for i, r := range rows {
		body[i] = Cells(p, r)
	}
	if err := fill(f, Sheet{SheetName, Header, body}); err != nil {
		return err
	}
	for _, s := range extra {
		if _, err := f.NewSheet(s.Name); err != nil {
			return fmt.Errorf("write statistics sheet %s: %w", s.Name, err)
		}
		if err := fill(f, s); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write statistics: %w", err)
	}
	return nil
}

func fill(f *excelize.File, s Sheet) error {
	head := make([]any, len(s.Header))
	for i, h := range s.Header {
		head[i] = h
	}
	if err := f.SetSheetRow(s.Name, "A1", &head); err != nil {
		return fmt.Errorf("write statistics sheet %s: %w", s.Name, err)
	}
	for i, row := range s.Rows {
		if err := f.SetSheetRow(s.Name, "A"+strconv.Itoa(i+2), &row); err != nil {
			return fmt.Errorf("write statistics sheet %s row %d: %w", s.Name, i+1, err)
		}
	}
	return nil
}
