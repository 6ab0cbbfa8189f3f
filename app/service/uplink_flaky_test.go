package service

import (
	"math/rand/v2"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/listener/hj212"
	"powerwatch/store/sqlite"
)

// flakyCity is a city platform that misbehaves until healed: it drops
// connections at random, answers slowly, and loses answers. Once healed it
// answers every frame at once. It records the QNs it received.
type flakyCity struct {
	ln     net.Listener
	healed atomic.Bool
	mu     sync.Mutex
	got    map[string]int // MN+QN → copies received
	frames int
}

func startFlakyCity(tb testing.TB) *flakyCity {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	c := &flakyCity{ln: ln, got: map[string]int{}}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go c.serve(conn)
		}
	}()
	tb.Cleanup(func() { ln.Close() })
	return c
}

func (c *flakyCity) serve(conn net.Conn) {
	defer conn.Close()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	if !c.healed.Load() && r.IntN(3) == 0 {
		return // accepted and dropped
	}
	rd := hj212.NewReader(conn, 0)
	for {
		p, err := rd.ReadPacket()
		if err != nil {
			return
		}
		c.mu.Lock()
		c.got[p.MN+"/"+p.QN]++
		c.frames++
		c.mu.Unlock()
		if !c.healed.Load() {
			time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond) // slow
			switch r.IntN(20) {
			case 0:
				return // drops the connection mid-stream
			case 1, 2:
				continue // loses the answer
			}
		}
		ack, err := hj212.DataAck(p).Encode()
		if err == nil {
			conn.Write(ack)
		}
	}
}

func (c *flakyCity) distinct() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.got), c.frames
}

// TestFlakyUpstreamDoesNotBlockIngest ensures a city that drops connections,
// answers slowly and loses answers never holds up the terminals: every
// upload is acknowledged by the district, and once the city behaves,
// every packet reaches it (re-sends only where an answer was lost).
func TestFlakyUpstreamDoesNotBlockIngest(t *testing.T) {
	const k, n = 10, 60
	city := startFlakyCity(t)
	path := filepath.Join(t.TempDir(), "flaky.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Register(t, db, k)
	db.Close()
	m := svcRunMain(t, path, func(c *Config) {
		c.Uplink.HJ212 = []UpstreamConfig{{Addr: city.ln.Addr().String(), AckTimeout: Duration(300 * time.Millisecond)}}
		c.Uplink.MaxBackoff = Duration(time.Second) // the city drops many connections: keep retrying briskly
	})
	conns := make([]*fixture.Client, k)
	for i := range conns {
		conns[i] = fixture.Dial(t, m.Addr().String())
	}
	if lat := load(t, conns, benchFrames(k, n/2, 0), 4); len(lat) != k*n/2 {
		t.Fatalf("%d of %d uploads acknowledged by the district", len(lat), k*n/2)
	}
	// The second half goes in while the relay is busy with the misbehaving city.
	fixture.WaitUntil(t, "the relay at work", func() bool { d, _ := city.distinct(); return d >= 50 })
	if lat := load(t, conns, benchFrames(k, n/2, n/2), 4); len(lat) != k*n/2 {
		t.Fatalf("%d of %d uploads acknowledged by the district while the relay struggles", len(lat), k*n/2)
	}
	city.healed.Store(true)
	fixture.WaitUntil(t, "every packet at the city", func() bool { d, _ := city.distinct(); return d == k*n })
	fixture.WaitUntil(t, "an empty outbox", func() bool {
		p, _, _ := m.DB.PendingCount(t.Context(), city.ln.Addr().String())
		return p == 0
	})
	d, total := city.distinct()
	st, _ := m.UplinkStatus(t.Context())
	t.Logf("city got %d frames for %d packets: %d re-sends (relay counted %d)", total, d, total-d, st[0].Resent)
}
