package listing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestAlarmQueryFilter: each flag's text into the store's filter, and each
// mistake an error naming its flag.
func TestAlarmQueryFilter(t *testing.T) {
	f, err := AlarmQuery{From: "2026-11-28", To: "2026-11-28T08:05", Types: "treatment_off, offline", Groups: "violation",
		Grades: "major,severe", Statuses: "open", Enterprise: "铸造", Trial: "only"}.Filter()
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !f.From.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)) || !f.To.Equal(time.Date(2026, 11, 28, 8, 5, 0, 0, store.Beijing)):
		t.Errorf("from %v to %v", f.From, f.To)
	case !slices.Equal(f.Types, []store.AlarmType{store.TreatmentOff, store.Offline}) || len(f.Groups) != 1 || len(f.Grades) != 2 || len(f.Statuses) != 1:
		t.Errorf("lists: %v %v %v %v", f.Types, f.Groups, f.Grades, f.Statuses)
	case f.Enterprise != "铸造" || f.Trial != store.TrialOnly:
		t.Errorf("enterprise %q trial %v", f.Enterprise, f.Trial)
	}
	if f, err := (AlarmQuery{}).Filter(); err != nil || f.Trial != store.TrialNo || f.Types != nil || !f.From.IsZero() {
		t.Errorf("empty query = %+v, %v; want every alarm but the trials'", f, err)
	}
	for _, c := range []struct {
		q    AlarmQuery
		flag string
	}{
		{AlarmQuery{From: "28.11.2026"}, "--from"},
		{AlarmQuery{To: "tomorrow"}, "--to"},
		{AlarmQuery{Types: "treatment_off,fire"}, "--type"},
		{AlarmQuery{Groups: "illegal"}, "--group"},
		{AlarmQuery{Grades: "minor,"}, "--grade"},
		{AlarmQuery{Statuses: "closed"}, "--status"},
		{AlarmQuery{Trial: "yes"}, "--trial"},
	} {
		if _, err := c.q.Filter(); err == nil || !strings.HasPrefix(err.Error(), c.flag) {
			t.Errorf("%+v: %v; want an error about %s", c.q, err, c.flag)
		}
	}
}
