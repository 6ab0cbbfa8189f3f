package ui

import (
	"context"
	"time"

	"powerwatch/calendar"
	"powerwatch/store"
)

// The interfaces below are what the screens read and call. They are declared
// here, by their consumer, and kept small. Their method sets are those of
// *sqlite.DB (and, for Commander, of the listener), so app passes those
// directly. A nil field in Deps means that part of the service is not there
// yet, and its screen says so instead of showing zeros.

// Registry is the 一企一档 registry as the enterprise and terminal screens read it.
// Lookups by id return an error wrapping store.ErrNotFound when there is none.
type Registry interface {
	FindEnterprises(ctx context.Context, f store.EnterpriseFilter) ([]store.Enterprise, error)
	EnterpriseByID(ctx context.Context, id int64) (store.Enterprise, error)
	FindRegions(ctx context.Context) ([]store.Region, error)
	FindIndustries(ctx context.Context) ([]store.Industry, error)
	FacilitiesByEnterprise(ctx context.Context, enterpriseID int64) ([]store.Facility, error)
	LinksByProduction(ctx context.Context, productionID int64) ([]store.Link, error)
	FindPoints(ctx context.Context, f store.PointFilter) ([]store.Point, error)
	ThresholdsFor(ctx context.Context, facilityID int64) ([]store.Threshold, error)
	FindTerminals(ctx context.Context, f store.TerminalFilter) ([]store.Terminal, error)
	FindOrders(ctx context.Context, f store.OrderFilter) ([]store.Order, error)
	FindFilings(ctx context.Context, f store.FilingFilter) ([]store.Filing, error)
}

// RegistryEditor changes the registry. Every method writes an audit entry
// (who, before, after) in the same transaction as the change. Invalid values
// return an error wrapping store.ErrInvalid, duplicates store.ErrConflict.
type RegistryEditor interface {
	UpdateEnterprise(ctx context.Context, who string, e *store.Enterprise) error
	UpdateFacility(ctx context.Context, who string, f *store.Facility) error
	// CreateThreshold adds a threshold from t.EffectiveFrom on; older ones are kept.
	CreateThreshold(ctx context.Context, who string, t *store.Threshold) error
	// CreateTerminal registers a terminal and sets t.ID.
	CreateTerminal(ctx context.Context, who string, t *store.Terminal) error
	// SetLinks makes production facility id's treatment links those of a
	// parsed 关联治理设施 cell (units named within its enterprise), confirmed.
	SetLinks(ctx context.Context, who string, productionID int64, tbs []store.TreatedBy) error
}

// RegistryTransfer imports and exports the registry as Excel or CSV files.
// progress may be called from the worker goroutine with rows done and total
// (total 0 when unknown).
// An import is all-or-nothing; its error is an errors.Join of one error per
// bad row (each saying row and column), so the screen can list them.
type RegistryTransfer interface {
	ImportRegistry(ctx context.Context, who, path string, progress func(done, total int)) error
	ExportRegistry(ctx context.Context, path string, progress func(done, total int)) error
}

// Readings is the stored series as the curve screen and the terminal page read it.
type Readings interface {
	// Curve returns a point's active power over [from, to) in at most width
	// columns, each with the min, max and mean of its slots; empty columns are left out.
	Curve(ctx context.Context, pointID int64, from, to time.Time, width int) ([]store.CurvePoint, error)
	// Samples returns a point's slots in [from, to), oldest first (for current,
	// voltage and energy, which Curve does not keep).
	Samples(ctx context.Context, pointID int64, from, to time.Time) ([]store.Sample, error)
	// RawPackets returns terminal mn's frames in [from, to), oldest first.
	RawPackets(ctx context.Context, mn string, from, to time.Time) ([]store.RawPacket, error)
}

// Stats are the district figures of the dashboard and the terminal table.
type Stats interface {
	// Consumption returns energy per group and period over [q.From, q.To).
	Consumption(ctx context.Context, q store.StatsQuery) ([]store.StatsRow, error)
	// TransmissionRate returns received and expected slots per point (all
	// points when pointID is 0) and per day and month of [from, to).
	TransmissionRate(ctx context.Context, pointID int64, from, to time.Time, excludeFilings bool) (days, months []store.Rate, err error)
}

// Alarms is the alarm store as the dashboard, enterprise page and curves read it.
type Alarms interface {
	FindAlarms(ctx context.Context, f store.AlarmFilter) ([]store.Alarm, error)
}

