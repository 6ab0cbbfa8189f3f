package uplink_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"powerwatch/app/uplink"
	"powerwatch/listener/hj212"
)

// district enqueues n frames for each of terms terminals, interleaved as a
// district's terminals upload, and returns them per MN in upload order.
func district(t *testing.T, sent map[string][][]byte, terms, from, to int, enq func(...[]byte)) map[string][][]byte {
	if sent == nil {
		sent = map[string][][]byte{}
	}
	for k := from; k < to; k++ {
		for i := range terms {
			f := upload(t, mn(i), testPW, k, 5)
			enq(f)
			sent[mn(i)] = append(sent[mn(i)], withCRLF(f))
		}
	}
	return sent
}

// TestRelayDistrict ensures a district's packets reach the city byte for
// byte as received, in order per terminal, and leave the outbox once the
// city's 9014 answers them.
func TestRelayDistrict(t *testing.T) {
	db := mustDB(t)
	mns := []string{mn(0), mn(1), mn(2)}
	c := startCity(t, testPW, mns...)
	sent := district(t, nil, 3, 0, 40, func(f ...[]byte) { enqueue(t, db, c.addr, f...) })
	fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.addr}}, Outbox: db, Window: 16}
	run(t, fw)
	waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.addr) == 0 })
	got := c.frames()
	checkOrder(t, got, sent)
	if len(got) != 120 {
		t.Errorf("city got %d frames, want 120 (no re-sends when every answer arrives)", len(got))
	}
	st, err := fw.Status(t.Context())
	if err != nil || len(st) != 1 || !st[0].Connected || st[0].Pending != 0 || st[0].LastOK.IsZero() || st[0].Resent != 0 {
		t.Errorf("Status = %+v, %v; want connected, empty, delivered, no re-sends", st, err)
	}
}

// TestRelayOutageAndRestart ensures nothing is lost while the city is down
// and across a restart of the forwarder: everything arrives, in order per
// terminal, and re-sends happen only where an answer was lost (counted).
func TestRelayOutageAndRestart(t *testing.T) {
	db := mustDB(t)
	c := startCity(t, testPW, mn(0), mn(1))
	var down atomic.Bool
	down.Store(true)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if down.Load() {
			return nil, errors.New("connection refused (test outage)")
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	newFw := func() *uplink.Forwarder {
		return &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.addr}}, Outbox: db, Dial: dial,
			Window: 8, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Poll: 20 * time.Millisecond}
	}
	sent := district(t, nil, 2, 0, 30, func(f ...[]byte) { enqueue(t, db, c.addr, f...) })

	fw := newFw()
	stop := run(t, fw)
	waitFor(t, "the outage to show in Status", func() bool {
		st, _ := fw.Status(t.Context())
		return len(st) == 1 && strings.Contains(st[0].LastError, "test outage") && !st[0].Connected && st[0].Pending == 60
	})
	down.Store(false)
	waitFor(t, "some frames delivered", func() bool { return len(c.frames()) >= 20 })
	stop() // the forwarder stops mid-way, as when the PC is switched off

	district(t, sent, 2, 30, 40, func(f ...[]byte) { enqueue(t, db, c.addr, f...) }) // queued while stopped
	run(t, newFw())
	waitFor(t, "an empty outbox after the restart", func() bool { return pending(t, db, c.addr) == 0 })
	got := c.frames()
	checkOrder(t, got, sent)
	t.Logf("city got %d frames for 80 sent: %d re-sends after lost answers", len(got), len(got)-80)
}

// TestRelayOverLimit ensures a queue over its limit is reported in Status
// and the log, and that nothing is dropped: all of it arrives later.
func TestRelayOverLimit(t *testing.T) {
	db := mustDB(t)
	c := startCity(t, testPW, mn(0))
	var down atomic.Bool
	down.Store(true)
	var logs syncBuffer
	fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.addr}}, Outbox: db, MaxPending: 5,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if down.Load() {
				return nil, errors.New("down")
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
	sent := map[string][][]byte{}
	for k := range 12 {
		f := upload(t, mn(0), testPW, k, 5)
		enqueue(t, db, c.addr, f)
		sent[mn(0)] = append(sent[mn(0)], withCRLF(f))
	}
	run(t, fw)
	st, err := fw.Status(t.Context())
	if err != nil || !st[0].OverLimit || st[0].Pending != 12 || st[0].Oldest.IsZero() {
		t.Fatalf("Status = %+v, %v; want over the limit with 12 pending", st, err)
	}
	if !strings.Contains(logs.String(), "outbox over its limit") {
		t.Errorf("log lacks the over-limit warning:\n%s", logs.String())
	}
	down.Store(false)
	waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.addr) == 0 })
	checkOrder(t, c.frames(), sent)
	if st, _ := fw.Status(t.Context()); st[0].OverLimit {
		t.Errorf("Status still over the limit after delivery: %+v", st[0])
	}
}

// TestRelayRewrite ensures an MN and password rewrite reaches a city that
// knows the terminal only under its city MN: the frame is re-framed with a
// valid length and CRC, and nothing else in it changes.
func TestRelayRewrite(t *testing.T) {
	db := mustDB(t)
	cityMN := "CITY0000000000000000A001"
	c := startCity(t, "cityPW", cityMN)
	f := upload(t, mn(0), testPW, 1, 5)
	enqueue(t, db, c.addr, f)
	fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.addr, MN: map[string]string{mn(0): cityMN}, Password: "cityPW"}}, Outbox: db}
	run(t, fw)
	waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.addr) == 0 })
	got := c.frames()
	want := strings.NewReplacer("MN="+mn(0), "MN="+cityMN, "PW="+testPW, "PW=cityPW").Replace(string(f))
	p, err := hj212.Parse(got[0])
	if err != nil || len(got) != 1 || p.Segment() != want[6:len(want)-4] {
		t.Errorf("city got %q (%v), want the segment %q", got, err, want[6:len(want)-4])
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
