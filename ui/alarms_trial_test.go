package ui

import (
	"testing"

	"powerwatch/store"
)

// TestAlarmQueueHidesTrial: an alarm raised during a recorded on/off test
// (试验) is not in the queue nor on the badge; the status filter's 试验 entry
// lists only those.
func TestAlarmQueueHidesTrial(t *testing.T) {
	s, as, f := mustAlarmQueue(t)
	f.changeAlarms(func(a []store.Alarm) []store.Alarm {
		a[0].Trial = true // alarm 1, a violation to review
		return a
	})
	as.refresh()
	s.pollAlarms()
	s.Wait()
	if got := ids(as.rows); got != "2,3" {
		t.Errorf("queue = %q, want 2,3 (alarm 1 is 试验)", got)
	}
	if got := s.items[ViewAlarms].Text; got != "报警 (1)" {
		t.Errorf("badge = %q, want 报警 (1): alarm 1 of a test is not to review", got)
	}
	trial := s.tr.T("al.status.trial")
	as.statuses.SetSelected(append(as.statuses.Selected, trial))
	if got := ids(as.rows); got != "1" {
		t.Errorf("status 试验 too: rows = %q, want 1", got)
	}
	as.statuses.SetSelected([]string{s.alarmStatus(store.Ended), trial}) // alarm 1 of the test is still open
	if got := ids(as.rows); got != "" {
		t.Errorf("ended and 试验: rows = %q, want none", got)
	}
}
