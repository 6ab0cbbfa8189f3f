package registry

import (
	"fmt"
	"slices"
	"strings"
)

// A column is one column of a template: the Chinese header written on export
// and the names accepted on import.
type column struct {
	key     string // English name, also accepted as a header
	header  string // Chinese header
	aliases []string
}

// label names a column in messages: 电流因子 (current_code).
func (c column) label() string { return c.header + " (" + c.key + ")" }

// ignored headers are bookkeeping columns officers add; they carry no data.
var ignored = []string{"", "序号", "编号", "no", "备注说明"}

// normHeader makes "额定功率(kW)", "额定功率 kW" and "额定功率kw" the same header.
func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '(', ')', '（', '）', '_', '-', '\u3000':
			return -1
		}
		return r
	}, s)
}

// columnIndex maps each column key to its position in a header.
type columnIndex map[string]int

// mapHeader finds cols in header. Unknown headers and missing required
// columns are row-1 errors: nothing below can be read without them.
func mapHeader(header []string, cols []column, required []string) (columnIndex, RowErrors) {
	byName := map[string]string{}
	for _, c := range cols {
		for _, n := range append([]string{c.key, c.header}, c.aliases...) {
			byName[normHeader(n)] = c.key
		}
	}
	idx := columnIndex{}
	var errs RowErrors
	for i, h := range header {
		n := normHeader(h)
		key, ok := byName[n]
		switch {
		case ok && idx.has(key):
			errs = append(errs, RowError{Row: 1, Column: h, Msg: "列重复 (duplicate column)"})
		case ok:
			idx[key] = i
		case !slices.Contains(ignored, n):
			errs = append(errs, RowError{Row: 1, Column: h, Msg: "未知列 (unknown column); 可用列 known columns: " + headers(cols)})
		}
	}
	for _, key := range required {
		if !idx.has(key) {
			errs = append(errs, RowError{Row: 1, Column: labelOf(cols, key), Msg: "缺少此列 (required column missing)"})
		}
	}
	return idx, errs
}

func (ix columnIndex) has(key string) bool { _, ok := ix[key]; return ok }

// get returns the trimmed cell of column key in row, "" when absent.
func (ix columnIndex) get(row []string, key string) string {
	i, ok := ix[key]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func headers(cols []column) string {
	hs := make([]string, len(cols))
	for i, c := range cols {
		hs[i] = c.header
	}
	return strings.Join(hs, ", ")
}

func labelOf(cols []column, key string) string {
	for _, c := range cols {
		if c.key == key {
			return c.label()
		}
	}
	return key
}

func headerRow(cols []column) []string {
	hs := make([]string, len(cols))
	for i, c := range cols {
		hs[i] = c.header
	}
	return hs
}

// A RowError is one problem in one cell (or row, when Column is empty) of an
// imported file. Row is the row number Excel shows; the header is row 1.
type RowError struct {
	Row    int
	Column string
	Msg    string
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("第 %d 行 (row %d): %s", e.Row, e.Row, e.Msg)
	}
	return fmt.Sprintf("第 %d 行 (row %d), 列 %s: %s", e.Row, e.Row, e.Column, e.Msg)
}

// RowErrors are all the problems found in a file; when an import returns
// them, nothing was written.
type RowErrors []RowError

func (es RowErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d 处错误，未导入任何数据 (%d errors, nothing imported):", len(es), len(es))
	for _, e := range es {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// rowErrs collects errors while checking a file, with the column labels of its template.
type rowErrs struct {
	cols []column
	errs RowErrors
}

func (r *rowErrs) add(row int, key string, format string, a ...any) {
	col := ""
	if key != "" {
		col = labelOf(r.cols, key)
	}
	r.errs = append(r.errs, RowError{Row: row, Column: col, Msg: fmt.Sprintf(format, a...)})
}

func (r *rowErrs) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(r.errs, func(a, b RowError) int { return a.Row - b.Row })
	return r.errs
}
