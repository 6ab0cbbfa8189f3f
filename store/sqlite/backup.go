package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"powerwatch/store"
)

// Backup writes a consistent copy of the database into dir with VACUUM INTO,
// while the app keeps running, and returns the file's path:
// powerwatch-YYYYMMDD-HHMMSS.db in Beijing time. To restore, stop the app and
// copy the file over the database (removing its -wal and -shm files).
func (db *DB) Backup(ctx context.Context, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("backup into %s: %w", dir, err)
	}
	name := "powerwatch-" + db.Now().In(store.Beijing).Format("20060102-150405") + ".db"
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return "", fmt.Errorf("backup into %s: %w: %s exists", dir, store.ErrConflict, name)
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path) // a partial copy on a full disk is worth nothing
		return "", fmt.Errorf("backup into %s: %w", path, classify(err))
	}
	return path, nil
}
