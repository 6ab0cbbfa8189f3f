package listing

import (
	"fmt"
	"strings"

	"powerwatch/store"
)

// An AlarmQuery is a choice of alarms as the CLI takes it (`alarms list`,
// `review export`): each field the text of one flag, lists comma-separated.
type AlarmQuery struct {
	From, To   string // Beijing time as people type it (store.ParseLocalTime)
	Types      string // alarm type ids
	Groups     string // violation, suspect, device
	Grades     string // minor, major, severe
	Statuses   string // open, ended, withdrawn
	Enterprise string // a part of its name
	Trial      string // alarms of a recorded on/off test: hide (""), include or only
}

// Filter checks q and returns it as the store's filter; an error names the
// flag and what it wants.
func (q AlarmQuery) Filter() (store.AlarmFilter, error) {
	f := store.AlarmFilter{Enterprise: q.Enterprise}
	var err error
	if f.From, f.To, err = store.ParseLocalBounds(q.From, q.To); err != nil {
		return f, fmt.Errorf("--%w", err)
	}
	if f.Types, err = parseList("type", q.Types, store.AllAlarmTypes); err != nil {
		return f, err
	}
	if f.Groups, err = parseList("group", q.Groups, store.Groups()); err != nil {
		return f, err
	}
	if f.Grades, err = parseList("grade", q.Grades, []store.Grade{store.Minor, store.Major, store.Severe}); err != nil {
		return f, err
	}
	if f.Statuses, err = parseList("status", q.Statuses, []store.AlarmStatus{store.Open, store.Ended, store.Withdrawn}); err != nil {
		return f, err
	}
	switch q.Trial {
	case "hide", "":
		f.Trial = store.TrialNo
	case "include":
		f.Trial = store.TrialAny
	case "only":
		f.Trial = store.TrialOnly
	default:
		return f, fmt.Errorf("--trial %q: want hide, include or only", q.Trial)
	}
	return f, nil
}

// parseList splits a comma-separated flag value and checks each id against valid.
func parseList[T ~string](flag, s string, valid []T) ([]T, error) {
	if s == "" {
		return nil, nil
	}
	var out []T
	for _, w := range strings.Split(s, ",") {
		v := T(strings.TrimSpace(w))
		ok := false
		for _, x := range valid {
			ok = ok || x == v
		}
		if !ok {
			return nil, fmt.Errorf("--%s %q: want one of %v", flag, v, valid)
		}
		out = append(out, v)
	}
	return out, nil
}
