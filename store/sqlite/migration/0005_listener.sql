-- 0005: what the HJ 212 listener keeps besides readings: terminal connection
-- state, terminal events, the quarantine of unregistered or unauthenticated
-- senders, and the log of commands sent to terminals.
-- Times are INTEGER UTC Unix milliseconds, 0 when unknown. Rows are keyed by the
-- raw MN string, not by terminals.id: a quarantined MN has no terminal row, and
-- events must survive a terminal's removal from the registry.

CREATE TABLE terminal_state (
	mn           TEXT PRIMARY KEY,
	online       INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
	last_seen    INTEGER NOT NULL DEFAULT 0,
	last_data    INTEGER NOT NULL DEFAULT 0,
	remote_addr  TEXT NOT NULL DEFAULT '',
	protocol     TEXT NOT NULL DEFAULT '',
	drift_ms     INTEGER NOT NULL DEFAULT 0,
	interval_s   INTEGER NOT NULL DEFAULT 0,
	connected_at INTEGER NOT NULL DEFAULT 0,
	outage_from  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE terminal_events (
	id     INTEGER PRIMARY KEY,
	mn     TEXT NOT NULL,
	kind   TEXT NOT NULL,
	at     INTEGER NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX terminal_events_mn ON terminal_events(mn, at);
CREATE INDEX terminal_events_at ON terminal_events(at);

-- One row per (MN, reason): count and first/last seen grow, sample is the last frame.
CREATE TABLE quarantine (
	mn          TEXT NOT NULL,
	reason      TEXT NOT NULL,
	remote_addr TEXT NOT NULL DEFAULT '',
	first_seen  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	count       INTEGER NOT NULL DEFAULT 0,
	sample      BLOB,
	PRIMARY KEY (mn, reason)
) WITHOUT ROWID;

CREATE TABLE commands (
	id         INTEGER PRIMARY KEY,
	mn         TEXT NOT NULL,
	cn         TEXT NOT NULL,
	st         TEXT NOT NULL DEFAULT '',
	qn         TEXT NOT NULL DEFAULT '',
	cp         TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'accepted', 'done', 'failed', 'canceled')),
	tries      INTEGER NOT NULL DEFAULT 0,
	qn_rtn     INTEGER NOT NULL DEFAULT 0,
	exe_rtn    INTEGER NOT NULL DEFAULT 0,
	result     TEXT NOT NULL DEFAULT '',
	packets    INTEGER NOT NULL DEFAULT 0,
	origin     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	sent_at    INTEGER NOT NULL DEFAULT 0,
	done_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX commands_mn ON commands(mn, id);
CREATE INDEX commands_open ON commands(status) WHERE status IN ('queued', 'sent', 'accepted');
