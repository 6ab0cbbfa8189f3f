package registry

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"powerwatch/csvsafe"
	"powerwatch/store"
)

// A table is a sheet as read from a file: its header and data rows, each with
// the row number a person sees in Excel (the header is row 1).
type table struct {
	header  []string
	rows    [][]string // blank rows are left out
	lines   []int
	maxRows int
}

// ErrFormat means the file is neither .xlsx nor .csv, or cannot be read as one.
var ErrFormat = errors.New("unsupported file")

// isXLSX tells the format by the file name: .xlsx, else .csv.
func isXLSX(name string) (bool, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return true, nil
	case ".csv":
		return false, nil
	}
	return false, fmt.Errorf("%w %q: want .xlsx or .csv (仅支持 .xlsx 或 .csv)", ErrFormat, name)
}

// Limits bound what an import reads, so that a huge or hostile file is
// refused with a message instead of taking the memory of the machine.
type Limits struct {
	MaxBytes int64 // the file's size; 0: DefaultMaxBytes
	MaxRows  int   // data rows that are not blank; 0: DefaultMaxRows
}

// Defaults of Limits: a district's registry is a few thousand rows, well
// under a megabyte as .xlsx.
const (
	DefaultMaxBytes = 16 << 20
	DefaultMaxRows  = 20000

	// maxColumns bounds the header: the templates have under 20 columns.
	maxColumns = 200
	// unzipPerByte bounds an .xlsx's unpacked size against its file size: a
	// worksheet compresses about tenfold, a zip bomb a thousandfold.
	unzipPerByte = 40
)

func (l Limits) maxBytes() int64 {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return DefaultMaxBytes
}

func (l Limits) maxRows() int {
	if l.MaxRows > 0 {
		return l.MaxRows
	}
	return DefaultMaxRows
}

// ErrTooLarge means a file is over Limits.
var ErrTooLarge = errors.New("file too large")

// readTable reads the first sheet of an .xlsx file or a .csv file, chosen by
// name, within lim.
func readTable(r io.Reader, name string, lim Limits) (*table, error) {
	xlsx, err := isXLSX(name)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r, lim.maxBytes()+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > lim.maxBytes() {
		return nil, fmt.Errorf("read %s: %w: more than %d MB (文件超过 %d MB；可在配置 import.max_file_mb 中调整)",
			name, ErrTooLarge, lim.maxBytes()>>20, lim.maxBytes()>>20)
	}
	t := &table{maxRows: lim.maxRows()}
	if xlsx {
		err = t.readXLSX(b)
	} else {
		err = t.readCSV(b)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return t, nil
}

// readXLSX streams the first sheet row by row (excelize's Rows iterator):
// GetRows would build every row, padded to its last cell, at once — a stray
// cell in column XFD made each row 16,384 strings.
func (t *table) readXLSX(b []byte) error {
	size := int64(len(b)) * unzipPerByte
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: size, UnzipXMLSizeLimit: min(size, 16<<20)})
	if err != nil {
		return fmt.Errorf("%w: not an .xlsx workbook, or it unpacks to more than %d MB: %w", ErrFormat, size>>20, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%w: workbook has no sheet", ErrFormat)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return fmt.Errorf("sheet %s: %w", sheets[0], err)
	}
	defer rows.Close()
	for line := 1; rows.Next(); line++ {
		// Raw values: numbers and dates as stored, not as the cell format
		// shows them, so 2026-03-01 formatted "3月1日" still reads as a date.
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheets[0], line, err)
		}
		if err := t.add(rec, line); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("sheet %s: %w", sheets[0], err)
	}
	return nil
}

// readCSV reads UTF-8 (with or without BOM) or, as Excel saves "CSV" on a
// Chinese Windows, GB18030.
func (t *table) readCSV(b []byte) error {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		var err error
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			return fmt.Errorf("%w: neither UTF-8 nor GB18030 text", ErrFormat)
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrFormat, err)
		}
		line, _ := cr.FieldPos(0)
		if err := t.add(rec, line); err != nil {
			return err
		}
	}
}

