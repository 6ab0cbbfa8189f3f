package sqlite_test

import (
	"fmt"
	"testing"
	"time"

	"powerwatch/store"
)

// BenchmarkInboxLive is the store's side of live ingest without the network:
// 1,000 terminals of one point each send slot after slot; each group commit
// of 1,000 uploads is appended to the inbox, and every 30 of them (a second
// at 30,000 uploads/s) are moved into the tables, as the service's indexer
// does. ns/op is per upload, appending and moving included.
func BenchmarkInboxLive(b *testing.B) {
	const terminals, perMove = 1000, 30
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
	if err := f.db.OpenInbox(b.Context()); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now().Truncate(time.Second).Add(-time.Duration(b.N/terminals/2) * time.Second)
	body := []byte("##0366QN=20261129080000000;ST=44;CN=2011;PW=123456;MN=010000000000000000000000;Flag=5;CP=&&DataTime=20261129080000;" +
		"d20105-Rtd=220.1,d20105-Flag=N;d20205-Rtd=221.3,d20205-Flag=N;d20305-Rtd=219.8,d20305-Flag=N;d20405-Rtd=36.31,d20405-Flag=N;" +
		"d20505-Rtd=22.00,d20505-Flag=N;d20605-Rtd=1234.567,d20605-Flag=N;d20705-Rtd=0.92,d20705-Flag=N;d20805-Rtd=1,d20805-Flag=N&&4A1B")
	b.ResetTimer()
	for done, slot := 0, 0; done < b.N; slot++ {
		at := t0.Add(time.Duration(slot) * time.Second)
		batch := &store.Batch{}
		for i := 0; i < terminals && done < b.N; i, done = i+1, done+1 {
			batch.Packets = append(batch.Packets, store.RawPacket{MN: mns[i], ST: "44", CN: "2011", QN: "20261129080000000",
				DataTime: at, ReceivedAt: at.Add(2 * time.Second), CRCOK: true, Frame: body})
			s := store.NewSample(points[i], at)
			s.P, s.I, s.U, s.E, s.PF = 22+float64(slot%7), 36.3, 220.1, 1000+float64(slot)/100, 0.92
			batch.Samples = append(batch.Samples, s)
		}
		if err := f.db.Append(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
		if slot%perMove == perMove-1 || done == b.N {
			for {
				res, err := f.db.IndexInbox(b.Context(), 1_000_000)
				if err != nil {
					b.Fatal(err)
				}
				if res.Pending == 0 {
					break
				}
			}
		}
	}
}
