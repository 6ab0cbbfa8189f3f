// Package sqlite keeps the store package's data in one SQLite file, through the
// pure-Go driver modernc.org/sqlite.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"powerwatch/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// dsnOptions are applied by the driver to every pooled connection; a PRAGMA sent
// with db.Exec would reach only one connection of the pool. _txlock=immediate
// takes the write lock at BEGIN, so two writers never deadlock on an upgrade.
const dsnOptions = "_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=wal_autocheckpoint(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(normal)&_txlock=immediate"

//go:embed migration/*.sql
var migrationFS embed.FS

// DB is the application database. It is safe for concurrent use.
type DB struct {
	db   *sql.DB
	path string
	// Now is time.Now unless a test replaces it.
	Now func() time.Time

	stmts     stmtPool // the ingest's prepared statements (reading_stmt.go)
	hourStmts stmtPool // HourlyEnergyOf's (hour_days.go)

	syncFull bool                    // Options.Synchronous "full", for the inbox too
	inboxMu  sync.Mutex              // guards inbox
	inbox    *inbox                  // the acknowledgement path's queue (inbox.go); nil until opened
	indexMu  sync.Mutex              // serialises IndexInbox
	notices  []string                // what Open worked around (Notices); guarded by inboxMu
	crashAt  func(point string) bool // crash tests only (inbox.go crashed); nil otherwise

	quarantineCap atomic.Int64 // SetQuarantineCap; 0: DefaultQuarantineRows
}

// Open opens the database file at path, creating it if needed, checks its
// integrity and applies pending migrations.
func Open(ctx context.Context, path string) (_ *DB, err error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	existed := exists(path)
	defer func() {
		if err != nil {
			removeIfEmptyNew(path, existed)
		}
	}()
	// A plain path, not a file: URI, so Windows drive letters work.
	sqldb, err := sql.Open("sqlite", path+"?"+dsnOptions)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{db: sqldb, path: path, Now: time.Now}
	if err := db.quickCheck(ctx); err != nil {
		sqldb.Close()
		return nil, explainOpen(path, err)
	}
	if err := db.checkForeign(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, explainOpen(path, fmt.Errorf("migrate %s: %w", path, err))
	}
	if err := db.indexLeftover(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database and its inbox. What the inbox holds stays there
// for the next open.
func (db *DB) Close() error {
	db.stmts.close()
	db.hourStmts.close()
	var err error
	if in := db.openedInbox(); in != nil {
		err = in.close()
	}
	return errors.Join(err, db.db.Close())
}

// Path is the file the database was opened from.
func (db *DB) Path() string { return db.path }

// SQL exposes the handle for the store/sqlite tests and the benchmark generator.
func (db *DB) SQL() *sql.DB { return db.db }

// QuickCheck runs PRAGMA quick_check: an error wrapping store.ErrCorrupt when
// the file is damaged. Open does it; OpenWith unless Options.SkipCheck.
func (db *DB) QuickCheck(ctx context.Context) error { return db.quickCheck(ctx) }

// quickCheck runs PRAGMA quick_check so that a damaged file is reported at open
// with a clear message, not as odd errors later.
func (db *DB) quickCheck(ctx context.Context) error {
	rows, err := db.db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("check %s: %w", db.path, classify(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("check %s: %w", db.path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check %s: %w", db.path, classify(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("check %s: %w: %s (restore the newest backup, see README)", db.path, store.ErrCorrupt, strings.Join(problems, "; "))
	}
	return nil
}

// migrate applies the embedded migrations not yet recorded, each in its own
// transaction. Files are named NNNN_name.sql and are never edited once released.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return classify(err)
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migration/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		if err := db.applyMigration(ctx, v, base, name); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, version int, base, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
			version, base, db.Now().UnixMilli())
		return err
	})
}

// inTx runs fn in a transaction and commits it when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return classify(err)
	}
	return classify(tx.Commit())
}

// classify wraps driver errors that people must act on with the store's
// sentinels, recognised by SQLite's result code and not by message text.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return err
	}
	switch coded.Code() & 0xff { // primary result code
	case 8, 13: // SQLITE_READONLY, SQLITE_FULL
		return fmt.Errorf("%w: %w", store.ErrReadOnly, err)
	case 11, 26: // SQLITE_CORRUPT, SQLITE_NOTADB
		return fmt.Errorf("%w: %w", store.ErrCorrupt, err)
	case 19: // SQLITE_CONSTRAINT
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}

// ms converts t to the stored form: UTC Unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of ms.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
