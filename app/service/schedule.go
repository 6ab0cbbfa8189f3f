package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"powerwatch/app/judge"
	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// MaintenanceConfig is the maintenance jobs' settings besides their specs.
type MaintenanceConfig struct {
	Compact     string   `json:"compact"`    // cron spec of the nightly packing of finished days
	BackupDir   string   `json:"backup_dir"` // empty: backups/ next to the database
	KeepDaily   int      `json:"keep_daily"`
	KeepWeekly  int      `json:"keep_weekly"`
	KeepMonthly int      `json:"keep_monthly"`
	SampleSize  int      `json:"sample_size"`    // enterprises in the quarterly plausibility sample
	Silence     Duration `json:"silence"`        // the weekly check lists terminals silent this long
	RawYears    int      `json:"keep_raw_years"` // raw packets older than this are purged (evidence of alarms stays)
}

// jobDef is one periodic job: its name in the log, its cron spec (5 fields,
// Beijing time) and its work. run gets the activation it serves, which for a
// run caught up at start-up lies in the past: the monthly list of a catch-up
// run is still the list of the month before that activation.
type jobDef struct {
	name, spec string
	run        func(ctx context.Context, at time.Time) (result string, err error)
}

// jobAlarmsMonthly judges the month just ended (monthly transmission rate).
const jobAlarmsMonthly = "monthly-alarms"

// jobAlarmsNightly judges the night just ended (night_undertreatment).
const jobAlarmsNightly = "nightly-alarms"

// jobs lists every periodic job with its spec from the config.
func (m *Main) jobs() []jobDef {
	s := m.Config.Schedule
	return []jobDef{
		{maintenance.JobCompact, m.Config.Maintenance.Compact, m.compactJob},
		{maintenance.JobBackup, s.Backup, m.backupJob},
		{maintenance.JobPurge, s.Purge, m.purgeJob},
		{maintenance.JobAggregate, s.Aggregate, m.aggregateJob},
		{maintenance.JobCommunication, s.Communication, m.communicationJob},
		{maintenance.JobTransmission, s.Transmission, m.transmissionJob},
		{maintenance.JobPlausibility, s.Plausibility, m.plausibilityJob},
		{maintenance.JobInspection, s.Inspection, m.inspectionJob},
		{jobAlarmsMonthly, s.Transmission, func(ctx context.Context, at time.Time) (string, error) { return judge.MonthlyJob(ctx, m.DB, at) }},
		{jobAlarmsNightly, s.NightRule, func(ctx context.Context, at time.Time) (string, error) { return judge.NightlyJob(ctx, m.DB, at) }},
	}
}

// JobSpec is a periodic job's name in the log and its cron spec.
type JobSpec struct{ Name, Spec string }

// JobSpecs lists the periodic jobs of c with their specs from the config,
// for the 运维 view (which may override a spec in the database).
func JobSpecs(c Config) []JobSpec {
	var out []JobSpec
	for _, j := range (&Main{Config: c}).jobs() {
		out = append(out, JobSpec{Name: j.name, Spec: j.spec})
	}
	return out
}

// CheckSpec reports whether the scheduler can read spec.
func CheckSpec(spec string) error {
	_, err := cronParser.Parse(spec)
	return err
}

// schedule registers every periodic job. Specs come from Config, or from the
// 运维 view when changed there (stored in the database), so a bureau can change
// them without a rebuild. Specs are read in Beijing time. A job whose last
// activation passed while the program was not running runs once right away.
func (m *Main) schedule(ctx context.Context) (*cron.Cron, error) {
	return newScheduler(ctx, m.DB, m.Logger.With("component", "cron"), m.jobs())
}

// jobLog is where the scheduler keeps its history; *sqlite.DB is one.
type jobLog interface {
	StartJobRun(ctx context.Context, r *store.JobRun) error
	FinishJobRun(ctx context.Context, r *store.JobRun) error
	LastJobRuns(ctx context.Context) (map[string]store.JobRun, error)
	JobSpecs(ctx context.Context) (map[string]string, error)
	MaintenanceSince(ctx context.Context) (time.Time, error)
}

var _ jobLog = (*sqlite.DB)(nil)

