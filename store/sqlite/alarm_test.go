package sqlite_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// alarmAt is a treatment_off alarm of the fixture from start for d (open when d is 0).
func (f *fixture) alarmAt(start time.Time, d time.Duration) store.Alarm {
	a := store.Alarm{Type: store.TreatmentOff, Grade: store.Minor, Status: store.Ended, EnterpriseID: f.ent.ID,
		ProductionID: f.prod.ID, TreatmentID: f.treat.ID, Start: start.UTC(), RuleVersion: 1,
		Thresholds: `{"rule_version":1}`, Detail: "生产运行而治污未运行"}
	if d == 0 {
		a.Status = store.Open
	} else {
		a.End = start.Add(d).UTC()
	}
	return a
}

func TestReconcileAlarms(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	scope := store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)}
	a1 := f.alarmAt(f.t0.Add(time.Hour), 0)
	a2 := f.alarmAt(f.t0.Add(5*time.Hour), 20*time.Minute)

	t.Run("OK new alarms are inserted", func(t *testing.T) {
		got, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{a1, a2})
		if err != nil || len(got) != 2 || got[0].ID == 0 || got[1].ID == 0 {
			t.Fatalf("ReconcileAlarms = %+v, %v; want 2 inserted with ids", got, err)
		}
	})
	t.Run("OK the same verdict changes nothing", func(t *testing.T) {
		got, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{a1, a2})
		if err != nil || len(got) != 0 {
			t.Fatalf("ReconcileAlarms(again) = %+v, %v; want no change", got, err)
		}
	})
	t.Run("OK an open alarm ends: the same row is updated", func(t *testing.T) {
		ended := f.alarmAt(a1.Start, 90*time.Minute)
		ended.Grade = store.Major
		got, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{ended, a2})
		if err != nil || len(got) != 1 || got[0].Status != store.Ended || !got[0].End.Equal(ended.End) {
			t.Fatalf("ReconcileAlarms(ended) = %+v, %v", got, err)
		}
		all, _ := f.db.FindAlarms(ctx, store.AlarmFilter{})
		if len(all) != 2 {
			t.Fatalf("FindAlarms = %d alarms, want 2 (updated in place)", len(all))
		}
	})
	t.Run("OK late data disproves an alarm: withdrawn, not deleted", func(t *testing.T) {
		ended := f.alarmAt(a1.Start, 90*time.Minute)
		ended.Grade = store.Major
		got, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{ended})
		if err != nil || len(got) != 1 || got[0].Status != store.Withdrawn || !got[0].Start.Equal(a2.Start) {
			t.Fatalf("ReconcileAlarms(without a2) = %+v, %v; want a2 withdrawn", got, err)
		}
		w, _ := f.db.FindAlarms(ctx, store.AlarmFilter{Statuses: []store.AlarmStatus{store.Withdrawn}})
		if len(w) != 1 {
			t.Fatalf("withdrawn alarms = %d, want 1", len(w))
		}
	})
	t.Run("OK outside the scope nothing is touched", func(t *testing.T) {
		narrow := store.AlarmScope{From: f.t0.Add(4 * time.Hour), To: f.t0.Add(24 * time.Hour), Types: []store.AlarmType{store.Offline}}
		got, err := f.db.ReconcileAlarms(ctx, narrow, nil)
		if err != nil || len(got) != 0 {
			t.Fatalf("ReconcileAlarms(other type) = %+v, %v; want nothing", got, err)
		}
	})
}

func TestReconcileKeepsReview(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	scope := store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)}
	a := f.alarmAt(f.t0.Add(time.Hour), 30*time.Minute)
	ins, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{a})
	if err != nil {
		t.Fatal(err)
	}
	id := ins[0].ID
	if _, err := f.db.ReviewAlarm(ctx, id, store.Confirmed, "现场核实", "officer1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ReconcileAlarms(ctx, scope, nil); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.AlarmByID(ctx, id)
	if err != nil || got.Status != store.Withdrawn || got.Disposition != store.Confirmed || !strings.Contains(got.Detail, "changed after review") {
		t.Fatalf("reviewed alarm after withdrawal = %+v, %v; want withdrawn, still confirmed, detail noting the change", got, err)
	}
	audit, _ := f.db.FindAudit(ctx, store.AuditFilter{Entity: "alarm", EntityID: id, Who: "system"})
	if len(audit) != 1 {
		t.Errorf("system audit entries for the reviewed alarm = %d, want 1", len(audit))
	}
	// The data comes back: the same row is revived with its review.
	if _, err := f.db.ReconcileAlarms(ctx, scope, []store.Alarm{a}); err != nil {
		t.Fatal(err)
	}
	got, _ = f.db.AlarmByID(ctx, id)
	if got.Status != store.Ended || got.Disposition != store.Confirmed {
		t.Errorf("revived alarm = %+v; want ended and confirmed", got)
	}
}

