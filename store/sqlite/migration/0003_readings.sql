-- 0003: readings. Two tiers each for raw packets and the point series: a hot
-- table that live ingest appends to, and one compressed blob per terminal-day
-- (raw) or point-day (series) that Compact packs finished days into. Readers
-- look at both tiers. Days are Beijing days; day and hour keys are the UTC Unix
-- milliseconds of their start. No foreign keys to the registry: readings are
-- evidence and outlive registry edits, and the ingest path stays cheap.

-- Every packet as received. dt is DataTime, or the receive time when the
-- packet has none (has_dt = 0), so that (mn, st, cn, dt) identifies a packet.
CREATE TABLE raw_packets (
	mn          TEXT NOT NULL,
	st          TEXT NOT NULL,
	cn          TEXT NOT NULL,
	dt          INTEGER NOT NULL,
	has_dt      INTEGER NOT NULL,
	qn          TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	crc_ok      INTEGER NOT NULL,
	frame       BLOB NOT NULL,
	PRIMARY KEY (mn, st, cn, dt)
) WITHOUT ROWID;

-- One terminal-day of packets packed by Compact (see reading_codec.go), cut
-- into parts that each fit a page: a blob that overflows wastes most of its
-- last overflow page. n, the packet count, is on part 0. Rowid tables because
-- WITHOUT ROWID rows over ~1 KB spill to overflow pages.
CREATE TABLE raw_days (
	id   INTEGER PRIMARY KEY,
	mn   TEXT NOT NULL,
	day  INTEGER NOT NULL,
	part INTEGER NOT NULL,
	n    INTEGER NOT NULL,
	blob BLOB NOT NULL,
	UNIQUE (mn, day, part)
);

-- Evidence pins: raw packets of mn in [from_at, to_at) are never purged.
CREATE TABLE raw_keep (
	id      INTEGER PRIMARY KEY,
	mn      TEXT NOT NULL,
	from_at INTEGER NOT NULL,
	to_at   INTEGER NOT NULL,
	reason  TEXT NOT NULL DEFAULT '',
	UNIQUE (mn, from_at, to_at)
);

-- Last packet per terminal, for online status and last-seen.
CREATE TABLE raw_seen (
	mn            TEXT PRIMARY KEY,
	received_at   INTEGER NOT NULL,
	datatime      INTEGER NOT NULL,
	packets       INTEGER NOT NULL
);

-- The point series, hot tier. NULL is a quantity that was not sent.
CREATE TABLE samples (
	point_id INTEGER NOT NULL,
	at       INTEGER NOT NULL,
	p        REAL,
	i        REAL,
	u        REAL,
	e        REAL,
	pf       REAL,
	flags    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (point_id, at)
) WITHOUT ROWID;

-- One point-day of the series packed by Compact (see series_codec.go).
CREATE TABLE series_days (
	id       INTEGER PRIMARY KEY,
	point_id INTEGER NOT NULL,
	day      INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	blob     BLOB NOT NULL,
	UNIQUE (point_id, day)
);

-- Latest sample per point, for the realtime screen and in-order aggregation.
CREATE TABLE latest_samples (
	point_id INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	p        REAL,
	i        REAL,
	u        REAL,
	e        REAL,
	pf       REAL,
	flags    INTEGER NOT NULL DEFAULT 0
);

-- Hourly aggregates. last_* carry the state that lets in-order data be added
-- without rereading the hour; slot is the last slot index counted.
CREATE TABLE agg_hour (
	point_id INTEGER NOT NULL,
	start    INTEGER NOT NULL,
	energy   REAL NOT NULL,
	run_min  REAL NOT NULL,
	min_p    REAL,
	max_p    REAL,
	sum_p    REAL NOT NULL,
	n_p      INTEGER NOT NULL,
	received INTEGER NOT NULL,
	expected INTEGER NOT NULL,
	resets   INTEGER NOT NULL,
	last_at  INTEGER NOT NULL,
	last_e   REAL,
	last_p   REAL,
	PRIMARY KEY (point_id, start)
) WITHOUT ROWID;

-- Daily and monthly aggregates, sums of the finer table, so that consumption
-- over years is an index scan of a few thousand rows.
CREATE TABLE agg_day (
	point_id INTEGER NOT NULL,
	start    INTEGER NOT NULL,
	energy   REAL NOT NULL,
	run_min  REAL NOT NULL,
	min_p    REAL,
	max_p    REAL,
	sum_p    REAL NOT NULL,
	n_p      INTEGER NOT NULL,
	received INTEGER NOT NULL,
	expected INTEGER NOT NULL,
	resets   INTEGER NOT NULL,
	PRIMARY KEY (point_id, start)
) WITHOUT ROWID;

CREATE TABLE agg_month (
	point_id INTEGER NOT NULL,
	start    INTEGER NOT NULL,
	energy   REAL NOT NULL,
	run_min  REAL NOT NULL,
	min_p    REAL,
	max_p    REAL,
	sum_p    REAL NOT NULL,
	n_p      INTEGER NOT NULL,
	received INTEGER NOT NULL,
	expected INTEGER NOT NULL,
	resets   INTEGER NOT NULL,
	PRIMARY KEY (point_id, start)
) WITHOUT ROWID;

-- The uplink's durable queue.
CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY,
	target     TEXT NOT NULL,
	kind       TEXT NOT NULL,
	key        TEXT NOT NULL DEFAULT '',
	payload    BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at    INTEGER NOT NULL DEFAULT 0,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(target, id) WHERE sent_at = 0;