// cronParser reads the 5-field specs of the config (and @daily and friends).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func newScheduler(ctx context.Context, log jobLog, logger *slog.Logger, defs []jobDef) (*cron.Cron, error) {
	l := cronLogger{logger}
	c := cron.New(
		cron.WithLocation(store.Beijing),
		cron.WithParser(cronParser),
		cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)),
	)
	overrides, err := log.JobSpecs(ctx)
	if err != nil {
		return nil, err
	}
	last, err := log.LastJobRuns(ctx)
	if err != nil {
		return nil, err
	}
	since, err := log.MaintenanceSince(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now().In(store.Beijing)
	for _, d := range defs {
		sched, err := cronParser.Parse(d.spec)
		if err != nil {
			return nil, fmt.Errorf("schedule %s %q: %w", d.name, d.spec, err)
		}
		if o, ok := overrides[d.name]; ok && o != d.spec {
			if s, err := cronParser.Parse(o); err != nil {
				logger.Error("spec set in the maintenance view is not valid; using the config's", "job", d.name, "spec", o, "err", err)
			} else {
				sched, d.spec = s, o
			}
		}
		j := &scheduledJob{def: d, sched: sched, log: log, logger: logger, last: since}
		if r, ok := last[d.name]; ok {
			j.last = r.Scheduled
		}
		var entry cron.Schedule = sched
		if n := sched.Next(j.last.In(store.Beijing)); !n.IsZero() && !n.After(now) {
			j.catchUp = true
			entry = &catchUp{Schedule: sched, pending: atomic.Bool{}}
			entry.(*catchUp).pending.Store(true)
			logger.Info("job missed while not running; it runs once now", "job", d.name, "due", n)
		}
		c.Schedule(entry, cron.FuncJob(func() { j.fire(ctx) }))
	}
	return c, nil
}

// catchUp fires once at the first time cron asks for the next activation
// (at Start), then follows its schedule. One entry serves both, so
// SkipIfStillRunning also keeps a catch-up and a regular run apart.
type catchUp struct {
	cron.Schedule
	pending atomic.Bool
}

func (c *catchUp) Next(t time.Time) time.Time {
	if c.pending.CompareAndSwap(true, false) {
		return t
	}
	return c.Schedule.Next(t)
}

// scheduledJob runs one job and logs every run with its result.
type scheduledJob struct {
	def    jobDef
	sched  cron.Schedule
	log    jobLog
	logger *slog.Logger

	mu      sync.Mutex
	last    time.Time // the activation last served
	catchUp bool      // the next run is the start-up catch-up
}

// maxLookBack bounds the search for the latest activation after a long
// time off: a year and a month covers every job's period.
const maxLookBack = 400 * 24 * time.Hour

// latestActivation returns the last activation of s in (from, now], or from
// when there is none.
func latestActivation(s cron.Schedule, from, now time.Time) time.Time {
	if now.Sub(from) > maxLookBack {
		from = now.Add(-maxLookBack)
	}
	t := from.In(store.Beijing)
	for {
		n := s.Next(t)
		if n.IsZero() || n.After(now) {
			return t
		}
		t = n
	}
}

func (j *scheduledJob) fire(ctx context.Context) {
	now := time.Now().In(store.Beijing)
	j.mu.Lock()
	at := latestActivation(j.sched, j.last, now)
	r := store.JobRun{Job: j.def.name, Scheduled: at, Started: now, CatchUp: j.catchUp}
	j.catchUp = false
	j.mu.Unlock()
	// The log is written even when shutdown cancelled ctx mid-run: Close
	// waits for running jobs before it closes the database.
	logCtx := context.WithoutCancel(ctx)
	if err := j.log.StartJobRun(logCtx, &r); err != nil {
		j.logger.Error("job not run: cannot log it", "job", j.def.name, "err", err)
		return
	}
	res, err := j.def.run(ctx, at)
	r.Finished, r.OK, r.Result = time.Now(), err == nil, res
	if err != nil {
		r.Result = err.Error()
		if ctx.Err() == nil {
			j.logger.Error("job failed", "job", j.def.name, "at", at, "err", err)
		}
	} else {
		j.logger.Info("job done", "job", j.def.name, "at", at, "result", res)
	}
	if err := j.log.FinishJobRun(logCtx, &r); err != nil {
		j.logger.Error("job result not logged", "job", j.def.name, "err", err)
	}
	j.mu.Lock()
	j.last = at
	j.mu.Unlock()
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(msg, append(kv, "err", err)...)
}

// ---- job bodies: wiring of app/maintenance to the store and config ----

func (m *Main) backupDir() string {
	if d := m.Config.Maintenance.BackupDir; d != "" {
		return d
	}
	return filepath.Join(filepath.Dir(m.Config.DB), "backups")
}

func (cfg Config) Retention() maintenance.Retention {
	c := cfg.Maintenance
	return maintenance.Retention{Daily: c.KeepDaily, Weekly: c.KeepWeekly, Monthly: c.KeepMonthly}
}

func (m *Main) backupJob(ctx context.Context, _ time.Time) (string, error) {
	res, err := maintenance.BackupIncremental(ctx, m.DB, sqlite.CheckBackup, m.FS, m.backupDir(), m.Config.Retention())
	return res.String(), err
}

// aggregateJob rebuilds the aggregates of the Beijing day before at (and of
// the day of at, which later packets may still change): the nightly catch-up
// for data that arrived late or out of order.
func (m *Main) aggregateJob(ctx context.Context, at time.Time) (string, error) {
	to := store.Day.Start(at).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -2)
	if err := m.DB.RecomputeAggregates(ctx, from, to); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s – %s", from.Format(time.DateOnly), to.Format(time.DateOnly)), nil
}

