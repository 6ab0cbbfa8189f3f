package sqlite_test

import (
	"errors"
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

// liveBatches is n group commits of live data: every point once per batch,
// slot after slot, with an outbox row per packet and a re-send of the previous
// slot in every batch after the first.
func (f *readingsFixture) liveBatches(n int) []*store.Batch {
	var out []*store.Batch
	for k := range n {
		b := &store.Batch{}
		slots := []int{k}
		if k > 0 {
			slots = append(slots, k-1) // a re-send: the same frame again
		}
		for _, j := range slots {
			t := day0.Add(time.Duration(j) * 5 * time.Minute)
			b.Packets = append(b.Packets, f.packet(t, fmt.Sprintf("d20401-Rtd=%d", j)))
			b.Outbox = append(b.Outbox, store.OutboxItem{Target: "city:9212", Kind: "hj212", Key: f.mn,
				Payload: b.Packets[len(b.Packets)-1].Frame, CreatedAt: t, Packet: len(b.Packets)})
			for i, p := range f.points {
				b.Samples = append(b.Samples, sample(p, t, float64(10+i+j%3), float64(100+j)))
			}
		}
		out = append(out, b)
	}
	return out
}

// tables is everything ingest writes, as text, for comparing two databases.
func tables(t *testing.T, f *readingsFixture) []string {
	t.Helper()
	out := aggRows(t, f, "agg_hour", "agg_day", "agg_month")
	for _, q := range []string{
		`SELECT mn, st, cn, dt, qn, received_at, crc_ok, hex(frame) FROM raw_packets ORDER BY mn, st, cn, dt`,
		`SELECT point_id, at, quote(p), quote(i), quote(u), quote(e), quote(pf), flags FROM samples ORDER BY point_id, at`,
		`SELECT point_id, at, quote(p), quote(e) FROM latest_samples ORDER BY point_id`,
		`SELECT target, kind, key, hex(payload) FROM outbox ORDER BY id`,
		`SELECT mn, received_at, datatime, packets FROM raw_seen ORDER BY mn`,
	} {
		out = append(out, queryText(t, f.db, q)...)
	}
	return out
}

func mustAppend(t *testing.T, db *sqlite.DB, b *store.Batch) {
	t.Helper()
	if err := db.Append(t.Context(), b); err != nil {
		t.Fatal(err)
	}
}

// TestInboxEqualsIngest: batches appended and then moved in together leave the
// tables as Ingest batch by batch does, whatever the size of the moves.
func TestInboxEqualsIngest(t *testing.T) {
	direct := mustReadings(t, 4)
	batches := direct.liveBatches(30)
	for _, b := range batches {
		mustIngest(t, direct.db, b)
	}
	want := tables(t, direct)
	if len(want) < 30*4 {
		t.Fatalf("only %d rows written by Ingest", len(want))
	}
	for _, maxPackets := range []int{1, 7, 1000} {
		t.Run(fmt.Sprintf("max=%d", maxPackets), func(t *testing.T) {
			f := mustReadings(t, 4)
			if err := f.db.OpenInbox(t.Context()); err != nil {
				t.Fatal(err)
			}
			newPackets := 0
			for i, b := range f.liveBatches(30) {
				mustAppend(t, f.db, b)
				if i%4 == 3 { // the indexer lags behind the appends
					newPackets += indexAll(t, f.db, maxPackets)
				}
			}
			newPackets += indexAll(t, f.db, maxPackets)
			if newPackets != 30 {
				t.Errorf("moved %d new packets, want 30 (the re-sends are duplicates)", newPackets)
			}
			got := tables(t, f)
			if !slices.Equal(got, want) {
				t.Errorf("tables after the inbox differ from Ingest's:\n got %d rows %q\nwant %d rows %q", len(got), got[:min(5, len(got))], len(want), want[:min(5, len(want))])
			}
		})
	}
}

// indexAll moves everything in and returns how many packets were new.
func indexAll(t *testing.T, db *sqlite.DB, maxPackets int) int {
	t.Helper()
	n := 0
	for {
		res, err := db.IndexInbox(t.Context(), maxPackets)
		if err != nil {
			t.Fatal(err)
		}
		n += res.Result.NewPackets
		if res.Pending == 0 {
			return n
		}
	}
}

// TestInboxSurvivesCrash: what was appended and not moved in is in the tables
// once the database is opened again, exactly once, by whoever opens it.
func TestInboxSurvivesCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pw.db")
	direct := mustReadings(t, 2)
	batches := direct.liveBatches(6)
	for _, b := range batches {
		mustIngest(t, direct.db, b)
	}
	want := tables(t, direct)

	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	f := &readingsFixture{db: db}
	copyRegistry(t, direct, f)
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i, b := range batches {
		mustAppend(t, db, b)
		if i == 2 {
			indexAll(t, db, 1000)
		}
	}
	if n, _ := db.InboxPending(); n != 3 {
		t.Fatalf("pending = %d, want 3", n)
	}
	// The process dies: nothing more is moved in. Close only releases the files.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second open finds nothing left to move
		db, err = sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		f.db = db
		if got := tables(t, f); !slices.Equal(got, want) {
			t.Errorf("after reopening: %d rows, want %d", len(got), len(want))
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// copyRegistry writes from's registry rows into to, so that both districts
// have the same ids.
func copyRegistry(t *testing.T, from, to *readingsFixture) {
	t.Helper()
	for _, tbl := range []string{"regions", "industries", "enterprises", "terminals", "facilities", "points"} {
		for _, vals := range queryRows(t, from.db, `SELECT * FROM `+tbl) {
			q := fmt.Sprintf(`INSERT INTO %s VALUES (?%s)`, tbl, strings.Repeat(", ?", len(vals)-1))
			if _, err := to.db.SQL().ExecContext(t.Context(), q, vals...); err != nil {
				t.Fatalf("copy %s: %v", tbl, err)
			}
		}
	}
	to.mn, to.points, to.facs, to.ent = from.mn, from.points, from.facs, from.ent
}

// TestInboxOneReceiver: a second service cannot receive into the database
// while the first holds its inbox; opening the database still works.
func TestInboxOneReceiver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	a, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(t.Context(), path) // a CLI command meanwhile
	if err != nil {
		t.Fatalf("open while a service receives: %v", err)
	}
	defer b.Close()
	if err := b.OpenInbox(t.Context()); !errors.Is(err, sqlite.ErrInboxBusy) {
		t.Fatalf("second OpenInbox = %v, want ErrInboxBusy", err)
	}
}

// TestInboxDeletedFile: when the inbox file is lost after entries were moved
// in, the next entries are numbered after them, not skipped as old.
func TestInboxDeletedFile(t *testing.T) {
	f := mustReadings(t, 1)
	path := f.db.Path()
	bs := f.liveBatches(4)
	if err := f.db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, f.db, bs[0])
	mustAppend(t, f.db, bs[1])
	indexAll(t, f.db, 1000)
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + sqlite.InboxSuffix + suffix)
	}
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, db, bs[2])
	if got := indexAll(t, db, 1000); got != 1 {
		t.Fatalf("moved %d new packets after the inbox was deleted, want 1", got)
	}
}

