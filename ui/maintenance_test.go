package ui

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"powerwatch/store"
)

// fakeMaint is the maintenance store and app in memory.
type fakeMaint struct {
	mu      sync.Mutex
	tasks   []store.Task
	records []store.MaintenanceRecord
	runs    map[string]store.JobRun
	specs   map[string]string
	photos  map[string][]byte
	surveys map[int64]store.Survey
	since   time.Time
}

func (f *fakeMaint) FindTasks(_ context.Context, fl store.TaskFilter) ([]store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.Task
	for _, t := range f.tasks {
		if fl.Status == "" || t.Status == fl.Status {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *fakeMaint) AssignTask(_ context.Context, _ string, id int64, who string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.tasks {
		if f.tasks[i].ID == id {
			f.tasks[i].Assignee = who
		}
	}
	return nil
}

func (f *fakeMaint) AddRecord(_ context.Context, _ string, r *store.MaintenanceRecord) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.tasks {
		if f.tasks[i].ID == r.TaskID {
			if f.tasks[i].Status == store.TaskDone {
				return store.ErrConflict
			}
			r.ID = int64(len(f.records) + 1)
			f.tasks[i].Status, f.tasks[i].RecordID = store.TaskDone, r.ID
		}
	}
	f.records = append(f.records, *r)
	return nil
}

func (f *fakeMaint) RecordByID(_ context.Context, id int64) (store.MaintenanceRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.records {
		if r.ID == id {
			return r, nil
		}
	}
	return store.MaintenanceRecord{}, store.ErrNotFound
}

func (f *fakeMaint) FindRecords(context.Context, store.RecordFilter) ([]store.MaintenanceRecord, error) {
	return f.records, nil
}
func (f *fakeMaint) LastJobRuns(context.Context) (map[string]store.JobRun, error) { return f.runs, nil }
func (f *fakeMaint) JobSpecs(context.Context) (map[string]string, error)          { return f.specs, nil }
func (f *fakeMaint) SetJobSpec(_ context.Context, _, job, spec string) error {
	f.specs[job] = spec
	return nil
}
func (f *fakeMaint) Jobs() []JobInfo {
	return []JobInfo{{"backup", "0 2 * * *"}, {"weekly-communication", "30 8 * * 1"}, {"monthly-transmission", "0 9 1 * *"}}
}
func (f *fakeMaint) CheckSpec(spec string) error {
	if len(strings.Fields(spec)) != 5 {
		return errors.New("want 5 fields")
	}
	return nil
}
func (f *fakeMaint) SavePhoto(_ context.Context, name string, data []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := "maintenance/2026-03/" + name
	f.photos[p] = data
	return p, nil
}
func (f *fakeMaint) ExportRecords(context.Context, string, []store.MaintenanceRecord) error {
	return nil
}
func (f *fakeMaint) PrintRecord(context.Context, string, store.MaintenanceRecord) error { return nil }

func (f *fakeMaint) Survey(_ context.Context, id int64) (store.Survey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sv, ok := f.surveys[id]; ok {
		return sv, nil
	}
	return store.Survey{EnterpriseID: id}, nil
}

func (f *fakeMaint) SaveSurvey(_ context.Context, _ string, sv store.Survey) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.surveys[sv.EnterpriseID] = sv
	return nil
}

// DesignWarnings flags what the fake can see without the real rules: a
// point on a circuit with more than 350 kW of auxiliary load.
func (f *fakeMaint) DesignWarnings(_ context.Context, sv store.Survey) ([]string, error) {
	var ws []string
	for _, p := range sv.Points {
		if p.SharedAuxKW > 350 {
			ws = append(ws, p.Name+" shares its circuit")
		}
	}
	return ws, nil
}

func (f *fakeMaint) PrintSurvey(context.Context, string, store.Survey) error { return nil }

