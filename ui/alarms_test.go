package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// reviewFake adds the review queue's dependencies to the demo district.
type reviewFake struct {
	*fakeStore
	mu        sync.Mutex
	reviews   []store.Review
	exported  []string
	imports   []map[int64]store.ReviewSide
	conflicts []store.ReviewConflict
}

func (f *reviewFake) AlarmEvidence(ctx context.Context, id int64, margin time.Duration) (store.AlarmEvidence, error) {
	for _, a := range f.alarmsNow() {
		if a.ID != id {
			continue
		}
		end := a.End
		if end.IsZero() {
			end = demoNow
		}
		ev := store.AlarmEvidence{Alarm: a, From: a.Start.Add(-margin), To: end.Add(margin), Series: map[int64][]store.Sample{}}
		for _, fid := range []int64{a.ProductionID, a.TreatmentID} {
			if fid != 0 {
				ev.Series[fid], _ = f.Samples(ctx, fid, ev.From, ev.To) // point id = facility id in the demo
			}
		}
		f.mu.Lock()
		for _, r := range f.reviews {
			if r.AlarmID == id {
				ev.Reviews = append(ev.Reviews, r)
			}
		}
		f.mu.Unlock()
		return ev, nil
	}
	return store.AlarmEvidence{}, fmt.Errorf("alarm %d: %w", id, store.ErrNotFound)
}

func (f *reviewFake) ReviewAlarm(_ context.Context, id int64, d store.Disposition, note, who string) (store.Review, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := store.Review{ID: int64(len(f.reviews) + 1), AlarmID: id, Disposition: d, Note: note, Reviewer: who, At: demoNow}
	f.reviews = append(f.reviews, r)
	f.changeAlarms(func(as []store.Alarm) []store.Alarm {
		for i := range as {
			if as[i].ID == id {
				as[i].Disposition = d
			}
		}
		return as
	})
	return r, nil
}

func (f *reviewFake) ExportEvidence(_ context.Context, id int64, dir, who string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exported = append(f.exported, fmt.Sprintf("%d %s %s", id, dir, who))
	return fmt.Sprintf("%s/alarm-%d", dir, id), nil
}

func (f *reviewFake) ExportReviewAlarms(_ context.Context, _, path string, ids []int64, _ time.Duration) (store.ReviewPackage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exported = append(f.exported, fmt.Sprintf("package %s %v", path, ids))
	return store.ReviewPackage{Alarms: len(ids)}, nil
}

func (f *reviewFake) ImportReviewPackage(_ context.Context, _, _ string, resolve map[int64]store.ReviewSide) (store.ReviewImport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.imports = append(f.imports, resolve)
	if resolve == nil {
		return store.ReviewImport{Imported: 1, Conflicts: f.conflicts}, nil
	}
	return store.ReviewImport{Imported: len(resolve)}, nil
}

func (f *reviewFake) ReviewPackageInfo(context.Context) (store.ReviewPackage, error) {
	return store.ReviewPackage{}, store.ErrNotFound
}

func mustAlarmQueue(t *testing.T) (*Shell, *alarmsScreen, *reviewFake) {
	t.Helper()
	f := &reviewFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Review, d.Evidence, d.Packages = f, f, f
	s, _ := mustShell(t, d)
	s.Show(ViewAlarms)
	s.Wait()
	return s, s.screens[ViewAlarms].(*alarmsScreen), f
}

func ids(rows []alarmRow) string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r.a.ID))
	}
	return strings.Join(out, ",")
}

// resetQueue puts the queue's filters back to the default: every group and
// grade, open and ended, newest first.
func resetQueue(as *alarmsScreen) {
	as.groups.SetSelected(nil)
	as.grades.SetSelected(nil)
	as.statuses.SetSelected([]string{as.s.alarmStatus(store.Open), as.s.alarmStatus(store.Ended)})
	as.disp.SetSelectedIndex(0)
	as.region.SetSelectedIndex(0)
	as.industry.SetSelectedIndex(0)
	as.sortBy.SetSelectedIndex(0)
	as.desc.SetChecked(true)
	as.ent.SetText("")
	as.tbl.sort = unsorted
	as.apply()
}

