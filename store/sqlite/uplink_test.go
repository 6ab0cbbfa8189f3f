package sqlite_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

// TestUplinkChanges ensures the change log lists every exported entity once,
// in the order of its last change, moves an entity to the end when it changes
// again, and reports deletions.
func TestUplinkChanges(t *testing.T) {
	f := mustFixture(t)
	ctx := t.Context()
	all, err := f.db.UplinkChanges(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range all {
		kinds[c.Entity]++
		if c.Deleted || !json.Valid(c.Data) {
			t.Errorf("change %+v: want valid JSON data", c)
		}
	}
	want := map[string]int{"enterprise": 1, "facility": 2, "relation": 1, "terminal": 1, "point": 2}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("changes of %s = %d, want %d (all: %v)", k, kinds[k], n, kinds)
		}
	}
	last := all[len(all)-1].Seq

	// A terminal's last-seen refresh is not a registry change.
	if err := f.db.TouchTerminal(ctx, f.term.MN, f.t0, "1.2.3.4:5", "2017"); err != nil {
		t.Fatal(err)
	}
	e := f.ent
	e.Contact = "王工"
	if err := f.db.UpdateEnterprise(ctx, who, &e); err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeleteLink(ctx, who, f.link.ID); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.UplinkChanges(ctx, last, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Entity != "enterprise" || got[1].Entity != "relation" || !got[1].Deleted {
		t.Fatalf("changes after %d = %+v, want the enterprise then the deleted relation", last, got)
	}
	var doc struct {
		Contact string `json:"contact"`
		Region  string `json:"region"`
	}
	if err := json.Unmarshal(got[0].Data, &doc); err != nil || doc.Contact != "王工" || doc.Region != "朝阳区" {
		t.Errorf("enterprise data %s = %+v, %v", got[0].Data, doc, err)
	}
	n, oldest, err := f.db.UplinkBacklog(ctx, last)
	if err != nil || n != 2 || oldest.IsZero() {
		t.Errorf("UplinkBacklog = %d, %v, %v; want 2", n, oldest, err)
	}
	if again, _ := f.db.UplinkChanges(ctx, 0, 100); len(again) != len(all) {
		t.Errorf("change log holds %d rows after two changes, want %d: one per entity", len(again), len(all))
	}
}

