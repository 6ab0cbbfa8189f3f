package sqlite

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLockDatabase: the receiver's lock is on the file, not its name: taken
// through a symlink it refuses the real path and the reverse, whatever inbox
// either would use; released, it can be taken again.
func TestLockDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Skipf("symlink: %v", err)
	}
	for _, tt := range []struct{ first, second string }{{path, link}, {link, path}, {path, path}} {
		a, err := lockDatabase(tt.first)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := lockDatabase(tt.second); !errors.Is(err, ErrInboxBusy) {
			b.close()
			t.Errorf("lock %s while %s is locked: %v, want ErrInboxBusy", tt.second, tt.first, err)
		}
		if err := a.close(); err != nil {
			t.Fatal(err)
		}
		b, err := lockDatabase(tt.second)
		if err != nil {
			t.Errorf("lock %s after the release: %v", tt.second, err)
		}
		b.close()
	}
	if _, err := lockDatabase(filepath.Join(t.TempDir(), "missing.db")); err == nil || errors.Is(err, ErrInboxBusy) {
		t.Errorf("lock of a missing file = %v, want a plain error", err)
	}
}
