-- 0009: the hot raw packets in arrival order. Keyed by terminal (0003), a
-- batch of live uploads from every terminal split a page at each terminal's
-- place in the table: rows of ~400 bytes fit nine to a page, so nearly every
-- insert rewrote or split a page of its own. In arrival order the rows append
-- at the table's end, full page after full page, and only the small entries
-- of the unique key go to each terminal's place in its index.
CREATE TABLE raw_packets_0009 (
	id          INTEGER PRIMARY KEY,
	mn          TEXT NOT NULL,
	st          TEXT NOT NULL,
	cn          TEXT NOT NULL,
	dt          INTEGER NOT NULL,
	has_dt      INTEGER NOT NULL,
	qn          TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	crc_ok      INTEGER NOT NULL,
	frame       BLOB NOT NULL
);
INSERT INTO raw_packets_0009(mn, st, cn, dt, has_dt, qn, received_at, crc_ok, frame)
	SELECT mn, st, cn, dt, has_dt, qn, received_at, crc_ok, frame FROM raw_packets ORDER BY received_at, mn, st, cn, dt;
DROP TABLE raw_packets;
ALTER TABLE raw_packets_0009 RENAME TO raw_packets;
CREATE UNIQUE INDEX raw_packets_key ON raw_packets(mn, st, cn, dt);
