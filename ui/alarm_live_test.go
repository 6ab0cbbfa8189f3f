package ui

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
	"powerwatch/ui/chart"
)

// alarmQueueAt is the queue over the demo district with a clock the test moves.
func alarmQueueAt(t *testing.T, start time.Time) (s *Shell, as *alarmsScreen, f *reviewFake, setNow func(time.Time)) {
	t.Helper()
	f = &reviewFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Review, d.Evidence, d.Packages = f, f, f
	var mu sync.Mutex
	now := start
	d.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, _ = mustShell(t, d)
	s.Show(ViewAlarms)
	s.Wait()
	return s, s.screens[ViewAlarms].(*alarmsScreen), f, func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
}

func (as *alarmsScreen) selectedRow(t *testing.T) int {
	t.Helper()
	row := -1
	for i := range as.rows {
		if as.rows[i].a.ID == as.curID {
			row = i
		}
	}
	if row != as.cur {
		t.Fatalf("alarm under review %d is row %d of the queue, as.cur says %d", as.curID, row, as.cur)
	}
	return row
}

// TestAlarmQueueLive raises, changes and withdraws alarms while the queue and
// the detail of alarm 1 are open: each reaches both at the next poll, the
// alarm under review stays selected and what is being typed stays.
func TestAlarmQueueLive(t *testing.T) {
	s, as, f, _ := alarmQueueAt(t, demoNow)
	badge := func() string { return s.items[ViewAlarms].Text }
	if got := badge(); got != "报警 (2)" {
		t.Errorf("badge = %q, want 报警 (2): alarms 1 and 3 are violations to review, 2 is a device alarm", got)
	}
	as.move(1)
	s.Wait()
	if as.curID != 1 {
		t.Fatalf("alarm under review = %d, want 1", as.curID)
	}
	as.detail.noteIn.SetText("已电话联系企业")

	// Raised: the judge worker notifies the shell.
	raised := store.Alarm{ID: 4, Type: store.TreatmentOff, Grade: store.Minor, Status: store.Open, EnterpriseID: 2,
		ProductionID: 21, TreatmentID: 23, Start: demoNow.Add(-20 * time.Minute), Detail: "1#生产线运行，布袋除尘器停机"}
	f.changeAlarms(func(a []store.Alarm) []store.Alarm { return append(a, raised) })
	s.AlarmRaised(raised, "东湖石化有限公司")
	s.Wait()
	if got := ids(as.rows); got != "4,1,2,3" {
		t.Fatalf("queue after alarm 4 was raised = %s, want 4,1,2,3", got)
	}
	if as.selectedRow(t) != 1 || !strings.Contains(as.detail.title.Text, "#1") {
		t.Errorf("alarm 1 is no longer under review: row %d, title %q", as.cur, as.detail.title.Text)
	}
	if got := badge(); got != "报警 (3)" {
		t.Errorf("badge after a new violation = %q, want 报警 (3)", got)
	}

	// Changed: alarm 1 ended and was regraded; nobody notifies, the poll finds it.
	end := demoNow.Add(-10 * time.Minute)
	f.changeAlarms(func(a []store.Alarm) []store.Alarm {
		a[0].Status, a[0].End, a[0].Grade, a[0].UpdatedAt = store.Ended, end, store.Major, demoNow
		return a
	})
	s.pollAlarms()
	s.Wait()
	if txt := as.detail.facts.Text; !strings.Contains(txt, "已结束") || !strings.Contains(txt, when(end)) {
		t.Errorf("the detail kept the old facts of alarm 1:\n%s", txt)
	}
	if !strings.Contains(as.detail.title.Text, "较重") {
		t.Errorf("the detail's title kept the old grade: %q", as.detail.title.Text)
	}
	if got := as.cell(widget.TableCellID{Row: as.selectedRow(t), Col: 6}); got != "已结束" {
		t.Errorf("the queue's status of alarm 1 = %q, want 已结束", got)
	}
	if as.detail.noteIn.Text != "已电话联系企业" {
		t.Errorf("a reload lost the reviewer's note: %q", as.detail.noteIn.Text)
	}

	// Withdrawn: alarm 4 leaves the queue and the badge; alarm 1, under review,
	// leaves the queue but its detail says it was withdrawn.
	f.changeAlarms(func(a []store.Alarm) []store.Alarm {
		a[0].Status, a[3].Status = store.Withdrawn, store.Withdrawn
		return a
	})
	s.pollAlarms()
	s.Wait()
	if got := ids(as.rows); got != "2,3" {
		t.Errorf("queue after alarms 1 and 4 were withdrawn = %s, want 2,3", got)
	}
	if !strings.Contains(as.detail.facts.Text, "已撤销") || as.cur != -1 {
		t.Errorf("the detail of the withdrawn alarm 1 (row %d):\n%s", as.cur, as.detail.facts.Text)
	}
	if got := badge(); got != "报警 (1)" {
		t.Errorf("badge after two withdrawals = %q, want 报警 (1)", got)
	}
	as.statuses.SetSelected(append(as.statuses.Selected, s.alarmStatus(store.Withdrawn)))
	if got := ids(as.rows); got != "4,1,2,3" || as.selectedRow(t) != 1 {
		t.Errorf("with withdrawn shown the queue = %s, alarm under review at row %d; want 4,1,2,3 and row 1", got, as.cur)
	}

	// Unchanged: a poll redraws nothing but the durations.
	before := as.all
	s.pollAlarms()
	s.Wait()
	if &before[0] != &as.all[0] {
		t.Errorf("an unchanged poll rebuilt the queue")
	}
}

