-- 0008: offline review packages. A package is an ordinary database file;
-- review_package and review_package_alarms are filled only in a package and
-- say what it is and which review each alarm had when it was exported.
-- imported_reviews, in the office database, remembers which package reviews
-- were applied (review_id) or set aside (review_id 0), so an import can be
-- repeated and office reviews can be told from imported ones.

CREATE TABLE review_package (
	id         TEXT PRIMARY KEY CHECK (id <> ''),
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL CHECK (created_by <> ''),
	source     TEXT NOT NULL DEFAULT '',
	scope      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE review_package_alarms (
	alarm_id       INTEGER PRIMARY KEY,
	base_review_id INTEGER NOT NULL DEFAULT 0 -- the alarm's last review at export, 0 when none
);

CREATE TABLE imported_reviews (
	package_id        TEXT NOT NULL,
	package_review_id INTEGER NOT NULL,
	review_id         INTEGER NOT NULL DEFAULT 0, -- the office review it became; 0 when set aside
	imported_at       INTEGER NOT NULL,
	imported_by       TEXT NOT NULL,
	PRIMARY KEY (package_id, package_review_id)
) WITHOUT ROWID;
CREATE INDEX imported_reviews_review ON imported_reviews(review_id);
