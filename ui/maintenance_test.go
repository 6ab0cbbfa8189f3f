package ui

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

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
		photos: map[string][]byte{},
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
		{0, 0, "数据库备份"}, {0, 1, "0 2 * * *"}, {0, 3, "成功"}, {0, 4, "powerwatch-20260318-020000.db"},
		{1, 3, "失败"}, {1, 4, "（补运行） disk full"},
		{2, 1, "0 10 1 * *"}, {2, 2, "尚未运行"},
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