func (f *fakeMaint) Acceptance(_ context.Context, ent int64, since time.Time) ([]store.AcceptanceResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since = since
	return []store.AcceptanceResult{
		{PointID: 11, Point: "回路1", Facility: "1#生产线", Packets: 12, MaxDelay: 20 * time.Second, DelayOK: true, SawOff: true, SawOn: true, Plausible: true, Pass: true},
		{PointID: 13, Point: "回路3", Facility: "布袋除尘器", Packets: 12, MaxDelay: 20 * time.Second, DelayOK: true, Plausible: true,
			Problems: []string{"未见停机 — the switch-off was not seen"}},
	}, nil
}

func (f *fakeMaint) SaveAcceptance(_ context.Context, _ string, kind store.TaskKind, ent int64, since time.Time, people string) (store.MaintenanceRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := store.MaintenanceRecord{ID: int64(len(f.records) + 1), Kind: kind, EnterpriseID: ent, People: people, Date: since}
	f.records = append(f.records, r)
	return r, nil
}

func demoMaint(now time.Time) *fakeMaint {
	return &fakeMaint{
		tasks: []store.Task{
			{ID: 1, Kind: store.TaskTransmission, EnterpriseID: 2, PointID: 21, Status: store.TaskOpen, Due: now.Add(-24 * time.Hour),
				Reason: "2026-02 月传输率 61.0 % < 90 % (1#生产线 / 回路1)", Detail: "02-01 100.0 % (288/288)\n"},
			{ID: 2, Kind: store.TaskInspection, EnterpriseID: 1, Status: store.TaskOpen, Due: now.AddDate(0, 3, 0), Reason: "2026-H1 半年巡检"},
			{ID: 3, Kind: store.TaskCommunication, EnterpriseID: 4, Status: store.TaskDone, ClosedAt: now.Add(-time.Hour), RecordID: 1, Reason: "从未通讯"},
		},
		records: []store.MaintenanceRecord{{ID: 1, TaskID: 3, Date: now, People: "王工", EnterpriseID: 4}},
		runs: map[string]store.JobRun{
			"backup":               {Job: "backup", Started: now.Add(-14 * time.Hour), Finished: now.Add(-14 * time.Hour), OK: true, Result: "powerwatch-20260318-020000.db"},
			"weekly-communication": {Job: "weekly-communication", Started: now.Add(-50 * time.Hour), Finished: now.Add(-50 * time.Hour), CatchUp: true, Result: "disk full"},
		},
		specs:  map[string]string{"monthly-transmission": "0 10 1 * *"},
		photos: map[string][]byte{}, surveys: map[int64]store.Survey{},
	}
}

func TestMaintenanceView(t *testing.T) {
	f := demoDistrict(demoNow)
	m := demoMaint(demoNow)
	d := demoDeps(f, demoNow)
	d.Maintenance = m
	s, w := mustShell(t, d)
	s.Show(ViewMaintenance)
	s.Wait()
	text := texts(w.Content())
	for _, want := range []string{"待办 2 项（逾期 1 项），已完成 1 项", "待办任务", "已完成", "计划任务"} {
		if !strings.Contains(text, want) {
			t.Errorf("view lacks %q", want)
		}
	}
	ms := s.screens[ViewMaintenance].(*maintenanceScreen)
	if len(ms.data.open) != 2 || ms.data.names[2] != "东湖石化有限公司" {
		t.Fatalf("open = %+v, names %v", ms.data.open, ms.data.names)
	}
	for _, c := range []struct {
		row, col int
		want     string
	}{
		{0, 0, "数据库备份"}, {0, 1, "每天 02:00"}, {0, 3, "成功"}, {0, 4, "powerwatch-20260318-020000.db"},
		{1, 3, "失败"}, {1, 4, "（补运行） disk full"},
		{2, 1, "每月1日 10:00"}, {2, 2, "尚未运行"},
	} {
		if got := ms.jobCell(widgetCell(c.row, c.col)); got != c.want {
			t.Errorf("job cell %d,%d = %q; want %q", c.row, c.col, got, c.want)
		}
	}
}