// TestAlarmQueueFilterAndSort drives the filter widgets; the rules
// themselves are TestFilterAlarms's.
func TestAlarmQueueFilterAndSort(t *testing.T) {
	_, as, _ := mustAlarmQueue(t)
	if got := ids(as.rows); got != "1,2,3" {
		t.Fatalf("queue of the last 30 days, newest first = %s, want 1,2,3", got)
	}
	s := as.s
	cases := []struct {
		name string
		set  func()
		want string
	}{
		{"violations", func() { as.groups.SetSelected([]string{s.alarmGroup(store.GroupViolation)}) }, "1,3"},
		{"device and data", func() { as.groups.SetSelected([]string{s.alarmGroup(store.GroupDevice)}) }, "2"},
		{"two grades", func() { as.grades.SetSelected([]string{s.grade(store.Major), s.grade(store.Minor)}) }, "2,3"},
		{"ended", func() { as.statuses.SetSelected([]string{s.alarmStatus(store.Ended)}) }, "2,3"},
		{"enterprise", func() { as.ent.SetText("顺达") }, "2"},
		{"region", func() { as.region.SetSelected("东湖镇") }, ""},
		{"industry", func() { as.industry.SetSelected("金属结构制造") }, "2"},
		{"disposition undecided", func() { as.disp.SetSelected(s.disposition(store.Undecided)) }, "1,2,3"},
		{"disposition confirmed", func() { as.disp.SetSelected(s.disposition(store.Confirmed)) }, ""},
		{"by duration", func() { as.sortBy.SetSelectedIndex(1) }, "3,1,2"},
		{"by grade ascending", func() { as.sortBy.SetSelectedIndex(2); as.desc.SetChecked(false) }, "2,3,1"},
		{"header: enterprise, ties newest first", func() { as.tbl.sortBy(0) }, "1,3,2"},
		{"header: grade twice, descending", func() { as.tbl.sortBy(5); as.tbl.sortBy(5) }, "1,3,2"},
		{"header: duration, then the sort list takes over", func() { as.tbl.sortBy(4); as.sortBy.SetSelectedIndex(2) }, "1,3,2"},
		{"today", func() { as.rangeSel.SetSelected(s.tr.T("al.range.today")); as.s.Wait() }, "1,2"},
		{"typed dates", func() {
			as.from.SetText(dayStart(demoNow).AddDate(0, 0, -1).Format("2006-01-02"))
			as.to.SetText(dayStart(demoNow).AddDate(0, 0, -1).Format("2006-01-02"))
			as.from.OnSubmitted(as.from.Text)
			as.s.Wait()
		}, "3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.set()
			if got := ids(as.rows); got != c.want {
				t.Errorf("rows = %q, want %q", got, c.want)
			}
			resetQueue(as)
		})
	}
	as.rangeSel.SetSelected(s.tr.T("al.range.30d"))
	as.s.Wait()
	if got := as.cell(widget.TableCellID{Row: 0, Col: 8}); got != "布袋除尘器" {
		t.Errorf("treatment column of alarm 1 = %q", got)
	}
	if got := as.cell(widget.TableCellID{Row: 0, Col: 7}); got != "…00000001 回路1" {
		t.Errorf("terminal column of alarm 1 = %q, want its MN's tail and the production line's point", got)
	}
	if got := as.cell(widget.TableCellID{Row: 1, Col: 7}); got != "…00000003" {
		t.Errorf("terminal column of the offline alarm 2 = %q, want its terminal's MN tail", got)
	}
}

