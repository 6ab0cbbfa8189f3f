package statsheet

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/store"
)

// TestWriteXLSX: the sheet reads back as Cells, number for number, with an
// empty cell where a ratio or an average has no base, and names that look
// like formulas stay text.
func TestWriteXLSX(t *testing.T) {
	m := time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing)
	rows := []store.StatsRow{
		{ID: 1, Name: "华北建材有限公司", Start: m, Energy: 1234.567, LastYear: 1000, YoY: 0.234567, Previous: 1300, MoM: -0.0503, IndustryAvg: 999.994, RunMinutes: 90, Points: 3},
		{ID: 2, Name: "=cmd|' /C calc'!A0", Start: m, Energy: 0, YoY: math.NaN(), MoM: math.NaN(), IndustryAvg: math.NaN()},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, store.Month, rows, Sheet{Name: "昼夜对比", Header: []string{"名称"}, Rows: [][]any{{"x"}}}); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	got, err := x.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || fmt.Sprint(got[0]) != fmt.Sprint(Header) {
		t.Fatalf("sheet = %v", got)
	}
	for i, r := range rows {
		want := Cells(store.Month, r)
		for c, w := range want {
			var g string
			if c < len(got[i+1]) {
				g = got[i+1][c]
			}
			if g != fmt.Sprint(w) {
				t.Errorf("row %d column %s = %q, want %v", i+1, Header[c], g, w)
			}
		}
	}
	if got[1][5] != "23.46" || got[1][7] != "-5.03" || got[1][8] != "999.99" || got[1][2] != "2026-11" {
		t.Errorf("first row = %v; want 同比 23.46, 环比 -5.03, 行业平均 999.99, period 2026-11", got[1])
	}
	if f, _ := x.GetCellFormula(SheetName, "B3"); f != "" {
		t.Errorf("a name became the formula %q", f)
	}
	if extra, err := x.GetRows("昼夜对比"); err != nil || len(extra) != 2 {
		t.Errorf("extra sheet = %v, %v", extra, err)
	}
}
