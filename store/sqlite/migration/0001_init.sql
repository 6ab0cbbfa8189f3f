-- 0001: settings shared by every part of the app (key/value, e.g. rule parameters,
-- last aggregation run). Later migrations add the registry, readings, alarms…
CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
