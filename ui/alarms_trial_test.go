package ui

import "testing"

// TestAlarmQueueHidesTrial: an alarm raised during a recorded on/off test
// (试验) is not in the queue; the status filter's 试验 entry lists only those.
func TestAlarmQueueHidesTrial(t *testing.T) {
	_, as, f := mustAlarmQueue(t)
	for i := range f.alarms {
		if f.alarms[i].ID == 2 {
			f.alarms[i].Trial = true
		}
	}
	as.refresh()
	as.s.Wait()
	if got := ids(as.rows); got != "1,3" {
		t.Errorf("queue = %q, want 1,3 (alarm 2 is 试验)", got)
	}
	as.status.SetSelectedIndex(trialStatus)
	if got := ids(as.rows); got != "2" {
		t.Errorf("status 试验: rows = %q, want 2", got)
	}
	as.status.SetSelectedIndex(2) // ended: alarms 2 and 3 ended, 2 is a test
	if got := ids(as.rows); got != "3" {
		t.Errorf("status ended: rows = %q, want 3", got)
	}
}
