package alarms

import "powerwatch/store"

// A ReplayReport says what a changed rule set would have done over a past
// period, compared with the alarms stored and reviewed for it.
type ReplayReport struct {
	RuleVersion int
	Alarms      []store.Alarm             // what the rule set raises
	ByType      map[store.AlarmType]int   // … counted by type
	MarkedFalse []store.Alarm             // raised again although reviewers marked them false (the stored alarm)
	Missed      []store.Alarm             // stored alarms reviewers confirmed that it no longer raises
	Kept        []store.Alarm             // stored confirmed alarms it still raises
	New         []store.Alarm             // raised alarms no stored alarm matches
	Dropped     map[store.Disposition]int // stored alarms it no longer raises, by disposition
}

// Replay runs rs over in and compares the result with stored, the alarms the
// store holds for the same period with their dispositions, before an officer
// saves a change to the rules. Withdrawn alarms nobody reviewed are ignored.
func Replay(rs store.RuleSet, in Input, stored []store.Alarm) ReplayReport {
	got := Evaluate(rs, in)
	r := ReplayReport{RuleVersion: rs.Version, Alarms: got, ByType: map[store.AlarmType]int{}, Dropped: map[store.Disposition]int{}}
	for _, a := range got {
		r.ByType[a.Type]++
	}
	matched := make([]bool, len(got))
	for _, s := range stored {
		if s.Status == store.Withdrawn && s.Disposition == store.Undecided {
			continue
		}
		hit := false
		for i, a := range got {
			if store.SameEpisode(a, s) {
				hit, matched[i] = true, true
			}
		}
		switch {
		case hit && s.Disposition.IsFalseAlarm():
			r.MarkedFalse = append(r.MarkedFalse, s)
		case hit && s.Disposition == store.Confirmed:
			r.Kept = append(r.Kept, s)
		case !hit && s.Disposition == store.Confirmed:
			r.Missed = append(r.Missed, s)
		}
		if !hit {
			r.Dropped[s.Disposition]++
		}
	}
	for i, a := range got {
		if !matched[i] {
			r.New = append(r.New, a)
		}
	}
	return r
}

// Add merges o, the report of another part of the same period (another
// enterprise), into r.
func (r *ReplayReport) Add(o ReplayReport) {
	if r.ByType == nil {
		r.ByType = map[store.AlarmType]int{}
	}
	if r.Dropped == nil {
		r.Dropped = map[store.Disposition]int{}
	}
	r.RuleVersion = o.RuleVersion
	r.Alarms = append(r.Alarms, o.Alarms...)
	r.MarkedFalse = append(r.MarkedFalse, o.MarkedFalse...)
	r.Missed = append(r.Missed, o.Missed...)
	r.Kept = append(r.Kept, o.Kept...)
	r.New = append(r.New, o.New...)
	for k, v := range o.ByType {
		r.ByType[k] += v
	}
	for k, v := range o.Dropped {
		r.Dropped[k] += v
	}
}
