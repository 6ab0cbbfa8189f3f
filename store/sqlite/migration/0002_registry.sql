-- 0002: the registry (一企一档): regions, industries, enterprises and their files,
-- facilities and the 产治排 links, terminals and monitoring points, thresholds,
-- control orders, 报备 filings, and the append-only audit log.
-- Times are INTEGER UTC Unix milliseconds, 0 when unknown. Text columns are
-- NOT NULL DEFAULT '' so that Go never has to scan NULL strings.
-- Deleting a row that readings or alarms still refer to is refused (no cascade
-- from enterprises or facilities): evidence is never dropped by a registry edit.

CREATE TABLE regions (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL CHECK (name <> ''),
	parent_id INTEGER REFERENCES regions(id) -- NULL for a district
);
CREATE UNIQUE INDEX regions_name ON regions(name, coalesce(parent_id, 0));

CREATE TABLE industries (
	id   INTEGER PRIMARY KEY,
	code TEXT NOT NULL DEFAULT '', -- national classification, e.g. 2511
	name TEXT NOT NULL UNIQUE CHECK (name <> '')
);
CREATE UNIQUE INDEX industries_code ON industries(code) WHERE code <> '';

CREATE TABLE enterprises (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE CHECK (name <> ''),
	uscc           TEXT NOT NULL DEFAULT '', -- 统一社会信用代码
	region_id      INTEGER REFERENCES regions(id),
	industry_id    INTEGER REFERENCES industries(id),
	address        TEXT NOT NULL DEFAULT '',
	longitude      REAL NOT NULL DEFAULT 0,
	latitude       REAL NOT NULL DEFAULT 0,
	contact        TEXT NOT NULL DEFAULT '',
	phone          TEXT NOT NULL DEFAULT '',
	grade          TEXT NOT NULL DEFAULT '', -- 绩效分级
	emergency_plan TEXT NOT NULL DEFAULT '', -- 一厂一策
	created_at     INTEGER NOT NULL DEFAULT 0,
	updated_at     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX enterprises_uscc ON enterprises(uscc) WHERE uscc <> '';
CREATE INDEX enterprises_region ON enterprises(region_id);
CREATE INDEX enterprises_industry ON enterprises(industry_id);

CREATE TABLE attachments (
	id            INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
	name          TEXT NOT NULL DEFAULT '',
	kind          TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('photo', 'wiring', 'report', 'other')),
	path          TEXT NOT NULL CHECK (path <> ''), -- relative to the attachments folder
	added_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_enterprise ON attachments(enterprise_id);

CREATE TABLE facilities (
	id            INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
	name          TEXT NOT NULL CHECK (name <> ''),
	kind          TEXT NOT NULL CHECK (kind IN ('production', 'treatment', 'integrated', 'total', 'indirect')),
	rated_kw      REAL NOT NULL DEFAULT 0 CHECK (rated_kw >= 0),
	process       TEXT NOT NULL DEFAULT '',
	pollutants    TEXT NOT NULL DEFAULT '',
	outlet        TEXT NOT NULL DEFAULT '', -- 排口: the treatment → outlet end of 产治排
	UNIQUE (enterprise_id, name)
);

-- production → treatment. Links of one production with the same non-empty grp
-- form an N-of-M group satisfied when `need` of them run.
CREATE TABLE links (
	id            INTEGER PRIMARY KEY,
	production_id INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
	treatment_id  INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
	role          TEXT NOT NULL DEFAULT 'active' CHECK (role IN ('active', 'standby')),
	grp           TEXT NOT NULL DEFAULT '',
	need          INTEGER NOT NULL DEFAULT 0 CHECK (need >= 0),
	UNIQUE (production_id, treatment_id),
	CHECK (production_id <> treatment_id)
);
CREATE INDEX links_treatment ON links(treatment_id);

CREATE TABLE terminals (
	id             INTEGER PRIMARY KEY,
	mn             TEXT NOT NULL UNIQUE CHECK (mn <> ''), -- keyed by the raw string as sent
	password       TEXT NOT NULL DEFAULT '',
	sm4_key        TEXT NOT NULL DEFAULT '',
	enterprise_id  INTEGER REFERENCES enterprises(id),
	protocol       TEXT NOT NULL DEFAULT '', -- 2005, 2017, 2025 as last seen
	rtd_interval_s INTEGER NOT NULL DEFAULT 0,
	min_interval_s INTEGER NOT NULL DEFAULT 0,
	installed_at   INTEGER NOT NULL DEFAULT 0,
	firmware       TEXT NOT NULL DEFAULT '',
	last_seen      INTEGER NOT NULL DEFAULT 0,
	remote_addr    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX terminals_enterprise ON terminals(enterprise_id);

CREATE TABLE points (
	id            INTEGER PRIMARY KEY,
	terminal_id   INTEGER NOT NULL REFERENCES terminals(id),
	facility_id   INTEGER NOT NULL REFERENCES facilities(id),
	name          TEXT NOT NULL DEFAULT '',
	power_code    TEXT NOT NULL DEFAULT '',
	current_code  TEXT NOT NULL DEFAULT '',
	voltage_code  TEXT NOT NULL DEFAULT '',
	energy_code   TEXT NOT NULL DEFAULT '',
	pf_code       TEXT NOT NULL DEFAULT '',
	state_code    TEXT NOT NULL DEFAULT '',
	ct_ratio      REAL NOT NULL DEFAULT 1 CHECK (ct_ratio > 0)
);
CREATE INDEX points_terminal ON points(terminal_id);
CREATE INDEX points_facility ON points(facility_id);

-- point_codes makes a factor code unique per terminal across all of a point's
-- code columns (power, current, … of every point of the terminal), and maps an
-- incoming (terminal, code) to its point. Maintained only by the triggers below.
CREATE TABLE point_codes (
	terminal_id INTEGER NOT NULL,
	code        TEXT NOT NULL,
	point_id    INTEGER NOT NULL REFERENCES points(id) ON DELETE CASCADE,
	PRIMARY KEY (terminal_id, code)
) WITHOUT ROWID;
CREATE INDEX point_codes_point ON point_codes(point_id);

CREATE TRIGGER points_codes_insert AFTER INSERT ON points BEGIN
	INSERT INTO point_codes(terminal_id, code, point_id)
	SELECT NEW.terminal_id, c, NEW.id FROM (
		SELECT NEW.power_code AS c UNION ALL SELECT NEW.current_code UNION ALL
		SELECT NEW.voltage_code UNION ALL SELECT NEW.energy_code UNION ALL
		SELECT NEW.pf_code UNION ALL SELECT NEW.state_code)
	WHERE c <> '';
END;

CREATE TRIGGER points_codes_update AFTER UPDATE ON points BEGIN
	DELETE FROM point_codes WHERE point_id = OLD.id;
	INSERT INTO point_codes(terminal_id, code, point_id)
	SELECT NEW.terminal_id, c, NEW.id FROM (
		SELECT NEW.power_code AS c UNION ALL SELECT NEW.current_code UNION ALL
		SELECT NEW.voltage_code UNION ALL SELECT NEW.energy_code UNION ALL
		SELECT NEW.pf_code UNION ALL SELECT NEW.state_code)
	WHERE c <> '';
END;

-- A threshold is in force from effective_from until the next one of the same
-- facility; old rows stay so that old alarms are explained with their values.
CREATE TABLE thresholds (
	id             INTEGER PRIMARY KEY,
	facility_id    INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
	basis          TEXT NOT NULL DEFAULT 'power' CHECK (basis IN ('power', 'current')),
	stop           REAL NOT NULL CHECK (stop >= 0),
	run            REAL NOT NULL,
	min_persist_s  INTEGER NOT NULL DEFAULT 0 CHECK (min_persist_s >= 0),
	effective_from INTEGER NOT NULL,
	derived        INTEGER NOT NULL DEFAULT 0 CHECK (derived IN (0, 1)), -- 1: computed from rated power
	note           TEXT NOT NULL DEFAULT '',
	CHECK (run >= stop),
	UNIQUE (facility_id, effective_from)
);

CREATE TABLE orders (
	id            INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
	kind          TEXT NOT NULL CHECK (kind IN ('shutdown', 'cut')),
	cut_percent   REAL NOT NULL DEFAULT 0 CHECK (cut_percent >= 0 AND cut_percent <= 100),
	level         TEXT NOT NULL DEFAULT '' CHECK (level IN ('', 'yellow', 'orange', 'red')),
	start_at      INTEGER NOT NULL,
	end_at        INTEGER NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	CHECK (end_at > start_at)
);
CREATE INDEX orders_enterprise ON orders(enterprise_id);
CREATE INDEX orders_period ON orders(end_at, start_at);

CREATE TABLE order_facilities (
	order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
	facility_id INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
	PRIMARY KEY (order_id, facility_id)
) WITHOUT ROWID;
CREATE INDEX order_facilities_facility ON order_facilities(facility_id);

CREATE TABLE filings (
	id            INTEGER PRIMARY KEY,
	enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
	kind          TEXT NOT NULL CHECK (kind IN ('planned_stop', 'renovation', 'power_cut', 'other')),
	start_at      INTEGER NOT NULL,
	end_at        INTEGER NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	CHECK (end_at > start_at)
);
CREATE INDEX filings_enterprise ON filings(enterprise_id);
CREATE INDEX filings_period ON filings(end_at, start_at);

CREATE TABLE filing_facilities (
	filing_id   INTEGER NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
	facility_id INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
	PRIMARY KEY (filing_id, facility_id)
) WITHOUT ROWID;
CREATE INDEX filing_facilities_facility ON filing_facilities(facility_id);

-- Every change an operator makes, written in the same transaction as the change.
-- Append-only: the triggers refuse to change or remove a row.
CREATE TABLE audit_log (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	who       TEXT NOT NULL CHECK (who <> ''),
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id INTEGER NOT NULL DEFAULT 0,
	before    TEXT NOT NULL DEFAULT '', -- JSON, empty for create
	after     TEXT NOT NULL DEFAULT ''  -- JSON, empty for delete
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
