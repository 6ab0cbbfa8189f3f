package sqlite_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// MustOpenDB returns an empty, migrated database in a temporary directory.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

func TestOpen(t *testing.T) {
	t.Run("OK reopen applies nothing twice", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a.db")
		for i := 0; i < 2; i++ {
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatalf("open #%d: %v", i, err)
			}
			var n int
			if err := db.SQL().QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("open #%d: no migration recorded", i)
			}
			db.Close()
		}
	})
	t.Run("ErrCorrupt on a file that is not a database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "junk.db")
		junk := make([]byte, 8192)
		for i := range junk {
			junk[i] = byte(i * 7)
		}
		if err := os.WriteFile(path, junk, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := sqlite.Open(t.Context(), path)
		if !errors.Is(err, store.ErrCorrupt) {
			t.Fatalf("Open(junk) = %v, want ErrCorrupt", err)
		}
	})
}
