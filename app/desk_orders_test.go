package main

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
	"powerwatch/ui"
)

// find returns the first object under o for which match is true, nil when none.
func find(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil || !o.Visible() {
		return nil
	}
	if match(o) {
		return o
	}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(x).Objects()
	}
	for _, c := range kids {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

// tapButton taps the button labelled text under o.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	b, _ := find(o, func(x fyne.CanvasObject) bool { b, ok := x.(*widget.Button); return ok && b.Text == text }).(*widget.Button)
	if b == nil {
		t.Fatalf("no button %q in:\n%s", text, allText(o))
	}
	test.Tap(b)
}

// shutdownAlarm is the enterprise's 停产 violation of the fixture's morning, if any.
func shutdownAlarm(t *testing.T, db *sqlite.DB) (store.Alarm, bool) {
	t.Helper()
	as, err := db.FindAlarms(t.Context(), store.AlarmFilter{Types: []store.AlarmType{store.ShutdownIgnored}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Status != store.Withdrawn {
			return a, true
		}
	}
	return store.Alarm{}, false
}

// TestOrderEditWithdrawJudgesAgain drives 管控 on a real database: a 停产
// order over a morning the production line ran raises a violation at once;
// corrected in the form to a 50 % 限产 it no longer does, and the violation
// is withdrawn; withdrawn in the 指令 tab after its confirmation, the order is
// gone. Each change is in the audit log under the operator's name.
func TestOrderEditWithdrawJudgesAgain(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	ctx := t.Context()
	db, err := sqlite.Open(ctx, fixture.AlarmDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	desk := orderDesk{DB: db}
	ran := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	o := store.Order{EnterpriseID: 1, Kind: store.Shutdown, Level: store.Orange, Start: ran, End: ran.Add(2 * time.Hour)}
	if err := desk.CreateOrder(ctx, "test", &o); err != nil {
		t.Fatal(err)
	}
	if _, ok := shutdownAlarm(t, db); !ok {
		t.Fatal("creating the order did not judge the morning: no 停产 violation")
	}

	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s, err := ui.New(a, w, withReview(db, ui.Deps{Registry: db, Alarms: db, Operator: "王科员"}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w.Resize(fyne.NewSize(1366, 768))
	s.Show(ui.ViewOrders)
	s.Wait()
	tabs := find(w.Content(), func(x fyne.CanvasObject) bool {
		at, ok := x.(*container.AppTabs)
		return ok && len(at.Items) == 3 && at.Items[1].Text == "指令"
	}).(*container.AppTabs)
	tabs.SelectIndex(1)
	table := find(tabs.Items[1].Content, func(x fyne.CanvasObject) bool { _, ok := x.(*widget.Table); return ok }).(*widget.Table)
	table.Select(widget.TableCellID{Row: 0, Col: 0})

	// Correct it: 限产 50 % instead of 停产.
	tapButton(t, tabs.Items[1].Content, "修改指令")
	s.Wait()
	form := w.Canvas().Overlays().Top()
	kind := find(form, func(x fyne.CanvasObject) bool { k, ok := x.(*widget.Select); return ok && k.Selected == "停产" }).(*widget.Select)
	kind.SetSelected("限产")
	cut := find(form, func(x fyne.CanvasObject) bool { e, ok := x.(*widget.Entry); return ok && e.PlaceHolder == "30" }).(*widget.Entry)
	cut.SetText("50")
	tapButton(t, form, "保存")
	if !strings.Contains(allText(w.Canvas().Overlays().Top()), "重新判定") {
		t.Fatal("saving the correction asked no confirmation")
	}
	tapButton(t, w.Canvas().Overlays().Top(), "保存")
	s.Wait()
	got, err := db.OrderByID(ctx, o.ID)
	if err != nil || got.Kind != store.Cut || got.CutPercent != 50 {
		t.Fatalf("order after the correction: %+v, %v", got, err)
	}
	if a, ok := shutdownAlarm(t, db); ok {
		t.Errorf("the 停产 violation stands after the order became a 限产: %+v", a)
	}

	// Withdraw it, once confirmed.
	table.Select(widget.TableCellID{Row: 0, Col: 1})
	tapButton(t, tabs.Items[1].Content, "撤销指令")
	if !strings.Contains(allText(w.Canvas().Overlays().Top()), "限产 50%") {
		t.Fatalf("the confirmation does not name the order:\n%s", allText(w.Canvas().Overlays().Top()))
	}
	tapButton(t, w.Canvas().Overlays().Top(), "撤销指令")
	s.Wait()
	if _, err := db.OrderByID(ctx, o.ID); err == nil {
		t.Fatal("the order is still there after withdrawing it")
	}
	entries, err := db.FindAudit(ctx, store.AuditFilter{Entity: "order"})
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range entries {
		trail = append(trail, e.Who+" "+e.Action)
	}
	joined := strings.Join(trail, "|")
	if !strings.Contains(joined, "王科员 update") || !strings.Contains(joined, "王科员 delete") {
		t.Errorf("audit trail of the order: %q; want the operator's update and delete", trail)
	}
}
