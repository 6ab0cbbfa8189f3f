package sqlite_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"powerwatch/store"
)

func TestTasksAndRecords(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	due := f.t0.AddDate(0, 0, 7)
	ts := []store.Task{
		{Kind: store.TaskTransmission, Key: "transmission/2026-10/point/1", EnterpriseID: f.ent.ID, PointID: f.pProd.ID,
			Reason: "传输率 80.0 %", Detail: "10-01 100 %", Due: due, Job: "monthly-transmission"},
		{Kind: store.TaskCommunication, Key: "communication/2026-W45/terminal/1", EnterpriseID: f.ent.ID, TerminalID: f.term.ID,
			Reason: "3 天未通讯", Due: f.t0.AddDate(0, 0, 2)},
	}
	n, err := f.db.CreateTasks(ctx, who, ts)
	if err != nil || n != 2 {
		t.Fatalf("CreateTasks = %d, %v; want 2", n, err)
	}
	t.Run("same keys again add nothing", func(t *testing.T) {
		again := []store.Task{{Kind: store.TaskTransmission, Key: ts[0].Key, Reason: "x"}}
		n, err := f.db.CreateTasks(ctx, who, again)
		if err != nil || n != 0 || again[0].ID != 0 {
			t.Fatalf("CreateTasks again = %d, %v, id %d; want 0, nil, 0", n, err, again[0].ID)
		}
	})
	t.Run("missing key is invalid", func(t *testing.T) {
		_, err := f.db.CreateTasks(ctx, who, []store.Task{{Kind: store.TaskInspection}})
		if !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("err = %v; want ErrInvalid", err)
		}
	})
	t.Run("open tasks by due date, due-before filter", func(t *testing.T) {
		got, err := f.db.FindTasks(ctx, store.TaskFilter{Status: store.TaskOpen})
		if err != nil || len(got) != 2 || got[0].ID != ts[1].ID {
			t.Fatalf("FindTasks = %+v, %v; want communication first", got, err)
		}
		got, err = f.db.FindTasks(ctx, store.TaskFilter{DueBefore: f.t0.AddDate(0, 0, 3)})
		if err != nil || len(got) != 1 || got[0].Kind != store.TaskCommunication {
			t.Fatalf("FindTasks due before = %+v, %v", got, err)
		}
	})
	if err := f.db.AssignTask(ctx, who, ts[0].ID, " 王工 "); err != nil {
		t.Fatal(err)
	}
	rec := store.MaintenanceRecord{
		TaskID: ts[0].ID, Date: f.t0.AddDate(0, 0, 3), People: "王工, 李工", EnterpriseID: f.ent.ID, PointID: f.pProd.ID,
		Checks: []store.Check{{Item: store.CheckCommunication, Result: store.CheckFault, Note: "SIM 卡欠费"},
			{Item: store.CheckWiring, Result: store.CheckOK}},
		OnOff:    []store.OnOffTest{{FacilityID: f.prod.ID, Facility: f.prod.Name, Off: store.CheckOK, On: store.CheckOK}},
		Problems: "SIM 卡欠费", Actions: "充值后恢复", Photos: []string{"maintenance/1/a.jpg"},
		SignedBy: "张三", SignedAt: f.t0.AddDate(0, 0, 3),
	}
	if err := f.db.AddRecord(ctx, who, &rec); err != nil {
		t.Fatal(err)
	}
	t.Run("record closes the task and reads back equal", func(t *testing.T) {
		task, err := f.db.TaskByID(ctx, ts[0].ID)
		if err != nil || task.Status != store.TaskDone || task.RecordID != rec.ID || task.Assignee != "王工" {
			t.Fatalf("task = %+v, %v", task, err)
		}
		got, err := f.db.RecordByID(ctx, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Kind != store.TaskTransmission {
			t.Errorf("record kind = %q; want the task's", rec.Kind)
		}
		if !reflect.DeepEqual(got, rec) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, rec)
		}
		list, err := f.db.FindRecords(ctx, store.RecordFilter{EnterpriseID: f.ent.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("FindRecords = %d, %v", len(list), err)
		}
	})
	t.Run("closing twice conflicts and stores nothing", func(t *testing.T) {
		again := rec
		again.ID = 0
		if err := f.db.AddRecord(ctx, who, &again); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("err = %v; want ErrConflict", err)
		}
		list, _ := f.db.FindRecords(ctx, store.RecordFilter{TaskID: ts[0].ID})
		if len(list) != 1 {
			t.Fatalf("records = %d; want 1", len(list))
		}
	})
	t.Run("invalid records", func(t *testing.T) {
		for name, r := range map[string]store.MaintenanceRecord{
			"no people":  {Date: f.t0, EnterpriseID: f.ent.ID},
			"bad result": {Date: f.t0, People: "x", EnterpriseID: f.ent.ID, Checks: []store.Check{{Item: store.CheckData, Result: "好"}}},
		} {
			if err := f.db.AddRecord(ctx, who, &r); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: err = %v; want ErrInvalid", name, err)
			}
		}
	})
}

func TestJobRuns(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	t0 := time.Date(2026, 11, 2, 2, 0, 0, 0, store.Beijing)
	for i, r := range []store.JobRun{
		{Job: "backup", Scheduled: t0, Started: t0, Finished: t0.Add(time.Second), OK: true, Result: "a.db"},
		{Job: "backup", Scheduled: t0.AddDate(0, 0, 1), Started: t0.AddDate(0, 0, 2), CatchUp: true, Finished: t0.AddDate(0, 0, 2), Result: "disk full"},
		{Job: "weekly-communication", Scheduled: t0, Started: t0},
	} {
		if err := db.StartJobRun(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			if err := db.FinishJobRun(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	last, err := db.LastJobRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := last["backup"]
	if !b.Scheduled.Equal(t0.AddDate(0, 0, 1)) || b.OK || !b.CatchUp || b.Result != "disk full" {
		t.Errorf("last backup = %+v", b)
	}
	if w := last["weekly-communication"]; !w.Finished.IsZero() {
		t.Errorf("unfinished run = %+v", w)
	}
	runs, err := db.JobRuns(ctx, "backup", 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("JobRuns = %d, %v", len(runs), err)
	}
	if err := db.SetJobSpec(ctx, who, "backup", "0 3 * * *"); err != nil {
		t.Fatal(err)
	}
	specs, _ := db.JobSpecs(ctx)
	if specs["backup"] != "0 3 * * *" {
		t.Errorf("specs = %v", specs)
	}
	if err := db.SetJobSpec(ctx, who, "backup", ""); err != nil {
		t.Fatal(err)
	}
	if specs, _ := db.JobSpecs(ctx); len(specs) != 0 {
		t.Errorf("specs after reset = %v", specs)
	}
}
