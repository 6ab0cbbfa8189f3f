package maintenance_test

import (
	"strings"
	"testing"
	"time"

	"powerwatch/app/maintenance"
	"powerwatch/store"
)

// TestTaskQueryFilter: the flags of `tasks list` into the store's filter,
// and each mistake an error naming its flag.
func TestTaskQueryFilter(t *testing.T) {
	for _, c := range []struct {
		q    maintenance.TaskQuery
		want store.TaskFilter
		err  string
	}{
		{maintenance.TaskQuery{}, store.TaskFilter{Status: store.TaskOpen}, ""},
		{maintenance.TaskQuery{Status: "all", Kind: "inspection"}, store.TaskFilter{Kind: store.TaskInspection}, ""},
		{maintenance.TaskQuery{Status: "done", DueBefore: "2026-12-01"},
			store.TaskFilter{Status: store.TaskDone, DueBefore: time.Date(2026, 12, 1, 0, 0, 0, 0, store.Beijing)}, ""},
		{maintenance.TaskQuery{Status: "closed"}, store.TaskFilter{}, "--status"},
		{maintenance.TaskQuery{Kind: "repair"}, store.TaskFilter{}, "--kind"},
		{maintenance.TaskQuery{DueBefore: "next week"}, store.TaskFilter{}, "--due-before"},
	} {
		got, err := c.q.Filter()
		switch {
		case c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)):
			t.Errorf("%+v: %v; want an error about %s", c.q, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%+v = %+v, %v; want %+v", c.q, got, err, c.want)
		}
	}
}

// TestRecordQueryFilter: from and to in Beijing time, the enterprise kept;
// a time that cannot be read names its flag.
func TestRecordQueryFilter(t *testing.T) {
	f, err := maintenance.RecordQuery{From: "2026-11-01", To: "2026-11-30 18:00", EnterpriseID: 3}.Filter()
	want := store.RecordFilter{EnterpriseID: 3, From: time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing), To: time.Date(2026, 11, 30, 18, 0, 0, 0, store.Beijing)}
	if err != nil || !f.From.Equal(want.From) || !f.To.Equal(want.To) || f.EnterpriseID != 3 {
		t.Errorf("Filter = %+v, %v; want %+v", f, err, want)
	}
	for _, q := range []maintenance.RecordQuery{{From: "11/01"}, {To: "end"}} {
		if _, err := q.Filter(); err == nil || !strings.HasPrefix(err.Error(), "--") {
			t.Errorf("%+v: %v; want an error naming the flag", q, err)
		}
	}
}