// add keeps rec, read at line, as the header or a data row. A data row keeps
// only the header's columns (a cell with no column name has no meaning here)
// and counts against maxRows unless it is blank.
func (t *table) add(rec []string, line int) error {
	if t.header == nil {
		n := len(rec)
		for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
			n--
		}
		if n > maxColumns {
			return fmt.Errorf("%w: the header row has %d columns, the templates under %d (表头列数过多)", ErrFormat, n, maxColumns)
		}
		t.header = slices.Clone(rec[:n])
		return nil
	}
	rec = rec[:min(len(rec), len(t.header))]
	if blank(rec) {
		return nil
	}
	rec = slices.Clone(rec)
	for i := range rec {
		// Our CSV exports escape formula-like cells with an apostrophe
		// (csvsafe); such a file opened in Excel and saved as .xlsx keeps it.
		rec[i] = csvsafe.Unescape(rec[i])
	}
	if len(t.rows) == t.maxRows {
		return fmt.Errorf("%w: more than %d data rows, row %d is one too many (数据行超过 %d 行；可在配置 import.max_rows 中调整)",
			ErrTooLarge, t.maxRows, line, t.maxRows)
	}
	t.rows = append(t.rows, rec)
	t.lines = append(t.lines, line)
	return nil
}

// headerNotes are the notes shown on template header cells in Excel: how to
// fill a cell whose syntax is not obvious.
var headerNotes = map[string]string{
	"关联治理设施": "生产运行时必须运行的治理设施 / treatment that must run while production runs:\n" +
		"喷淋塔+活性炭 = 两段都须运行 (stages: all must run)\n" +
		"1号除尘|2号除尘(备) 或 A/B = 任一运行即可 (alternatives: one suffices; (备) = standby)\n" +
		"2of3(A,B,C) 或 3选2(A,B,C) = 三台中至少两台运行 (N of M)\n" +
		"可组合 (combine): 喷淋塔+2of3(A,B,C)",
	"经度": "企业位置，WGS-84 十进制度数，如 116.397128；须在北京范围内（经度 115.4–117.6）。\n" +
		"从高德/腾讯地图取的坐标是 GCJ-02：把列名写成 经度(GCJ-02)、纬度(GCJ-02)，导入时换算为 WGS-84。\n" +
		"同一企业各行填同一位置，或只在一行填写；留空保留原位置。\n" +
		"Enterprise position, WGS-84 decimal degrees; head the columns 经度(GCJ-02)/纬度(GCJ-02) for coordinates from Chinese web maps (converted on import).",
	"纬度": "WGS-84 十进制度数，如 39.908722；须在北京范围内（纬度 39.4–41.1）。见 经度 列的说明。\n" +
		"WGS-84 decimal degrees, inside Beijing; see the note on 经度.",
}

// writeTable writes header and rows as .xlsx (one sheet named sheet, header
// frozen) or .csv (UTF-8 with BOM, so that Excel shows the Chinese), by name.
func writeTable(w io.Writer, name, sheet string, header []string, rows [][]any) error {
	xlsx, err := isXLSX(name)
	if err != nil {
		return err
	}
	if !xlsx {
		return writeCSV(w, header, rows)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("write row %d: %w", i+2, err)
		}
	}
	for i, h := range header {
		if note, ok := headerNotes[h]; ok {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			if err := f.AddComment(sheet, excelize.Comment{Cell: cell, Author: "powerwatch", Text: note}); err != nil {
				return fmt.Errorf("note on %s: %w", h, err)
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	if err := f.SetColWidth(sheet, "A", last, 16); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func writeCSV(w io.Writer, header []string, rows [][]any) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	cw.Write(header)
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = cellText(v)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func cellText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// parseNumber reads a decimal number; "" is 0 with ok false.
func parseNumber(s string) (v float64, ok bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || v != v {
		return 0, false, fmt.Errorf("%q 不是数字 (not a number)", s)
	}
	return v, true, nil
}

// parseTime reads a time as store.ParseLocalTime does, or an Excel date
// serial (a raw date cell); end selects store.ParseLocalEnd for dates alone.
func parseTime(s string, end bool) (time.Time, error) {
	if serial, err := strconv.ParseFloat(s, 64); err == nil && serial > 1 && serial < 2958466 {
		t, err := excelize.ExcelDateToTime(serial, false)
		if err != nil {
			return time.Time{}, err
		}
		t = t.Round(time.Second)
		// The serial is a wall clock without zone: read it in Beijing time.
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, store.Beijing)
		if end && local.Hour() == 0 && local.Minute() == 0 && local.Second() == 0 {
			local = local.AddDate(0, 0, 1)
		}
		return local, nil
	}
	if end {
		return store.ParseLocalEnd(s)
	}
	return store.ParseLocalTime(s)
}
