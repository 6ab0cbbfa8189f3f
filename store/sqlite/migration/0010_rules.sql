-- 0010 (issue 14, alarm rules): the facilities an order exempts (一厂一策 lets
-- a kiln fan run for 保温 or cooling), and whether an officer confirmed what a
-- facility's treatment links mean. Links stored before this migration keep
-- their old meaning (several ungrouped units: any one suffices) until
-- confirmed; a registry import in the stage syntax confirms them.
CREATE TABLE order_exemptions (
	order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
	facility_id INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
	PRIMARY KEY (order_id, facility_id)
) WITHOUT ROWID;
CREATE INDEX order_exemptions_facility ON order_exemptions(facility_id);

ALTER TABLE facilities ADD COLUMN links_confirmed INTEGER NOT NULL DEFAULT 0;

-- Two alarm types join the CHECK of alarms.type: order_unjudged (an order the
-- rules cannot judge) and treatment_unknown (治污设施数据缺失). SQLite cannot
-- alter a CHECK, so the table is rebuilt in place, same columns, ids and
-- indexes. The rows go back into a table named alarms after the old one is
-- dropped, with foreign keys deferred, so the reviews that refer to them stay
-- valid (each re-inserted alarm settles the deferred count of its reviews).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE alarms_0010 AS SELECT * FROM alarms;
DROP TABLE alarms;
CREATE TABLE alarms (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL CHECK (type IN ('treatment_off', 'shutdown_ignored', 'cut_ignored', 'offline',
	                  'low_transmission', 'bad_values', 'counter_reset', 'power_mismatch', 'clock_drift', 'submeter_excess',
	                  'order_unjudged', 'treatment_unknown')),
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
INSERT INTO alarms SELECT * FROM alarms_0010;
DROP TABLE alarms_0010;
CREATE INDEX alarms_start ON alarms(start_at);
CREATE INDEX alarms_enterprise ON alarms(enterprise_id, start_at);
CREATE INDEX alarms_open ON alarms(status) WHERE status = 'open';
CREATE INDEX alarms_production ON alarms(production_id);
CREATE INDEX alarms_treatment ON alarms(treatment_id);
CREATE INDEX alarms_point ON alarms(point_id);
CREATE INDEX alarms_terminal ON alarms(terminal_id);
CREATE INDEX alarms_order ON alarms(order_id);
CREATE INDEX alarms_filing ON alarms(filing_id);
-- the uplink's change triggers (0007) went with the old table
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