// TerminalLog is what the listener saved about terminals: their state, events,
// the packets of unregistered MNs and the commands sent with their replies.
type TerminalLog interface {
	TerminalStates(ctx context.Context) ([]store.TerminalState, error)
	TerminalEvents(ctx context.Context, f store.TerminalEventFilter) ([]store.TerminalEvent, error)
	Quarantined(ctx context.Context) ([]store.QuarantinedPacket, error)
	Commands(ctx context.Context, mn string, limit int) ([]store.Command, error)
}

// Commander sends the listener's commands to a terminal. Each queues the
// command (sent now if the terminal is connected) and returns it; its reply
// arrives later in TerminalLog.Commands.
type Commander interface {
	SetIntervals(ctx context.Context, who, mn string, rtd, min time.Duration) (store.Command, error)
	SyncTime(ctx context.Context, who, mn string) (store.Command, error)
	PullHistory(ctx context.Context, who, mn string, from, to time.Time) (store.Command, error)
}

// Quarantine is the running listener's list of unregistered MNs and the one
// action on it: register creates the terminal (through the registry), then the
// listener drops the entry and accepts the MN's next packet.
type Quarantine interface {
	Quarantine(ctx context.Context) ([]store.QuarantinedPacket, error)
	RegisterFromQuarantine(ctx context.Context, mn string, register func(context.Context, store.QuarantinedPacket) error) error
}

// MapData is what the 地图 reads besides Alarms, Terminals and Orders: the
// registry in one snapshot (positions, facilities, thresholds, orders) and
// every point's newest sample, for the facilities running now.
type MapData interface {
	LoadRegistry(ctx context.Context) (*store.Registry, error)
	LatestSamples(ctx context.Context) ([]store.Sample, error)
}

// Deps are the parts of the service the shell shows. Any field may be nil.
type Deps struct {
	Registry  Registry
	Editor    RegistryEditor
	Transfer  RegistryTransfer
	Readings  Readings
	Stats     Stats
	Alarms    Alarms
	Terminals TerminalLog
	Commands  Commander
	// Quarantine, when set, lists and registers through the listener;
	// otherwise the saved list of Terminals and Editor.CreateTerminal are used.
	Quarantine Quarantine
	// Maintenance is the 运维 view's tasks, records and jobs (ui/maintenance.go).
	Maintenance Maintenance
	// Review, Evidence and Packages serve the 报警 review queue (ui/alarm_queue.go,
	// ui/alarm_detail.go, ui/review_packages.go).
	Review   AlarmReview
	Evidence EvidenceExporter
	Packages ReviewPackages
	// DayNight is the day/night comparison of 统计 (ui/statistics.go).
	DayNight DayNightStats
	// Orders is the 管控 view's (ui/orders.go).
	Orders OrderDesk
	// Replay is the what-if run of changed rule parameters in 设置 (ui/replay.go).
	Replay RuleReplay
	// Limits proposes and accepts each facility's limits (ui/threshold_proposal.go).
	Limits LimitAdvisor
	// Uplink is the relay to the city platform, shown in 设置 (ui/settings_uplink.go).
	Uplink UplinkStatus
	// Inbox is 设置's 搁置的上传: uploads the database refused (ui/settings_inbox.go).
	Inbox InboxFailures
	// Backups is 设置's 备份与恢复: the retained backups and restoring one
	// (ui/settings_backup.go); nil: not offered (a review package).
	Backups Backups
	// Map is what 地图 draws (ui/map_view.go); District is the bureau's
	// district, highlighted and zoomed to ("": the district most
	// enterprises are in).
	Map      MapData
	District string
	Now      func() time.Time // nil: time.Now
	ListenOn string           // listener address for the status bar, e.g. 0.0.0.0:9212
	Operator string           // default operator name for audit entries
	// AskOperator asks the reviewer's name at the first start (a review
	// package on a laptop) and remembers it; it then names every decision.
	AskOperator bool
	// ReviewWorkspace is the file name of a review package (`review open`),
	// "" in the office: no listener and no live data; the window is titled
	// with it, 总览 shows the package and the review's progress, the status
	// bar says it is a workspace.
	ReviewWorkspace string
	// Holidays is the official working calendar the curves shade: public
	// holidays, and make-up working days left unshaded. nil: weekends only.
	// HolidaysErr, when set, is what was wrong in the officer's holidays.csv
	// (its good rows are in Holidays); the curves show it.
	Holidays    *calendar.Calendar
	HolidaysErr error
}
