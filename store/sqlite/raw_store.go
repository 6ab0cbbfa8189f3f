package sqlite

import (
	"context"
)

// rawPart is the most blob bytes per raw_days row. Rows are appended in
// rowid order, so a table page holds as many whole rows as fit: four rows of
// 960 bytes with their key (MN, day, part, count: ~50 bytes with an MN of
// 24 characters) fill a 4 KiB page to within a few dozen bytes, and the
// shorter last part of a day shares a page with the next day's first. Parts
// of 3,900 bytes (one per page) left the page of every last part about half
// empty: a quarter of raw_days was unused space.
const rawPart = 960

// writeRawDay replaces the stored terminal-day (mn, day) with blob, holding
// n frames, cut into parts.
func writeRawDay(ctx context.Context, q querier, mn string, day int64, n int, blob []byte) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM raw_days WHERE mn = ? AND day = ?`, mn, day); err != nil {
		return err
	}
	return insertRawParts(ctx, q, mn, day, n, blob)
}

// insertRawParts writes blob of a terminal-day not stored yet.
func insertRawParts(ctx context.Context, q querier, mn string, day int64, n int, blob []byte) error {
	for part := 0; len(blob) > 0; part++ {
		k := min(len(blob), rawPart)
		if _, err := q.ExecContext(ctx, `INSERT INTO raw_days(mn, day, part, n, blob) VALUES (?, ?, ?, ?, ?)`,
			mn, day, part, n, blob[:k]); err != nil {
			return err
		}
		blob, n = blob[k:], 0
	}
	return nil
}