func TestAlarmQueueKeyboardAndDispose(t *testing.T) {
	s, as, f := mustAlarmQueue(t)
	c := s.win.Canvas()
	step := func(keys string, want int) {
		t.Helper()
		test.TypeOnCanvas(c, keys)
		s.Wait()
		if as.cur != want {
			t.Fatalf("after %q the alarm under review is row %d, want %d", keys, as.cur, want)
		}
	}
	step("j", 0)
	if as.detail.chart.img.Image == nil || !rowsMention(as.detail.rules.rows, "布袋除尘器") {
		t.Errorf("alarm 1 opened without its chart or the treatment threshold: %+v", as.detail.rules.rows)
	}
	step("j", 1)
	step("jj", 2) // stops at the last
	step("k", 1)
	step("k", 0)
	step("1", 1) // confirm alarm 1, go to the next
	if len(f.reviews) != 1 || f.reviews[0].AlarmID != 1 || f.reviews[0].Disposition != store.Confirmed || f.reviews[0].Reviewer != "张三" {
		t.Fatalf("reviews after key 1 = %+v", f.reviews)
	}
	if as.rows[0].a.Disposition != store.Confirmed || !strings.Contains(as.cell(widget.TableCellID{Row: 0, Col: 10}), "确认违法") {
		t.Errorf("the queue does not show alarm 1 confirmed")
	}
	// The button way, with a note.
	as.detail.choice.SetSelectedIndex(1)
	as.detail.noteIn.SetText("电表故障，已报修")
	test.Tap(as.detail.save)
	s.Wait()
	if len(f.reviews) != 2 || f.reviews[1].AlarmID != 2 || f.reviews[1].Disposition != store.DeviceFault || f.reviews[1].Note != "电表故障，已报修" {
		t.Fatalf("reviews after the button = %+v", f.reviews)
	}
	as.disp.SetSelected(s.disposition(store.Undecided))
	if got := ids(as.rows); got != "3" {
		t.Errorf("unreviewed only = %q, want 3", got)
	}
	// Keys do nothing outside the queue.
	s.Show(ViewDashboard)
	s.Wait()
	test.TypeOnCanvas(c, "2")
	s.Wait()
	if len(f.reviews) != 2 {
		t.Errorf("a key on the dashboard disposed an alarm: %+v", f.reviews)
	}
}

func TestAlarmEvidenceAndPackage(t *testing.T) {
	s, as, f := mustAlarmQueue(t)
	as.move(1)
	s.Wait()
	as.exportEvidence("/tmp/out")
	s.Wait()
	if len(f.exported) != 1 || f.exported[0] != "1 /tmp/out 张三" || !strings.Contains(as.detail.info.Text, "/tmp/out/alarm-1") {
		t.Errorf("evidence export = %v, info %q", f.exported, as.detail.info.Text)
	}
	as.groups.SetSelected([]string{s.alarmGroup(store.GroupViolation)})
	as.grades.SetSelected([]string{s.grade(store.Severe)})
	as.exportPackage("/tmp/p.pwreview")
	s.Wait()
	if len(f.exported) != 2 || f.exported[1] != "package /tmp/p.pwreview [1]" || !strings.Contains(as.note.Text, "1 条报警") {
		t.Errorf("package export = %v, note %q; want the one filtered alarm", f.exported, as.note.Text)
	}
	resetQueue(as)
	a3 := f.alarms[2]
	f.conflicts = []store.ReviewConflict{{AlarmID: a3.ID,
		Office:  []store.Review{{AlarmID: a3.ID, Disposition: store.Filed, Reviewer: "王五", At: demoNow}},
		Package: []store.Review{{AlarmID: a3.ID, Disposition: store.Confirmed, Reviewer: "赵六", At: demoNow}}}}
	as.importPackage("/tmp/p.pwreview", nil)
	s.Wait()
	dlg := topDialog(t, s.win)
	if txt := texts(dlg); !strings.Contains(txt, "王五") || !strings.Contains(txt, "赵六") {
		t.Fatalf("conflict dialog does not show both decisions:\n%s", txt)
	}
	var radio *widget.RadioGroup
	walk(dlg, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			radio = r
		}
	})
	radio.SetSelected(s.tr.T("al.conflict.package"))
	test.Tap(button(t, dlg, s.tr.T("al.conflict.apply")))
	s.Wait()
	if len(f.imports) != 2 || f.imports[1][a3.ID] != store.TakePackage {
		t.Errorf("imports = %v, want a second import taking the package's decision for alarm %d", f.imports, a3.ID)
	}
}
