// Package csvsafe writes CSV that a spreadsheet opens as data, never as
// formulas. Excel, WPS and LibreOffice read a cell that begins with = + - or
// @ (and, in some versions, a tab or carriage return before one of them) as a
// formula, so a name or code a terminal or an importer chose could run a
// command when an officer opens an export ("CSV injection", OWASP). Such a
// cell is written with a leading apostrophe, which the spreadsheet shows as
// text and hides; Unescape takes it off again when the app reads its own
// exports back.
//
// Numbers stay numbers: a cell that is a plain decimal number such as -1.5,
// +3 or -2.5e-3 is written as it is, because a spreadsheet reads it as that
// number and nothing else. So the app's own negative readings keep their
// type in Excel, and "-1+2" or "-cmd" are still escaped.
package csvsafe

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// triggers are the first characters that make a spreadsheet read a cell as a formula.
const triggers = "=+-@\t\r"

// Cell returns s as it may safely be written into a CSV cell.
func Cell(s string) string {
	if needsEscape(s) {
		return "'" + s
	}
	return s
}

// Unescape undoes Cell: a cell Cell escaped loses its apostrophe; any other
// cell, such as one that begins with an apostrophe a person typed before
// ordinary text, is returned unchanged.
func Unescape(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsEscape(s[1:]) {
		return s[1:]
	}
	return s
}

// needsEscape: s begins with a formula character and is no plain number, or
// it begins with apostrophes before such a cell (so that Unescape gives back
// exactly what Cell was given).
func needsEscape(s string) bool {
	for len(s) > 0 && s[0] == '\'' {
		s = s[1:]
	}
	return s != "" && strings.ContainsRune(triggers, rune(s[0])) && !IsNumber(s)
}

// IsNumber reports whether s is a plain decimal number: an optional sign,
// digits with at most one decimal point, and an optional exponent. Unlike
// strconv.ParseFloat it refuses Inf, NaN, hexadecimal and underscores, which
// a spreadsheet would not read as a number.
func IsNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// A Writer is a csv.Writer that escapes every cell with Cell.
type Writer struct {
	w   *csv.Writer
	rec []string
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: csv.NewWriter(w)}
}

// Write writes one record, each cell escaped.
func (w *Writer) Write(record []string) error {
	w.rec = w.rec[:0]
	for _, s := range record {
		w.rec = append(w.rec, Cell(s))
	}
	return w.w.Write(w.rec)
}

// Flush writes any buffered data to the underlying io.Writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

// Check reads data as CSV and returns an error naming the first cell (row and
// column, from 1) that a spreadsheet would read as a formula; nil when there
// is none. Tests of every CSV export use it.
func Check(data []byte) error {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	cr.FieldsPerRecord = -1
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read csv: %w", err)
		}
		for col, s := range rec {
			if s != "" && strings.ContainsRune(triggers, rune(s[0])) && !IsNumber(s) {
				return fmt.Errorf("row %d column %d: %q would be read as a formula", row, col+1, s)
			}
		}
	}
}
