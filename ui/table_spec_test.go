package ui

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

type specRow struct {
	id    int
	name  string
	power float64
	at    time.Time
}

var specCols = []column[specRow]{
	{head: "名称", width: 100, text: func(r specRow) string { return r.name }},
	{head: "功率", width: 80, text: func(r specRow) string { return strconv.FormatFloat(r.power, 'f', 1, 64) },
		cmp: byNum(func(r specRow) float64 { return r.power })},
	{head: "时间", width: 80, text: func(r specRow) string { return r.at.Format("01-02") },
		cmp: byTime(func(r specRow) time.Time { return r.at })},
}

func specIDs(rs []specRow) string { return joinIDs(rs, func(r specRow) int64 { return int64(r.id) }) }

// joinIDs lists rows by id, as "3,1,2".
func joinIDs[R any](rs []R, id func(R) int64) string {
	var out []string
	for _, r := range rs {
		out = append(out, strconv.FormatInt(id(r), 10))
	}
	return strings.Join(out, ",")
}

func TestSortRows(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	rows := []specRow{{1, "乙厂", 9.5, day(3)}, {2, "甲厂", 10, day(1)}, {3, "乙厂", 100, day(2)}, {4, "丙厂", 9.5, day(2)}}
	checkSorts(t, rows, specCols, []sortCase{
		{"unsorted keeps the screen's order", unsorted, "1,2,3,4"},
		{"text ascending, ties keep their order", sortState{col: 0}, "4,1,3,2"},
		{"text descending, ties keep their order", sortState{col: 0, desc: true}, "2,1,3,4"},
		// as text "100.0" < "9.5": a numeric key must not sort as text
		{"number ascending", sortState{col: 1}, "1,4,2,3"},
		{"number descending", sortState{col: 1, desc: true}, "3,2,1,4"},
		{"time ascending", sortState{col: 2}, "2,3,4,1"},
		{"column out of range", sortState{col: 7}, "1,2,3,4"},
	})
	if specIDs(rows) != "1,2,3,4" {
		t.Errorf("sortRows changed its input: %s", specIDs(rows))
	}
}

// TestSortRowsMissingLast: a cell showing — (NaN, no base, never seen) has
// no value, and its row sorts after those with one in both directions,
// keeping its order among the others without one; for a number column, a
// text column and a time column alike.
func TestSortRowsMissingLast(t *testing.T) {
	nan := math.NaN()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	cols := []column[specRow]{
		{head: "数", text: func(r specRow) string { return kwh(r.power) }, cmp: byNum(func(r specRow) float64 { return r.power })},
		{head: "字", text: func(r specRow) string { return dash(r.name) }},
		{head: "时", text: func(r specRow) string { return when(r.at) }, cmp: byTime(func(r specRow) time.Time { return r.at })},
	}
	rows := []specRow{{1, "乙", nan, time.Time{}}, {2, "", 3, day(3)}, {3, "甲", -1, day(1)}, {4, "", nan, time.Time{}}, {5, "丙", 10, day(2)}}
	checkSorts(t, rows, cols, []sortCase{
		// cmp.Compare puts NaN below every number: ascending must not start with it
		{"number ascending", sortState{col: 0}, "3,2,5,1,4"},
		{"number descending", sortState{col: 0, desc: true}, "5,2,3,1,4"},
		// "—" (U+2014) is below the Chinese names as text
		{"text ascending", sortState{col: 1}, "5,1,3,2,4"},
		{"text descending", sortState{col: 1, desc: true}, "3,1,5,2,4"},
		// the zero time is the earliest
		{"time ascending", sortState{col: 2}, "3,5,2,1,4"},
		{"time descending", sortState{col: 2, desc: true}, "2,5,3,1,4"},
	})
}

// sortCase is rows sorted as st says, listed by id.
type sortCase struct {
	name string
	st   sortState
	want string
}

