package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestIncrementalBackupsRestoreAsFullCopy takes, after each of several
// nights of changes (live data, a compaction, late data merged into a packed
// day, a registry edit), a full copy and an incremental backup; every
// incremental backup must restore to the content of the full copy of the same
// night, also after records between them were dropped by retention.
func TestIncrementalBackupsRestoreAsFullCopy(t *testing.T) {
	ctx := t.Context()
	f := mustReadings(t, 2)
	clock := time.Date(2026, 11, 20, 2, 0, 0, 0, store.Beijing)
	f.db.Now = func() time.Time { return clock }
	full, inc := filepath.Join(t.TempDir(), "full"), filepath.Join(t.TempDir(), "inc")
	day0 := time.Date(2026, 11, 18, 0, 0, 0, 0, store.Beijing)
	night := func(n int) {
		switch n {
		case 0, 1, 3:
			var ss []store.Sample
			for _, p := range f.points {
				for s := range 288 {
					ss = append(ss, sample(p, day0.AddDate(0, 0, n).Add(time.Duration(s)*5*time.Minute), float64(s%50), float64(1000+s)))
				}
			}
			mustIngest(t, f.db, &store.Batch{Samples: ss})
		case 2:
			if _, err := f.db.Compact(ctx, day0.AddDate(0, 0, 2)); err != nil {
				t.Fatal(err)
			}
		case 4: // late data into a packed day, and a registry edit
			mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(f.points[0], day0.Add(2*time.Minute), 7, 999)}})
			if _, err := f.db.SQL().Exec(`UPDATE facilities SET name = '熔炉（改）' WHERE id = ?`, f.facs[0]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var records []string
	want := map[string][]string{}
	for n := range 6 {
		night(n)
		copyPath, err := f.db.Backup(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := f.db.BackupIncremental(ctx, inc)
		if err != nil {
			t.Fatalf("night %d: %v", n, err)
		}
		records = append(records, rec)
		want[rec] = dumpFile(t, copyPath)
		clock = clock.AddDate(0, 0, 1)
	}
	check := func() {
		t.Helper()
		for _, rec := range records {
			dst := filepath.Join(t.TempDir(), "restored.db")
			if _, err := sqlite.Restore(ctx, rec, dst); err != nil {
				t.Fatalf("restore %s: %v", filepath.Base(rec), err)
			}
			if got := dumpFile(t, dst); !slices.Equal(got, want[rec]) {
				t.Errorf("%s restores to %d rows, the full copy of that night has %d (or they differ)", filepath.Base(rec), len(got), len(want[rec]))
			}
		}
	}
	check()
	// Nights without a change copy nothing: the record of night 5 holds no
	// undo pages for night 4's, beyond the header and the few pages a
	// backup's own reading does not change.
	if fi, _ := os.Stat(records[4]); fi.Size() > 64<<10 {
		t.Errorf("record of an unchanged night is %d bytes", fi.Size())
	}
	// Retention drops a middle record and the oldest: the others still restore.
	if err := sqlite.DropBackup(inc, filepath.Base(records[5])); err == nil {
		t.Error("the newest backup was dropped")
	}
	for _, i := range []int{2, 0} {
		if err := sqlite.DropBackup(inc, filepath.Base(records[i])); err != nil {
			t.Fatal(err)
		}
	}
	records = slices.Delete(records, 2, 3)
	records = records[1:]
	check()
}

// dumpFile returns every row of every table of the database at path as
// text, sorted, schema_migrations aside.
func dumpFile(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var out []string
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT * FROM "` + tbl + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString(tbl)
			for _, v := range vals {
				fmt.Fprintf(&b, " %v", v)
			}
			out = append(out, b.String())
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}
