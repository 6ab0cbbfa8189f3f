-- 0027: each enterprise's daily total, kept by the database (issue 18: 统计
-- by day for all enterprises over a year read 730,000 agg_day rows, one per
-- point-day, and took over a second on a district-year; this is one row per
-- enterprise-day, about 180,000 a year).
--
-- A row is the sum of the agg_day rows of one Beijing day of the points that
-- belong to the enterprise now (point → facility → enterprise), and points is
-- how many rows were summed: Consumption reports a group's points as the
-- count of its point rows. Points without a registered facility are in no
-- row; Consumption adds their agg_day rows to group 0 (未登记) itself.
--
-- Triggers keep every row equal to a recomputation: whenever an agg_day row
-- is written or removed, or the registry moves a point between enterprises
-- (a point added, removed or given another facility; a facility added,
-- removed or given another enterprise), the enterprise-days concerned are
-- summed again from agg_day — not adjusted by the difference, whose rounding
-- would drift from the sum over the years of re-rolled days.
CREATE TABLE agg_ent_day (
	enterprise_id INTEGER NOT NULL,
	start         INTEGER NOT NULL, -- Beijing day start, Unix ms (as agg_day)
	energy        REAL NOT NULL,
	run_min       REAL NOT NULL,
	points        INTEGER NOT NULL, -- agg_day rows summed
	PRIMARY KEY (enterprise_id, start)
) WITHOUT ROWID;

INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
	SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
	FROM points p JOIN facilities f ON f.id = p.facility_id JOIN agg_day a ON a.point_id = p.id
	GROUP BY f.enterprise_id, a.start;

-- A point-day written: its enterprise's day summed again (a point of no
-- registered facility has no enterprise, and nothing is written). Rewriting
-- the same values, as RecomputeAggregates does for most rows, changes nothing.
CREATE TRIGGER agg_ent_day_insert AFTER INSERT ON agg_day BEGIN
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, NEW.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = NEW.start
		WHERE f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id)
		GROUP BY f.enterprise_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min, points = excluded.points;
END;

CREATE TRIGGER agg_ent_day_update AFTER UPDATE ON agg_day
	WHEN NEW.energy IS NOT OLD.energy OR NEW.run_min IS NOT OLD.run_min OR NEW.point_id IS NOT OLD.point_id OR NEW.start IS NOT OLD.start
BEGIN
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, NEW.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = NEW.start
		WHERE f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id)
		GROUP BY f.enterprise_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min, points = excluded.points;
END;

-- The old key's day of a row whose key changed, and a removed row's day:
-- summed again without it, the row dropped when no point is left.
CREATE TRIGGER agg_ent_day_rekey AFTER UPDATE OF point_id, start ON agg_day
	WHEN NEW.point_id IS NOT OLD.point_id OR NEW.start IS NOT OLD.start
BEGIN
	DELETE FROM agg_ent_day WHERE start = OLD.start
		AND enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id);
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, OLD.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = OLD.start
		WHERE f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id)
		GROUP BY f.enterprise_id;
END;

CREATE TRIGGER agg_ent_day_delete AFTER DELETE ON agg_day BEGIN
	DELETE FROM agg_ent_day WHERE start = OLD.start
		AND enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id);
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, OLD.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = OLD.start
		WHERE f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id)
		GROUP BY f.enterprise_id;
END;

-- Registry changes that move a point's rows from one enterprise to another
-- (or to or from 未登记): the days the point has rows on, of the enterprises
-- before and after, summed again from what is registered now. A point's
-- facility is NOT NULL and a facility's enterprise too, and foreign keys
-- refuse a dangling one, but a file edited with them off is summed as
-- Consumption groups it: a point whose facility is missing is 未登记.
CREATE TRIGGER agg_ent_day_point_insert AFTER INSERT ON points BEGIN
	DELETE FROM agg_ent_day
		WHERE enterprise_id = (SELECT enterprise_id FROM facilities WHERE id = NEW.facility_id)
		AND start IN (SELECT start FROM agg_day WHERE point_id = NEW.id);
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id
		WHERE f.enterprise_id = (SELECT enterprise_id FROM facilities WHERE id = NEW.facility_id)
			AND a.start IN (SELECT start FROM agg_day WHERE point_id = NEW.id)
		GROUP BY f.enterprise_id, a.start;
