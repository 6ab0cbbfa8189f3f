package registry_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"powerwatch/app/registry"
	"powerwatch/store"
)

// bigXLSX is a registry workbook of n point rows (n/5 enterprises of five
// points each, as districtCSV), written with excelize's stream writer the way
// a large export from another system would be. wide puts a note in the last
// column (XFD) of every row, as a stray cell far to the right does.
func bigXLSX(tb testing.TB, n int, wide bool) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	head := []any{"区", "企业名称", "统一社会信用代码", "行业", "设施名称", "设施类型", "额定功率kW", "关联治理设施", "MN", "密码",
		"功率因子", "电流因子", "电压因子", "电量因子", "停产限值kW", "运行限值kW", "排口", "安装日期"}
	if err := sw.SetRow("A1", head); err != nil {
		tb.Fatal(err)
	}
	lines := [][]any{
		{"生产线A", "生产", 200, "除尘器", "e1", "i1", "", "", 10, 40, ""},
		{"生产线B", "生产", 150, "除尘器", "e2", "i2", "", "", 7.5, 30, ""},
		{"除尘器", "治理", 55, "", "e3", "", "", "", "", "", "DA001"},
		{"一体机", "产治一体", 80, "", "e4", "", "", "", 4, 16, "DA002"},
		{"总用电", "总用电", 600, "", "e5", "", "", "e9", "", "", ""},
	}
	for i := range n {
		e, l := i/5, lines[i%5]
		row := []any{"朝阳区", fmt.Sprintf("企业%06d", e), fmt.Sprintf("91110105MA%08d", e), fmt.Sprintf("行业%d", e%20),
			l[0], l[1], l[2], l[3], fmt.Sprintf("%024X", e+1), "123456", l[4], l[5], l[6], l[7], l[8], l[9], l[10], "2026-03-01"}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if wide {
			row = append(row, make([]any, excelize.MaxColumns-len(row))...)
			row[len(row)-1] = "x"
		}
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// benchXLSX is the workbook the import benchmark reads: the file named by
// $POWERWATCH_BENCH_XLSX (so that /usr/bin/time measures the import alone),
// else 20,000 rows made here. $POWERWATCH_WRITE_XLSX=N:PATH[:wide] writes one of N rows.
func benchXLSX(b *testing.B) []byte {
	if p := os.Getenv("POWERWATCH_BENCH_XLSX"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	return bigXLSX(b, 20000, false)
}

func TestWriteBenchXLSX(t *testing.T) {
	spec := os.Getenv("POWERWATCH_WRITE_XLSX")
	if spec == "" {
		t.Skip("set POWERWATCH_WRITE_XLSX=ROWS:PATH to write a benchmark workbook")
	}
	n, path, _ := strings.Cut(spec, ":")
	path, wide := strings.CutSuffix(path, ":wide")
	rows, err := strconv.Atoi(n)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bigXLSX(t, rows, wide), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkImportXLSX imports a large registry workbook into an empty
// database; run it under /usr/bin/time -v for the peak RSS (BENCHMARKS.md).
func BenchmarkImportXLSX(b *testing.B) {
	data := benchXLSX(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		db := MustOpenDB(b)
		b.StartTimer()
		sum, err := registry.ImportRegistry(b.Context(), db, who, bytes.NewReader(data), "big.xlsx", false, registry.Limits{})
		b.Logf("%+v, %v", sum.Points, err)
	}
}

// peakHeap runs fn and returns the most heap its objects took meanwhile,
// sampled every millisecond: a loose bound, enough to tell megabytes from gigabytes.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

// TestImportWideXLSXMemory: 2,000 rows each with a stray cell in column XFD
// (the sheet a 146 KB file holds) took 895 MB before the import streamed the
// sheet; now the stray cells are dropped row by row.
func TestImportWideXLSXMemory(t *testing.T) {
	data := bigXLSX(t, 2000, true)
	db := MustOpenDB(t)
	var sum store.ImportSummary
	var err error
	peak := peakHeap(func() {
		sum, err = registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(data), "wide.xlsx", true, registry.Limits{})
	})
	if err != nil || sum.Points.Created != 2000 {
		t.Fatalf("import = %+v, %v; want 2,000 points", sum.Points, err)
	}
	if peak > 300<<20 {
		t.Errorf("the import's heap peaked at %d MB, want well under 300 MB", peak>>20)
	}
	t.Logf("heap peak %d MB", peak>>20)
}

// TestImportLimits: a file over the size limit, or with more data rows than
// allowed, is refused with ErrTooLarge before anything is checked or
// written; blank rows do not count, and the limits come from the caller.
func TestImportLimits(t *testing.T) {
	db := MustOpenDB(t)
	xlsx := bigXLSX(t, 30, false)
	csv := districtCSV(6) // 30 rows
	withBlank := []byte(strings.Replace(string(csv), "\n", "\n,,,,\n\n", 3))
	tests := []struct {
		name string
		data []byte
		file string
		lim  registry.Limits
		want string // "" for success
	}{
		{"xlsx within limits", xlsx, "r.xlsx", registry.Limits{MaxRows: 30}, ""},
		{"csv with blank rows within limits", withBlank, "r.csv", registry.Limits{MaxRows: 30}, ""},
		{"xlsx over the row limit", xlsx, "r.xlsx", registry.Limits{MaxRows: 29}, "more than 29 data rows, row 31 is one too many"},
		{"csv over the row limit", csv, "r.csv", registry.Limits{MaxRows: 10}, "more than 10 data rows, row 12 is one too many"},
		{"xlsx over the size limit", xlsx, "r.xlsx", registry.Limits{MaxBytes: int64(len(xlsx)) - 1}, "file too large"},
		{"csv over the size limit", csv, "r.csv", registry.Limits{MaxBytes: 1 << 10}, "more than 0 MB"},
		{"not a workbook", []byte("PK\x03\x04 garbage"), "r.xlsx", registry.Limits{}, "not an .xlsx workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(tt.data), tt.file, true, tt.lim)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("import = %v, want success", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("import = %v, want an error saying %q", err, tt.want)
			case strings.Contains(tt.want, "row") && !errors.Is(err, registry.ErrTooLarge):
				t.Errorf("import = %v, want ErrTooLarge", err)
			}
		})
	}
	// A zip bomb: a sheet of 100 MB of blanks packed into a small file.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} {
		w, _ := zw.Create(name)
		if name == "xl/worksheets/sheet1.xml" {
			w.Write([]byte("<worksheet><sheetData>"))
			w.Write(bytes.Repeat([]byte(" "), 100<<20))
			w.Write([]byte("</sheetData></worksheet>"))
		}
	}
	zw.Close()
	if _, err := registry.ImportRegistry(t.Context(), db, who, bytes.NewReader(b.Bytes()), "bomb.xlsx", true, registry.Limits{}); err == nil || !strings.Contains(err.Error(), "unzip size exceeds") {
		t.Errorf("a %d KB file unpacking to 100 MB: %v, want refused for its unpacked size", b.Len()>>10, err)
	}
}
