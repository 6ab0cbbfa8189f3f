package maintenance

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"powerwatch/store"
)

// Who is the audit name under which the jobs create tasks.
const Who = "计划任务 scheduler"

// RegistrySource gives the registry snapshot; *sqlite.DB is one.
type RegistrySource interface {
	LoadRegistry(ctx context.Context) (*store.Registry, error)
}

// Period labels of the tasks' keys, in Beijing time.
func weekLabel(t time.Time) string {
	y, w := t.In(store.Beijing).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func monthLabel(t time.Time) string { return t.In(store.Beijing).Format("2006-01") }

func quarterLabel(t time.Time) string {
	t = t.In(store.Beijing)
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
}

func halfLabel(t time.Time) string {
	t = t.In(store.Beijing)
	h := 1
	if t.Month() > 6 {
		h = 2
	}
	return fmt.Sprintf("%d-H%d", t.Year(), h)
}

func beijing(t time.Time) string { return t.In(store.Beijing).Format("2006-01-02 15:04") }

// ---- weekly communication check ----

// StateSource gives what the listener knows of each terminal's connection.
type StateSource interface {
	RegistrySource
	TerminalStates(ctx context.Context) ([]store.TerminalState, error)
}

// DefaultSilence is how long a terminal may be silent before the weekly
// check lists it.
const DefaultSilence = 24 * time.Hour

// A Silent terminal has not been heard from for For (since LastSeen, or since
// its installation when it never was).
type Silent struct {
	Terminal   store.Terminal
	Enterprise store.Enterprise
	LastSeen   time.Time // zero: never heard from
	For        time.Duration
}

// SilentTerminals lists the registered terminals not heard from in the last
// limit before now, the longest silent first.
func SilentTerminals(ctx context.Context, src StateSource, now time.Time, limit time.Duration) ([]Silent, error) {
	reg, err := src.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("communication check: %w", err)
	}
	states, err := src.TerminalStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("communication check: %w", err)
	}
	seen := map[string]time.Time{}
	for _, s := range states {
		seen[s.MN] = s.LastSeen
	}
	var out []Silent
	for _, t := range reg.Terminals {
		last := t.LastSeen
		if s, ok := seen[t.MN]; ok && s.After(last) {
			last = s
		}
		since := last
		if since.IsZero() {
			since = t.InstalledAt
		}
		if !since.IsZero() && now.Sub(since) < limit {
			continue
		}
		if !since.IsZero() && since.After(now) {
			continue
		}
		ent, _ := reg.Enterprise(t.EnterpriseID)
		d := time.Duration(0)
		if !since.IsZero() {
			d = now.Sub(since)
		}
		out = append(out, Silent{Terminal: t, Enterprise: ent, LastSeen: last, For: d})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].For > out[j].For })
	return out, nil
}

// Days formats a duration as days and hours, 3天4小时.
func Days(d time.Duration) string {
	h := int(d.Hours())
	if h < 24 {
		return fmt.Sprintf("%d小时 %dh", h, h)
	}
	return fmt.Sprintf("%d天%d小时 %dd%dh", h/24, h%24, h/24, h%24)
}

// CommunicationTasks turns the weekly check's list into tasks due at due,
// one per terminal and ISO week of now.
func CommunicationTasks(now, due time.Time, list []Silent) []store.Task {
	var ts []store.Task
	for _, s := range list {
		why := fmt.Sprintf("终端 %s 从未通讯 never heard from", s.Terminal.MN)
		if !s.LastSeen.IsZero() {
			why = fmt.Sprintf("终端 %s 已 %s 未通讯 (最后通讯 last seen %s)", s.Terminal.MN, Days(s.For), beijing(s.LastSeen))
		}
		ts = append(ts, store.Task{
			Kind: store.TaskCommunication, Key: fmt.Sprintf("communication/%s/terminal/%d", weekLabel(now), s.Terminal.ID),
			EnterpriseID: s.Terminal.EnterpriseID, TerminalID: s.Terminal.ID, Reason: why, Due: due, Job: JobCommunication,
		})
	}
	return ts
}

// ---- monthly transmission-rate list ----

// RateSource gives the store's transmission rates; *sqlite.DB is one.
type RateSource interface {
	RegistrySource
	PointsBelow(ctx context.Context, month time.Time, limit float64) ([]store.Rate, error)
	TransmissionRate(ctx context.Context, pointID int64, from, to time.Time, excludeFilings bool) (days, months []store.Rate, err error)
}

// MonthlyLimit is the guideline's monthly transmission rate below which a
// point must be maintained (§6.10).
const MonthlyLimit = 0.90

// A LowPoint is a point on the monthly list, with its days.
type LowPoint struct {
	Point      store.Point
	Facility   store.Facility
	Enterprise store.Enterprise
	Month      store.Rate
	Days       []store.Rate
}

