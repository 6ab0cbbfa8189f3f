package uplink_test

import (
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"powerwatch/app/uplink"
	"powerwatch/internal/peer"
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

// BenchmarkRelayTerminals measures the relay draining a backlog of one day
// (288 frames per terminal, a 5-minute rhythm) of many terminals through
// one connection per terminal (at most the default 500 open) to a
// multiplexing peer centre on loopback that answers every frame with 9014;
// each frame is marked delivered only on its answer. The backlog is queued
// before the clock starts.
func BenchmarkRelayTerminals(b *testing.B) {
	for _, bc := range []struct {
		terms int
		mux   bool
	}{{20, false}, {200, false}, {2000, false}, {2000, true}} {
		terms := bc.terms
		name := fmt.Sprintf("terminals=%d", terms)
		if bc.mux {
			name += "/multiplexed" // the same backlog on one connection, for comparison
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				db := mustDB(b)
				c, err := peer.StartCountingCentre(peer.CentreMux)
				if err != nil {
					b.Fatal(err)
				}
				var batch [][]byte
				for k := range 288 {
					for i := range terms {
						batch = append(batch, upload(b, mn(i), testPW, k*5, 5))
						if len(batch) == 5000 {
							enqueue(b, db, c.Addr, batch...)
							batch = batch[:0]
						}
					}
				}
				enqueue(b, db, c.Addr, batch...)
				b.StartTimer()
				start := time.Now()
				d := &countingDial{}
				stop := run(b, &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.Addr, Multiplex: bc.mux}}, Outbox: db, Dial: d.dial, Poll: 50 * time.Millisecond,
					Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
				for pending(b, db, c.Addr) > 0 {
					time.Sleep(100 * time.Millisecond) // counting the queue costs; a tenth of a second is noise here
				}
				elapsed := time.Since(start)
				b.StopTimer()
				stop()
				n, _ := c.Received()
				total, _, _ := c.Conns()
				c.Close()
				b.ReportMetric(elapsed.Seconds(), "s/drain")
				b.ReportMetric(float64(terms*288)/elapsed.Seconds(), "frames/s")
				b.ReportMetric(float64(n-terms*288), "resent")
				b.ReportMetric(float64(d.max), "max-conns") // open at once, as the relay counts them
				b.ReportMetric(float64(total), "conns")     // opened in all
				b.StartTimer()
			}
		})
	}
}
