package calendar

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Errors inside a *ParseError.
var (
	ErrDate   = errors.New("is not a date")
	ErrKind   = errors.New("is not holiday, workday or normal")
	ErrFormat = errors.New("not a CSV file")
)

// A ParseError names the file, row and column of a bad value, as an officer
// sees them when the file is open in Excel.
type ParseError struct {
	File   string
	Row    int    // 1-based line of the file, comment and header lines counted
	Column string // "date", "kind"; "" for the whole file
	Value  string
	Err    error
}

func (e *ParseError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s row %d: %v", e.File, e.Row, e.Err)
	}
	return fmt.Sprintf("%s row %d, column %s: %q %v", e.File, e.Row, e.Column, e.Value, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// dateLayouts are the ways a date arrives: ISO as shipped, and what Excel
// writes back when an officer saves the file from it.
var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006.1.2"}

// kinds maps the kind column, in English or Chinese, to a Kind.
var kinds = map[string]Kind{
	"holiday": Holiday, "放假": Holiday, "节假日": Holiday, "假日": Holiday,
	"workday": Workday, "上班": Workday, "补班": Workday, "工作日": Workday,
	"normal": Normal, "普通": Normal,
}

// Parse reads rows of date,kind,name from r (file names r in errors). It
// returns every good row, and for the bad ones an errors.Join of
// *ParseError, one per bad value, so one typo does not drop a whole year.
//
// The file is UTF-8 (a BOM is allowed) or GB18030, as Excel saves "CSV" on a
// Chinese Windows. Lines starting with # are comments; a first row whose
// first cell is "date" (or 日期) is a header. Dates are 2006-01-02 or
// 2006/1/2; kinds are holiday (放假), workday (上班, for 调休) or normal
// (普通: undo a shipped row, the day follows the Monday–Friday rule).
func Parse(file string, r io.Reader) ([]Entry, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			return nil, &ParseError{File: file, Row: 1, Err: fmt.Errorf("%w: neither UTF-8 nor GB18030 text", ErrFormat)}
		}
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []Entry
	var errs []error
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// A broken quote may swallow the rest of the file: report and stop.
			errs = append(errs, &ParseError{File: file, Row: pe.Line, Err: fmt.Errorf("%w: %w", ErrFormat, pe.Err)})
			break
		}
		if err != nil {
			return out, fmt.Errorf("read %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if (first && isHeader(rec)) || blank(rec) {
			continue
		}
		e, err := parseRow(file, line, rec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, e)
	}
	return out, errors.Join(errs...)
}

func isHeader(rec []string) bool {
	h := strings.ToLower(strings.TrimSpace(rec[0]))
	return h == "date" || h == "日期"
}

// blank reports a row of empty cells, as Excel leaves ",," lines.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow reads one row, reporting every bad cell of it.
func parseRow(file string, line int, rec []string) (Entry, error) {
	cell := func(i int) string {
		if i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var errs []error
	date, ok := parseDate(cell(0))
	if !ok {
		errs = append(errs, &ParseError{File: file, Row: line, Column: "date", Value: cell(0), Err: ErrDate})
	}
	kind, ok := kinds[strings.ToLower(cell(1))]
	if !ok {
		errs = append(errs, &ParseError{File: file, Row: line, Column: "kind", Value: cell(1), Err: ErrKind})
	}
	if len(errs) > 0 {
		return Entry{}, errors.Join(errs...)
	}
	return Entry{Date: date, Kind: kind, Name: cell(2)}, nil
}

func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, beijing); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
