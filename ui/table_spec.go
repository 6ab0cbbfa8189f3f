package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a table screen: its header, width, what a row's
// cell shows, how rows sort by it and how its text aligns. A screen declares
// its table as a []column[R] (a column-spec table) instead of a switch over
// column numbers, so adding a column is one line and every column sorts.
type column[R any] struct {
	head  string // the header, already translated
	width float32
	text  func(R) string
	// cmp orders two rows by this column; nil compares the cell texts.
	cmp   func(a, b R) int
	align fyne.TextAlign
	// descFirst: the first click sorts descending (largest first), as
	// officers read figures; otherwise ascending (names A→Z, oldest first).
	descFirst bool
}

// noValue is a cell with nothing to show (no reading, no base for a ratio,
// never seen). Such a row sorts after the others in either direction, so
// a sort by a figure starts with rows that have one. Columns need not say
// when they have no value: their text already does.
const noValue = "—"

// Sort keys for column.cmp, by the kind of value a column holds.
func byNum[R any, N cmp.Ordered](v func(R) N) func(a, b R) int {
	return func(a, b R) int { return cmp.Compare(v(a), v(b)) }
}

func byTime[R any](v func(R) time.Time) func(a, b R) int {
	return func(a, b R) int { return v(a).Compare(v(b)) }
}

// sortState is how a table is sorted: by column col (-1: as the screen
// ordered the rows), ascending unless desc.
type sortState struct {
	col  int
	desc bool
}

// unsorted leaves the rows in the screen's own order.
var unsorted = sortState{col: -1}

// next is the state after a click on column col's header: the same column
// turns the direction round, another column sorts by it ascending, or
// descending when descFirst.
func (s sortState) next(col int, descFirst bool) sortState {
	if s.col == col {
		return sortState{col: col, desc: !s.desc}
	}
	return sortState{col: col, desc: descFirst}
}

// sortRows returns rows sorted by st's column, a new slice; rows that compare
// equal keep their order, so a table sorted by one column and then by another
// is ordered by both. Rows whose cell shows noValue come last either way, in
// their order. An out-of-range column (no sort) returns rows itself: the
// callers hand over a slice of their own, and 统计's year by day is 170,000
// rows to copy on the UI goroutine.
func sortRows[R any](rows []R, cols []column[R], st sortState) []R {
	if st.col < 0 || st.col >= len(cols) {
		return rows
	}
	c := cols[st.col]
	// Each row's cell text once: the key of a text column, and what says
	// a row has no value.
	type keyed struct {
		row  R
		text string
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{r, c.text(r)}
	}
	order := func(a, b keyed) int {
		if c.cmp != nil {
			return c.cmp(a.row, b.row)
		}
		return strings.Compare(a.text, b.text)
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		switch an, bn := a.text == noValue, b.text == noValue; {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		case st.desc:
			return order(b, a)
		}
		return order(a, b)
	})
	out := make([]R, len(ks))
	for i, k := range ks {
		out[i] = k.row
	}
	return out
}

// specTable shows rows() in a table with a clickable header per column:
// a click sorts by it (again: the other way), then resort re-orders the
// screen's rows with sortRows(…, t.sort). Long texts are ellipsized; the
// pointer over one shows it whole in hint (Fyne has no tooltips, and a popup
// would take the pointer away from the cell).
type specTable[R any] struct {
	cols   []column[R]
	rows   func() []R
	sort   sortState
	table  *widget.Table
	hint   *widget.Label
	resort func()
}

// newSpecTable builds the table of cols over rows; open is called with the
// row a click selects (nil: rows are not opened), resort after a header click.
func newSpecTable[R any](cols []column[R], rows func() []R, open func(row int), resort func()) *specTable[R] {
	t := &specTable[R]{cols: cols, rows: rows, sort: unsorted, hint: widget.NewLabel(""), resort: resort}
	t.hint.Truncation = fyne.TextTruncateEllipsis
	t.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows()), len(t.cols) },
		func() fyne.CanvasObject { return newCellLabel(t.hint) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*cellLabel)
			if id.Col >= 0 && id.Col < len(t.cols) {
				l.Alignment = t.cols[id.Col].align
			}
			l.SetText(t.cell(id.Row, id.Col))
		})
	t.table.ShowHeaderColumn = false
	t.table.CreateHeader = func() fyne.CanvasObject { return newHeaderLabel() }
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		h := o.(*headerLabel)
		if id.Col < 0 || id.Col >= len(t.cols) {
			h.SetText("")
			h.tap = nil
			return
		}
		h.Alignment = t.cols[id.Col].align
		h.SetText(t.header(id.Col))
		h.tap = func() { t.sortBy(id.Col) }
	}
	t.setColumns(cols)
	if open != nil {
		t.table.OnSelected = func(id widget.TableCellID) {
			if id.Row >= 0 && id.Row < len(t.rows()) {
				open(id.Row)
			}
		}
	}
	return t
}

// setColumns replaces the columns by cols, the same columns made for another
// query (统计's period column writes the query's period), keeping the sort.
func (t *specTable[R]) setColumns(cols []column[R]) {
	t.cols = cols
	for i, c := range cols {
		t.table.SetColumnWidth(i, c.width)
	}
	t.table.Refresh()
}

// header is column col's title with the sort direction when sorted by it.
func (t *specTable[R]) header(col int) string {
	h := t.cols[col].head
	if t.sort.col == col {
		if t.sort.desc {
			return h + " ▼"
		}
		return h + " ▲"
	}
	return h
}

// cell is the text of row, col; "" outside the table.
func (t *specTable[R]) cell(row, col int) string {
	rs := t.rows()
	if row < 0 || row >= len(rs) || col < 0 || col >= len(t.cols) {
		return ""
	}
	return t.cols[col].text(rs[row])
}

// sortBy is a click on column col's header.
func (t *specTable[R]) sortBy(col int) {
	t.sort = t.sort.next(col, t.cols[col].descFirst)
	if t.resort != nil {
		t.resort()
	}
	t.table.Refresh()
}

// sorted is rows sorted as the header says.
func (t *specTable[R]) sorted(rows []R) []R { return sortRows(rows, t.cols, t.sort) }

// Refresh redraws the table after its rows changed.
func (t *specTable[R]) Refresh() { t.table.Refresh() }

// headerLabel is a column header: a bold, ellipsized label that sorts the
// table when clicked. A label, not a button: a button does not shorten its
// text and would overrun a narrow column.
type headerLabel struct {
	widget.Label
	tap func()
}

func newHeaderLabel() *headerLabel {
	h := &headerLabel{}
	h.TextStyle.Bold = true
	h.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

func (h *headerLabel) Tapped(*fyne.PointEvent) {
	if h.tap != nil {
		h.tap()
	}
}

// cellLabel is a table cell: an ellipsized label that shows its whole text
// in hint while the pointer is over it and it does not fit.
type cellLabel struct {
	widget.Label
	hint *widget.Label
}

func newCellLabel(hint *widget.Label) *cellLabel {
	l := &cellLabel{hint: hint}
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// truncated reports whether the text is wider than the cell.
func (l *cellLabel) truncated() bool {
	w := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width
	return w+2*theme.InnerPadding() > l.Size().Width
}

func (l *cellLabel) MouseIn(*desktop.MouseEvent) {
	if l.hint != nil && l.Text != "" && l.truncated() {
		l.hint.SetText(l.Text)
	}
}

func (l *cellLabel) MouseMoved(*desktop.MouseEvent) {}

func (l *cellLabel) MouseOut() {
	if l.hint != nil && l.hint.Text == l.Text {
		l.hint.SetText("")
	}
}
