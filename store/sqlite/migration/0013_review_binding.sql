-- 0013: review packages bound to the database they came from.
--
-- database_identity gives every database file a random id, made once here and
-- never changed: a backup keeps it, another office's database has its own.
-- A package names the id it was exported from (review_package.source_id), and
-- the office remembers each export it made (review_exports) with the alarms
-- and the review each had then (review_export_alarms), so an import trusts
-- the office's record, not what a laptop may have edited in the package.
-- imported_reviews now also keys a package review by a digest of what it
-- says, so two copies of one package, reviewed apart, are told apart.

CREATE TABLE database_identity (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	db_id      TEXT NOT NULL CHECK (db_id <> ''),
	created_at INTEGER NOT NULL
);
INSERT INTO database_identity(id, db_id, created_at)
	VALUES (1, lower(hex(randomblob(16))), CAST(strftime('%s', 'now') AS INTEGER) * 1000);

ALTER TABLE review_package ADD COLUMN source_id TEXT NOT NULL DEFAULT '';

CREATE TABLE review_exports (
	id         TEXT PRIMARY KEY CHECK (id <> ''),
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	path       TEXT NOT NULL DEFAULT '',
	legacy     INTEGER NOT NULL DEFAULT 0 -- exported before 0013: its alarms are read from the package
);

CREATE TABLE review_export_alarms (
	export_id      TEXT NOT NULL REFERENCES review_exports(id),
	alarm_id       INTEGER NOT NULL,
	base_review_id INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (export_id, alarm_id)
) WITHOUT ROWID;

-- Packages exported before this migration are known from the audit log.
INSERT OR IGNORE INTO review_exports(id, created_at, created_by, path, legacy)
	SELECT json_extract(after, '$.package'), at, who, ifnull(json_extract(after, '$.path'), ''), 1
	FROM audit_log
	WHERE action = 'export' AND entity = 'review_package' AND json_valid(after)
		AND ifnull(json_extract(after, '$.package'), '') <> '';

CREATE TABLE imported_reviews_0013 (
	package_id        TEXT NOT NULL,
	package_review_id INTEGER NOT NULL,
	digest            TEXT NOT NULL DEFAULT '', -- reviewDigest; '' for imports before 0013
	review_id         INTEGER NOT NULL DEFAULT 0,
	imported_at       INTEGER NOT NULL,
	imported_by       TEXT NOT NULL,
	PRIMARY KEY (package_id, package_review_id, digest)
) WITHOUT ROWID;
INSERT INTO imported_reviews_0013(package_id, package_review_id, digest, review_id, imported_at, imported_by)
	SELECT package_id, package_review_id, '', review_id, imported_at, imported_by FROM imported_reviews;
DROP TABLE imported_reviews;
ALTER TABLE imported_reviews_0013 RENAME TO imported_reviews;
CREATE INDEX imported_reviews_review ON imported_reviews(review_id);
