package store

import "time"

// TaskKind is why a maintenance task exists: one of the guideline's periodic
// duties (§6.10) or an acceptance test (§6.7.4).
type TaskKind string

// Task kinds.
const (
	TaskCommunication TaskKind = "communication" // 每周通讯检查: a terminal not heard from
	TaskTransmission  TaskKind = "transmission"  // 每月传输率 < 90 % 的点位
	TaskPlausibility  TaskKind = "plausibility"  // 每季度数据合理性抽查
	TaskInspection    TaskKind = "inspection"    // 半年巡检
	TaskAcceptance    TaskKind = "acceptance"    // 验收
)

// TaskKinds lists the kinds in the order the maintenance view groups them.
func TaskKinds() []TaskKind {
	return []TaskKind{TaskCommunication, TaskTransmission, TaskPlausibility, TaskInspection, TaskAcceptance}
}

// TaskStatus is open until a maintenance record closes the task.
type TaskStatus string

// Task statuses.
const (
	TaskOpen TaskStatus = "open"
	TaskDone TaskStatus = "done"
)

// A Task is one piece of maintenance work: a point to fix, an enterprise to
// visit, a sample to confirm. Jobs create tasks; a person closes one with a
// MaintenanceRecord. Key identifies what the task is about in its period
// (e.g. "transmission/2026-10/point/17") so that a job run twice, or caught up
// after the PC was off, does not create the same task twice.
type Task struct {
	ID           int64
	Kind         TaskKind
	Key          string
	EnterpriseID int64 // 0 when the task is not about one enterprise
	TerminalID   int64
	PointID      int64
	Reason       string // one line: why, in Chinese with figures
	Detail       string // the evidence, e.g. the day-by-day transmission rates
	Due          time.Time
	Assignee     string
	Status       TaskStatus
	Job          string // the job that created it, empty when made by hand
	CreatedAt    time.Time
	ClosedAt     time.Time
	RecordID     int64 // the record that closed it
}

// TaskFilter selects tasks; zero fields do not filter.
type TaskFilter struct {
	Status       TaskStatus
	Kind         TaskKind
	EnterpriseID int64
	DueBefore    time.Time // due strictly before
	Limit        int
}

// CheckItem is one line of the maintenance record form's checks.
type CheckItem string

// The checks of the guideline's maintenance / half-yearly inspection record (§6.10).
const (
	CheckCommunication CheckItem = "communication" // 通讯状态
	CheckData          CheckItem = "data"          // 数据采集
	CheckPosition      CheckItem = "position"      // 设备位置 (未被挪动)
	CheckRelations     CheckItem = "relations"     // 产治排关系 (未变动)
	CheckWiring        CheckItem = "wiring"        // 供电线路
	CheckGrounding     CheckItem = "grounding"     // 接地线路
)

// CheckItems lists the form's checks in its order.
func CheckItems() []CheckItem {
	return []CheckItem{CheckCommunication, CheckData, CheckPosition, CheckRelations, CheckWiring, CheckGrounding}
}

// Label is the check's caption on the form, Chinese with English.
func (c CheckItem) Label() string {
	switch c {
	case CheckCommunication:
		return "通讯状态 Communication"
	case CheckData:
		return "数据采集 Data"
	case CheckPosition:
		return "设备位置 Device position"
	case CheckRelations:
		return "产治排关系 Relations"
	case CheckWiring:
		return "供电线路 Wiring"
	case CheckGrounding:
		return "接地线路 Grounding"
	}
	return string(c)
}

// CheckResult is the outcome of one check.
type CheckResult string

// Check results. The empty result means not checked.
const (
	CheckOK       CheckResult = "ok"    // 正常
	CheckFault    CheckResult = "fault" // 异常
	CheckNotApply CheckResult = "n/a"   // 不适用
)

// Label is the result as the form prints it.
func (r CheckResult) Label() string {
	switch r {
	case CheckOK:
		return "正常 OK"
	case CheckFault:
		return "异常 Fault"
	case CheckNotApply:
		return "不适用 N/A"
	}
	return "未检 Not checked"
}

// A Check is one checked item with its result and a note.
type Check struct {
	Item   CheckItem
	Result CheckResult
	Note   string
}

// An OnOffTest is the power off/on test of one monitored facility (停上电试验):
// whether the terminal saw the facility stop and start again.
type OnOffTest struct {
	FacilityID int64
	Facility   string // name at the time of the test
	Off        CheckResult
	On         CheckResult
	Note       string
}

// A MaintenanceRecord is the guideline's maintenance record form, filled in
// after a visit or a remote check. Photos are paths relative to the files
// folder next to the database.
type MaintenanceRecord struct {
	ID           int64
	TaskID       int64 // 0 for a record made without a task
	Kind         TaskKind
	Date         time.Time // of the work
	People       string    // 运维人员
	EnterpriseID int64
	PointID      int64 // 0 when the record covers the whole enterprise
	Checks       []Check
	OnOff        []OnOffTest
	Problems     string // 发现问题
	Actions      string // 处理措施
	Photos       []string
	SignedBy     string // 签字确认
	SignedAt     time.Time
	CreatedAt    time.Time
	// TestFrom and TestTo are the window of the 停上电试验 an acceptance or
	// inspection record documents (§6.7.3–6.7.4, §6.10); zero when none. The
	// violation rules skip the window and mark what it raises as 试验.
	TestFrom, TestTo time.Time
}

// RecordFilter selects maintenance records; zero fields do not filter.
type RecordFilter struct {
	EnterpriseID int64
	TaskID       int64
	From, To     time.Time // Date in [From, To)
	Limit        int
}

// A JobRun is one run of a scheduled job: when it was due, when it ran, and
// its result. CatchUp marks a run made at start-up for an activation missed
// while the program was not running.
type JobRun struct {
	ID        int64
	Job       string
	Scheduled time.Time // the activation it serves
	Started   time.Time
	Finished  time.Time // zero while running
	OK        bool
	CatchUp   bool
	Result    string // a summary, or the error
}

// An AcceptanceResult is one line of the acceptance or inspection test's
// checklist (§6.7.4, §6.10): did the point's data arrive in time, and was its
// facility seen switching off and on again.
type AcceptanceResult struct {
	PointID   int64
	Point     string // point name
	Facility  string // facility name
	Packets   int
	MaxDelay  time.Duration // longest receive time − DataTime
	DelayOK   bool          // within 5 minutes
	SawOff    bool
	SawOn     bool
	Plausible bool
	Problems  []string
	Pass      bool
}
