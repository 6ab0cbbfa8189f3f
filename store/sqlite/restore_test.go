package sqlite_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestRestoreRoundTrip: a backup, more data, uploads acknowledged into the
// inbox but not yet moved in, then Restore: refused while the service holds
// the database; afterwards the database holds the data as at the backup, the
// replaced file is kept aside with everything received (the inbox drained
// into it first), and the restored database receives through its inbox.
func TestRestoreRoundTrip(t *testing.T) {
	ctx := t.Context()
	f := mustReadings(t, 1)
	path, point := f.db.Path(), f.points[0]
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, store.Beijing)
	slots := func(from, n int) []store.Sample {
		var ss []store.Sample
		for i := from; i < from+n; i++ {
			ss = append(ss, sample(point, t0.Add(time.Duration(i)*5*time.Minute), float64(i), float64(100+i)))
		}
		return ss
	}
	mustIngest(t, f.db, &store.Batch{Samples: slots(0, 12)})
	backup, err := f.db.Backup(ctx, filepath.Join(t.TempDir(), "backups"))
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, f.db, &store.Batch{Samples: slots(12, 12)})
	if err := f.db.OpenInbox(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Append(ctx, &store.Batch{Samples: slots(24, 6)}); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Restore(ctx, backup, path); !errors.Is(err, sqlite.ErrServiceRunning) {
		t.Fatalf("Restore while the service runs: %v; want ErrServiceRunning", err)
	}
	if err := f.db.Close(); err != nil { // the service stopped, six slots still in the inbox
		t.Fatal(err)
	}
	res, err := sqlite.Restore(ctx, backup, path)
	if err != nil {
		t.Fatal(err)
	}
	count := func(p string) int {
		t.Helper()
		db, err := sqlite.Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ss, err := db.Samples(ctx, point, t0, t0.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return len(ss)
	}
	if n := count(path); n != 12 {
		t.Errorf("restored database: %d samples; want the 12 of the backup", n)
	}
	if res.Aside == "" {
		t.Fatal("no file kept aside")
	}
	if n := count(res.Aside); n != 30 {
		t.Errorf("database kept aside: %d samples; want 30 (12 + 12 + the inbox's 6)", n)
	}
	// New uploads go through the inbox into the restored file.
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.OpenInbox(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Append(ctx, &store.Batch{Samples: slots(40, 3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IndexInbox(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	ss, err := db.Samples(ctx, point, t0, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	var at []int
	for _, s := range ss {
		at = append(at, int(s.At.Sub(t0)/(5*time.Minute)))
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 40, 41, 42}; !slices.Equal(at, want) {
		t.Errorf("after restore and a new upload: slots %v; want %v", at, want)
	}
}

// TestRestoreDamaged: a current file that cannot be opened is kept aside as
// it is, its inbox's uploads go into the restored database, and a backup
// that is not a database changes nothing.
func TestRestoreDamaged(t *testing.T) {
	ctx := t.Context()
	f := mustReadings(t, 1)
	path, point := f.db.Path(), f.points[0]
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, store.Beijing)
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(point, t0, 1, 1)}})
	backup, err := f.db.Backup(ctx, filepath.Join(t.TempDir(), "backups"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.OpenInbox(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Append(ctx, &store.Batch{Samples: []store.Sample{sample(point, t0.Add(time.Hour), 2, 2)}}); err != nil {
		t.Fatal(err)
	}
	f.db.Close()
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte("not a database at all, just text"), 0o644)
	if _, err := sqlite.Restore(ctx, bad, path); err == nil {
		t.Fatal("Restore of a file that is not a database succeeded")
	}
	os.Remove(path + "-wal")
	if err := os.WriteFile(path, []byte("SQLite format 3\x00 but torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := sqlite.Restore(ctx, backup, path)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(res.Aside); string(b) != "SQLite format 3\x00 but torn" {
		t.Errorf("aside %s holds %q", res.Aside, b)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ss, err := db.Samples(ctx, point, t0, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 {
		t.Errorf("restored: %d samples; want the backup's one and the inbox's one", len(ss))
	}
}