func TestMaintenanceRecordForm(t *testing.T) {
	f := demoDistrict(demoNow)
	m := demoMaint(demoNow)
	d := demoDeps(f, demoNow)
	d.Maintenance = m
	s, _ := mustShell(t, d)
	s.Show(ViewMaintenance)
	s.Wait()
	ms := s.screens[ViewMaintenance].(*maintenanceScreen)
	task := ms.data.open[0]
	facs, _ := f.FacilitiesByEnterprise(t.Context(), task.EnterpriseID)
	rf := ms.newRecordForm(task, facs)

	if _, msg := rf.record(); msg != "请填写运维人员" {
		t.Errorf("empty people: msg = %q", msg)
	}
	rf.people.SetText("王工, 李工")
	rf.date.SetText("2026/3/18")
	rf.checks[store.CheckCommunication].SetSelectedIndex(2)
	rf.notes[store.CheckCommunication].SetText("SIM 卡欠费")
	rf.checks[store.CheckWiring].SetSelectedIndex(1)
	rf.onoff[0].off.SetSelectedIndex(1)
	rf.onoff[0].on.SetSelectedIndex(1)
	rf.probs.SetText("欠费停机")
	rf.acts.SetText("充值")
	rf.signBy.SetText("张三")
	rf.addPhoto("电表箱.jpg", []byte("jpeg"))
	s.Wait()
	r, msg := rf.record()
	if msg != "" {
		t.Fatal(msg)
	}
	want := store.MaintenanceRecord{TaskID: 1, Kind: store.TaskTransmission, EnterpriseID: 2, PointID: 21,
		Date: time.Date(2026, 3, 18, 0, 0, 0, 0, store.Beijing), People: "王工, 李工",
		Checks:   []store.Check{{Item: store.CheckCommunication, Result: store.CheckFault, Note: "SIM 卡欠费"}, {Item: store.CheckWiring, Result: store.CheckOK}},
		OnOff:    []store.OnOffTest{{FacilityID: 21, Facility: "1#生产线", Off: store.CheckOK, On: store.CheckOK}},
		Problems: "欠费停机", Actions: "充值", Photos: []string{"maintenance/2026-03/电表箱.jpg"},
		SignedBy: "张三", SignedAt: time.Date(2026, 3, 18, 0, 0, 0, 0, store.Beijing)}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("record\n%+v\nwant\n%+v", r, want)
	}
	if len(m.photos) != 1 {
		t.Errorf("photos saved = %d", len(m.photos))
	}
	rf.date.SetText("next tuesday")
	if _, msg := rf.record(); !strings.Contains(msg, "next tuesday") {
		t.Errorf("bad date: msg = %q", msg)
	}
}

func TestMaintenanceWithoutService(t *testing.T) {
	d := demoDeps(demoDistrict(demoNow), demoNow)
	s, w := mustShell(t, d)
	s.Show(ViewMaintenance)
	s.Wait()
	if !strings.Contains(texts(w.Content()), "尚无数据") {
		t.Error("no honest empty state without Deps.Maintenance")
	}
}

func widgetCell(row, col int) (id widget.TableCellID) { return widget.TableCellID{Row: row, Col: col} }