// TestSyncCursor ensures a cursor starts at zero and never moves back.
func TestSyncCursor(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	c, err := db.SyncCursor(ctx, "http://city/x")
	if err != nil || c.Seq != 0 || c.Target != "http://city/x" {
		t.Fatalf("SyncCursor of a new target = %+v, %v", c, err)
	}
	c.Seq, c.Sent = 42, 10
	if err := db.SaveSyncCursor(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Seq, c.LastError = 7, "HTTP 500"
	if err := db.SaveSyncCursor(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.SyncCursor(ctx, "http://city/x")
	if err != nil || got.Seq != 42 || got.LastError != "HTTP 500" || got.Sent != 10 {
		t.Fatalf("SyncCursor = %+v, %v; want seq 42 kept, the error recorded", got, err)
	}
}

// TestPendingOutboxAfter ensures the relay's window query skips delivered
// items and those before the given id.
func TestPendingOutboxAfter(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	ids, err := db.Enqueue(ctx, []store.OutboxItem{
		{Target: "a:1", Kind: "hj212", Key: "M", Payload: []byte("1")},
		{Target: "a:1", Kind: "hj212", Key: "M", Payload: []byte("2")},
		{Target: "a:1", Kind: "hj212", Key: "M", Payload: []byte("3")},
		{Target: "b:1", Kind: "hj212", Key: "M", Payload: []byte("x")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, ids[2:3], day0); err != nil {
		t.Fatal(err)
	}
	got, err := db.PendingOutboxAfter(ctx, "a:1", ids[0], 10)
	if err != nil || len(got) != 1 || string(got[0].Payload) != "2" {
		t.Fatalf("PendingOutboxAfter = %+v, %v; want item 2 only", got, err)
	}
	n, oldest, err := db.PendingCount(ctx, "a:1")
	if err != nil || n != 2 || oldest.IsZero() {
		t.Fatalf("PendingCount = %d, %v, %v; want 2", n, oldest, err)
	}
}

// TestPendingOutboxOf ensures one terminal's queue holds only its own
// undelivered items after the given id, in id order, and that PendingKeys
// names each terminal with waiting items, oldest first, with its highest id.
func TestPendingOutboxOf(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	ids, err := db.Enqueue(ctx, []store.OutboxItem{
		{Target: "a:1", Kind: "hj212", Key: "B", Payload: []byte("b1")},
		{Target: "a:1", Kind: "hj212", Key: "A", Payload: []byte("a1")},
		{Target: "a:1", Kind: "hj212", Key: "B", Payload: []byte("b2")},
		{Target: "a:1", Kind: "hj212", Key: "A", Payload: []byte("a2")},
		{Target: "a:1", Kind: "hj212", Key: "C", Payload: []byte("c1")},
		{Target: "b:1", Kind: "hj212", Key: "A", Payload: []byte("x")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, ids[4:5], day0); err != nil { // C is delivered
		t.Fatal(err)
	}
	for _, tt := range []struct {
		key   string
		after int64
		want  string
	}{
		{"A", 0, "a1 a2"},
		{"A", ids[1], "a2"},
		{"B", 0, "b1 b2"},
		{"C", 0, ""},
		{"D", 0, ""},
	} {
		got, err := db.PendingOutboxOf(ctx, "a:1", tt.key, tt.after, 10)
		var ps []string
		for _, it := range got {
			ps = append(ps, string(it.Payload))
		}
		if err != nil || strings.Join(ps, " ") != tt.want {
			t.Errorf("PendingOutboxOf(%s after %d) = %q, %v; want %q", tt.key, tt.after, ps, err, tt.want)
		}
	}
	keys, err := db.PendingKeys(ctx, "a:1", 0)
	if want := []store.OutboxKey{{Key: "B", Last: ids[2]}, {Key: "A", Last: ids[3]}}; err != nil || !slices.Equal(keys, want) {
		t.Errorf("PendingKeys = %+v, %v; want %+v", keys, err, want)
	}
	if keys, err := db.PendingKeys(ctx, "a:1", ids[2]); err != nil || len(keys) != 1 || keys[0].Key != "A" {
		t.Errorf("PendingKeys after %d = %+v, %v; want A only", ids[2], keys, err)
	}
}

// TestMarkSentMany ensures delivery of more items than SQLite allows
// variables in one statement is recorded (a relay with hundreds of terminal
// connections gathers that many answers).
func TestMarkSentMany(t *testing.T) {
	db := MustOpenDB(t)
	ctx := t.Context()
	items := make([]store.OutboxItem, 40_000)
	for i := range items {
		items[i] = store.OutboxItem{Target: "a:1", Kind: "hj212", Key: "M", Payload: []byte("x")}
	}
	ids, err := db.Enqueue(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, ids, day0); err != nil {
		t.Fatalf("MarkSent of %d items: %v", len(ids), err)
	}
	if n, _, err := db.PendingCount(ctx, "a:1"); err != nil || n != 0 {
		t.Errorf("PendingCount = %d, %v; want 0", n, err)
	}
}

// TestIngestRelaysNewPacketsOnly ensures an outbox item tied to a packet is
// queued only when the packet is new: a terminal's re-send of a stored
// packet is not relayed to the city again.
func TestIngestRelaysNewPacketsOnly(t *testing.T) {
	f := mustReadings(t, 1)
	at := day0.Add(8 * time.Hour)
	item := func(i int) store.OutboxItem {
		return store.OutboxItem{Target: "city:9212", Kind: "hj212", Key: f.mn, Payload: []byte("x"), Packet: i}
	}
	mustIngest(t, f.db, &store.Batch{Packets: []store.RawPacket{f.packet(at, "d20401-Rtd=1")}, Outbox: []store.OutboxItem{item(1)}})
	res := mustIngest(t, f.db, &store.Batch{
		Packets: []store.RawPacket{f.packet(at, "d20401-Rtd=1"), f.packet(at.Add(5*time.Minute), "d20401-Rtd=2")},
		Outbox:  []store.OutboxItem{item(1), item(2)},
	})
	if len(res.OutboxIDs) != 1 {
		t.Errorf("outbox rows of the second batch = %v, want 1 (the re-sent packet is not relayed)", res.OutboxIDs)
	}
	if n, _, _ := f.db.PendingCount(t.Context(), "city:9212"); n != 2 {
		t.Errorf("pending = %d, want 2", n)
	}
	if _, err := f.db.Ingest(t.Context(), &store.Batch{Outbox: []store.OutboxItem{item(1)}}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("outbox item naming a packet not in the batch: %v, want ErrInvalid", err)
	}
}

// TestUplinkChangesNested ensures JSON columns and child rows are embedded
// as JSON (objects and arrays, not strings), and times are Beijing ISO 8601.
func TestUplinkChangesNested(t *testing.T) {
	f := mustReadings(t, 2)
	ctx := t.Context()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := f.db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	last, _ := f.db.UplinkChanges(ctx, 0, 1000)
	after := last[len(last)-1].Seq
	at := day0.Add(8 * time.Hour).UnixMilli()
	exec(`INSERT INTO orders(id, enterprise_id, kind, level, start_at, end_at) VALUES (1, ?, 'shutdown', 'red', ?, ?)`, f.ent, at, at+3600000)
	exec(`INSERT INTO order_facilities(order_id, facility_id) VALUES (1, ?), (1, ?)`, f.facs[0], f.facs[1])
	exec(`INSERT INTO alarms(id, type, grade, status, enterprise_id, start_at, thresholds, created_at, updated_at)
		VALUES (1, 'treatment_off', 'major', 'open', ?, ?, '{"stop_kw": 5}', ?, ?)`, f.ent, at, at, at)
	exec(`INSERT INTO maintenance_records(id, date, people, checks, created_at) VALUES (1, ?, '张三', '[{"Item":"通信","Result":"ok"}]', ?)`, at, at)
	got, err := f.db.UplinkChanges(ctx, after, 100)
	if err != nil {
		t.Fatal(err)
	}
	byEntity := map[string]map[string]any{}
	for _, c := range got {
		var m map[string]any
		if err := json.Unmarshal(c.Data, &m); err != nil {
			t.Fatalf("%s %d: %v in %s", c.Entity, c.ID, err, c.Data)
		}
		byEntity[c.Entity] = m
	}
	if len(got) != 3 {
		t.Fatalf("changes = %d (%v), want order, alarm, maintenance record once each", len(got), byEntity)
	}
	if ids, ok := byEntity["order"]["facility_ids"].([]any); !ok || len(ids) != 2 || byEntity["order"]["start_at"] != "2026-11-02T08:00:00+08:00" {
		t.Errorf("order = %v, want 2 facility ids and the start in Beijing time", byEntity["order"])
	}
	if th, ok := byEntity["alarm"]["thresholds"].(map[string]any); !ok || th["stop_kw"] != 5.0 {
		t.Errorf("alarm thresholds = %#v, want an object", byEntity["alarm"]["thresholds"])
	}
	if cs, ok := byEntity["maintenance_record"]["checks"].([]any); !ok || len(cs) != 1 {
		t.Errorf("maintenance checks = %#v, want an array", byEntity["maintenance_record"]["checks"])
	}
}
