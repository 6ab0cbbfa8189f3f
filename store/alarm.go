package store

import (
	"fmt"
	"strings"
	"time"
)

// AlarmType is the stable id of a rule that raises alarms.
type AlarmType string

// Violation alarm types (违法类).
const (
	TreatmentOff    AlarmType = "treatment_off"    // 治污设施未同步运行
	ShutdownIgnored AlarmType = "shutdown_ignored" // 停产未落实
	CutIgnored      AlarmType = "cut_ignored"      // 限产未落实
)

// Data-quality and device alarm types (数据质量/设备类).
const (
	Offline         AlarmType = "offline"
	LowTransmission AlarmType = "low_transmission"
	BadValues       AlarmType = "bad_values"
	CounterReset    AlarmType = "counter_reset"
	PowerMismatch   AlarmType = "power_mismatch"
	ClockDrift      AlarmType = "clock_drift"
	SubmeterExcess  AlarmType = "submeter_excess"
	// OrderUnjudged: a 停产/限产 order the rules cannot judge (no point on any
	// facility it covers, or no usable baseline for a 限产), from its start.
	OrderUnjudged AlarmType = "order_unjudged"
	// TreatmentUnknown (治污设施数据缺失): a treatment unit's data is missing
	// while its production runs, for longer than the backfill grace.
	TreatmentUnknown AlarmType = "treatment_unknown"
)

// Evasion-suspect alarm types (违法嫌疑): our rules, not the guideline's.
const (
	// TreatmentCycling (治污设施间歇启停嫌疑): treatment off most of a short
	// window in several stops while production ran throughout (10 min off,
	// 5 on), so that no single stop reaches treatment_off's 15 minutes.
	TreatmentCycling AlarmType = "treatment_cycling"
	// NightUndertreatment (夜间治污不足嫌疑): at night the treatment's energy
	// per unit of production energy falls far below the same day's, while
	// production ran a real share of its daytime load (夜间偷停).
	NightUndertreatment AlarmType = "night_undertreatment"
	// TreatmentCut (治污设施断电后失联嫌疑): a treatment unit's data went
	// missing while production ran, right after its supply was seen cut
	// (flag P or zero voltage) — treatment_unknown with evidence of a cut.
	TreatmentCut AlarmType = "treatment_cut"
)

// Name is the group's name as shown, "中文 / English".
func (g AlarmGroup) Name() string {
	switch g {
	case GroupViolation:
		return "违法 / violation"
	case GroupSuspect:
		return "违法嫌疑 / suspected evasion"
	case GroupDevice:
		return "设备与数据 / device and data"
	}
	return string(g)
}

// ParseAlarmGroup reads a group id (violation, suspect, device) or its
// Chinese name (违法, 违法嫌疑, 设备与数据).
func ParseAlarmGroup(s string) (AlarmGroup, error) {
	for _, g := range Groups() {
		zh, _, _ := strings.Cut(g.Name(), " / ")
		if s == string(g) || s == zh {
			return g, nil
		}
	}
	return "", fmt.Errorf("alarm group %q: want violation (违法), suspect (违法嫌疑) or device (设备与数据): %w", s, ErrInvalid)
}

// TypesOf returns the known alarm types of group g.
func TypesOf(g AlarmGroup) []AlarmType {
	var out []AlarmType
	for _, t := range AllAlarmTypes {
		if t.Group() == g {
			out = append(out, t)
		}
	}
	return out
}

// AllAlarmTypes lists every alarm type.
var AllAlarmTypes = []AlarmType{TreatmentOff, ShutdownIgnored, CutIgnored, Offline, LowTransmission, BadValues,
	CounterReset, PowerMismatch, ClockDrift, SubmeterExcess, OrderUnjudged, TreatmentUnknown, TreatmentCycling, NightUndertreatment, TreatmentCut}

// IsViolation reports whether t is one of the violation types that officers review
// for enforcement, as opposed to data-quality and device alarms.
func (t AlarmType) IsViolation() bool {
	return t == TreatmentOff || t == ShutdownIgnored || t == CutIgnored
}

// AlarmGroup is the review group an alarm type belongs to. The review badge
// and "violations only" count the first two.
type AlarmGroup string

// Alarm groups.
const (
	GroupViolation AlarmGroup = "violation" // 违法: the guideline's rules, for enforcement
	GroupSuspect   AlarmGroup = "suspect"   // 违法嫌疑: evasion suspects (our rules), for a closer look
	GroupDevice    AlarmGroup = "device"    // 设备与数据: terminals, data and orders that cannot be judged
)

// Groups lists the alarm groups in the order a reviewer reads them.
func Groups() []AlarmGroup { return []AlarmGroup{GroupViolation, GroupSuspect, GroupDevice} }

// Group returns the review group of t: 违法 for the guideline's three rules,
// 违法嫌疑 for evasion suspects, 设备与数据 for everything else (an unknown
// type too: it is never counted as a violation by mistake).
func (t AlarmType) Group() AlarmGroup {
	switch {
	case t.IsViolation():
		return GroupViolation
	case t == TreatmentCycling || t == NightUndertreatment || t == TreatmentCut:
		return GroupSuspect
	}
	return GroupDevice
}

// NeedsReview reports whether alarms of t count on the review badge: the
// violations and the suspects.
func (t AlarmType) NeedsReview() bool { return t.Group() != GroupDevice }

// Grade is an alarm's severity, graded by duration.
type Grade string

// Grades.
const (
	Minor  Grade = "minor"  // 一般
	Major  Grade = "major"  // 较重
	Severe Grade = "severe" // 严重
)

