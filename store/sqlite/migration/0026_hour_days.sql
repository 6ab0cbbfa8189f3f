-- 0026: a small summary of the hours of packed days (issue 18). Since 0022
-- their agg_hour rows are dropped and folded back from the series on demand,
-- about 0.2 ms a point-day: the episode board's baselines and 总览's
-- comparison read weeks of every ordered point and took seconds. A row keeps,
-- per point and packed Beijing day, each hour's energy (the hour row's exact
-- REAL) and received and expected slots, about 200 bytes (see hour_days.go).
-- Keyed by point first, as series_days: a baseline reads weeks of one point
-- in one range.
CREATE TABLE hour_days (
	point_id INTEGER NOT NULL,
	day      INTEGER NOT NULL,
	hours    BLOB NOT NULL,
	PRIMARY KEY (point_id, day)
) WITHOUT ROWID;
