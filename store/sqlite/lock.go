package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// One service per database file. The inbox file's own lock is not enough:
// its name is the database's path plus ".inbox", so the same database
// reached through a symlink or another spelling of its path (Windows has
// several) would get a second inbox and a second service, and each would
// move its uploads in under a watermark the other overwrites. So the
// receiver also locks the database file itself — the open file, not its
// name: flock on Unix, LockFileEx on Windows, on a byte far beyond any
// SQLite lock byte or data (lockfile_*.go).

// errLocked is what tryLock returns when another process holds the lock.
var errLocked = errors.New("locked by another process")

// fileLock is a held lock on a database file; close releases it.
type fileLock struct{ f *os.File }

// lockDatabase takes the receiver's lock on the database file at path;
// ErrInboxBusy when another process holds it.
func lockDatabase(path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, fmt.Errorf("lock %s: %w", path, ErrInboxBusy)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{f: f}, nil
}

// close releases the lock; a second close does nothing.
func (l *fileLock) close() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	return f.Close() // closing the descriptor releases the lock
}

// canonical is path with symlinks resolved, so that the inbox of a database
// reached through a link is the one next to the real file; path itself when
// it cannot be resolved (not created yet).
func canonical(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p
	}
	return path
}

// SyncModes reports SQLite's synchronous setting of the main file and of the
// inbox (0 off, 1 normal, 2 full; inbox -1 when not open): 2 means a commit
// returns only after its WAL frames were fsynced, so what it acknowledged
// survives a power cut.
func (db *DB) SyncModes(ctx context.Context) (main, inbox int, err error) {
	if err := db.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&main); err != nil {
		return 0, 0, fmt.Errorf("read synchronous: %w", err)
	}
	inbox = -1
	if in := db.openedInbox(); in != nil {
		if err := in.db.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&inbox); err != nil {
			return 0, 0, fmt.Errorf("read the inbox's synchronous: %w", err)
		}
	}
	return main, inbox, nil
}
