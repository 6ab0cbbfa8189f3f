-- 0006: maintenance (guideline §6.10): tasks made by the scheduled jobs or by
-- hand, the records that close them, the log of every job run, and the job
-- specs changed in the 运维 view (they override the config file's).
-- Times are INTEGER UTC Unix milliseconds, 0 when unknown. Enterprise, terminal
-- and point ids are plain integers (0 = none), not foreign keys: a record must
-- outlive a point removed from the registry.

CREATE TABLE tasks (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL,
	key           TEXT NOT NULL UNIQUE,
	enterprise_id INTEGER NOT NULL DEFAULT 0,
	terminal_id   INTEGER NOT NULL DEFAULT 0,
	point_id      INTEGER NOT NULL DEFAULT 0,
	reason        TEXT NOT NULL DEFAULT '',
	detail        TEXT NOT NULL DEFAULT '',
	due           INTEGER NOT NULL DEFAULT 0,
	assignee      TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	job           TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	closed_at     INTEGER NOT NULL DEFAULT 0,
	record_id     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_status_due ON tasks(status, due);
CREATE INDEX tasks_enterprise ON tasks(enterprise_id);

CREATE TABLE maintenance_records (
	id            INTEGER PRIMARY KEY,
	task_id       INTEGER NOT NULL DEFAULT 0,
	kind          TEXT NOT NULL DEFAULT '',
	date          INTEGER NOT NULL,
	people        TEXT NOT NULL,
	enterprise_id INTEGER NOT NULL DEFAULT 0,
	point_id      INTEGER NOT NULL DEFAULT 0,
	checks        TEXT NOT NULL DEFAULT '[]', -- JSON [{Item, Result, Note}]
	onoff         TEXT NOT NULL DEFAULT '[]', -- JSON [{FacilityID, Facility, Off, On, Note}]
	problems      TEXT NOT NULL DEFAULT '',
	actions       TEXT NOT NULL DEFAULT '',
	photos        TEXT NOT NULL DEFAULT '[]', -- JSON [path relative to files/]
	signed_by     TEXT NOT NULL DEFAULT '',
	signed_at     INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);
CREATE INDEX maintenance_records_enterprise ON maintenance_records(enterprise_id, date);
CREATE INDEX maintenance_records_task ON maintenance_records(task_id);

CREATE TABLE job_runs (
	id        INTEGER PRIMARY KEY,
	job       TEXT NOT NULL,
	scheduled INTEGER NOT NULL,
	started   INTEGER NOT NULL,
	finished  INTEGER NOT NULL DEFAULT 0,
	ok        INTEGER NOT NULL DEFAULT 0 CHECK (ok IN (0, 1)),
	catch_up  INTEGER NOT NULL DEFAULT 0 CHECK (catch_up IN (0, 1)),
	result    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs(job, scheduled);

CREATE TABLE job_specs (
	job        TEXT PRIMARY KEY,
	spec       TEXT NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