func checkSorts(t *testing.T, rows []specRow, cols []column[specRow], cases []sortCase) {
	t.Helper()
	for _, c := range cases {
		if got := specIDs(sortRows(rows, cols, c.st)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestSortStateNext(t *testing.T) {
	cases := []struct {
		from      sortState
		col       int
		descFirst bool
		want      sortState
	}{
		{unsorted, 2, false, sortState{col: 2}},
		{sortState{col: 2}, 2, false, sortState{col: 2, desc: true}},
		{sortState{col: 2, desc: true}, 2, false, sortState{col: 2}},
		{sortState{col: 2, desc: true}, 0, false, sortState{col: 0}},
		// a figure: largest first, then the other way
		{unsorted, 2, true, sortState{col: 2, desc: true}},
		{sortState{col: 0}, 2, true, sortState{col: 2, desc: true}},
		{sortState{col: 2, desc: true}, 2, true, sortState{col: 2}},
		{sortState{col: 2}, 2, true, sortState{col: 2, desc: true}},
	}
	for _, c := range cases {
		if got := c.from.next(c.col, c.descFirst); got != c.want {
			t.Errorf("%+v then column %d (descFirst %v): %+v, want %+v", c.from, c.col, c.descFirst, got, c.want)
		}
	}
}

// TestSpecTableHeaderSorts clicks a header button as an officer would.
func TestSpecTableHeaderSorts(t *testing.T) {
	test.NewTempApp(t)
	all := []specRow{{1, "乙厂", 9.5, time.Time{}}, {2, "甲厂", 10, time.Time{}}, {3, "丙厂", 100, time.Time{}}}
	var shown []specRow
	var tbl *specTable[specRow]
	tbl = newSpecTable(specCols, func() []specRow { return shown }, nil, func() { shown = tbl.sorted(all) })
	shown = tbl.sorted(all)
	tbl.sortBy(1)
	if specIDs(shown) != "1,2,3" || tbl.header(1) != "功率 ▲" || tbl.header(0) != "名称" {
		t.Errorf("after one click: %s, headers %q %q", specIDs(shown), tbl.header(0), tbl.header(1))
	}
	tbl.sortBy(1)
	if specIDs(shown) != "3,2,1" || tbl.header(1) != "功率 ▼" || tbl.cell(0, 1) != "100.0" {
		t.Errorf("after two clicks: %s, header %q, first cell %q", specIDs(shown), tbl.header(1), tbl.cell(0, 1))
	}
	if tbl.cell(5, 0) != "" || tbl.cell(0, 9) != "" {
		t.Error("a cell outside the table is not empty")
	}
}

func TestMatchEnterprises(t *testing.T) {
	ents := []store.Enterprise{{ID: 1, Name: "华北建材有限公司", USCC: "91110115MA01ABCD1X"}, {ID: 2, Name: "东湖石化有限公司", USCC: "91110115MA02EFGH2Y"},
		{ID: 3, Name: "顺达钢结构厂"}}
	cases := []struct{ q, want string }{
		{"", "1,2,3"},
		{"有限公司", "1,2"},
		{"石化", "2"},
		{"ma01abcd", "1"}, // the code, in any case
		{"  华北   公司 ", "1"},
		{"华北 石化", ""},
		{"水泥", ""},
	}
	for _, c := range cases {
		var got []string
		for _, e := range matchEnterprises(ents, c.q) {
			got = append(got, strconv.FormatInt(e.ID, 10))
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%q matches %v, want %s", c.q, got, c.want)
		}
	}
}

// TestEntPickerTyping opens the picker, types part of a name and takes the
// match with Enter, as an officer would.
func TestEntPickerTyping(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("")
	w.Resize(fyne.NewSize(800, 600))
	tr := &translator{lang: Chinese, msgs: map[Lang]map[string]string{Chinese: {"picker.choose": "选择企业…", "picker.search": "搜索"}}}
	var got []int64
	p := newEntPicker(tr, []store.Enterprise{{ID: 1, Name: "华北建材有限公司"}, {ID: 2, Name: "东湖石化有限公司"}},
		func(e store.Enterprise) { got = append(got, e.ID) })
	w.SetContent(p.button)
	test.Tap(p.button)
	if p.popup == nil || !p.popup.Visible() {
		t.Fatal("the picker did not open")
	}
	test.Type(p.search, "石化")
	if len(p.matches) != 1 || p.line(0) != "东湖石化有限公司" {
		t.Fatalf("matches for 石化: %+v", p.matches)
	}
	p.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if id, ok := p.Selected(); !ok || id.ID != 2 || p.button.Text != "东湖石化有限公司" || p.popup != nil || len(got) != 1 {
		t.Errorf("after Enter: %+v %v, button %q, told %v", id, ok, p.button.Text, got)
	}
	p.SetEnterprises([]store.Enterprise{{ID: 1, Name: "华北建材有限公司"}})
	if _, ok := p.Selected(); ok || p.button.Text != "选择企业…" {
		t.Errorf("the chosen enterprise stays after it left the list: %q", p.button.Text)
	}
}

// TestCellLabelHint: a name cut by its column shows whole in the hint line
// while the pointer rests on it; one that fits leaves the hint alone.
func TestCellLabelHint(t *testing.T) {
	test.NewTempApp(t)
	hint := widget.NewLabel("")
	l := newCellLabel(hint)
	l.SetText("北京市某某区某某镇某某村某某建材有限责任公司")
	l.Resize(fyne.NewSize(80, 30))
	l.MouseIn(&desktop.MouseEvent{})
	if hint.Text != l.Text {
		t.Errorf("hint over a cut name = %q", hint.Text)
	}
	l.MouseOut()
	if hint.Text != "" {
		t.Errorf("hint after the pointer left = %q", hint.Text)
	}
	l.SetText("甲厂")
	l.MouseIn(&desktop.MouseEvent{})
	if hint.Text != "" {
		t.Errorf("hint over a name that fits = %q", hint.Text)
	}
}
