package uplink_test

import (
	"fmt"
	"testing"
	"time"

	"powerwatch/app/uplink"
)

// BenchmarkRelayBacklog measures how fast a backlog drains to a healthy city
// platform (a real listener.Server on loopback that stores nothing and
// answers every frame with 9014): b.N frames of 100 terminals queued while
// the city was away, relayed with the default window, each marked delivered
// only on its 9014.
func BenchmarkRelayBacklog(b *testing.B) {
	for _, window := range []int{1, 100} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			db := mustDB(b)
			mns := make([]string, 100)
			for i := range mns {
				mns[i] = mn(i)
			}
			c := startCity(b, testPW, mns...)
			var frames [][]byte
			for k := 0; len(frames) < b.N; k++ {
				for i := 0; i < len(mns) && len(frames) < b.N; i++ {
					frames = append(frames, upload(b, mns[i], testPW, k, 5))
				}
			}
			for i := 0; i < len(frames); i += 5000 {
				enqueue(b, db, c.addr, frames[i:min(i+5000, len(frames))]...)
			}
			b.ResetTimer()
			start := time.Now()
			stop := run(b, &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.addr}}, Outbox: db, Window: window, Poll: 10 * time.Millisecond})
			for pending(b, db, c.addr) > 0 {
				time.Sleep(5 * time.Millisecond)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "frames/s")
		})
	}
}