// AlarmStatus is where an alarm is in its life.
type AlarmStatus string

// Alarm statuses.
const (
	Open      AlarmStatus = "open"
	Ended     AlarmStatus = "ended"
	Withdrawn AlarmStatus = "withdrawn" // later data disproved it; kept, never deleted
)

// An Alarm is one episode of a rule's condition holding.
type Alarm struct {
	ID           int64
	Type         AlarmType
	Grade        Grade
	Status       AlarmStatus
	EnterpriseID int64
	ProductionID int64 // production facility, 0 when not applicable
	TreatmentID  int64 // treatment facility, 0 when not applicable
	PointID      int64 // for data-quality alarms
	TerminalID   int64 // for device alarms
	OrderID      int64 // for shutdown_ignored / cut_ignored
	FilingID     int64 // a filing that overlaps it ("covered by filing #n"); 0 when none
	Start        time.Time
	End          time.Time // zero while open
	RuleVersion  int
	Thresholds   string // the thresholds and parameters used, as JSON, for the evidence
	Detail       string // a sentence for people
	Disposition  Disposition
	UpdatedAt    time.Time
	// Trial marks an alarm raised inside the window of a recorded acceptance
	// or inspection test (停上电试验, 试验): kept as evidence of the test, but
	// not in the officers' default queue (AlarmFilter.Trial).
	Trial bool
}

// Duration is End − Start, or now − Start while the alarm is open.
func (a Alarm) Duration(now time.Time) time.Duration {
	if a.End.IsZero() {
		return now.Sub(a.Start)
	}
	return a.End.Sub(a.Start)
}

// Disposition is a reviewer's verdict on an alarm.
type Disposition string

// Dispositions, the fixed list reviewers choose from.
const (
	Undecided        Disposition = ""
	Confirmed        Disposition = "confirmed"       // 确认违法
	DeviceFault      Disposition = "device_fault"    // 设备故障
	CircuitFault     Disposition = "circuit_fault"   // 电路故障/外部停电
	Filed            Disposition = "filed"           // 已报备
	Commissioning    Disposition = "commissioning"   // 调试/检修
	FalseThreshold   Disposition = "false_threshold" // 误报—阈值不当
	OtherDisposition Disposition = "other"           // 其他
)

// A Review is one reviewer's decision on an alarm.
type Review struct {
	ID          int64
	AlarmID     int64
	Disposition Disposition
	Note        string
	Reviewer    string
	At          time.Time
}

// AlarmFilter selects alarms; zero fields match everything.
type AlarmFilter struct {
	From, To     time.Time // alarms overlapping [From, To)
	Types        []AlarmType
	Groups       []AlarmGroup // alarms whose type belongs to one of these groups
	Grades       []Grade
	Statuses     []AlarmStatus
	Dispositions []Disposition // Undecided selects the alarms not reviewed yet
	EnterpriseID int64
	Enterprise   string // name, substring match
	Limit        int
	Offset       int

	// Trial selects by Alarm.Trial: TrialAny (the zero value) matches all,
	// for code that reconciles or exports; queues for people ask TrialNo.
	Trial TrialFilter
}

// TrialFilter selects alarms by whether they were raised inside a test window.
type TrialFilter int

// Trial filters.
const (
	TrialAny  TrialFilter = iota // every alarm
	TrialNo                      // alarms of normal operation: the officers' queue
	TrialOnly                    // only alarms marked 试验
)

// An AuditEntry records one change an operator made. The log is append-only.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Who      string
	Action   string // create, update, delete, review, import …
	Entity   string // enterprise, facility, alarm …
	EntityID int64
	Before   string // JSON, empty for create
	After    string // JSON, empty for delete
}

// A TerminalEvent is something that happened to a terminal's connection.
type TerminalEvent struct {
	ID     int64
	MN     string
	Kind   string // connect, disconnect, drift, interval, command, gap_request …
	At     time.Time
	Detail string
}

// A QuarantinedPacket groups the packets of an unregistered MN or of a wrong
// password, so that an officer can register the terminal with one action.
type QuarantinedPacket struct {
	MN         string
	Reason     string // unregistered, bad_password, bad_key
	RemoteAddr string
	FirstSeen  time.Time
	LastSeen   time.Time
	Count      int64
	Sample     []byte // the last frame
}

// An OutboxItem is something queued for the city platform.
type OutboxItem struct {
	ID        int64
	Target    string // upstream name (host:port or URL)
	Kind      string // hj212 or json
	Key       string // ordering key: MN for frames, entity for JSON
	Payload   []byte
	CreatedAt time.Time
	SentAt    time.Time // zero until delivered
	Attempts  int
	LastError string
	// Packet, in a Batch, is the 1-based index in Batch.Packets of the packet
	// this item relays: the item is queued only when that packet is new, so
	// a terminal's re-send of a stored packet is not relayed again. 0: always queued.
	Packet int
}

// OutboxKey is one ordering key (a terminal's MN) with undelivered items of
// a target: the relay opens a connection per key.
type OutboxKey struct {
	Key  string
	Last int64 // highest id of the key's undelivered items
}

// AlarmEvidence is what a reviewer looks at for one alarm: the alarm with its
// parameters (Alarm.Thresholds), its reviews, and the series of the points
// involved from Margin before its start to Margin after its end.
type AlarmEvidence struct {
	Alarm    Alarm
	Reviews  []Review
	From, To time.Time
	Series   map[int64][]Sample // by point id
}