// TestAlarmQueueWithdrawnHidden: by default the queue lists open and ended
// alarms only; a withdrawn alarm is neither listed nor counted as running.
func TestAlarmQueueWithdrawnHidden(t *testing.T) {
	f := &reviewFake{fakeStore: demoDistrict(demoNow)}
	f.alarms[0].Status = store.Withdrawn
	d := demoDeps(f.fakeStore, demoNow)
	d.Review, d.Evidence, d.Packages = f, f, f
	s, _ := mustShell(t, d)
	s.Show(ViewAlarms)
	s.Wait()
	as := s.screens[ViewAlarms].(*alarmsScreen)
	if got := ids(as.rows); got != "2,3" {
		t.Errorf("default queue = %s, want 2,3 (alarm 1 withdrawn)", got)
	}
	if !strings.Contains(as.note.Text, "2") || !strings.Contains(as.note.Text, "3") {
		t.Errorf("the count does not say 2 of 3 are shown: %q", as.note.Text)
	}
	if got := s.items[ViewAlarms].Text; got != "报警 (1)" {
		t.Errorf("badge = %q, want 报警 (1): the withdrawn violation is not to review", got)
	}
}

// TestAlarmQueueMidnight: 今天 picked before midnight shows the new day after
// it, at the next poll, without the officer touching anything.
func TestAlarmQueueMidnight(t *testing.T) {
	evening := dayStart(demoNow).Add(23*time.Hour + 50*time.Minute)
	s, as, f, setNow := alarmQueueAt(t, evening)
	as.rangeSel.SetSelected(s.tr.T("al.range.today"))
	s.Wait()
	if got := ids(as.rows); got != "1,2" {
		t.Fatalf("today before midnight = %s, want 1,2", got)
	}
	nextDay := dayStart(demoNow).AddDate(0, 0, 1)
	f.changeAlarms(func(a []store.Alarm) []store.Alarm {
		return append(a, store.Alarm{ID: 4, Type: store.Offline, Grade: store.Minor, Status: store.Open, EnterpriseID: 2,
			TerminalID: 2, Start: nextDay.Add(5 * time.Minute)})
	})
	setNow(nextDay.Add(10 * time.Minute))
	s.pollAlarms()
	s.Wait()
	if got := ids(as.rows); got != "4,1" {
		t.Errorf("today after midnight = %s, want 4,1 (the new day's alarm and the one still open)", got)
	}
	if as.from.Text != nextDay.Format("2006-01-02") || as.to.Text != nextDay.Format("2006-01-02") {
		t.Errorf("range shown after midnight = %s – %s, want %s", as.from.Text, as.to.Text, nextDay.Format("2006-01-02"))
	}
}

// TestAlarmReviewHistoryAfterSave: 保存处置 puts the decision into 审核记录 at
// once, and the badge counts one alarm less.
func TestAlarmReviewHistoryAfterSave(t *testing.T) {
	s, as, f, _ := alarmQueueAt(t, demoNow)
	as.move(1)
	s.Wait()
	if as.detail.reviews.Text != "尚未审核" {
		t.Fatalf("reviews of the new alarm 1 = %q, want 尚未审核", as.detail.reviews.Text)
	}
	as.detail.choice.SetSelectedIndex(0)
	as.detail.noteIn.SetText("现场核实停机")
	test.Tap(as.detail.save)
	s.Wait()
	if len(f.reviews) != 1 {
		t.Fatalf("reviews saved = %+v", f.reviews)
	}
	if txt := as.detail.reviews.Text; !strings.Contains(txt, "确认违法") || !strings.Contains(txt, "张三") || !strings.Contains(txt, "现场核实停机") {
		t.Errorf("审核记录 after the save = %q, want the decision, reviewer and note", txt)
	}
	if as.detail.noteIn.Text != "" {
		t.Errorf("the saved note stays in the form: %q", as.detail.noteIn.Text)
	}
	if got := s.items[ViewAlarms].Text; got != "报警 (1)" {
		t.Errorf("badge after the save = %q, want 报警 (1)", got)
	}
}

