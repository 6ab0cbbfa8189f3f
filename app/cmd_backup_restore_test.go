package main

import (
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"powerwatch/store/sqlite"
)

// TestRestoreBackupFromSettings: 设置's 恢复备份 on the running office
// service. sqlite.Restore alone refuses while the service holds the file;
// backupDesk stops the service first, puts the night back (the region added
// after it gone, the current file kept aside with it) and asks the app to
// start again.
func TestRestoreBackupFromSettings(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "powerwatch.db")
	m := svcRunMain(t, path, nil)
	region := func(name string) {
		t.Helper()
		if _, err := m.DB.SQL().ExecContext(ctx, `INSERT INTO regions(name) VALUES (?)`, name); err != nil {
			t.Fatal(err)
		}
	}
	region("朝阳区")
	rec, err := m.DB.BackupIncremental(ctx, backupFolder(m.Config))
	if err != nil {
		t.Fatal(err)
	}
	region("海淀区")
	if _, err := sqlite.Restore(ctx, rec, path); !errors.Is(err, sqlite.ErrServiceRunning) {
		t.Fatalf("restore under a running service: %v; want ErrServiceRunning", err)
	}
	restart := new(atomic.Bool)
	b := backupDesk{m: m, restart: restart}
	list, err := b.ListBackups(ctx)
	if err != nil || len(list) != 1 || list[0].Name != filepath.Base(rec) {
		t.Fatalf("listed %+v, %v; want the one night", list, err)
	}
	if _, err := b.RestoreBackup(ctx, "../powerwatch.db"); err == nil {
		t.Error("a name outside the backup folder was restored")
	}
	aside, err := b.RestoreBackup(ctx, list[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	if !restart.Load() {
		t.Error("the app is not asked to start again")
	}
	count := func(p string) (n int) {
		t.Helper()
		db, err := sqlite.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM regions WHERE name IN ('朝阳区', '海淀区')`).Scan(&n)
		return n
	}
	if n := count(path); n != 1 {
		t.Errorf("restored database holds %d of the two regions; want the one of the backup", n)
	}
	if n := count(aside); n != 2 {
		t.Errorf("the database kept aside holds %d of the two regions; want both", n)
	}
}
