-- 0007: the uplink to the city platform.
--
-- uplink_changes is the shared-data export's change log: one row per exported
-- entity that changed, kept up to date by the triggers below. Each change
-- deletes the entity's old row and inserts a new one, so seq (AUTOINCREMENT:
-- never reused) is the time order of last changes and the table holds at most
-- one row per entity. An exporter remembers the last seq it delivered
-- (uplink_cursors) and asks for what came after: incremental, resumable, and
-- independent of whether a table has an updated_at column. A deleted entity
-- keeps its row; the reader finds the entity gone and exports a deletion.
-- The trigger's statements carry no conflict clause of their own on purpose:
-- an outer INSERT OR IGNORE would override it (SQLite "CREATE TRIGGER").

CREATE TABLE uplink_changes (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	entity    TEXT NOT NULL,
	entity_id INTEGER NOT NULL,
	at        INTEGER NOT NULL, -- UTC Unix milliseconds of the change
	UNIQUE (entity, entity_id)
);

-- One row per export target (URL or folder): the last seq delivered, and the
-- outcome of the last attempt, for the status panel.
CREATE TABLE uplink_cursors (
	target        TEXT PRIMARY KEY,
	seq           INTEGER NOT NULL DEFAULT 0,
	last_ok_at    INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	last_error_at INTEGER NOT NULL DEFAULT 0,
	sent          INTEGER NOT NULL DEFAULT 0 -- records delivered so far
);

CREATE TRIGGER uplink_enterprises_insert AFTER INSERT ON enterprises BEGIN
	DELETE FROM uplink_changes WHERE entity = 'enterprise' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('enterprise', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_enterprises_update AFTER UPDATE ON enterprises BEGIN
	DELETE FROM uplink_changes WHERE entity = 'enterprise' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('enterprise', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_enterprises_delete AFTER DELETE ON enterprises BEGIN
	DELETE FROM uplink_changes WHERE entity = 'enterprise' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('enterprise', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_facilities_insert AFTER INSERT ON facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'facility' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('facility', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_facilities_update AFTER UPDATE ON facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'facility' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('facility', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_facilities_delete AFTER DELETE ON facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'facility' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('facility', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_links_insert AFTER INSERT ON links BEGIN
	DELETE FROM uplink_changes WHERE entity = 'relation' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('relation', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_links_update AFTER UPDATE ON links BEGIN
	DELETE FROM uplink_changes WHERE entity = 'relation' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('relation', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_links_delete AFTER DELETE ON links BEGIN
	DELETE FROM uplink_changes WHERE entity = 'relation' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('relation', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_terminals_insert AFTER INSERT ON terminals BEGIN
	DELETE FROM uplink_changes WHERE entity = 'terminal' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('terminal', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_terminals_update AFTER UPDATE OF mn, enterprise_id, rtd_interval_s, min_interval_s, installed_at, firmware ON terminals BEGIN
	DELETE FROM uplink_changes WHERE entity = 'terminal' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('terminal', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_terminals_delete AFTER DELETE ON terminals BEGIN
	DELETE FROM uplink_changes WHERE entity = 'terminal' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('terminal', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_points_insert AFTER INSERT ON points BEGIN
	DELETE FROM uplink_changes WHERE entity = 'point' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('point', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_points_update AFTER UPDATE ON points BEGIN
	DELETE FROM uplink_changes WHERE entity = 'point' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('point', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_points_delete AFTER DELETE ON points BEGIN
	DELETE FROM uplink_changes WHERE entity = 'point' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('point', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_thresholds_insert AFTER INSERT ON thresholds BEGIN
	DELETE FROM uplink_changes WHERE entity = 'threshold' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('threshold', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_thresholds_update AFTER UPDATE ON thresholds BEGIN
	DELETE FROM uplink_changes WHERE entity = 'threshold' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('threshold', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_thresholds_delete AFTER DELETE ON thresholds BEGIN
	DELETE FROM uplink_changes WHERE entity = 'threshold' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('threshold', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_orders_insert AFTER INSERT ON orders BEGIN
	DELETE FROM uplink_changes WHERE entity = 'order' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('order', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_orders_update AFTER UPDATE ON orders BEGIN
	DELETE FROM uplink_changes WHERE entity = 'order' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('order', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_orders_delete AFTER DELETE ON orders BEGIN
	DELETE FROM uplink_changes WHERE entity = 'order' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('order', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_order_facilities_insert AFTER INSERT ON order_facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'order' AND entity_id = NEW.order_id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('order', NEW.order_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_order_facilities_update AFTER UPDATE ON order_facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'order' AND entity_id = NEW.order_id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('order', NEW.order_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_order_facilities_delete AFTER DELETE ON order_facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'order' AND entity_id = OLD.order_id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('order', OLD.order_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_filings_insert AFTER INSERT ON filings BEGIN
	DELETE FROM uplink_changes WHERE entity = 'filing' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('filing', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_filings_update AFTER UPDATE ON filings BEGIN
	DELETE FROM uplink_changes WHERE entity = 'filing' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('filing', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_filings_delete AFTER DELETE ON filings BEGIN
	DELETE FROM uplink_changes WHERE entity = 'filing' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('filing', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_filing_facilities_insert AFTER INSERT ON filing_facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'filing' AND entity_id = NEW.filing_id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('filing', NEW.filing_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_filing_facilities_update AFTER UPDATE ON filing_facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'filing' AND entity_id = NEW.filing_id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('filing', NEW.filing_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_filing_facilities_delete AFTER DELETE ON filing_facilities BEGIN
	DELETE FROM uplink_changes WHERE entity = 'filing' AND entity_id = OLD.filing_id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('filing', OLD.filing_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
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
CREATE TRIGGER uplink_alarm_reviews_insert AFTER INSERT ON alarm_reviews BEGIN
	DELETE FROM uplink_changes WHERE entity = 'alarm_review' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('alarm_review', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_alarm_reviews_update AFTER UPDATE ON alarm_reviews BEGIN
	DELETE FROM uplink_changes WHERE entity = 'alarm_review' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('alarm_review', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_alarm_reviews_delete AFTER DELETE ON alarm_reviews BEGIN
	DELETE FROM uplink_changes WHERE entity = 'alarm_review' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('alarm_review', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_maintenance_records_insert AFTER INSERT ON maintenance_records BEGIN
	DELETE FROM uplink_changes WHERE entity = 'maintenance_record' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('maintenance_record', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_maintenance_records_update AFTER UPDATE ON maintenance_records BEGIN
	DELETE FROM uplink_changes WHERE entity = 'maintenance_record' AND entity_id = NEW.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('maintenance_record', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER uplink_maintenance_records_delete AFTER DELETE ON maintenance_records BEGIN
	DELETE FROM uplink_changes WHERE entity = 'maintenance_record' AND entity_id = OLD.id;
	INSERT INTO uplink_changes(entity, entity_id, at) VALUES ('maintenance_record', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- Everything that exists when this migration runs is exported once.
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'enterprise', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM enterprises ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'facility', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM facilities ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'relation', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM links ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'terminal', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM terminals ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'point', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM points ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'threshold', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM thresholds ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'order', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM orders ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'filing', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM filings ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'alarm', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM alarms ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'alarm_review', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM alarm_reviews ORDER BY id;
INSERT INTO uplink_changes(entity, entity_id, at) SELECT 'maintenance_record', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM maintenance_records ORDER BY id;