// compactJob packs every finished Beijing day before the day of at − 1 day
// into the compact tier, so that today's and yesterday's data stay live.
func (m *Main) compactJob(ctx context.Context, at time.Time) (string, error) {
	res, err := m.DB.Compact(ctx, at.AddDate(0, 0, -1))
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("%d point-days, %d terminal-days, %d samples, %d packets", res.SeriesDays, res.RawDays, res.Samples, res.Packets)
	// Raw days packed before format 3 are rewritten a night's budget at a
	// time (about half their size); nothing once none is left.
	rp, err := m.DB.RepackRaw(ctx, repackBudget)
	if err != nil {
		return msg, err
	}
	if rp.Days > 0 {
		msg += fmt.Sprintf("; %d raw days repacked (%d → %d bytes), %d left", rp.Days, rp.Before, rp.After, rp.Remaining)
	}
	// Days packed before the hour summaries (migration 0026) get theirs,
	// a night's budget at a time; readers fold the rest meanwhile.
	fr, err := m.DB.FillHourDays(ctx, repackBudget)
	if err != nil {
		return msg, err
	}
	if fr.Days > 0 {
		msg += fmt.Sprintf("; %d packed point-days summarised by hour, %d left", fr.Days, fr.Remaining)
	}
	return msg, nil
}

// repackBudget is the compaction job's time for RepackRaw a night: about
// 25,000 terminal-days on a loaded 2-core machine, so a district-year from
// before format 3 is rewritten in about two weeks.
const repackBudget = 15 * time.Minute

// purgeJob deletes the raw packets older than the retention, except those
// pinned as evidence of an alarm.
func (m *Main) purgeJob(ctx context.Context, at time.Time) (string, error) {
	years := m.Config.Maintenance.RawYears
	if years <= 0 {
		return "raw packets kept for good (keep_raw_years 0)", nil
	}
	before := store.Day.Start(at).AddDate(-years, 0, 0)
	days, packets, err := m.DB.PurgeRaw(ctx, before)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("before %s: %d day blobs, %d live packets", before.Format(time.DateOnly), days, packets), nil
}

func (m *Main) createTasks(ctx context.Context, what string, ts []store.Task) (string, error) {
	n, err := m.DB.CreateTasks(ctx, maintenance.Who, ts)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %d 项 listed, %d 个新任务 new tasks", what, len(ts), n), nil
}

func (m *Main) communicationJob(ctx context.Context, at time.Time) (string, error) {
	silence := time.Duration(m.Config.Maintenance.Silence)
	list, err := maintenance.SilentTerminals(ctx, m.DB, time.Now(), silence)
	if err != nil {
		return "", err
	}
	return m.createTasks(ctx, "未通讯终端 silent terminals", maintenance.CommunicationTasks(at, at.AddDate(0, 0, 7), list))
}

func (m *Main) transmissionJob(ctx context.Context, at time.Time) (string, error) {
	month := store.Month.Add(store.Month.Start(at), -1)
	list, err := maintenance.LowTransmission(ctx, m.DB, month, maintenance.MonthlyLimit)
	if err != nil {
		return "", err
	}
	return m.createTasks(ctx, month.Format("2006-01")+" 传输率 < 90 % points", maintenance.TransmissionTasks(list, at.AddDate(0, 0, 14)))
}

func (m *Main) plausibilityJob(ctx context.Context, at time.Time) (string, error) {
	from, to := maintenance.QuarterBefore(at)
	// Seeded by the quarter, so a run repeated for the same quarter draws the same sample.
	rnd := rand.New(rand.NewPCG(uint64(from.Unix()), 212))
	list, err := maintenance.Plausibility(ctx, m.DB, rnd, m.Config.Maintenance.SampleSize, from, to)
	if err != nil {
		return "", err
	}
	return m.createTasks(ctx, "抽查企业 sampled enterprises", maintenance.PlausibilityTasks(from, at.AddDate(0, 1, 0), list))
}

func (m *Main) inspectionJob(ctx context.Context, at time.Time) (string, error) {
	reg, err := m.DB.LoadRegistry(ctx)
	if err != nil {
		return "", err
	}
	plan := maintenance.InspectionPlan(reg)
	return m.createTasks(ctx, "巡检企业 enterprises to visit", maintenance.InspectionTasks(at, at.AddDate(0, 6, 0).AddDate(0, 0, -1), plan))
}

// validateSchedule checks the maintenance settings Validate cannot see in the types.
func (c Config) validateMaintenance() error {
	m := c.Maintenance
	if m.KeepDaily < 0 || m.KeepWeekly < 0 || m.KeepMonthly < 0 || m.SampleSize < 0 || m.RawYears < 0 {
		return errors.New("maintenance: keep_daily, keep_weekly, keep_monthly, sample_size and keep_raw_years may not be negative")
	}
	if _, err := cronParser.Parse(m.Compact); err != nil {
		return fmt.Errorf("maintenance: compact %q: %w", m.Compact, err)
	}
	if m.KeepDaily+m.KeepWeekly+m.KeepMonthly == 0 {
		return errors.New("maintenance: keep_daily, keep_weekly and keep_monthly are all 0: every backup would be deleted")
	}
	return nil
}
