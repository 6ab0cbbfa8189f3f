-- 0016: when the receiving service ran. A terminal is offline only while
-- someone was listening: the time the service was stopped (an office PC
-- switched off overnight) is not the terminal's fault, and offline alarms
-- must not count it (issue 14, device alarms tell the truth).
CREATE TABLE service_runs (
	id         INTEGER PRIMARY KEY,
	started_at INTEGER NOT NULL, -- Unix ms
	alive_at   INTEGER NOT NULL  -- Unix ms of the last heartbeat
);
CREATE INDEX service_runs_alive ON service_runs(alive_at);