// TestAlarmTableFits1366 renders the queue at 1366×768, at 100 % and at
// 150 % scaling (screenSizes), and fails when one of the columns an officer
// triages by is not on screen without scrolling.
func TestAlarmTableFits1366(t *testing.T) {
	for _, lang := range []Lang{Chinese, English} {
		for _, sz := range screenSizes {
			t.Run(string(lang)+"/"+sz.name, func(t *testing.T) { alarmTableFits1366(t, lang, sz.size) })
		}
	}
}

func alarmTableFits1366(t *testing.T, lang Lang, size fyne.Size) {
	s, w := mustShell(t, demoDeps(demoDistrict(demoNow), demoNow))
	s.SetLanguage(lang)
	w.Resize(size)
	s.Show(ViewAlarms)
	s.Wait()
	if sz := w.Canvas().Size(); sz.Width > size.Width+0.5 || sz.Height > size.Height+0.5 {
		t.Fatalf("the window grew to %v at %v", sz, size)
	}
	as := s.screens[ViewAlarms].(*alarmsScreen)
	d := fyne.CurrentApp().Driver()
	// The alarm under review keeps a third of the screen beside the queue;
	// at 150 % scaling it gives way to the triage columns (leadFit).
	if dw := as.detailScroll.Size().Width; size.Width >= 1280 && dw < size.Width/3 {
		t.Errorf("the alarm detail beside the queue is %.0f px wide at %v", dw, size)
	}
	tablePos := d.AbsolutePositionForObject(as.table)
	right := tablePos.X + as.table.Size().Width
	if right > size.Width {
		t.Fatalf("the alarm table ends at x=%.0f, beyond the screen", right)
	}
	cols := alarmColumns(s.tr)
	var headerEnd float32 // the bottom of the header row
	for _, title := range cols[:requiredAlarmColumns] {
		var found fyne.CanvasObject
		walk(as.table, func(o fyne.CanvasObject) {
			if l, ok := o.(*headerLabel); ok && l.Text == title && l.Visible() {
				found = l
			}
		})
		if found == nil {
			t.Errorf("column %s is not rendered at 1366×768", title)
			continue
		}
		x := d.AbsolutePositionForObject(found).X
		headerEnd = d.AbsolutePositionForObject(found).Y + found.Size().Height
		if x < tablePos.X || x+found.Size().Width > right+0.5 {
			t.Errorf("column %s spans x %.0f–%.0f, outside the table's %.0f–%.0f", title, x, x+found.Size().Width, tablePos.X, right)
		}
	}
	// Headers, types, times, grades and statuses fit their columns whole;
	// enterprise and facility names may be ellipsized when long.
	widths := alarmColumnWidths(lang)
	namesEnd, triageEnd := tablePos.X+widths[0]+widths[1], tablePos.X
	for _, w := range widths[:requiredAlarmColumns] {
		triageEnd += w
	}
	cells := 0
	walk(as.table, func(o fyne.CanvasObject) {
		txt, ok := o.(*canvas.Text)
		if !ok || txt.Text == "" {
			return
		}
		pos := d.AbsolutePositionForObject(txt)
		if pos.X >= triageEnd || (pos.Y >= headerEnd && pos.X < namesEnd) {
			return
		}
		cells++
		if strings.Contains(txt.Text, "…") {
			t.Errorf("%q is cut in the alarm table at 1366×768", txt.Text)
		}
	})
	if cells < requiredAlarmColumns*2 {
		t.Errorf("found only %d texts in the triage columns; the walk is broken", cells)
	}
}

