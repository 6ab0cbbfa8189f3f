package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

const jobRunCols = `id, job, scheduled, started, finished, ok, catch_up, result`

func scanJobRun(s scanner) (r store.JobRun, err error) {
	var sch, start, fin int64
	err = s.Scan(&r.ID, &r.Job, &sch, &start, &fin, &r.OK, &r.CatchUp, &r.Result)
	r.Scheduled, r.Started, r.Finished = fromMS(sch), fromMS(start), fromMS(fin)
	return r, err
}

// StartJobRun logs that job r.Job started and sets r.ID. It is written before
// the job's work, so a run cut short by a crash stays visible (unfinished).
func (db *DB) StartJobRun(ctx context.Context, r *store.JobRun) error {
	res, err := db.db.ExecContext(ctx, `INSERT INTO job_runs(job, scheduled, started, catch_up) VALUES (?, ?, ?, ?)`,
		r.Job, ms(r.Scheduled), ms(r.Started), r.CatchUp)
	if err != nil {
		return fmt.Errorf("log start of job %s: %w", r.Job, classify(err))
	}
	r.ID, _ = res.LastInsertId()
	return nil
}

// FinishJobRun records the end and result of run r.ID.
func (db *DB) FinishJobRun(ctx context.Context, r *store.JobRun) error {
	res, err := db.db.ExecContext(ctx, `UPDATE job_runs SET finished = ?, ok = ?, result = ? WHERE id = ?`,
		ms(r.Finished), r.OK, r.Result, r.ID)
	if err != nil {
		return fmt.Errorf("log end of job %s: %w", r.Job, classify(err))
	}
	return mustAffect(res, "job run", r.ID)
}

// LastJobRuns returns, per job, its run serving the latest activation (the
// latest started among those), finished or not.
func (db *DB) LastJobRuns(ctx context.Context) (map[string]store.JobRun, error) {
	rs, err := queryAll(ctx, db.db, scanJobRun, `SELECT `+jobRunCols+` FROM job_runs r
		WHERE id = (SELECT id FROM job_runs x WHERE x.job = r.job ORDER BY scheduled DESC, started DESC, id DESC LIMIT 1)`)
	if err != nil {
		return nil, fmt.Errorf("last job runs: %w", err)
	}
	out := make(map[string]store.JobRun, len(rs))
	for _, r := range rs {
		out[r.Job] = r
	}
	return out, nil
}

// JobRuns returns job's runs (every job's when job is empty), newest first.
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]store.JobRun, error) {
	q := `SELECT ` + jobRunCols + ` FROM job_runs WHERE ? = '' OR job = ? ORDER BY started DESC, id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rs, err := queryAll(ctx, db.db, scanJobRun, q, job, job)
	if err != nil {
		return nil, fmt.Errorf("job runs %s: %w", job, err)
	}
	return rs, nil
}

// JobSpecs returns the cron specs changed in the maintenance view, by job;
// they override the config file's.
func (db *DB) JobSpecs(ctx context.Context) (map[string]string, error) {
	type kv struct{ k, v string }
	rs, err := queryAll(ctx, db.db, func(s scanner) (kv, error) {
		var x kv
		return x, s.Scan(&x.k, &x.v)
	}, `SELECT job, spec FROM job_specs`)
	if err != nil {
		return nil, fmt.Errorf("job specs: %w", err)
	}
	out := make(map[string]string, len(rs))
	for _, x := range rs {
		out[x.k] = x.v
	}
	return out, nil
}

// SetJobSpec stores job's cron spec (checked by the caller, who knows the
// parser); an empty spec returns the job to the config file's.
func (db *DB) SetJobSpec(ctx context.Context, who, job, spec string) error {
	spec = strings.TrimSpace(spec)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var before string
		err := tx.QueryRowContext(ctx, `SELECT spec FROM job_specs WHERE job = ?`, job).Scan(&before)
		if err != nil && err != sql.ErrNoRows {
			return fmt.Errorf("set spec of job %s: %w", job, err)
		}
		if spec == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM job_specs WHERE job = ?`, job)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO job_specs(job, spec, updated_at) VALUES (?, ?, ?)
				ON CONFLICT(job) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at`,
				job, spec, ms(db.Now()))
		}
		if err != nil {
			return fmt.Errorf("set spec of job %s: %w", job, err)
		}
		return db.audit(ctx, tx, who, "update", "job_spec", 0, map[string]string{job: before}, map[string]string{job: spec})
	})
}

// MaintenanceSince is when this database got the maintenance tables
// (migration 0006): the scheduler's start of history for a job that has
// never run, so that a job due since then is caught up once.
func (db *DB) MaintenanceSince(ctx context.Context) (time.Time, error) {
	var at int64
	if err := db.db.QueryRowContext(ctx, `SELECT applied_at FROM schema_migrations WHERE version = 6`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("maintenance history start: %w", classify(err))
	}
	return fromMS(at), nil
}
