package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Options change how OpenWith opens the database.
type Options struct {
	// Synchronous is "normal" (the default) or "full". With WAL, NORMAL makes a
	// commit durable against a crash of the process but the last commits before
	// a power loss or OS crash can be lost; FULL syncs the WAL on every commit,
	// so what Ingest acknowledged survives power loss too, at a cost per commit.
	Synchronous string
	// ReadOnly opens the file for reading only (exports on a copy, diagnostics):
	// every write fails with store.ErrReadOnly and no migration is applied.
	ReadOnly bool
	// SkipCheck leaves PRAGMA quick_check out of the open. It reads every
	// page, seconds on a year's file, so the desktop app opens with it and
	// runs QuickCheck once its window shows.
	SkipCheck bool
	// CacheMB is SQLite's page cache per connection; 0 means DefaultCacheMB.
	// Live ingest touches one b-tree page per point and terminal, so a cache
	// smaller than those pages makes every group commit read them back.
	CacheMB int
	// Receiver says the caller opens the inbox (OpenInbox) and moves what it
	// holds with IndexInbox itself: the uploads a crash left in the inbox
	// are then not moved at open, so a service listens at once.
	Receiver bool
}

// DefaultCacheMB is the page cache per connection unless Options say otherwise.
const DefaultCacheMB = 32

// maxIdleConns is how many idle connections the pool keeps (see Open).
const maxIdleConns = 8

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, o Options) (_ *DB, err error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	existed := exists(path)
	defer func() {
		if err != nil {
			removeIfEmptyNew(path, existed)
		}
	}()
	dsn := dsnOptions
	switch strings.ToLower(o.Synchronous) {
	case "", "normal":
	case "full":
		dsn = strings.Replace(dsn, "synchronous(normal)", "synchronous(full)", 1)
	default:
		return nil, fmt.Errorf("open %s: synchronous must be normal or full, not %q", path, o.Synchronous)
	}
	if o.ReadOnly {
		dsn += "&_pragma=query_only(1)"
	}
	if o.CacheMB <= 0 {
		o.CacheMB = DefaultCacheMB
	}
	dsn += fmt.Sprintf("&_pragma=cache_size(%d)", -o.CacheMB*1024)
	sqldb, err := sql.Open("sqlite", path+"?"+dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Keep the connections the views read on at once (the dashboard's five
	// sources, the what-if's workers) open between reads: database/sql keeps
	// two by default, and a connection closed frees its page cache page by
	// page (1.5 s of the dashboard's 3 s on a district-year) and the next one
	// opened reads those pages from disk again.
	sqldb.SetMaxIdleConns(maxIdleConns)
	db := &DB{db: sqldb, path: path, Now: time.Now, syncFull: strings.EqualFold(o.Synchronous, "full")}
	if !o.SkipCheck {
		if err := db.quickCheck(ctx); err != nil {
			sqldb.Close()
			return nil, explainOpen(path, err)
		}
	}
	if err := db.checkForeign(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if o.ReadOnly {
		return db, nil
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, explainOpen(path, fmt.Errorf("migrate %s: %w", path, err))
	}
	if o.Receiver {
		return db, nil
	}
	if err := db.indexLeftover(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}
