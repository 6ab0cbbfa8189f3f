package service

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/maintenance"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// memLog is the scheduler's history in memory, so that the cron runs inside a
// synctest bubble without a database.
type memLog struct {
	mu    sync.Mutex
	runs  []store.JobRun
	specs map[string]string
	since time.Time
}

func (l *memLog) StartJobRun(_ context.Context, r *store.JobRun) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r.ID = int64(len(l.runs) + 1)
	l.runs = append(l.runs, *r)
	return nil
}

func (l *memLog) FinishJobRun(_ context.Context, r *store.JobRun) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[r.ID-1] = *r
	return nil
}

func (l *memLog) LastJobRuns(context.Context) (map[string]store.JobRun, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]store.JobRun{}
	for _, r := range l.runs {
		if o, ok := out[r.Job]; !ok || !r.Scheduled.Before(o.Scheduled) {
			out[r.Job] = r
		}
	}
	return out, nil
}

func (l *memLog) JobSpecs(context.Context) (map[string]string, error) { return l.specs, nil }

func (l *memLog) MaintenanceSince(context.Context) (time.Time, error) { return l.since, nil }

func (l *memLog) of(job string) []store.JobRun {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.JobRun
	for _, r := range l.runs {
		if r.Job == job {
			out = append(out, r)
		}
	}
	return out
}

// defaultJobs are the default config's jobs with bodies that only succeed.
func defaultJobs(t *testing.T) []jobDef {
	m := NewMain()
	defs := m.jobs()
	for i := range defs {
		defs[i].run = func(context.Context, time.Time) (string, error) { return "ok", nil }
	}
	if len(defs) != 10 {
		t.Fatalf("jobs = %d; want 10", len(defs))
	}
	return defs
}

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, store.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

// The synctest bubble starts at 2000-01-01 00:00 UTC: Saturday 08:00 in Beijing.
func TestScheduleDefaultTimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		log := &memLog{since: start}
		c, err := newScheduler(t.Context(), log, slog.New(slog.DiscardHandler), defaultJobs(t))
		if err != nil {
			t.Fatal(err)
		}
		c.Start()
		time.Sleep(bj("2000-07-02 00:00").Sub(start))
		synctest.Wait()
		<-c.Stop().Done()

		want := map[string][]string{
			maintenance.JobCommunication: {"2000-01-03 08:30", "2000-01-10 08:30"}, // Mondays
			maintenance.JobTransmission:  {"2000-01-01 09:00", "2000-02-01 09:00"}, // the 1st
			maintenance.JobPlausibility:  {"2000-01-05 09:00", "2000-04-05 09:00"}, // 5 Jan/Apr/Jul/Oct
			maintenance.JobInspection:    {"2000-01-01 09:00", "2000-07-01 09:00"}, // 1 Jan/Jul
			maintenance.JobBackup:        {"2000-01-02 02:00", "2000-01-03 02:00"}, // nightly
			maintenance.JobAggregate:     {"2000-01-02 01:15", "2000-01-03 01:15"}, // nightly
			jobAlarmsNightly:             {"2000-01-02 06:30", "2000-01-03 06:30"}, // after the night
		}
		counts := map[string]int{
			maintenance.JobCommunication: 26, maintenance.JobTransmission: 7, maintenance.JobPlausibility: 2,
			maintenance.JobInspection: 2, maintenance.JobBackup: 182, maintenance.JobAggregate: 182,
			maintenance.JobCompact: 182, maintenance.JobPurge: 182, jobAlarmsNightly: 182,
		}
		for job, times := range want {
			runs := log.of(job)
			if len(runs) != counts[job] {
				t.Errorf("%s ran %d times; want %d", job, len(runs), counts[job])
			}
			for i, w := range times {
				if i >= len(runs) {
					break
				}
				r := runs[i]
				if !r.Scheduled.Equal(bj(w)) || !r.Started.Equal(bj(w)) || r.CatchUp || !r.OK || r.Result != "ok" || r.Finished.IsZero() {
					t.Errorf("%s run %d = %+v; want at %s Beijing, ok", job, i, r, w)
				}
			}
		}
	})
}

func TestScheduleCatchUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now() // Saturday 2000-01-01 08:00 Beijing
		log := &memLog{since: start.AddDate(0, -8, 0)}
		// The PC was off: the backup last ran three nights ago, the weekly
		// check four weeks ago, and the monthly list ran for 1 December as due.
		for _, r := range []store.JobRun{
			{Job: maintenance.JobBackup, Scheduled: bj("1999-12-29 02:00"), OK: true},
			{Job: maintenance.JobCommunication, Scheduled: bj("1999-12-06 08:30"), OK: true},
			{Job: maintenance.JobTransmission, Scheduled: bj("1999-12-01 09:00"), OK: true},
			{Job: maintenance.JobAggregate, Scheduled: bj("2000-01-01 01:15"), OK: true},
		} {
			log.StartJobRun(t.Context(), &r)
		}
		var mu sync.Mutex
		served := map[string][]time.Time{}
		defs := defaultJobs(t)
		for i := range defs {
			name := defs[i].name
			defs[i].run = func(_ context.Context, at time.Time) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				served[name] = append(served[name], at)
				if name == maintenance.JobInspection {
					return "", fmt.Errorf("disk full")
				}
				return "ok", nil
			}
		}
		c, err := newScheduler(t.Context(), log, slog.New(slog.DiscardHandler), defs)
		if err != nil {
			t.Fatal(err)
		}
		c.Start()
		time.Sleep(time.Minute) // before any regular activation
		synctest.Wait()

		mu.Lock()
		got := map[string][]time.Time{}
		for k, v := range served {
			got[k] = append([]time.Time(nil), v...)
		}
		mu.Unlock()
		want := map[string]time.Time{
			maintenance.JobBackup:        bj("2000-01-01 02:00"), // the newest missed night only
			maintenance.JobCommunication: bj("1999-12-27 08:30"),
			maintenance.JobPlausibility:  bj("1999-10-05 09:00"), // never ran; due since the history start
			maintenance.JobInspection:    bj("1999-07-01 09:00"),
		}
		for job, at := range want {
			if len(got[job]) != 1 || !got[job][0].Equal(at) {
				t.Errorf("%s caught up %v; want once for %s", job, got[job], at.Format(time.DateTime))
			}
			runs := log.of(job)
			last := runs[len(runs)-1]
			if !last.CatchUp || !last.Started.Equal(start) {
				t.Errorf("%s log = %+v; want a catch-up run at start", job, last)
			}
		}
		if r := log.of(maintenance.JobInspection); r[len(r)-1].OK || r[len(r)-1].Result != "disk full" {
			t.Errorf("failed run logged as %+v", r[len(r)-1])
		}
		for _, job := range []string{maintenance.JobTransmission, maintenance.JobAggregate} {
			if len(got[job]) != 0 {
				t.Errorf("%s ran %v; it was not missed", job, got[job])
			}
		}
		// The next regular activations follow as usual, without a second catch-up.
		time.Sleep(bj("2000-01-03 09:00").Sub(time.Now()))
		synctest.Wait()
		<-c.Stop().Done()
		if n := len(log.of(maintenance.JobCommunication)); n != 3 { // the old run, the catch-up, Monday's
			t.Errorf("communication runs = %d; want 3", n)
		}
		if n := len(log.of(maintenance.JobBackup)); n != 4 { // the old run, the catch-up, 2 and 3 January
			t.Errorf("backup runs = %d; want 4", n)
		}
	})
}

func TestScheduleSpecOverride(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		log := &memLog{since: start, specs: map[string]string{
			maintenance.JobBackup:    "0 23 * * *", // changed in the 运维 view
			maintenance.JobAggregate: "not a spec", // ignored: the config's stays
		}}
		c, err := newScheduler(t.Context(), log, slog.New(slog.DiscardHandler), defaultJobs(t))
		if err != nil {
			t.Fatal(err)
		}
		c.Start()
		time.Sleep(bj("2000-01-02 03:00").Sub(start))
		synctest.Wait()
		<-c.Stop().Done()
		if r := log.of(maintenance.JobBackup); len(r) != 1 || !r[0].Scheduled.Equal(bj("2000-01-01 23:00")) {
			t.Errorf("backup runs = %+v; want one at 23:00", r)
		}
		if r := log.of(maintenance.JobAggregate); len(r) != 1 || !r[0].Scheduled.Equal(bj("2000-01-02 01:15")) {
			t.Errorf("aggregate runs = %+v; want one at 01:15", r)
		}
	})
}

func TestScheduleBadSpec(t *testing.T) {
	defs := defaultJobs(t)
	defs[0].spec = "61 * * * *"
	_, err := newScheduler(t.Context(), &memLog{}, slog.New(slog.DiscardHandler), defs)
	if err == nil {
		t.Fatal("no error for minute 61")
	}
}

// TestJobBodies runs every job once against a real database, as the
// scheduler would at its activation, and checks the tasks and files they make.
func TestJobBodies(t *testing.T) {
	path := fixture.AlarmDB(t)
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := NewMain()
	m.DB, m.Config.DB = db, path
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, store.Beijing)
	for _, j := range m.jobs() {
		res, err := j.run(ctx, at)
		if err != nil {
			t.Errorf("%s: %v", j.name, err)
			continue
		}
		if res == "" {
			t.Errorf("%s: empty result", j.name)
		}
	}
	ts, err := db.FindTasks(ctx, store.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[store.TaskKind]int{}
	for _, x := range ts {
		kinds[x.Kind]++
	}
	// One terminal never heard from; both points far below 90 % in November;
	// the only enterprise sampled and to be inspected.
	want := map[store.TaskKind]int{store.TaskCommunication: 1, store.TaskTransmission: 2, store.TaskPlausibility: 1, store.TaskInspection: 1}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("tasks by kind = %v; want %v", kinds, want)
	}
	backups, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "backups", "powerwatch-*.db"))
	if len(backups) != 1 {
		t.Errorf("backups = %v", backups)
	}
}