func TestReviewAlarm(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	ins, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(time.Hour * 24)}, []store.Alarm{f.alarmAt(f.t0, time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	id := ins[0].ID
	t.Run("OK review, disposition and audit together", func(t *testing.T) {
		r, err := f.db.ReviewAlarm(ctx, id, store.CircuitFault, "外部停电", "officer2")
		if err != nil || r.ID == 0 {
			t.Fatalf("ReviewAlarm = %+v, %v", r, err)
		}
		a, _ := f.db.AlarmByID(ctx, id)
		if a.Disposition != store.CircuitFault {
			t.Errorf("disposition = %q, want circuit_fault", a.Disposition)
		}
		rs, _ := f.db.Reviews(ctx, id)
		if len(rs) != 1 || rs[0].Reviewer != "officer2" || rs[0].Note != "外部停电" {
			t.Errorf("Reviews = %+v", rs)
		}
		audit, _ := f.db.FindAudit(ctx, store.AuditFilter{Action: "review", EntityID: id})
		if len(audit) != 1 || audit[0].Who != "officer2" || !strings.Contains(audit[0].After, "circuit_fault") {
			t.Errorf("audit = %+v", audit)
		}
	})
	t.Run("ErrInvalid disposition outside the list", func(t *testing.T) {
		if _, err := f.db.ReviewAlarm(ctx, id, "maybe", "", "officer2"); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("ReviewAlarm(maybe) = %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrInvalid no reviewer", func(t *testing.T) {
		if _, err := f.db.ReviewAlarm(ctx, id, store.Confirmed, "", " "); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("ReviewAlarm(no reviewer) = %v, want ErrInvalid", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := f.db.ReviewAlarm(ctx, 999, store.Confirmed, "", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ReviewAlarm(999) = %v, want ErrNotFound", err)
		}
		rs, _ := f.db.Reviews(ctx, 999)
		if len(rs) != 0 {
			t.Errorf("a failed review left %d rows", len(rs))
		}
	})
}

func TestFindAlarms(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	a := f.alarmAt(f.t0.Add(time.Hour), 30*time.Minute)
	b := f.alarmAt(f.t0.Add(3*time.Hour), 0)
	b.Type, b.TreatmentID, b.Grade = store.ShutdownIgnored, 0, store.Major
	ins, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)}, []store.Alarm{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ReviewAlarm(ctx, ins[0].ID, store.Confirmed, "", "officer"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter store.AlarmFilter
		want   int
	}{
		{"all", store.AlarmFilter{}, 2},
		{"by type", store.AlarmFilter{Types: []store.AlarmType{store.ShutdownIgnored}}, 1},
		{"by grade", store.AlarmFilter{Grades: []store.Grade{store.Minor}}, 1},
		{"not reviewed yet", store.AlarmFilter{Dispositions: []store.Disposition{store.Undecided}}, 1},
		{"confirmed", store.AlarmFilter{Dispositions: []store.Disposition{store.Confirmed}}, 1},
		{"reviewed either way", store.AlarmFilter{Dispositions: []store.Disposition{store.Undecided, store.Confirmed}}, 2},
		{"no such decision", store.AlarmFilter{Dispositions: []store.Disposition{store.Filed}}, 0},
		{"by enterprise name", store.AlarmFilter{Enterprise: "铸造"}, 2},
		{"other enterprise name", store.AlarmFilter{Enterprise: "化工"}, 0},
		{"overlapping: the open one reaches any later time", store.AlarmFilter{From: f.t0.Add(10 * time.Hour), To: f.t0.Add(11 * time.Hour)}, 1},
		{"before both", store.AlarmFilter{To: f.t0.Add(time.Hour)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.db.FindAlarms(ctx, tt.filter)
			if err != nil || len(got) != tt.want {
				t.Fatalf("FindAlarms(%+v) = %d alarms, %v; want %d", tt.filter, len(got), err, tt.want)
			}
		})
	}
}

func TestRuleSets(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	if _, err := db.CurrentRuleSet(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CurrentRuleSet(empty) = %v, want ErrNotFound", err)
	}
	rs := store.RuleSet{Slot: 5 * time.Minute, TreatmentOffMin: 15 * time.Minute, CutBaseline: store.BaselineWeekdays,
		MajorAfter: time.Hour, SevereAfter: 4 * time.Hour, RedAtLeast: store.Major, OfflineAfter: time.Hour,
		TransmissionMin: 0.9, MismatchTolerance: 0.2, Note: "v1"}
	if err := db.SaveRuleSet(ctx, "officer1", &rs); err != nil || rs.Version != 1 {
		t.Fatalf("SaveRuleSet = v%d, %v", rs.Version, err)
	}
	rs2 := rs
	rs2.TreatmentOffMin, rs2.Note = 20*time.Minute, "longer"
	if err := db.SaveRuleSet(ctx, "officer1", &rs2); err != nil || rs2.Version != 2 {
		t.Fatalf("SaveRuleSet = v%d, %v", rs2.Version, err)
	}
	cur, err := db.CurrentRuleSet(ctx)
	if err != nil || cur != rs2 {
		t.Fatalf("CurrentRuleSet = %+v, %v; want %+v", cur, err, rs2)
	}
	old, err := db.RuleSetVersion(ctx, 1)
	if err != nil || old != rs {
		t.Fatalf("RuleSetVersion(1) = %+v, %v; want %+v", old, err, rs)
	}
	hist, err := db.RuleSetHistory(ctx)
	if err != nil || len(hist) != 2 || hist[0].Version != 2 {
		t.Fatalf("RuleSetHistory = %d, %v", len(hist), err)
	}
	bad := rs
	bad.Slot = 7 * time.Minute
	if err := db.SaveRuleSet(ctx, "officer1", &bad); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("SaveRuleSet(slot 7 min) = %v, want ErrInvalid", err)
	}
}

func TestAlarmEvidence(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	start := f.t0.Add(2 * time.Hour)
	var ss []store.Sample
	for i := 0; i < 48; i++ { // 00:00 … 04:00 Beijing
		at := f.t0.Add(time.Duration(i) * 5 * time.Minute)
		p, q := store.NewSample(f.pProd.ID, at), store.NewSample(f.pTreat.ID, at)
		p.P, q.P = 100, 20
		ss = append(ss, p, q)
	}
	if _, err := f.db.Ingest(ctx, &store.Batch{Samples: ss}); err != nil {
		t.Fatal(err)
	}
	ins, err := f.db.ReconcileAlarms(ctx, store.AlarmScope{From: f.t0, To: f.t0.Add(24 * time.Hour)}, []store.Alarm{f.alarmAt(start, 30*time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ReviewAlarm(ctx, ins[0].ID, store.Confirmed, "", "officer1"); err != nil {
		t.Fatal(err)
	}
	ev, err := f.db.AlarmEvidence(ctx, ins[0].ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// 01:00–03:30 around an alarm 02:00–02:30: 30 slots of each of the two points.
	if len(ev.Series) != 2 || len(ev.Series[f.pProd.ID]) != 30 || len(ev.Series[f.pTreat.ID]) != 30 || len(ev.Reviews) != 1 {
		t.Fatalf("AlarmEvidence: %d points (%d, %d samples), %d reviews; want 2 points of 30 samples, 1 review",
			len(ev.Series), len(ev.Series[f.pProd.ID]), len(ev.Series[f.pTreat.ID]), len(ev.Reviews))
	}
	if _, err := f.db.AlarmEvidence(ctx, 999, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AlarmEvidence(999) = %v, want ErrNotFound", err)
	}
}