// TestAppendRejectsInvalid: a batch Ingest would refuse never reaches the
// inbox, so it cannot block the entries after it.
func TestAppendRejectsInvalid(t *testing.T) {
	f := mustReadings(t, 1)
	if err := f.db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := f.db.Append(t.Context(), &store.Batch{Samples: []store.Sample{{PointID: 0}}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("Append = %v, want ErrInvalid", err)
	}
	if n, _ := f.db.InboxPending(); n != 0 {
		t.Fatalf("pending = %d after a refused batch", n)
	}
}

// TestOneReceiverPerFile: a second receiver is refused on the same file
// reached through a symlink or another spelling of its path, where the inbox's own lock (named after the path) would not see it; the
// first receiver's release lets the next one in.
func TestOneReceiverPerFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pw.db")
	a, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Skipf("symlink: %v", err)
	}
	for _, p := range []string{link, filepath.Join(dir, ".", "..", filepath.Base(dir), "pw.db")} {
		b, err := sqlite.Open(t.Context(), p) // a CLI command meanwhile: fine
		if err != nil {
			t.Fatalf("open %s while a service receives: %v", p, err)
		}
		if err := b.OpenInbox(t.Context()); !errors.Is(err, sqlite.ErrInboxBusy) {
			t.Errorf("second receiver through %s: %v, want ErrInboxBusy", p, err)
		}
		b.Close()
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(t.Context(), link)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.OpenInbox(t.Context()); err != nil {
		t.Fatalf("receiver through the link once the first stopped: %v", err)
	}
	if _, err := os.Stat(link + sqlite.InboxSuffix); err == nil {
		t.Errorf("an inbox next to the link: the real file's inbox must be used")
	}
}

// TestCrashPoints: the process dies between the inbox's commit and the
// acknowledgement, between the tables' commit and the inbox's delete, or
// right after it; whatever was acknowledged before is in the tables exactly
// once after the next open, and the uploads after it (the terminals'
// re-sends of what was not acknowledged included) go in as usual.
func TestCrashPoints(t *testing.T) {
	direct := mustReadings(t, 3)
	batches := direct.liveBatches(12)
	for _, b := range batches {
		mustIngest(t, direct.db, b)
	}
	want := tables(t, direct)
	for _, point := range []string{"appended", "moved", "deleted"} {
		for _, at := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s#%d", point, at), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "pw.db")
				db, err := sqlite.Open(t.Context(), path)
				if err != nil {
					t.Fatal(err)
				}
				f := &readingsFixture{db: db}
				copyRegistry(t, direct, f)
				if err := db.OpenInbox(t.Context()); err != nil {
					t.Fatal(err)
				}
				seen := 0
				sqlite.SetCrashAt(db, func(p string) bool {
					if p == point {
						seen++
					}
					return p == point && seen == at
				})
				next := 0 // the first batch not acknowledged
			run:
				for ; next < len(batches); next++ {
					if err := db.Append(t.Context(), batches[next]); err != nil {
						break // died before acknowledging batches[next]
					}
					if next%3 == 2 {
						for {
							res, err := db.IndexInbox(t.Context(), 7)
							if err != nil {
								next++ // acknowledged, then died while moving
								break run
							}
							if res.Pending == 0 {
								break
							}
						}
					}
				}
				db.Close() // the dead process's files are released
				if next == len(batches) {
					t.Fatalf("the crash point %s#%d was never reached", point, at)
				}
				db, err = sqlite.Open(t.Context(), path) // the next start
				if err != nil {
					t.Fatalf("open after the crash: %v", err)
				}
				defer db.Close()
				f.db = db
				if err := db.OpenInbox(t.Context()); err != nil {
					t.Fatal(err)
				}
				for _, b := range batches[next:] { // re-sent and the rest
					mustAppend(t, db, b)
				}
				indexAll(t, db, 1000)
				if got := tables(t, f); !slices.Equal(got, want) {
					t.Errorf("after the crash: %d rows, want %d as ingested directly", len(got), len(want))
				}
			})
		}
	}
}
