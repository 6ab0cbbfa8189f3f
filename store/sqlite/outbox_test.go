package sqlite_test

import (
	"os"
	"testing"
	"time"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestOutbox(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, store.Beijing)
	db.Now = func() time.Time { return now }
	ids, err := db.Enqueue(ctx, []store.OutboxItem{
		{Target: "a:1", Kind: "hj212", Key: "M1", Payload: []byte("one")},
		{Target: "a:1", Kind: "hj212", Key: "M1", Payload: []byte("two")},
		{Target: "b:2", Kind: "json", Key: "enterprise", Payload: []byte("{}")},
	})
	if err != nil || len(ids) != 3 {
		t.Fatalf("Enqueue = %v, %v", ids, err)
	}
	if err := db.MarkFailed(ctx, ids[:1], "connection refused"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, ids[2:], now); err != nil {
		t.Fatal(err)
	}
	pending, err := db.PendingOutbox(ctx, "a:1", 10)
	if err != nil || len(pending) != 2 || string(pending[0].Payload) != "one" || pending[0].Attempts != 1 || pending[0].LastError != "connection refused" {
		t.Fatalf("PendingOutbox(a:1) = %+v, %v; want one (1 failed attempt), two", pending, err)
	}
	if p, _ := db.PendingOutbox(ctx, "b:2", 10); len(p) != 0 {
		t.Fatalf("PendingOutbox(b:2) = %+v, want none after MarkSent", p)
	}
	stats, err := db.OutboxStats(ctx)
	if err != nil || len(stats) != 2 {
		t.Fatalf("OutboxStats = %+v, %v", stats, err)
	}
	if a := stats[0]; a.Target != "a:1" || a.Pending != 2 || a.Failing != 1 || a.LastError != "connection refused" || !a.OldestAt.Equal(now) {
		t.Errorf("stats of a:1 = %+v", a)
	}
	if b := stats[1]; b.Pending != 0 || b.SentLast24 != 1 {
		t.Errorf("stats of b:2 = %+v, want 0 pending, 1 sent", b)
	}
}

func TestBackup(t *testing.T) {
	f := mustReadings(t, 1)
	ctx := t.Context()
	f.db.Now = func() time.Time { return day0 } // both backups below fall in the same second
	mustIngest(t, f.db, &store.Batch{Samples: []store.Sample{sample(f.points[0], day0, 5, 1)},
		Packets: []store.RawPacket{f.packet(day0, "x=1")}})
	dir := t.TempDir()
	path, err := f.db.Backup(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Backup(ctx, dir); err == nil {
		t.Errorf("second Backup in the same second succeeded, want a conflict")
	}
	copyDB, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer copyDB.Close()
	ss, err := copyDB.Samples(ctx, f.points[0], day0, day0.Add(time.Hour))
	if err != nil || len(ss) != 1 || ss[0].P != 5 {
		t.Fatalf("samples in the backup = %+v, %v", ss, err)
	}
	raw, err := copyDB.RawPackets(ctx, f.mn, day0, day0.Add(time.Hour))
	if err != nil || len(raw) != 1 {
		t.Fatalf("raw packets in the backup = %d, %v", len(raw), err)
	}
}
