package store

import (
	"slices"
	"time"
)

// OrderKind is 停产 (shutdown) or 限产 (production cut).
type OrderKind string

// Order kinds.
const (
	Shutdown OrderKind = "shutdown" // 停产
	Cut      OrderKind = "cut"      // 限产
)

// Level is the heavy-pollution warning level of an episode.
type Level string

// Warning levels.
const (
	Yellow Level = "yellow" // 黄色预警
	Orange Level = "orange" // 橙色预警
	Red    Level = "red"    // 红色预警
)

// An Order is a control order of a heavy-pollution episode for an enterprise,
// either for the whole enterprise (FacilityIDs empty) or for listed facilities.
type Order struct {
	ID           int64
	EnterpriseID int64
	FacilityIDs  []int64
	ExemptIDs    []int64 // facilities the order lets run (一厂一策: a kiln fan kept for 保温 or cooling)
	Kind         OrderKind
	CutPercent   float64 // 限产比例, 0–100; for Cut only
	Level        Level
	Start        time.Time
	End          time.Time
	Note         string
}

// Covers reports whether the order applies to facility id of its enterprise at
// time t: within [Start, End), for the whole enterprise or listing id, and not
// exempting id.
func (o Order) Covers(id int64, t time.Time) bool {
	if t.Before(o.Start) || !t.Before(o.End) || slices.Contains(o.ExemptIDs, id) {
		return false
	}
	return len(o.FacilityIDs) == 0 || slices.Contains(o.FacilityIDs, id)
}

// FilingKind is the reason an enterprise filed (报备) in advance.
type FilingKind string

// Filing kinds.
const (
	PlannedStop FilingKind = "planned_stop" // 计划停产
	Renovation  FilingKind = "renovation"   // 改造/检修
	PowerCut    FilingKind = "power_cut"    // 停电
	Other       FilingKind = "other"
)

// A Filing (报备) announces a stop, repair or power cut for a period, for the
// whole enterprise (FacilityIDs empty) or listed facilities.
type Filing struct {
	ID           int64
	EnterpriseID int64
	FacilityIDs  []int64
	Kind         FilingKind
	Start        time.Time
	End          time.Time
	Note         string
}

// Covers reports whether the filing applies to facility id at time t.
func (f Filing) Covers(id int64, t time.Time) bool {
	if t.Before(f.Start) || !t.Before(f.End) {
		return false
	}
	if len(f.FacilityIDs) == 0 {
		return true
	}
	for _, x := range f.FacilityIDs {
		if x == id {
			return true
		}
	}
	return false
}
