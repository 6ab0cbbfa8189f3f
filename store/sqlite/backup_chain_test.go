package sqlite_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestThirtyNightsRestoreEach simulates 35 nights of a database in use — a
// day of live samples and frames, the nightly compaction packing the day
// before, now and then late data merged into a packed day, a registry edit
// or a purge — with an incremental backup each night and the oldest records
// dropped beyond 30, as the retention does. Every retained night restores to
// exactly the database of that night, and the 30 records with the image take
// less than the full copies of those nights would.
func TestThirtyNightsRestoreEach(t *testing.T) {
	ctx := t.Context()
	f := mustReadings(t, 3)
	clock := time.Date(2026, 11, 1, 2, 0, 0, 0, store.Beijing)
	f.db.Now = func() time.Time { return clock }
	dir := filepath.Join(t.TempDir(), "backups")
	full := filepath.Join(t.TempDir(), "full")
	day0 := time.Date(2026, 10, 31, 0, 0, 0, 0, store.Beijing)
	var records []string
	want := map[string][]string{}
	var fullBytes int64
	for n := range 35 {
		day := day0.AddDate(0, 0, n)
		b := &store.Batch{}
		for s := range 288 {
			at := day.Add(time.Duration(s) * 5 * time.Minute)
			for i, p := range f.points {
				b.Samples = append(b.Samples, sample(p, at, float64((s*7+i*3+n)%50), float64(1000+n*288+s)))
			}
			seg := fmt.Sprintf("QN=%s;ST=44;CN=2011;PW=123456;MN=%s;Flag=9;CP=&&DataTime=%s;d20501-Rtd=%d.%03d&&",
				at.Add(7*time.Second).Format("20060102150405")+"123", f.mn, at.Format("20060102150405"), s%50, (s*37+n)%1000)
			b.Packets = append(b.Packets, store.RawPacket{MN: f.mn, ST: "44", CN: "2011", QN: at.Add(7*time.Second).Format("20060102150405") + "123",
				DataTime: at, ReceivedAt: at.Add(8 * time.Second), CRCOK: true, Frame: fmt.Appendf(nil, "##%04d%s0000", len(seg), seg)})
		}
		mustIngest(t, f.db, b)
		if _, err := f.db.Compact(ctx, day); err != nil {
			t.Fatal(err)
		}
		switch n % 7 {
		case 3: // late data into a packed day
			mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(f.points[1], day0.Add(2*time.Minute), 7, 999)}})
		case 5:
			if _, err := f.db.SQL().Exec(`UPDATE facilities SET name = ? WHERE id = ?`, fmt.Sprintf("熔炉%d", n), f.facs[0]); err != nil {
				t.Fatal(err)
			}
		case 6:
			if _, _, err := f.db.PurgeRaw(ctx, day.AddDate(0, 0, -20)); err != nil {
				t.Fatal(err)
			}
		}
		rec, err := f.db.BackupIncremental(ctx, dir)
		if err != nil {
			t.Fatalf("night %d: %v", n, err)
		}
		if err := sqlite.CheckBackup(ctx, rec); err != nil {
			t.Fatalf("night %d: %v", n, err)
		}
		copyPath, err := f.db.Backup(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		want[rec] = dumpFile(t, copyPath)
		records = append(records, rec)
		if len(records) > 30 {
			if err := sqlite.DropBackup(dir, filepath.Base(records[0])); err != nil {
				t.Fatal(err)
			}
			records = records[1:]
		}
		if n >= 5 {
			fi, _ := os.Stat(copyPath)
			fullBytes += fi.Size()
		}
		os.Remove(copyPath)
		clock = clock.AddDate(0, 0, 1)
	}
	var kept int64
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if fi, err := e.Info(); err == nil {
			kept += fi.Size()
		}
	}
	t.Logf("30 nights: %d bytes in the folder, 30 full copies %d", kept, fullBytes)
	if kept*2 > fullBytes {
		t.Errorf("the 30 retained nights take %d bytes, more than half of 30 full copies (%d)", kept, fullBytes)
	}
	for i, rec := range records {
		dst := filepath.Join(t.TempDir(), "restored.db")
		if _, err := sqlite.Restore(ctx, rec, dst); err != nil {
			t.Fatalf("restore night %d (%s): %v", i, filepath.Base(rec), err)
		}
		if got := dumpFile(t, dst); !slices.Equal(got, want[rec]) {
			t.Errorf("night %d (%s) restores to %d rows, the database of that night had %d (or they differ)", i, filepath.Base(rec), len(got), len(want[rec]))
		}
	}
}
