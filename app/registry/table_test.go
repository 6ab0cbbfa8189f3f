package registry

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/store"
)

// An officer's workbook stores dates as date cells (serial numbers) and
// power as numbers; both must read as typed.
func TestReadXLSXTypedCells(t *testing.T) {
	f := excelize.NewFile()
	hdr := headerRow(registryColumns)
	f.SetSheetRow("Sheet1", "A1", &hdr)
	row := []any{"朝阳区", "甲公司", "", "铸造", "熔炉", "生产", 200, "", "010000A8900016F000169DC0", "123456",
		"e1", "", "", "", 10.5, 40, "", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	f.SetSheetRow("Sheet1", "A2", &row)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	tab, err := readTable(&b, "reg.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	reg := &store.Registry{}
	reg.Index()
	rows, err := parseRegistry(tab, reg)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	if r.RatedKW != 200 || r.Threshold == nil || r.Threshold.Stop != 10.5 || r.Threshold.Run != 40 ||
		!r.Installed.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, store.Beijing)) || r.Row != 2 {
		t.Errorf("row = %+v, threshold %+v", r, r.Threshold)
	}
}

func TestReadTableErrors(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"reg.xls", "x", "want .xlsx or .csv"},
		{"reg.xlsx", "not a zip", "not an .xlsx workbook"},
		{"reg.csv", "a,\"b\n", "unsupported file"},
	} {
		_, err := readTable(strings.NewReader(tt.body), tt.name, Limits{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("readTable(%s) = %v, want %q", tt.name, err, tt.want)
		}
	}
}

// FuzzParseRegistry: any CSV gives rows or row errors, never a panic, and
// every error names a row that exists.
func FuzzParseRegistry(f *testing.F) {
	f.Add(strings.Join(headerRow(registryColumns), ",") + "\n朝阳区,甲,,铸造,熔炉,生产,200,除尘|备(备),010000A8900016F000169DC0,1,e1,e2,,,1,2,,2026-03-01\n")
	f.Add("企业名称,设施名称,设施类型,MN\n甲,乙,治理,X\n,,,\n甲,乙,生产,010000A8900016F000169DC0\n")
	f.Add("MN,MN\n")
	f.Fuzz(func(t *testing.T, body string) {
		if small, err := readTable(strings.NewReader(body), "f.csv", Limits{MaxRows: 3}); err == nil {
			for _, r := range small.rows {
				if len(r) > len(small.header) || blank(r) {
					t.Fatalf("row %q kept: header has %d columns, blank rows are left out", r, len(small.header))
				}
			}
			if len(small.rows) > 3 {
				t.Fatalf("%d rows read with MaxRows 3", len(small.rows))
			}
		}
		tab, err := readTable(strings.NewReader(body), "f.csv", Limits{})
		if err != nil {
			return
		}
		reg := &store.Registry{}
		reg.Index()
		rows, err := parseRegistry(tab, reg)
		last := 2 // the "no data rows" error names row 2
		for _, l := range tab.lines {
			last = max(last, l)
		}
		if errs, ok := err.(RowErrors); ok {
			for _, e := range errs {
				if e.Row < 1 || e.Row > last {
					t.Errorf("error on row %d, last row %d: %v", e.Row, last, e)
				}
			}
			return
		}
		if err == nil && len(rows) == 0 {
			t.Error("no error and no rows")
		}
	})
}
