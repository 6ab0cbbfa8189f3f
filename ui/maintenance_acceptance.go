package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// ---- 验收/巡检测试: the live checklist of §6.7.4 and the half-yearly inspection ----

type testTab struct {
	ms      *maintenanceScreen
	box     fyne.CanvasObject
	pick    *entPicker
	kind    *widget.Select
	since   time.Time
	sinceL  *widget.Label
	tbl     *specTable[store.AcceptanceResult]
	rows    []store.AcceptanceResult
	problem *widget.Label
	people  *widget.Entry
	note    *widget.Label
}

func newTestTab(ms *maintenanceScreen) *testTab {
	s := ms.s
	t := &testTab{ms: ms, sinceL: widget.NewLabel(""), problem: widget.NewLabel(""), people: widget.NewEntry(), note: widget.NewLabel(s.tr.T("maint.test.help"))}
	t.note.Wrapping = fyne.TextWrapWord
	t.problem.Wrapping = fyne.TextWrapWord
	t.pick = newEntPicker(s.tr, nil, func(store.Enterprise) { t.start() })
	t.kind = newSelect(s.tr, []string{s.tr.T("maint.kind.acceptance"), s.tr.T("maint.kind.inspection")}, nil)
	t.kind.SetSelectedIndex(0)
	t.tbl = newSpecTable(t.columns(), func() []store.AcceptanceResult { return t.rows }, func(row int) {
		t.problem.SetText(strings.Join(t.rows[row].Problems, "\n"))
	}, func() { t.rows = t.tbl.sorted(t.rows) })
	restart := widget.NewButton(s.tr.T("maint.test.start"), t.start)
	refresh := widget.NewButton(s.tr.T("maint.test.refresh"), t.refresh)
	save := widget.NewButton(s.tr.T("maint.test.save"), t.save)
	save.Importance = widget.HighImportance
	t.people.SetPlaceHolder(s.tr.T("maint.people"))
	top := container.NewVBox(t.note, container.NewBorder(nil, nil, nil, container.NewHBox(t.kind, restart, refresh), t.pick.button), t.sinceL)
	bottom := container.NewVBox(t.problem, container.NewBorder(nil, nil, nil, save, t.people))
	t.box = container.NewBorder(top, container.NewVBox(t.tbl.hint, bottom), nil, nil, t.tbl.table)
	return t
}

func (t *testTab) setEnterprises(ents []store.Enterprise) { t.pick.SetEnterprises(ents) }

func yesNo(s *Shell, ok bool) string {
	if ok {
		return s.tr.T("maint.test.yes")
	}
	return s.tr.T("maint.test.no")
}

// columns are the checklist's columns, one row per point.
func (t *testTab) columns() []column[store.AcceptanceResult] {
	s := t.ms.s
	type r = store.AcceptanceResult
	yes := func(head string, w float32, v func(r) bool) column[r] {
		return column[r]{head: head, width: w, text: func(x r) string { return yesNo(s, v(x)) }}
	}
	return []column[r]{
		{head: s.tr.T("maint.test.facility"), width: 180, text: func(x r) string { return x.Facility }},
		{head: s.tr.T("maint.test.point"), width: 160, text: func(x r) string { return x.Point }},
		{head: s.tr.T("maint.test.packets"), width: 80, align: fyne.TextAlignTrailing, cmp: byNum(func(x r) int { return x.Packets }),
			text: func(x r) string { return strconv.Itoa(x.Packets) }},
		{head: s.tr.T("maint.test.delay"), width: 100, align: fyne.TextAlignTrailing, cmp: byNum(func(x r) time.Duration { return x.MaxDelay }),
			text: func(x r) string { return x.MaxDelay.Round(time.Second).String() }},
		yes(s.tr.T("maint.off"), 70, func(x r) bool { return x.SawOff }),
		yes(s.tr.T("maint.on"), 70, func(x r) bool { return x.SawOn }),
		yes(s.tr.T("maint.test.plausible"), 80, func(x r) bool { return x.Plausible }),
		{head: s.tr.T("maint.result"), width: 110, text: func(x r) string {
			if x.Pass {
				return s.tr.T("maint.test.pass")
			}
			return s.tr.T("maint.test.fail")
		}},
	}
}

// cell is the text of a cell of the checklist.
func (t *testTab) cell(id widget.TableCellID) string { return t.tbl.cell(id.Row, id.Col) }

// start begins a test now: only what arrives from now on counts.
func (t *testTab) start() {
	s := t.ms.s
	t.since = s.deps.Now()
	t.sinceL.SetText(s.tr.T("maint.test.since", t.since.In(store.Beijing).Format("2006-01-02 15:04:05")))
	t.refresh()
}

// refresh re-evaluates the test over what arrived since it started.
func (t *testTab) refresh() {
	s := t.ms.s
	ent := t.pick.SelectedID()
	if s.deps.Maintenance == nil || ent == 0 || t.since.IsZero() {
		return
	}
	since := t.since
	load(s, func(ctx context.Context) ([]store.AcceptanceResult, error) {
		return s.deps.Maintenance.Acceptance(ctx, ent, since)
	}, func(rs []store.AcceptanceResult, err error) {
		if err != nil {
			t.problem.SetText(s.message(err))
			return
		}
		t.rows = t.tbl.sorted(rs)
		t.tbl.Refresh()
		pass := 0
		for _, r := range rs {
			if r.Pass {
				pass++
			}
		}
		t.problem.SetText(s.tr.T("maint.test.summary", pass, len(rs)))
	})
}

func (t *testTab) kindSelected() store.TaskKind {
	if t.kind.SelectedIndex() == 1 {
		return store.TaskInspection
	}
	return store.TaskAcceptance
}

// save stores the test's result as a maintenance record.
func (t *testTab) save() {
	s := t.ms.s
	ent := t.pick.SelectedID()
	people := strings.TrimSpace(t.people.Text)
	switch {
	case s.deps.Maintenance == nil || ent == 0 || t.since.IsZero():
		return
	case people == "":
		t.problem.SetText(s.tr.T("maint.bad.people"))
		return
	}
	who, kind, since := s.operator(), t.kindSelected(), t.since
	load(s, func(ctx context.Context) (store.MaintenanceRecord, error) {
		return s.deps.Maintenance.SaveAcceptance(ctx, who, kind, ent, since, people)
	}, func(r store.MaintenanceRecord, err error) {
		if err != nil {
			t.problem.SetText(s.message(err))
			return
		}
		t.problem.SetText(s.tr.T("maint.test.saved", r.ID))
		t.ms.refresh()
	})
}