// TestCurveShadesNoWithdrawnAlarm: the curve shades alarms of the enterprise,
// but not one that later data withdrew.
func TestCurveShadesNoWithdrawnAlarm(t *testing.T) {
	f := demoDistrict(demoNow)
	s, _ := mustShell(t, demoDeps(f, demoNow))
	req := curveRequest{enterprise: 1, from: dayStart(demoNow).AddDate(0, 0, -2), to: dayStart(demoNow).AddDate(0, 0, 1)}
	alarmSpans := func() int {
		var o chart.Options
		if err := s.curve.addSpans(context.Background(), &o, req); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, sp := range o.Spans {
			if sp.Kind == chart.Alarm {
				n++
			}
		}
		return n
	}
	if n := alarmSpans(); n != 2 {
		t.Fatalf("alarm spans of enterprise 1 = %d, want 2 (alarms 1 and 3)", n)
	}
	f.changeAlarms(func(a []store.Alarm) []store.Alarm { a[0].Status = store.Withdrawn; return a })
	if n := alarmSpans(); n != 1 {
		t.Errorf("alarm spans with alarm 1 withdrawn = %d, want 1", n)
	}
}

// TestDashboardCountsNoWithdrawnAlarm: a withdrawn alarm is neither one of
// today's alarms nor an enterprise with an open alarm on the dashboard.
func TestDashboardCountsNoWithdrawnAlarm(t *testing.T) {
	f := demoDistrict(demoNow)
	s, _ := mustShell(t, demoDeps(f, demoNow))
	count := func() (today, openEnts int) {
		var dd dashData
		s.dash.gatherAlarms(context.Background(), &dd, dayStart(demoNow), demoNow)
		return len(dd.today), dd.openEnterprises
	}
	if today, open := count(); today != 2 || open != 1 {
		t.Fatalf("today %d, enterprises with open alarms %d; want 2 and 1", today, open)
	}
	f.changeAlarms(func(a []store.Alarm) []store.Alarm { a[0].Status = store.Withdrawn; return a })
	if today, open := count(); today != 1 || open != 0 {
		t.Errorf("with the open alarm 1 withdrawn: today %d, enterprises with open alarms %d; want 1 and 0", today, open)
	}
}

// tableOffset is where t is scrolled to (Fyne keeps it unexported).
func tableOffset(t *widget.Table) fyne.Position {
	v := reflect.ValueOf(t).Elem().FieldByName("offset")
	return fyne.NewPos(float32(v.FieldByName("X").Float()), float32(v.FieldByName("Y").Float()))
}

// TestAlarmQueueLiveKeepsScroll: a poll that brings a changed and a new alarm
// leaves the queue scrolled where the reviewer left it, with the same alarm selected.
func TestAlarmQueueLiveKeepsScroll(t *testing.T) {
	f := &reviewFake{fakeStore: demoDistrict(demoNow)}
	for i := int64(0); i < 60; i++ { // older alarms, below the demo's three
		f.alarms = append(f.alarms, store.Alarm{ID: 10 + i, Type: store.Offline, Grade: store.Minor, Status: store.Ended,
			EnterpriseID: 2, TerminalID: 2, Start: demoNow.Add(-time.Duration(40+i) * time.Hour), End: demoNow.Add(-time.Duration(39+i) * time.Hour)})
	}
	d := demoDeps(f.fakeStore, demoNow)
	d.Review, d.Evidence, d.Packages = f, f, f
	s, _ := mustShell(t, d)
	s.Show(ViewAlarms)
	s.Wait()
	as := s.screens[ViewAlarms].(*alarmsScreen)
	as.table.ScrollToOffset(fyne.NewPos(0, 600))
	scrolled := tableOffset(as.table)
	if scrolled.Y == 0 {
		t.Fatal("the test could not scroll the queue")
	}
	row := 16 // inside the view scrolled to 600 px (rows are about 36 px high)
	as.table.Select(widget.TableCellID{Row: row})
	s.Wait()
	scrolled = tableOffset(as.table)
	id := as.curID
	f.changeAlarms(func(a []store.Alarm) []store.Alarm {
		a[5].Grade = store.Major // changed, below the view
		return append(a, store.Alarm{ID: 200, Type: store.Offline, Grade: store.Minor, Status: store.Ended, EnterpriseID: 3,
			TerminalID: 3, Start: demoNow.Add(-200 * time.Hour), End: demoNow.Add(-199 * time.Hour)}) // new, the oldest
	})
	s.pollAlarms()
	s.Wait()
	if len(as.rows) != 64 {
		t.Fatalf("queue after the poll has %d rows, want 64", len(as.rows))
	}
	if as.curID != id || as.rows[as.cur].a.ID != id {
		t.Errorf("alarm under review %d became %d", id, as.curID)
	}
	if got := tableOffset(as.table); got != scrolled {
		t.Errorf("the poll scrolled the queue from %v to %v", scrolled, got)
	}
}
