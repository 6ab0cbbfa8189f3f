-- 0011: history is judged (issue 14, point 1).
-- * points.installed_at: each point's 安装日期. Points of one terminal may be
--   installed on different days (a meter added later); data is counted from
--   it. Existing points take their terminal's date.
-- * facilities.commissioned_at: the facility's 投运/验收日期, from which the
--   violation rules apply; 0 = from the earliest installation date of its points.
-- * maintenance_records.test_from/test_to: the window of the 停上电试验 an
--   acceptance or inspection record documents; violation rules skip it.
-- * alarms.trial: 1 for an alarm raised inside such a window (试验). It is kept
--   as evidence of the test but is not in the officers' default queue.
-- * A facility's first threshold is in force from the earliest installation
--   date of its points (when one is known), not from the moment of the import
--   that created it, so data older than the import is judged.
ALTER TABLE points ADD COLUMN installed_at INTEGER NOT NULL DEFAULT 0;
UPDATE points SET installed_at = coalesce((SELECT t.installed_at FROM terminals t WHERE t.id = points.terminal_id), 0);

ALTER TABLE facilities ADD COLUMN commissioned_at INTEGER NOT NULL DEFAULT 0;

ALTER TABLE maintenance_records ADD COLUMN test_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE maintenance_records ADD COLUMN test_to INTEGER NOT NULL DEFAULT 0;

ALTER TABLE alarms ADD COLUMN trial INTEGER NOT NULL DEFAULT 0 CHECK (trial IN (0, 1));

UPDATE thresholds SET effective_from = (SELECT min(p.installed_at) FROM points p
		WHERE p.facility_id = thresholds.facility_id AND p.installed_at > 0)
	WHERE effective_from = (SELECT min(t2.effective_from) FROM thresholds t2 WHERE t2.facility_id = thresholds.facility_id)
	AND effective_from > (SELECT min(p.installed_at) FROM points p
		WHERE p.facility_id = thresholds.facility_id AND p.installed_at > 0);
