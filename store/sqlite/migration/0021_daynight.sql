-- 0021: day and night consumption per point and Beijing day and month, for
-- 统计's 昼夜对比 and `export stats --daynight` (issue 18: every view under
-- 300 ms on a district-year; summing a year of agg_hour took seconds).
-- Day is 08:00–20:00 Beijing (store.DayFrom, store.DayTo).
--
-- The rows follow the aggregate roll-up chain: whenever a point's agg_day row
-- is written (rolled from its agg_hour rows) its daynight_day row is summed
-- from the same hours, and whenever an agg_month row is written (rolled from
-- agg_day, after the days) its daynight_month row is summed from daynight_day.
-- Triggers do it, so every path that rolls aggregates keeps them true.
CREATE TABLE daynight_day (
	point_id  INTEGER NOT NULL,
	start     INTEGER NOT NULL, -- Beijing day start, Unix ms (as agg_day)
	day_kwh   REAL NOT NULL,
	night_kwh REAL NOT NULL,
	PRIMARY KEY (point_id, start)
) WITHOUT ROWID;

CREATE TABLE daynight_month (
	point_id  INTEGER NOT NULL,
	start     INTEGER NOT NULL, -- Beijing month start, Unix ms (as agg_month)
	day_kwh   REAL NOT NULL,
	night_kwh REAL NOT NULL,
	PRIMARY KEY (point_id, start)
) WITHOUT ROWID;

-- A Beijing hour (agg_hour.start, Unix ms) is day when
-- (start / 3600000 + 8) % 24 is in [8, 20).
INSERT INTO daynight_day(point_id, start, day_kwh, night_kwh)
	SELECT d.point_id, d.start,
		total(CASE WHEN (h.start / 3600000 + 8) % 24 BETWEEN 8 AND 19 THEN h.energy END),
		total(CASE WHEN (h.start / 3600000 + 8) % 24 BETWEEN 8 AND 19 THEN NULL ELSE h.energy END)
	FROM agg_day d JOIN agg_hour h ON h.point_id = d.point_id AND h.start >= d.start AND h.start < d.start + 86400000
	GROUP BY d.point_id, d.start;

INSERT INTO daynight_month(point_id, start, day_kwh, night_kwh)
	SELECT m.point_id, m.start, total(d.day_kwh), total(d.night_kwh)
	FROM agg_month m JOIN daynight_day d ON d.point_id = m.point_id AND d.start >= m.start
		AND d.start < (strftime('%s', m.start / 1000, 'unixepoch', '+8 hours', '+1 month') - 28800) * 1000
	GROUP BY m.point_id, m.start;

CREATE TRIGGER daynight_day_insert AFTER INSERT ON agg_day BEGIN
	INSERT INTO daynight_day(point_id, start, day_kwh, night_kwh)
		SELECT NEW.point_id, NEW.start,
			total(CASE WHEN (start / 3600000 + 8) % 24 BETWEEN 8 AND 19 THEN energy END),
			total(CASE WHEN (start / 3600000 + 8) % 24 BETWEEN 8 AND 19 THEN NULL ELSE energy END)
		FROM agg_hour WHERE point_id = NEW.point_id AND start >= NEW.start AND start < NEW.start + 86400000
		ON CONFLICT (point_id, start) DO UPDATE SET day_kwh = excluded.day_kwh, night_kwh = excluded.night_kwh;
END;

CREATE TRIGGER daynight_day_update AFTER UPDATE ON agg_day BEGIN
	INSERT INTO daynight_day(point_id, start, day_kwh, night_kwh)
		SELECT NEW.point_id, NEW.start,
			total(CASE WHEN (start / 3600000 + 8) % 24 BETWEEN 8 AND 19 THEN energy END),
			total(CASE WHEN (start / 3600000 + 8) % 24 BETWEEN 8 AND 19 THEN NULL ELSE energy END)
		FROM agg_hour WHERE point_id = NEW.point_id AND start >= NEW.start AND start < NEW.start + 86400000
		ON CONFLICT (point_id, start) DO UPDATE SET day_kwh = excluded.day_kwh, night_kwh = excluded.night_kwh;
END;

CREATE TRIGGER daynight_day_delete AFTER DELETE ON agg_day BEGIN
	DELETE FROM daynight_day WHERE point_id = OLD.point_id AND start = OLD.start;
END;

CREATE TRIGGER daynight_month_insert AFTER INSERT ON agg_month BEGIN
	INSERT INTO daynight_month(point_id, start, day_kwh, night_kwh)
		SELECT NEW.point_id, NEW.start, total(day_kwh), total(night_kwh)
		FROM daynight_day WHERE point_id = NEW.point_id AND start >= NEW.start
			AND start < (strftime('%s', NEW.start / 1000, 'unixepoch', '+8 hours', '+1 month') - 28800) * 1000
		ON CONFLICT (point_id, start) DO UPDATE SET day_kwh = excluded.day_kwh, night_kwh = excluded.night_kwh;
END;

CREATE TRIGGER daynight_month_update AFTER UPDATE ON agg_month BEGIN
	INSERT INTO daynight_month(point_id, start, day_kwh, night_kwh)
		SELECT NEW.point_id, NEW.start, total(day_kwh), total(night_kwh)
		FROM daynight_day WHERE point_id = NEW.point_id AND start >= NEW.start
			AND start < (strftime('%s', NEW.start / 1000, 'unixepoch', '+8 hours', '+1 month') - 28800) * 1000
		ON CONFLICT (point_id, start) DO UPDATE SET day_kwh = excluded.day_kwh, night_kwh = excluded.night_kwh;
END;

CREATE TRIGGER daynight_month_delete AFTER DELETE ON agg_month BEGIN
	DELETE FROM daynight_month WHERE point_id = OLD.point_id AND start = OLD.start;
END;
