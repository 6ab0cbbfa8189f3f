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
-- Triggers keep the rows. A written agg_day row adds to its enterprise's
-- day what it changed — one row touched, whatever the enterprise's size:
-- summing the enterprise's points again on every roll-up cost the ingest of
-- a 1,000-point enterprise half its speed. The differences leave rounding
-- in the last bits (well under 1e-12 of the total); a total that falls to
-- within rounding of zero, where that would show, is summed again from
-- agg_day, and a row whose points all went is removed. A registry change
-- that moves points between enterprises (a point added, removed or given
-- another facility; a facility added, removed or given another enterprise)
-- sums the enterprise-days concerned again from agg_day.
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

-- A point-day inserted: added to its enterprise's day (a point of no
-- registered facility has no enterprise, and nothing is written).
CREATE TRIGGER agg_ent_day_insert AFTER INSERT ON agg_day BEGIN
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, NEW.start, NEW.energy, NEW.run_min, 1
		FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = energy + excluded.energy,
			run_min = run_min + excluded.run_min, points = points + 1;
END;

-- A point-day rewritten with other values (most rows RecomputeAggregates
-- rewrites keep theirs): the difference added; near zero, summed again.
CREATE TRIGGER agg_ent_day_update AFTER UPDATE ON agg_day
	WHEN NEW.point_id IS OLD.point_id AND NEW.start IS OLD.start
		AND (NEW.energy IS NOT OLD.energy OR NEW.run_min IS NOT OLD.run_min)
BEGIN
	UPDATE agg_ent_day SET energy = energy + (NEW.energy - OLD.energy), run_min = run_min + (NEW.run_min - OLD.run_min)
		WHERE enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id) AND start = NEW.start;
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, NEW.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = NEW.start
		WHERE (NEW.energy < OLD.energy OR NEW.run_min < OLD.run_min) -- only a fall can reach zero
			AND f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id)
			AND EXISTS (SELECT 1 FROM agg_ent_day WHERE start = NEW.start AND enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id)
				AND ((OLD.energy <> 0 AND abs(energy) < 1e-6) OR (OLD.run_min <> 0 AND abs(run_min) < 1e-6)))
		GROUP BY f.enterprise_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min, points = excluded.points;
END;

-- A point-day removed, or moved to another point or day: taken from the old
-- key's enterprise-day (the row goes with its last point), added to the new.
CREATE TRIGGER agg_ent_day_delete AFTER DELETE ON agg_day BEGIN
	UPDATE agg_ent_day SET energy = energy - OLD.energy, run_min = run_min - OLD.run_min, points = points - 1
		WHERE enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id) AND start = OLD.start;
	DELETE FROM agg_ent_day WHERE enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id) AND start = OLD.start AND points <= 0;
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, OLD.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = OLD.start
		WHERE f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id)
			AND EXISTS (SELECT 1 FROM agg_ent_day WHERE start = OLD.start AND enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id)
				AND ((OLD.energy <> 0 AND abs(energy) < 1e-6) OR (OLD.run_min <> 0 AND abs(run_min) < 1e-6)))
		GROUP BY f.enterprise_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min, points = excluded.points;
END;

CREATE TRIGGER agg_ent_day_rekey AFTER UPDATE ON agg_day
	WHEN NEW.point_id IS NOT OLD.point_id OR NEW.start IS NOT OLD.start
BEGIN
	UPDATE agg_ent_day SET energy = energy - OLD.energy, run_min = run_min - OLD.run_min, points = points - 1
		WHERE enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id) AND start = OLD.start;
	DELETE FROM agg_ent_day WHERE enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id) AND start = OLD.start AND points <= 0;
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, OLD.start, total(a.energy), total(a.run_min), count(*)
		FROM facilities f JOIN points p ON p.facility_id = f.id JOIN agg_day a ON a.point_id = p.id AND a.start = OLD.start
		WHERE f.enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id)
			AND EXISTS (SELECT 1 FROM agg_ent_day WHERE start = OLD.start AND enterprise_id = (SELECT f.enterprise_id FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = OLD.point_id)
				AND ((OLD.energy <> 0 AND abs(energy) < 1e-6) OR (OLD.run_min <> 0 AND abs(run_min) < 1e-6)))
		GROUP BY f.enterprise_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min, points = excluded.points;
	INSERT INTO agg_ent_day(enterprise_id, start, energy, run_min, points)
		SELECT f.enterprise_id, NEW.start, NEW.energy, NEW.run_min, 1
		FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = NEW.point_id
		ON CONFLICT (enterprise_id, start) DO UPDATE SET energy = energy + excluded.energy,
			run_min = run_min + excluded.run_min, points = points + 1;
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