END;

CREATE TRIGGER agg_ent_day_point_delete AFTER DELETE ON points BEGIN
	DELETE FROM agg_ent_day
		WHERE enterprise_id = (SELECT enterprise_id FROM facilities WHERE id = OLD.facility_id)
		AND start IN (SELECT start FROM agg_day WHERE point_id = OLD.id);
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id
		WHERE f.enterprise_id = (SELECT enterprise_id FROM facilities WHERE id = OLD.facility_id)
			AND a.start IN (SELECT start FROM agg_day WHERE point_id = OLD.id)
		GROUP BY f.enterprise_id, a.start;
END;

CREATE TRIGGER agg_ent_day_point_move AFTER UPDATE OF id, facility_id ON points
	WHEN NEW.id IS NOT OLD.id
		OR (SELECT enterprise_id FROM facilities WHERE id = NEW.facility_id) IS NOT (SELECT enterprise_id FROM facilities WHERE id = OLD.facility_id)
BEGIN
	DELETE FROM agg_ent_day
		WHERE enterprise_id IN (SELECT enterprise_id FROM facilities WHERE id IN (OLD.facility_id, NEW.facility_id))
		AND start IN (SELECT start FROM agg_day WHERE point_id IN (OLD.id, NEW.id));
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id
		WHERE f.enterprise_id IN (SELECT enterprise_id FROM facilities WHERE id IN (OLD.facility_id, NEW.facility_id))
			AND a.start IN (SELECT start FROM agg_day WHERE point_id IN (OLD.id, NEW.id))
		GROUP BY f.enterprise_id, a.start;
END;

CREATE TRIGGER agg_ent_day_facility_insert AFTER INSERT ON facilities BEGIN
	DELETE FROM agg_ent_day
		WHERE enterprise_id = NEW.enterprise_id
		AND start IN (SELECT a.start FROM points p JOIN agg_day a ON a.point_id = p.id WHERE p.facility_id = NEW.id);
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id
		WHERE f.enterprise_id = NEW.enterprise_id
			AND a.start IN (SELECT a.start FROM points p JOIN agg_day a ON a.point_id = p.id WHERE p.facility_id = NEW.id)
		GROUP BY f.enterprise_id, a.start;
END;

CREATE TRIGGER agg_ent_day_facility_delete AFTER DELETE ON facilities BEGIN
	DELETE FROM agg_ent_day
		WHERE enterprise_id = OLD.enterprise_id
		AND start IN (SELECT a.start FROM points p JOIN agg_day a ON a.point_id = p.id WHERE p.facility_id = OLD.id);
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id
		WHERE f.enterprise_id = OLD.enterprise_id
			AND a.start IN (SELECT a.start FROM points p JOIN agg_day a ON a.point_id = p.id WHERE p.facility_id = OLD.id)
		GROUP BY f.enterprise_id, a.start;
END;

CREATE TRIGGER agg_ent_day_facility_move AFTER UPDATE OF id, enterprise_id ON facilities
	WHEN NEW.id IS NOT OLD.id OR NEW.enterprise_id IS NOT OLD.enterprise_id
BEGIN
	DELETE FROM agg_ent_day
		WHERE enterprise_id IN (OLD.enterprise_id, NEW.enterprise_id)
		AND start IN (SELECT a.start FROM points p JOIN agg_day a ON a.point_id = p.id WHERE p.facility_id IN (OLD.id, NEW.id));
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, a.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id
		WHERE f.enterprise_id IN (OLD.enterprise_id, NEW.enterprise_id)
			AND a.start IN (SELECT a.start FROM points p JOIN agg_day a ON a.point_id = p.id WHERE p.facility_id IN (OLD.id, NEW.id))
		GROUP BY f.enterprise_id, a.start;
END;
