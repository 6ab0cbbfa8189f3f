package ui

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"time"

	"powerwatch/store"
)

// alarmRow is one alarm as the queue shows it, with the registry names it is
// listed and filtered by.
type alarmRow struct {
	a          store.Alarm
	enterprise string
	regionID   int64
	industryID int64
	production string
	treatment  string
	terminal   string // the terminal's MN and point name, so rows of one enterprise can be told apart
}

// queueSort is the key the queue is sorted by.
type queueSort int

const (
	byStart queueSort = iota
	byDuration
	byGrade
)

// queueFilter is the filter and sort state of the queue. Empty slices and
// zero ids match everything, as in store.AlarmFilter.
type queueFilter struct {
	groups       []store.AlarmGroup
	grades       []store.Grade
	statuses     []store.AlarmStatus
	dispositions []store.Disposition // store.Undecided selects the unreviewed
	regionID     int64
	industryID   int64
	enterprise   string // substring of the enterprise name
	trial        bool   // list only the alarms of a recorded test (试验); otherwise they are left out
	sort         queueSort
	desc         bool
}

// filterAlarms is the queue: the rows of all that pass f, sorted by f's key
// (ties by id, so the order is stable between reloads). now is the end of the
// alarms still open, for their duration.
func filterAlarms(all []alarmRow, f queueFilter, now time.Time) []alarmRow {
	name := strings.TrimSpace(f.enterprise)
	rows := []alarmRow{}
	for _, r := range all {
		a := r.a
		switch {
		case a.Trial != f.trial,
			len(f.groups) > 0 && !slices.Contains(f.groups, a.Type.Group()),
			len(f.grades) > 0 && !slices.Contains(f.grades, a.Grade),
			len(f.statuses) > 0 && !slices.Contains(f.statuses, a.Status),
			len(f.dispositions) > 0 && !slices.Contains(f.dispositions, a.Disposition),
			f.regionID != 0 && r.regionID != f.regionID,
			f.industryID != 0 && r.industryID != f.industryID,
			name != "" && !strings.Contains(r.enterprise, name):
			continue
		}
		rows = append(rows, r)
	}
	key := func(r alarmRow) int64 {
		switch f.sort {
		case byDuration:
			return int64(r.a.Duration(now))
		case byGrade:
			return int64(gradeRank(r.a.Grade))
		}
		return r.a.Start.UnixMilli()
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ki, kj := key(rows[i]), key(rows[j])
		if ki == kj {
			return rows[i].a.ID < rows[j].a.ID
		}
		return (ki < kj) != f.desc
	})
	return rows
}

func gradeRank(g store.Grade) int {
	switch g {
	case store.Major:
		return 2
	case store.Severe:
		return 3
	}
	return 1
}

// queueRange is one of the queue's time ranges.
type queueRange int

const (
	rangeToday queueRange = iota
	range7d
	range30d
	range90d
	range365d
	rangeCustom // the from/to entries as typed
)

// rangePeriod is the period [from, to) of a relative range at now: whole
// Beijing days ending with today. It is computed at every reload, so a queue
// left open past midnight shows the new day.
func rangePeriod(r queueRange, now time.Time) (from, to time.Time) {
	days := map[queueRange]int{rangeToday: 1, range7d: 7, range30d: 30, range90d: 90, range365d: 365}[r]
	today := dayStart(now)
	return today.AddDate(0, 0, -days+1), today.AddDate(0, 0, 1)
}

// alarmsSignature changes whenever an alarm in as is raised, changed or
// withdrawn, so a poll can tell a changed queue from an unchanged one without
// trusting updated_at alone.
func alarmsSignature(as []store.Alarm) uint64 {
	h := fnv.New64a()
	for _, a := range as {
		fmt.Fprintf(h, "%d|%s|%s|%s|%d|%d|%s|%d|%t|%d|%d|%d|%d|%d|%d|%d|%d|%s|%s\n", a.ID, a.Type, a.Grade, a.Status,
			a.Start.UnixMilli(), a.End.UnixMilli(), a.Disposition, a.UpdatedAt.UnixMilli(), a.Trial, a.EnterpriseID,
			a.ProductionID, a.TreatmentID, a.PointID, a.TerminalID, a.OrderID, a.FilingID, a.RuleVersion, a.Detail, a.Thresholds)
	}
	return h.Sum64()
}

// unreviewed counts the alarms of as a reviewer still has to decide: those
// that need review (not device and data alarms), not withdrawn, not of a
// recorded test, undecided.
func unreviewed(as []store.Alarm) int {
	n := 0
	for _, a := range as {
		if a.Type.NeedsReview() && a.Status != store.Withdrawn && !a.Trial && a.Disposition == store.Undecided {
			n++
		}
	}
	return n
}

// reviewTypes are the alarm types that need review, for the badge's query.
func reviewTypes() []store.AlarmType {
	var out []store.AlarmType
	for _, t := range store.AllAlarmTypes {
		if t.NeedsReview() {
			out = append(out, t)
		}
	}
	return out
}

// terminalLabel names the terminal and point of an alarm: the point's own for
// data alarms, the terminal's for device alarms, otherwise the first point of
// the production facility (then of the treatment facility). MNs are shown by
// their last 8 characters, which tell a district's terminals apart.
func terminalLabel(a store.Alarm, points []store.Point, mns map[int64]string) string {
	var p store.Point
	found := false
	for _, want := range []func(store.Point) bool{
		func(x store.Point) bool { return a.PointID != 0 && x.ID == a.PointID },
		func(x store.Point) bool { return a.ProductionID != 0 && x.FacilityID == a.ProductionID },
		func(x store.Point) bool { return a.TreatmentID != 0 && x.FacilityID == a.TreatmentID },
	} {
		for _, x := range points {
			if want(x) {
				p, found = x, true
				break
			}
		}
		if found {
			break
		}
	}
	tid := a.TerminalID
	if tid == 0 && found {
		tid = p.TerminalID
	}
	mn := mns[tid]
	if len(mn) > 8 {
		mn = "…" + mn[len(mn)-8:]
	}
	switch {
	case mn != "" && found:
		return mn + " " + p.Name
	case mn != "":
		return mn
	case found:
		return p.Name
	}
	return ""
}
