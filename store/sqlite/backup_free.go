package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
)

// Backups write the leaf pages of the database's freelist as zeros. Their
// bytes are whatever the page held before it was freed — a day of live rows
// the compaction deleted — and nothing reads them; but the next day's live
// rows are written into exactly those pages, so a backup that kept the stale
// bytes would have to keep them again as the undo of that night: about
// half of what a night changes. Zeroed, a reused page's undo is a page of
// zeros, which deflates to nothing. The rebuilt database differs from the
// original only in those unused bytes (the page hashes and digests are of the
// zeroed pages throughout).

// freeLeaves returns the leaf pages of the freelist of the snapshot conn
// reads (trunk pages stay: they hold the list).
func freeLeaves(ctx context.Context, conn *sql.Conn, pageSize int) (map[uint32]bool, error) {
	page := func(pg uint32) ([]byte, error) {
		var data []byte
		err := conn.QueryRowContext(ctx, `SELECT data FROM sqlite_dbpage WHERE pgno = ?`, pg).Scan(&data)
		if err != nil {
			return nil, fmt.Errorf("read page %d: %w", pg, classify(err))
		}
		if len(data) != pageSize {
			return nil, fmt.Errorf("page %d is %d bytes", pg, len(data))
		}
		return data, nil
	}
	p1, err := page(1)
	if err != nil {
		return nil, err
	}
	total := binary.BigEndian.Uint32(p1[28:]) // pages in the database
	free := map[uint32]bool{}
	seen := map[uint32]bool{}
	for trunk := binary.BigEndian.Uint32(p1[32:]); trunk != 0; {
		if seen[trunk] || trunk > total && total != 0 {
			return nil, fmt.Errorf("freelist trunk page %d loops or lies past the end", trunk)
		}
		seen[trunk] = true
		t, err := page(trunk)
		if err != nil {
			return nil, err
		}
		n := binary.BigEndian.Uint32(t[4:])
		if int64(n) > int64(pageSize/4-2) {
			return nil, fmt.Errorf("freelist trunk page %d lists %d leaves", trunk, n)
		}
		for i := range n {
			leaf := binary.BigEndian.Uint32(t[8+4*i:])
			if leaf == 0 || seen[leaf] {
				return nil, fmt.Errorf("freelist trunk page %d lists page %d", trunk, leaf)
			}
			free[leaf] = true
		}
		trunk = binary.BigEndian.Uint32(t)
	}
	return free, nil
}
