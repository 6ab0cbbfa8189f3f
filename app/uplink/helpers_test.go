package uplink_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const testPW = "123456"

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, store.Beijing)

// mustDB returns an empty, migrated database in a temporary directory.
func mustDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mn returns the i-th test terminal's MN.
func mn(i int) string { return fmt.Sprintf("010000A8900016F0001%05d", i) }

// upload is a 2017 real-time upload of terminal mn at slot k, as stored in
// the outbox (without CR LF); flag 5 asks for a 9014, 4 does not.
func upload(tb testing.TB, mn, pw string, k int, flag hj212.Flag) []byte {
	tb.Helper()
	at := t0.Add(time.Duration(k) * time.Minute)
	p := hj212.Packet{QN: hj212.NewQN(at.Add(time.Duration(k) * time.Millisecond)), ST: "44", CN: "2011", PW: pw, MN: mn, Flag: flag,
		Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag}
	b, err := p.SetFields([]hj212.Field{{Key: "DataTime", Value: hj212.FormatN14(at)},
		{Key: "e10101-Rtd", Value: fmt.Sprintf("%d.5", k)}}).Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return b[:len(b)-2]
}

// enqueue puts frames into target's outbox, in order.
func enqueue(tb testing.TB, db *sqlite.DB, target string, frames ...[]byte) {
	tb.Helper()
	items := make([]store.OutboxItem, len(frames))
	for i, f := range frames {
		p, err := hj212.Parse(append(slices.Clone(f), '\r', '\n'))
		if err != nil {
			tb.Fatal(err)
		}
		items[i] = store.OutboxItem{Target: target, Kind: "hj212", Key: p.MN, Payload: f}
	}
	if _, err := db.Enqueue(tb.Context(), items); err != nil {
		tb.Fatal(err)
	}
}

// city is a fake city platform: a real listener.Server on 127.0.0.1:0 that
// records the raw frame of every upload it accepts, in arrival order.
type city struct {
	addr string
	srv  *listener.Server
	mu   sync.Mutex
	got  [][]byte
}

// startCity serves the terminals mns (password pw) until the test ends.
func startCity(tb testing.TB, pw string, mns ...string) *city {
	tb.Helper()
	c := &city{}
	regs := map[string]*listener.Registration{}
	for i, m := range mns {
		regs[m] = &listener.Registration{Terminal: store.Terminal{ID: int64(i + 1), MN: m, Password: pw}}
	}
	c.srv = &listener.Server{
		Directory: listener.DirectoryFunc(func(_ context.Context, m string) (*listener.Registration, error) {
			if r, ok := regs[m]; ok {
				return r, nil
			}
			return nil, store.ErrNotFound
		}),
		Recorder: listener.RecorderFunc(func(_ context.Context, batch []*listener.Upload) error {
			c.mu.Lock()
			defer c.mu.Unlock()
			for _, u := range batch {
				c.got = append(c.got, []byte(u.Packet.Raw()))
			}
			return nil
		}),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	c.addr = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.srv.Serve(ctx, ln) }()
	tb.Cleanup(func() { cancel(); <-done })
	return c
}

func (c *city) frames() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.got)
}

// waitFor polls cond until it holds or 20 s pass (a generous bound on a
// shared 2-core machine; the test never asserts a duration).
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	tb.Fatalf("timed out waiting for %s", what)
}

// pending is the target's queue length.
func pending(tb testing.TB, db *sqlite.DB, target string) int {
	tb.Helper()
	n, _, err := db.PendingCount(tb.Context(), target)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// run runs f until the returned stop is called.
func run(tb testing.TB, f interface{ Run(context.Context) error }) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	tb.Cleanup(stop)
	return stop
}

// checkOrder reports frames of one MN that arrived out of order, comparing
// first arrivals with the order sent.
func checkOrder(tb testing.TB, got [][]byte, sent map[string][][]byte) {
	tb.Helper()
	seen := map[string]bool{}
	next := map[string]int{}
	for _, f := range got {
		if seen[string(f)] {
			continue // a re-send after a lost answer
		}
		seen[string(f)] = true
		p, err := hj212.Parse(f)
		if err != nil {
			tb.Fatalf("city got a frame it cannot parse: %v", err)
		}
		want := sent[p.MN]
		if i := next[p.MN]; i >= len(want) || string(want[i]) != string(f) {
			tb.Fatalf("frame %d of %s: got %q, want %q (byte-identical, in order)", i, p.MN, f, want[min(i, len(want)-1)])
		}
		next[p.MN]++
	}
	for m, want := range sent {
		if next[m] != len(want) {
			tb.Errorf("%s: city got %d distinct frames, want %d", m, next[m], len(want))
		}
	}
}

// withCRLF returns f as it travels on the wire.
func withCRLF(f []byte) []byte { return append(slices.Clone(f), '\r', '\n') }
