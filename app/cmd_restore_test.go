package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"powerwatch/store/sqlite"
)

// TestRestoreCommand: `powerwatch restore BACKUP` puts a backup written by
// `powerwatch backup` back and says where the replaced file was kept.
func TestRestoreCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "powerwatch.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs := runCLI(t, "backup", "--db", path, "--to", filepath.Join(dir, "backups"))
	if code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errs)
	}
	backup := strings.TrimSpace(out)
	if code, _, _ := runCLI(t, "restore", "--db", path); code != 2 {
		t.Errorf("restore without BACKUP: exit %d; want 2", code)
	}
	code, out, errs = runCLI(t, "restore", "--db", path, backup)
	if code != 0 {
		t.Fatalf("restore: exit %d: %s", code, errs)
	}
	i := strings.Index(out, "kept as ")
	if i < 0 {
		t.Fatalf("restore printed %q; want where the replaced file was kept", out)
	}
	if _, err := os.Stat(strings.TrimSpace(out[i+len("kept as "):])); err != nil {
		t.Errorf("the replaced database is not where restore said: %v", err)
	}
	if err := sqlite.CheckFile(t.Context(), path); err != nil {
		t.Error(err)
	}
}
