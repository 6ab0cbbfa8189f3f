-- 0004: alarms, their reviews, and the versioned rule parameters.
-- An alarm is never deleted: one that later data disproves becomes 'withdrawn'.
-- References to facilities, points and terminals keep them from being deleted
-- while alarms name them; an order or filing may go, the alarm keeps its
-- evidence JSON (thresholds) and loses only the link.

CREATE TABLE rule_sets (
	version    INTEGER PRIMARY KEY,
	params     TEXT NOT NULL,            -- store.RuleSet as JSON
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL CHECK (created_by <> ''),
	note       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE alarms (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL CHECK (type IN ('treatment_off', 'shutdown_ignored', 'cut_ignored', 'offline',
	                  'low_transmission', 'bad_values', 'counter_reset', 'power_mismatch', 'clock_drift', 'submeter_excess')),
	grade         TEXT NOT NULL CHECK (grade IN ('minor', 'major', 'severe')),
	status        TEXT NOT NULL CHECK (status IN ('open', 'ended', 'withdrawn')),
	enterprise_id INTEGER REFERENCES enterprises(id),
	production_id INTEGER REFERENCES facilities(id),
	treatment_id  INTEGER REFERENCES facilities(id),
	point_id      INTEGER REFERENCES points(id),
	terminal_id   INTEGER REFERENCES terminals(id),
	order_id      INTEGER REFERENCES orders(id) ON DELETE SET NULL,
	filing_id     INTEGER REFERENCES filings(id) ON DELETE SET NULL,
	start_at      INTEGER NOT NULL,
	end_at        INTEGER NOT NULL DEFAULT 0, -- 0 while open
	rule_version  INTEGER NOT NULL DEFAULT 0,
	thresholds    TEXT NOT NULL DEFAULT '',   -- parameters and thresholds used, JSON
	detail        TEXT NOT NULL DEFAULT '',
	disposition   TEXT NOT NULL DEFAULT '' CHECK (disposition IN ('', 'confirmed', 'device_fault', 'circuit_fault',
	                  'filed', 'commissioning', 'false_threshold', 'other')),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	CHECK (end_at = 0 OR end_at >= start_at)
);
CREATE INDEX alarms_start ON alarms(start_at);
CREATE INDEX alarms_enterprise ON alarms(enterprise_id, start_at);
CREATE INDEX alarms_open ON alarms(status) WHERE status = 'open';
CREATE INDEX alarms_production ON alarms(production_id);
CREATE INDEX alarms_treatment ON alarms(treatment_id);
CREATE INDEX alarms_point ON alarms(point_id);
CREATE INDEX alarms_terminal ON alarms(terminal_id);
CREATE INDEX alarms_order ON alarms(order_id);
CREATE INDEX alarms_filing ON alarms(filing_id);

CREATE TABLE alarm_reviews (
	id          INTEGER PRIMARY KEY,
	alarm_id    INTEGER NOT NULL REFERENCES alarms(id),
	disposition TEXT NOT NULL CHECK (disposition IN ('confirmed', 'device_fault', 'circuit_fault',
	                'filed', 'commissioning', 'false_threshold', 'other')),
	note        TEXT NOT NULL DEFAULT '',
	reviewer    TEXT NOT NULL CHECK (reviewer <> ''),
	at          INTEGER NOT NULL
);
CREATE INDEX alarm_reviews_alarm ON alarm_reviews(alarm_id);
