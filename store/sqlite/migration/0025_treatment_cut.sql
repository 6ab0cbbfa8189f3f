-- 0025 (issue 14): treatment_cut (治污设施断电后失联嫌疑), a treatment unit
-- that went silent right after its supply was seen cut while production ran,
-- joins the CHECK of alarms.type. As in 0010 the table is rebuilt in place
-- (same columns, ids, indexes and triggers) with foreign keys deferred, so
-- the reviews that refer to the alarms stay valid. Dropping the old table
-- deletes its rows first, which cascades to alarm_revisions (0014): those
-- rows are kept aside and put back.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE alarms_0025 AS SELECT * FROM alarms;
CREATE TABLE alarm_revisions_0025 AS SELECT * FROM alarm_revisions;
DROP TABLE alarms;
CREATE TABLE alarms (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL CHECK (type IN ('treatment_off', 'shutdown_ignored', 'cut_ignored', 'offline',
	                  'low_transmission', 'bad_values', 'counter_reset', 'power_mismatch', 'clock_drift', 'submeter_excess',
	                  'order_unjudged', 'treatment_unknown', 'treatment_cycling',
	                  'night_undertreatment', 'treatment_cut')),
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
	trial         INTEGER NOT NULL DEFAULT 0 CHECK (trial IN (0, 1)),
	CHECK (end_at = 0 OR end_at >= start_at)
);
INSERT INTO alarms SELECT * FROM alarms_0025;
DROP TABLE alarms_0025;
INSERT INTO alarm_revisions SELECT * FROM alarm_revisions_0025;
DROP TABLE alarm_revisions_0025;
CREATE INDEX alarms_start ON alarms(start_at);
CREATE INDEX alarms_enterprise ON alarms(enterprise_id, start_at);
CREATE INDEX alarms_open ON alarms(status) WHERE status = 'open';
CREATE INDEX alarms_production ON alarms(production_id);
CREATE INDEX alarms_treatment ON alarms(treatment_id);
CREATE INDEX alarms_point ON alarms(point_id);
CREATE INDEX alarms_terminal ON alarms(terminal_id);
CREATE INDEX alarms_order ON alarms(order_id);
CREATE INDEX alarms_filing ON alarms(filing_id);
CREATE TRIGGER uplink_alarms_insert AFTER INSERT ON alarms BEGIN
	DELETE FROM uplink_changes WHERE entity = 'alarm' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('alarm', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_alarms_update AFTER UPDATE ON alarms BEGIN
	DELETE FROM uplink_changes WHERE entity = 'alarm' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('alarm', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_alarms_delete AFTER DELETE ON alarms BEGIN
	DELETE FROM uplink_changes WHERE entity = 'alarm' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('alarm', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
