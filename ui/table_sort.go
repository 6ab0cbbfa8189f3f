package ui

import (
	"cmp"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// tableSort is a table's order chosen by tapping a column's header: col -1
// keeps the order the store gave; a second tap on the same column reverses it.
type tableSort struct {
	col  int
	desc bool
}

func newTableSort() tableSort { return tableSort{col: -1} }

// tap is a tap on column col's header; numeric columns start with the
// largest first, text columns in alphabetical order.
func (t *tableSort) tap(col int, numeric bool) {
	if t.col == col {
		t.desc = !t.desc
		return
	}
	t.col, t.desc = col, numeric
}

// mark is the arrow a header shows for column col.
func (t tableSort) mark(col int) string {
	switch {
	case t.col != col:
		return ""
	case t.desc:
		return " ▼"
	}
	return " ▲"
}

// order sorts idx (indices into the rows) by key of the sorted column, keeping
// the store's order among equal keys; a NaN (no value, shown —) sorts last
// either way.
func (t tableSort) order(idx []int, text func(row, col int) string, num func(row, col int) (float64, bool)) {
	if t.col < 0 {
		return
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		va, na := num(a, t.col)
		vb, _ := num(b, t.col)
		var c int
		if na {
			switch an, bn := math.IsNaN(va), math.IsNaN(vb); {
			case an && bn:
				return 0
			case an:
				return 1
			case bn:
				return -1
			}
			c = cmp.Compare(va, vb)
		} else {
			c = cmp.Compare(text(a, t.col), text(b, t.col))
		}
		if t.desc {
			c = -c
		}
		return c
	})
}

// sortableHeaders makes t's header row buttons that call onTap with the
// column, labelled by label.
func sortableHeaders(t *widget.Table, label func(col int) string, onTap func(col int)) {
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		return b
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 {
			b.SetText("")
			b.OnTapped = nil
			return
		}
		col := id.Col
		b.SetText(label(col))
		b.OnTapped = func() { onTap(col) }
	}
}
