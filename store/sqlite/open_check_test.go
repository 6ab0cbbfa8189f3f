package sqlite_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestSkipCheck: OpenWith leaves the integrity check to QuickCheck when
// asked, so that a damaged file opens and the check reports it later.
func TestSkipCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "damaged.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QuickCheck(t.Context()); err != nil {
		t.Fatalf("QuickCheck of a new file = %v", err)
	}
	// Fill a table over many pages, then overwrite pages in the middle.
	if _, err := db.SQL().Exec(`CREATE TABLE filler(x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2000)
		INSERT INTO filler SELECT randomblob(300) FROM n; PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 4*4096), st.Size()/2/4096*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := sqlite.Open(t.Context(), path); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("Open of a damaged file = %v, want store.ErrCorrupt", err)
	}
	db, err = sqlite.OpenWith(t.Context(), path, sqlite.Options{SkipCheck: true, ReadOnly: true})
	if err != nil {
		t.Fatalf("OpenWith SkipCheck = %v", err)
	}
	defer db.Close()
	if err := db.QuickCheck(t.Context()); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("QuickCheck of a damaged file = %v, want store.ErrCorrupt", err)
	}
}
