package sqlite_test

import (
	"fmt"
	"testing"
	"time"

	"powerwatch/store"
)

// BenchmarkIngestResent: batches of 1,000 uploads from 1,000 terminals that
// were all stored before (a terminal re-sending what it had cached, with new
// QNs): each is found a duplicate. ns/op is per re-sent upload; the first
// ingest of each batch is not timed.
func BenchmarkIngestResent(b *testing.B) {
	const terminals = 1000
	f := mustReadings(b, 0)
	exec := func(q string, args ...any) int64 {
		r, err := f.db.SQL().ExecContext(b.Context(), q, args...)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := r.LastInsertId()
		return id
	}
	mns := make([]string, terminals)
	points := make([]int64, terminals)
	for i := range terminals {
		mns[i] = fmt.Sprintf("0100%020d", i)
		term := exec(`INSERT INTO terminals(mn, enterprise_id, rtd_interval_s) VALUES (?, ?, 300)`, mns[i], f.ent)
		fac := exec(`INSERT INTO facilities(enterprise_id, name, kind, rated_kw) VALUES (?, ?, 'production', 100)`, f.ent, fmt.Sprintf("线%d", i))
		points[i] = exec(`INSERT INTO points(terminal_id, facility_id, name, power_code) VALUES (?, ?, 'P', 'd20505')`, term, fac)
	}
	t0 := time.Now().Truncate(time.Second).Add(-time.Hour)
	batch := func(slot int, qn string) *store.Batch {
		at := t0.Add(time.Duration(slot) * time.Second)
		b := &store.Batch{}
		for i := range terminals {
			frame := fmt.Sprintf("##0300QN=%s;ST=44;CN=2011;PW=123456;MN=%s;Flag=5;CP=&&DataTime=%s;d20505-Rtd=%d.00,d20505-Flag=N;d20605-Rtd=1234.5&&4A1B",
				qn, mns[i], at.Format("20060102150405"), 22+slot%7)
			b.Packets = append(b.Packets, store.RawPacket{MN: mns[i], ST: "44", CN: "2011", QN: qn,
				DataTime: at, ReceivedAt: at.Add(2 * time.Second), CRCOK: true, Frame: []byte(frame)})
			s := store.NewSample(points[i], at)
			s.P, s.E = float64(22+slot%7), 1234.5
			b.Samples = append(b.Samples, s)
		}
		return b
	}
	b.ResetTimer()
	for slot := 0; slot*terminals < b.N; slot++ {
		b.StopTimer()
		mustIngest(b, f.db, batch(slot, "20261129080000000"))
		again := batch(slot, "20261129080000999")
		b.StartTimer()
		res := mustIngest(b, f.db, again)
		if res.NewPackets != 0 || res.NewSamples != 0 {
			b.Fatalf("re-sent batch: %d new packets, %d new samples, want none", res.NewPackets, res.NewSamples)
		}
	}
}
