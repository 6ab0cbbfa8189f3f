package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestAlarmGroupNames: every group has a "中文 / English" name, is read back
// from its id or its Chinese name, and TypesOf puts each known type in
// exactly its group; the two types of issue 14 are device alarms.
func TestAlarmGroupNames(t *testing.T) {
	for _, g := range Groups() {
		zh, en, ok := strings.Cut(g.Name(), " / ")
		if !ok || zh == "" || en == "" {
			t.Errorf("group %s: name %q is not 中文 / English", g, g.Name())
		}
		for _, s := range []string{string(g), zh} {
			if got, err := ParseAlarmGroup(s); err != nil || got != g {
				t.Errorf("ParseAlarmGroup(%q) = %q, %v; want %q", s, got, err, g)
			}
		}
	}
	if _, err := ParseAlarmGroup("crime"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseAlarmGroup(crime) = %v, want ErrInvalid", err)
	}
	n := 0
	for _, g := range Groups() {
		n += len(TypesOf(g))
	}
	if n != len(AllAlarmTypes) {
		t.Errorf("TypesOf covers %d types, want %d", n, len(AllAlarmTypes))
	}
	if d := TypesOf(GroupDevice); !slices.Contains(d, OrderUnjudged) || !slices.Contains(d, TreatmentUnknown) {
		t.Errorf("device group %v lacks order_unjudged or treatment_unknown", d)
	}
	if s := TypesOf(GroupSuspect); !slices.Equal(s, []AlarmType{TreatmentCycling, NightUndertreatment, TreatmentCut}) {
		t.Errorf("suspect group %v: want treatment_cycling, night_undertreatment and treatment_cut (a new one: update the README's groups)", s)
	}
}
