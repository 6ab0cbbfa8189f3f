package sqlite

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/store"
)

// TestRepackRawKeepsEveryFrame: terminal-days stored in format 2 are
// rewritten in format 3 and RawPackets gives back the same packets, byte for
// byte, before and after; a second call finds nothing left.
func TestRepackRawKeepsEveryFrame(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "pw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	day0 := time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing)
	mns := []string{"0100A8900000000001000001", "0100A8900000000001000002", "0100A8900000000001000003"}
	for _, mn := range mns {
		for d := range 4 {
			day := day0.AddDate(0, 0, d)
			var recs []rawRecord
			for i := range 100 + rng.IntN(188) {
				at := day.Add(time.Duration(i) * 5 * time.Minute)
				f := randomFrame(rng, at, i, d)
				recs = append(recs, newRawRecord(store.RawPacket{MN: mn, ST: "44", CN: "2011", QN: frameQN(f), DataTime: at,
					ReceivedAt: at.Add(time.Duration(rng.IntN(9000)) * time.Millisecond), CRCOK: rng.IntN(9) > 0, Frame: f}))
			}
			blob := encodeRawDeflate(recs)
			if err := insertRawParts(ctx, db.db, mn, ms(day), len(recs), blob); err != nil {
				t.Fatal(err)
			}
		}
	}
	read := func() map[string][]string {
		out := map[string][]string{}
		for _, mn := range mns {
			ps, err := db.RawPackets(ctx, mn, day0, day0.AddDate(0, 0, 4))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				out[mn] = append(out[mn], packetString(p))
			}
		}
		return out
	}
	before := read()
	res, err := db.RepackRaw(ctx, time.Nanosecond) // one batch, then the budget is spent
	if err != nil {
		t.Fatal(err)
	}
	if res.Days != 12 || res.Remaining != 0 || res.After >= res.Before {
		t.Fatalf("repack: %+v, want the 12 days done and smaller", res)
	}
	if res, err = db.RepackRaw(ctx, 0); err != nil || res.Days != 0 {
		t.Fatalf("a second repack: %+v, %v; want nothing to do", res, err)
	}
	var old int
	db.db.QueryRowContext(ctx, `SELECT count(*) FROM raw_days WHERE part = 0 AND substr(blob, 1, 1) <> ?`, []byte{rawColumns}).Scan(&old)
	if old != 0 {
		t.Fatalf("%d days still in an old format", old)
	}
	after := read()
	for _, mn := range mns {
		if len(after[mn]) != len(before[mn]) || len(before[mn]) == 0 {
			t.Fatalf("%s: %d packets after, %d before", mn, len(after[mn]), len(before[mn]))
		}
		// Packets of one time come back in stored order; compare as multisets.
		count := map[string]int{}
		for _, s := range before[mn] {
			count[s]++
		}
		for _, s := range after[mn] {
			if count[s] == 0 {
				t.Fatalf("%s: packet after the repack not there before: %s", mn, s)
			}
			count[s]--
		}
	}
}
