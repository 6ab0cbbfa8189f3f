-- 0014: several frames for one (mn, st, cn, DataTime). Devices send one
-- CN=2011 frame per meter with the same DataTime, and the parts of a split
-- upload (HJ212-2017 Table C.50) share theirs; the unique key of 0009 kept
-- the first frame and dropped the others after acknowledging them. A frame
-- is a duplicate only when its CP is identical to a stored one (QNs change
-- between retries); a different one is stored as the next revision.
ALTER TABLE raw_packets ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
DROP INDEX raw_packets_key;
CREATE UNIQUE INDEX raw_packets_key ON raw_packets(mn, st, cn, dt, rev);

-- Parts of split uploads whose message is not yet whole (or not yet known to
-- the listener to be whole): the listener reloads them at start, so parts
-- are assembled across connections and restarts. The parts themselves stay
-- in raw_packets for good; these rows go once the message was assembled.
CREATE TABLE split_parts (
	mn          TEXT NOT NULL,
	st          TEXT NOT NULL,
	cn          TEXT NOT NULL,
	dt          INTEGER NOT NULL,
	pnum        INTEGER NOT NULL,
	pno         INTEGER NOT NULL,
	received_at INTEGER NOT NULL,
	frame       BLOB NOT NULL,
	PRIMARY KEY (mn, st, cn, dt, pnum, pno)
) WITHOUT ROWID;

-- Frames of a registered terminal the listener rejected (bad CRC, bad
-- segment), and its split messages still missing parts, for its page.
ALTER TABLE terminal_state ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE terminal_state ADD COLUMN rejected_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE terminal_state ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;

-- A later frame of the same time that revised a slot inside a violation
-- alarm (数据被修订): the alarm is kept for review, never withdrawn because
-- of it, with both frames pinned as evidence (raw_keep).
CREATE TABLE alarm_revisions (
	alarm_id  INTEGER NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
	point_id  INTEGER NOT NULL,
	at        INTEGER NOT NULL,
	before    TEXT NOT NULL,
	after     TEXT NOT NULL,
	marked_at INTEGER NOT NULL,
	PRIMARY KEY (alarm_id, point_id, at, after)
) WITHOUT ROWID;
