package sqlite

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"reflect"
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

// TestInboxSetsAsideRefused: a batch the tables refuse (here a packet without
// its frame breaks a NOT NULL constraint) does not hold up the batches after it.
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
	pkt := func(mn string, frame []byte) *store.Batch {
		return &store.Batch{Packets: []store.RawPacket{{MN: mn, ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: frame}}}
	}
	for _, b := range []*store.Batch{pkt("A", []byte("##a")), pkt("B", nil), pkt("C", []byte("##c"))} {
		if err := db.Append(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	var setAside []error
	moved := 0
	for range 10 {
		res, err := db.IndexInbox(t.Context(), 1000)
		if err != nil {
			continue // the move of all three fails once; then they go one by one
		}
		moved += res.Result.NewPackets
		if res.SetAside != nil {
			setAside = append(setAside, res.SetAside)
		}
		if res.Pending == 0 {
			break
		}
	}
	if moved != 2 || len(setAside) != 1 || !errors.Is(setAside[0], store.ErrConflict) {
		t.Fatalf("moved %d packets, set aside %v; want 2 moved and B set aside as a conflict", moved, setAside)
	}
	var n int
	db.inbox.db.QueryRowContext(t.Context(), `SELECT count(*) FROM inbox_failed`).Scan(&n)
	if n != 1 {
		t.Fatalf("inbox_failed has %d rows, want 1", n)
	}
	for _, mn := range []string{"A", "C"} {
		if ps, err := db.RawPackets(t.Context(), mn, at.Add(-time.Hour), at.Add(time.Hour)); err != nil || len(ps) != 1 {
			t.Errorf("packets of %s = %d, %v; want 1", mn, len(ps), err)
		}
	}
}