// LowTransmission lists the points whose rate in the Beijing month of month
// (报备 windows excluded) is below limit, lowest first, each with its
// day-by-day rates.
func LowTransmission(ctx context.Context, src RateSource, month time.Time, limit float64) ([]LowPoint, error) {
	start := store.Month.Start(month)
	below, err := src.PointsBelow(ctx, start, limit)
	if err != nil {
		return nil, fmt.Errorf("monthly transmission list %s: %w", monthLabel(start), err)
	}
	reg, err := src.LoadRegistry(ctx)
	if err != nil {
		return nil, fmt.Errorf("monthly transmission list: %w", err)
	}
	points := map[int64]store.Point{}
	for _, p := range reg.Points {
		points[p.ID] = p
	}
	var out []LowPoint
	for _, r := range below {
		days, _, err := src.TransmissionRate(ctx, r.PointID, start, store.Month.Add(start, 1), true)
		if err != nil {
			return nil, fmt.Errorf("monthly transmission list: point %d: %w", r.PointID, err)
		}
		p := points[r.PointID]
		f, _ := reg.Facility(p.FacilityID)
		e, _ := reg.Enterprise(f.EnterpriseID)
		out = append(out, LowPoint{Point: p, Facility: f, Enterprise: e, Month: r, Days: days})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Month.Rate < out[j].Month.Rate })
	return out, nil
}

// Percent formats a rate 0–1 as 87.5 %, or – when nothing was expected.
func Percent(r float64) string {
	if math.IsNaN(r) {
		return "–"
	}
	return fmt.Sprintf("%.1f %%", 100*r)
}

// DayHistory is a point's days as one line per day: 11-01 100.0 % (288/288).
func DayHistory(days []store.Rate) string {
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "%s %s (%d/%d)\n", d.Start.In(store.Beijing).Format("01-02"), Percent(d.Rate), d.Received, d.Expected)
	}
	return b.String()
}

// TransmissionTasks turns the monthly list into tasks due at due, one per point and month.
func TransmissionTasks(list []LowPoint, due time.Time) []store.Task {
	var ts []store.Task
	for _, lp := range list {
		ts = append(ts, store.Task{
			Kind: store.TaskTransmission, Key: fmt.Sprintf("transmission/%s/point/%d", monthLabel(lp.Month.Start), lp.Point.ID),
			EnterpriseID: lp.Enterprise.ID, TerminalID: lp.Point.TerminalID, PointID: lp.Point.ID,
			Reason: fmt.Sprintf("%s 月传输率 %s < 90 %% (%s / %s)", monthLabel(lp.Month.Start), Percent(lp.Month.Rate), lp.Facility.Name, lp.Point.Name),
			Detail: DayHistory(lp.Days), Due: due, Job: JobTransmission,
		})
	}
	return ts
}

// ---- half-yearly inspection plan ----

// A PlanPoint is one point to look at on an inspection visit.
type PlanPoint struct {
	Point    store.Point
	Facility store.Facility
	MN       string
}

// A Visit is one enterprise of the inspection plan with its points.
type Visit struct {
	Enterprise store.Enterprise
	Points     []PlanPoint
}

// InspectionPlan lists every enterprise that has monitoring points, with its
// points, in the order of the registry.
func InspectionPlan(reg *store.Registry) []Visit {
	mn := map[int64]string{}
	for _, t := range reg.Terminals {
		mn[t.ID] = t.MN
	}
	byEnt := map[int64][]PlanPoint{}
	for _, p := range reg.Points {
		f, ok := reg.Facility(p.FacilityID)
		if !ok {
			continue
		}
		byEnt[f.EnterpriseID] = append(byEnt[f.EnterpriseID], PlanPoint{Point: p, Facility: f, MN: mn[p.TerminalID]})
	}
	var out []Visit
	for _, e := range reg.Enterprises {
		if ps := byEnt[e.ID]; len(ps) > 0 {
			out = append(out, Visit{Enterprise: e, Points: ps})
		}
	}
	return out
}

// InspectionTasks turns the plan into one task per enterprise for the
// half-year of now, due at due; the detail lists the points and what the
// visit checks.
func InspectionTasks(now, due time.Time, plan []Visit) []store.Task {
	var ts []store.Task
	for _, v := range plan {
		var b strings.Builder
		for _, p := range v.Points {
			fmt.Fprintf(&b, "%s — %s (%s) MN %s\n", p.Point.Name, p.Facility.Name, p.Facility.Kind, p.MN)
		}
		b.WriteString("检查 checks: 设施使用、设备位置、产治排关系、设备损坏、供电线路、接地线路、参数与数据传输、停上电试验\n")
		ts = append(ts, store.Task{
			Kind: store.TaskInspection, Key: fmt.Sprintf("inspection/%s/enterprise/%d", halfLabel(now), v.Enterprise.ID),
			EnterpriseID: v.Enterprise.ID, Reason: fmt.Sprintf("%s 半年巡检 half-yearly inspection: %d 个点位 points", halfLabel(now), len(v.Points)),
			Detail: b.String(), Due: due, Job: JobInspection,
		})
	}
	return ts
}

// Job names, as they appear in the job_runs log and the config.
const (
	JobCommunication = "weekly-communication"
	JobTransmission  = "monthly-transmission"
	JobPlausibility  = "quarterly-plausibility"
	JobInspection    = "halfyear-inspection"
	JobBackup        = "backup"
	JobCompact       = "compact"
	JobPurge         = "purge"
	JobAggregate     = "aggregate"
)
