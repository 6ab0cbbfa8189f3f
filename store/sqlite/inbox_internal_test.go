package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

func sampleBatch() *store.Batch {
	at := time.Date(2026, 11, 29, 8, 5, 0, 0, store.Beijing)
	frame := []byte("##0101QN=20261129080503000;ST=44;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&DataTime=20261129080500;d20401-Rtd=12.5&&4A1B")
	s := store.NewSample(7, at)
	s.P, s.E, s.Flags = 12.5, 1024.25, store.FlagBackfill
	return &store.Batch{
		Packets: []store.RawPacket{
			{MN: "010000A8900016F000169DC0", ST: "44", CN: "2011", QN: "20261129080503000", DataTime: at, ReceivedAt: at.Add(3123456789), CRCOK: true, Frame: frame},
			{MN: "010000A8900016F000169DC1", ST: "44", CN: "9999", ReceivedAt: at.Add(time.Second), Frame: []byte("##0000")}, // no DataTime
		},
		Samples: []store.Sample{s, {PointID: 8, At: at, P: -1.5, I: math.Inf(1), U: 0, E: math.NaN(), PF: 0.93}},
		Outbox: []store.OutboxItem{
			{Target: "city:9212", Kind: "hj212", Key: "010000A8900016F000169DC0", Payload: frame, CreatedAt: at, Packet: 1},
			{Target: "https://city.example/api", Kind: "json", Key: "enterprise 3", Payload: []byte(`{"a":1}`), CreatedAt: at},
		},
	}
}

// same compares batches field by field: times by instant, NaN equal to NaN.
func same(t *testing.T, got, want *store.Batch) {
	t.Helper()
	if len(got.Packets) != len(want.Packets) || len(got.Samples) != len(want.Samples) || len(got.Outbox) != len(want.Outbox) {
		t.Fatalf("sizes %d/%d/%d, want %d/%d/%d", len(got.Packets), len(got.Samples), len(got.Outbox), len(want.Packets), len(want.Samples), len(want.Outbox))
	}
	for i, p := range got.Packets {
		w := want.Packets[i]
		if p.MN != w.MN || p.ST != w.ST || p.CN != w.CN || p.QN != w.QN || !p.DataTime.Equal(w.DataTime) ||
			!p.ReceivedAt.Equal(w.ReceivedAt) || p.CRCOK != w.CRCOK || !bytes.Equal(p.Frame, w.Frame) {
			t.Errorf("packet %d = %+v, want %+v", i, p, w)
		}
	}
	f := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for i, s := range got.Samples {
		w := want.Samples[i]
		if s.PointID != w.PointID || !s.At.Equal(w.At) || !f(s.P, w.P) || !f(s.I, w.I) || !f(s.U, w.U) || !f(s.E, w.E) ||
			!f(s.PF, w.PF) || s.Flags != w.Flags {
			t.Errorf("sample %d = %+v, want %+v", i, s, w)
		}
	}
	for i, o := range got.Outbox {
		w := want.Outbox[i]
		if o.Target != w.Target || o.Kind != w.Kind || o.Key != w.Key || !bytes.Equal(o.Payload, w.Payload) ||
			!o.CreatedAt.Equal(w.CreatedAt) || o.Packet != w.Packet {
			t.Errorf("outbox %d = %+v, want %+v", i, o, w)
		}
	}
}

func TestBatchCodecRoundTrip(t *testing.T) {
	for name, b := range map[string]*store.Batch{"full": sampleBatch(), "empty": {}} {
		t.Run(name, func(t *testing.T) {
			got, err := decodeBatch(encodeBatch(b))
			if err != nil {
				t.Fatal(err)
			}
			same(t, got, b)
		})
	}
}