func TestMaintenanceSurvey(t *testing.T) {
	f := demoDistrict(demoNow)
	m := demoMaint(demoNow)
	m.surveys[1] = store.Survey{EnterpriseID: 1, Date: time.Date(2026, 3, 1, 0, 0, 0, 0, store.Beijing), Surveyors: "王工", Products: "陶瓷砖",
		Points:         []store.PointPlan{{Name: "P1", Facilities: []int64{11}, BreakerA: 630, Supply: store.SupplySingle}},
		SwitchTogether: [][2]int64{{12, 13}}}
	d := demoDeps(f, demoNow)
	d.Maintenance = m
	s, _ := mustShell(t, d)
	s.Show(ViewMaintenance)
	s.Wait()
	ms := s.screens[ViewMaintenance].(*maintenanceScreen)
	st := ms.survey
	st.pick.SetSelectedName("华北建材有限公司")
	s.Wait()
	if st.form == nil || len(st.form.points) != 1 || st.warn.Text != "点位设计符合 §6.7.1 布设要求。" {
		t.Fatalf("form %v, warning %q", st.form, st.warn.Text)
	}
	// What was saved reads back unchanged through the form.
	sv, msg := st.form.survey()
	if msg != "" {
		t.Fatal(msg)
	}
	if !reflect.DeepEqual(sv, m.surveys[1]) {
		t.Errorf("survey through the form\n%+v\nwant\n%+v", sv, m.surveys[1])
	}
	// A new point on a circuit with 400 kW of fans: the warning shows as it is typed.
	st.form.addPoint(store.PointPlan{Name: "P2", Supply: store.SupplyStandby})
	s.Wait()
	st.form.points[1].facs.SetSelected([]string{"2#生产线"})
	s.Wait()
	st.form.points[1].aux.SetText("400") // OnChanged runs the check, as typing does
	s.Wait()
	if !strings.Contains(st.warn.Text, "P2 shares its circuit") {
		t.Errorf("warning = %q", st.warn.Text)
	}
	st.form.points[1].breaker.SetText("四百")
	if _, msg := st.form.survey(); !strings.Contains(msg, "四百") {
		t.Errorf("bad number: %q", msg)
	}
	st.form.points[1].breaker.SetText("400")
	st.save()
	s.Wait()
	got := m.surveys[1]
	if len(got.Points) != 2 || got.Points[1].Facilities[0] != 12 || got.Points[1].SharedAuxKW != 400 || got.Points[1].Supply != store.SupplyStandby {
		t.Errorf("saved %+v", got.Points)
	}
	// Deleting a point asks first: cancelled, it stays; confirmed, it goes.
	test.Tap(button(t, st.form.points[1].box, "删除"))
	if txt := texts(topDialog(t, s.win)); !strings.Contains(txt, "P2") {
		t.Errorf("the confirmation does not name the point:\n%s", txt)
	}
	test.Tap(button(t, topDialog(t, s.win), "取消"))
	if len(st.form.points) != 2 {
		t.Fatalf("a cancelled deletion removed the point: %d left", len(st.form.points))
	}
	test.Tap(button(t, st.form.points[1].box, "删除"))
	test.Tap(button(t, topDialog(t, s.win), "删除"))
	if len(st.form.points) != 1 {
		t.Errorf("after confirming: %d points, want 1", len(st.form.points))
	}
}

func TestMaintenanceAcceptanceTest(t *testing.T) {
	f := demoDistrict(demoNow)
	m := demoMaint(demoNow)
	d := demoDeps(f, demoNow)
	d.Maintenance = m
	s, _ := mustShell(t, d)
	s.Show(ViewMaintenance)
	s.Wait()
	tt := s.screens[ViewMaintenance].(*maintenanceScreen).test
	tt.pick.SetSelectedName("华北建材有限公司")
	s.Wait()
	if !m.since.Equal(demoNow) || len(tt.rows) != 2 {
		t.Fatalf("since %v, rows %d", m.since, len(tt.rows))
	}
	if got := tt.cell(widget.TableCellID{Row: 0, Col: 7}); got != "通过" {
		t.Errorf("row 0 result = %q", got)
	}
	if got := tt.cell(widget.TableCellID{Row: 1, Col: 4}); got != "否" {
		t.Errorf("row 1 off = %q", got)
	}
	if tt.problem.Text != "1 / 2 个点位通过。选中一行看原因。" {
		t.Errorf("summary = %q", tt.problem.Text)
	}
	tt.save()
	if tt.problem.Text != "请填写运维人员" {
		t.Errorf("save without people: %q", tt.problem.Text)
	}
	tt.people.SetText("王工")
	tt.kind.SetSelectedIndex(1)
	tt.save()
	s.Wait()
	last := m.records[len(m.records)-1]
	if last.Kind != store.TaskInspection || last.People != "王工" || last.EnterpriseID != 1 {
		t.Errorf("record = %+v", last)
	}
}
