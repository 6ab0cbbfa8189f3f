package service

import (
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/store/sqlite"
)

// BenchmarkIngestUplink measures the district's ingest (100 terminals,
// 4 uploads in flight each, 9014 after the group commit) without an
// upstream, with a city that answers every frame at once (the relay
// drains concurrently: its MarkSent commits compete with ingest's), and with
// the flaky city of TestFlakyUpstreamDoesNotBlockIngest
// (drops connections, answers slowly, loses answers): the relay shares only
// the database with ingest, so the rates should match. b.N is the number of
// packets.
func BenchmarkIngestUplink(b *testing.B) {
	for _, mode := range []string{"none", "healthy", "flaky"} {
		b.Run("upstream="+mode, func(b *testing.B) {
			const terminals = 100
			path := filepath.Join(b.TempDir(), "bench.db")
			db, err := sqlite.Open(b.Context(), path)
			if err != nil {
				b.Fatal(err)
			}
			fixture.Register(b, db, terminals)
			db.Close()
			var city *flakyCity
			m := svcRunMain(b, path, func(c *Config) {
				benchConfig(c)
				if mode != "none" {
					city = startFlakyCity(b)
					city.healed.Store(mode == "healthy")
					c.Uplink.HJ212 = []UpstreamConfig{{Addr: city.ln.Addr().String(), AckTimeout: Duration(300 * time.Millisecond)}}
				}
			})
			conns := make([]*fixture.Client, terminals)
			for i := range conns {
				conns[i] = fixture.Dial(b, m.Addr().String())
			}
			per := max(1, b.N/terminals)
			load(b, conns, benchFrames(terminals, 1, 0), 1)
			frames := benchFrames(terminals, per, 1)
			b.ResetTimer()
			start := time.Now()
			lat := load(b, conns, frames, 4)
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "pkts/s")
			b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99_ms")
			if city != nil {
				d, total := city.distinct()
				b.ReportMetric(float64(d), "city_distinct")
				b.ReportMetric(float64(total-d), "city_resent")
			}
		})
	}
}