func TestBatchCodecDamaged(t *testing.T) {
	blob := encodeBatch(sampleBatch())
	for n := range len(blob) { // every truncation is an error, never a panic
		if _, err := decodeBatch(blob[:n]); err == nil {
			t.Fatalf("decode of the first %d of %d bytes succeeded", n, len(blob))
		}
	}
	if _, err := decodeBatch(append(bytes.Clone(blob), 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	bad := bytes.Clone(blob)
	bad[0] = 9
	if _, err := decodeBatch(bad); err == nil {
		t.Fatal("unknown format accepted")
	}
}

func FuzzDecodeBatch(f *testing.F) {
	f.Add(encodeBatch(sampleBatch()))
	f.Add(encodeBatch(&store.Batch{}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, blob []byte) {
		b, err := decodeBatch(blob)
		if err != nil {
			return
		}
		again, err := decodeBatch(encodeBatch(b))
		if err != nil {
			t.Fatalf("re-encoded batch does not decode: %v", err)
		}
		same(t, again, b)
	})
}

// TestInboxReadsBackAndSetsAside: entries past the memory bound are read back
// from the file, and a damaged one is set aside while the others go in.
func TestInboxReadsBackAndSetsAside(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	db.inbox.memLimit = 0 // nothing kept in memory
	b := sampleBatch()
	b.Samples = nil // unregistered points are fine, but keep the test about packets
	b.Outbox = b.Outbox[:1]
	if err := db.Append(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	// A damaged entry, as a torn disk page would leave.
	if _, err := db.inbox.db.ExecContext(t.Context(), `INSERT INTO inbox(packets, created_at, body) VALUES (1, 0, x'01ff')`); err != nil {
		t.Fatal(err)
	}
	var seq int64
	db.inbox.db.QueryRowContext(t.Context(), `SELECT max(seq) FROM inbox`).Scan(&seq)
	db.inbox.queue = append(db.inbox.queue, inboxEntry{seq: seq, packets: 1})
	if err := db.Append(t.Context(), &store.Batch{Packets: []store.RawPacket{{MN: "X", ST: "44", CN: "2011", ReceivedAt: time.Now(), Frame: []byte("##x")}}}); err != nil {
		t.Fatal(err)
	}
	res, err := db.IndexInbox(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if res.Batches != 2 || res.Result.NewPackets != 3 || res.Pending != 0 {
		t.Fatalf("IndexInbox = %d batches, %d new packets, %d pending; want 2, 3, 0", res.Batches, res.Result.NewPackets, res.Pending)
	}
	var failed int
	db.inbox.db.QueryRowContext(t.Context(), `SELECT count(*) FROM inbox_failed WHERE seq = ?`, seq).Scan(&failed)
	if failed != 1 {
		t.Fatalf("damaged entry not set aside")
	}
	var left int
	db.inbox.db.QueryRowContext(t.Context(), `SELECT count(*) FROM inbox`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d entries left in the inbox", left)
	}
	got, err := db.RawPackets(t.Context(), b.Packets[0].MN, b.Packets[0].DataTime.Add(-time.Hour), b.Packets[0].DataTime.Add(time.Hour))
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0].Frame, b.Packets[0].Frame) {
		t.Fatalf("read back packet = %v, %v", got, err)
	}
}

// TestInboxSetsAsideRefused: uploads the tables refuse (here a packet
// without its frame breaks a NOT NULL constraint) are set aside per terminal,
// in the same move, while the other terminals' uploads of the same group
// commit and of the entries after it go in.
func TestInboxSetsAsideRefused(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 8, 0, 0, 0, store.Beijing)
	pkt := func(mn string, frame []byte) store.RawPacket {
		return store.RawPacket{MN: mn, ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: frame}
	}
	groupCommit := &store.Batch{Packets: []store.RawPacket{pkt("A", []byte("##a")), pkt("B", nil), pkt("D", []byte("##d"))},
		Outbox: []store.OutboxItem{{Target: "city", Kind: "hj212", Key: "B", Payload: []byte("##b"), CreatedAt: at, Packet: 2},
			{Target: "city", Kind: "hj212", Key: "D", Payload: []byte("##d"), CreatedAt: at, Packet: 3}}}
	for _, b := range []*store.Batch{groupCommit, {Packets: []store.RawPacket{pkt("C", []byte("##c"))}}} {
		if err := db.Append(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.IndexInbox(t.Context(), 1000)
	if err != nil {
		t.Fatalf("IndexInbox: %v; one terminal's upload must not fail the move", err)
	}
	if res.Result.NewPackets != 3 || res.Pending != 0 || len(res.Result.OutboxIDs) != 1 || len(res.Result.Duplicate) != 3 {
		t.Errorf("moved %d new packets, %d outbox rows, %d pending; want A, D, C, D's outbox row, none pending", res.Result.NewPackets, len(res.Result.OutboxIDs), res.Pending)
	}
	if len(res.SetAside) != 1 || res.SetAside[0].MN != "B" || res.SetAside[0].Packets != 1 || !strings.Contains(res.SetAside[0].Error, "NOT NULL") {
		t.Fatalf("set aside %+v; want B's upload with its constraint error", res.SetAside)
	}
	failed, err := db.InboxFailed(t.Context())
	if err != nil || len(failed) != 1 || failed[0].MN != "B" || failed[0].Seq != 1 {
		t.Fatalf("InboxFailed = %+v, %v", failed, err)
	}
	b, _, err := db.InboxFailedBatch(t.Context(), failed[0].ID)
	if err != nil || len(b.Packets) != 1 || len(b.Outbox) != 1 || b.Outbox[0].Packet != 1 {
		t.Fatalf("the set-aside batch = %+v, %v; want B's packet with its outbox row", b, err)
	}
	for _, mn := range []string{"A", "C", "D"} {
		if ps, err := db.RawPackets(t.Context(), mn, at.Add(-time.Hour), at.Add(time.Hour)); err != nil || len(ps) != 1 {
			t.Errorf("packets of %s = %d, %v; want 1", mn, len(ps), err)
		}
	}
}

// TestInboxFailedRetry: an upload set aside in the first layout of the
// table (one row per entry) is listed after the upgrade, and a retry moves
// it in once the cause is gone, then removes it from the list.
func TestInboxFailedRetry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	old, err := sql.Open("sqlite", path+InboxSuffix)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 8, 0, 0, 0, store.Beijing)
	b := &store.Batch{Packets: []store.RawPacket{{MN: "A", ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: []byte("##a")}}}
	_, err = old.Exec(`CREATE TABLE inbox_failed (seq INTEGER PRIMARY KEY, failed_at INTEGER NOT NULL, error TEXT NOT NULL, body BLOB NOT NULL);
		INSERT INTO inbox_failed VALUES (7, 0, 'NOT NULL constraint failed: agg_hour.sum_p', ?);
		INSERT INTO inbox_failed VALUES (9, 0, 'damaged inbox entry', x'01ff')`, encodeBatch(b))
	old.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	failed, err := db.InboxFailed(t.Context())
	if err != nil || len(failed) != 2 || failed[0].Seq != 7 || !strings.Contains(failed[0].Error, "sum_p") {
		t.Fatalf("InboxFailed after the upgrade = %+v, %v", failed, err)
	}
	got, res, err := db.RetryInboxFailed(t.Context(), failed[0].ID)
	if err != nil || res.NewPackets != 1 || len(got.Packets) != 1 {
		t.Fatalf("retry = %+v, %v; want the packet moved in", res, err)
	}
	if left, _ := db.InboxFailed(t.Context()); len(left) != 1 || left[0].Seq != 9 {
		t.Errorf("listed after a successful retry: %+v; want only the damaged entry", left)
	}
	// A damaged entry cannot be retried: it stays listed, for export.
	if _, _, err := db.RetryInboxFailed(t.Context(), failed[1].ID); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("retry of a damaged entry = %v, want invalid", err)
	}
	if _, body, _ := db.InboxFailedBatch(t.Context(), failed[1].ID); !bytes.Equal(body, []byte{1, 0xff}) {
		t.Errorf("damaged entry's body = %x, want it as stored", body)
	}
	if _, _, err := db.RetryInboxFailed(t.Context(), failed[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second retry = %v, want not found", err)
	}
}

// TestOpenAnywaySaysWhatItSetAside: a database whose inbox holds uploads the
// tables refuse, or whose inbox file is not an SQLite file at all, opens, and
// Notices says what was set aside or moved aside.
func TestOpenAnywaySaysWhatItSetAside(t *testing.T) {
	at := time.Date(2026, 11, 29, 8, 0, 0, 0, store.Beijing)
	t.Run("refused uploads", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "pw.db")
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.OpenInbox(t.Context()); err != nil {
			t.Fatal(err)
		}
		// The tables refuse B's packets, as a constraint would.
		if _, err := db.db.Exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON raw_packets WHEN NEW.mn = 'B'
			BEGIN SELECT RAISE(ABORT, 'B refused'); END`); err != nil {
			t.Fatal(err)
		}
		b := &store.Batch{Packets: []store.RawPacket{{MN: "A", ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: []byte("##a")},
			{MN: "B", ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: []byte("##b")}}}
		if err := db.Append(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		db.Close() // the service stopped before its indexer ran
		db, err = Open(t.Context(), path)
		if err != nil {
			t.Fatalf("open with a refused upload in the inbox: %v", err)
		}
		defer db.Close()
		if n := db.Notices(); len(n) != 1 || !strings.Contains(n[0], "refused 1 acknowledged uploads of B") {
			t.Errorf("Notices = %q, want B's upload named", n)
		}
		if ps, _ := db.RawPackets(t.Context(), "A", at.Add(-time.Hour), at.Add(time.Hour)); len(ps) != 1 {
			t.Errorf("A's upload of the same group commit: %d packets, want 1", len(ps))
		}
		if err := db.OpenInbox(t.Context()); err != nil {
			t.Fatal(err)
		}
		if f, err := db.InboxFailed(t.Context()); err != nil || len(f) != 1 || f[0].MN != "B" {
			t.Errorf("InboxFailed = %+v, %v", f, err)
		}
	})
	t.Run("foreign inbox file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "pw.db")
		if err := os.WriteFile(path+InboxSuffix, bytes.Repeat([]byte("not a database "), 100), 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("open with a foreign inbox file: %v", err)
		}
		defer db.Close()
		if n := db.Notices(); len(n) != 1 || !strings.Contains(n[0], "moved aside to") {
			t.Errorf("Notices = %q, want the damaged inbox moved aside", n)
		}
		aside, _ := filepath.Glob(path + InboxSuffix + ".damaged-*")
		if len(aside) != 1 {
			t.Errorf("damaged inbox kept as %v, want one file", aside)
		}
		if err := db.OpenInbox(t.Context()); err != nil {
			t.Errorf("a new inbox after the damaged one: %v", err)
		}
	})
}
