package store

import "testing"

func TestAlarmGroup(t *testing.T) {
	tests := []struct {
		typ    AlarmType
		want   AlarmGroup
		review bool
	}{
		{TreatmentOff, GroupViolation, true},
		{ShutdownIgnored, GroupViolation, true},
		{CutIgnored, GroupViolation, true},
		{Offline, GroupDevice, false},
		{LowTransmission, GroupDevice, false},
		{"a_type_from_a_newer_version", GroupDevice, false},
	}
	for _, tc := range tests {
		if got := tc.typ.Group(); got != tc.want || tc.typ.NeedsReview() != tc.review {
			t.Errorf("%s: group %s, review %v; want %s, %v", tc.typ, got, tc.typ.NeedsReview(), tc.want, tc.review)
		}
	}
}
