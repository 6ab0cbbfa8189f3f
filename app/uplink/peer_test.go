package uplink_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"powerwatch/app/uplink"
	"powerwatch/internal/peer"
	"powerwatch/listener/hj212"
)

// message is what a terminal uploaded for one DataTime: its CP pairs
// other than DataTime.
type message struct {
	dataTime string
	pairs    []string
}

// peerDistrict queues frames uploads of terms terminals, interleaved as a
// district uploads: most are small; every 5th is just under 1,024 bytes (a
// password rewrite pushes it over) and every 25th a reassembled split
// upload of about 1,400 bytes. It returns the messages per MN in order.
func peerDistrict(t *testing.T, enq func(...[]byte), terms, frames int) map[string][]message {
	sent := map[string][]message{}
	var batch [][]byte
	for k := range frames {
		for i := range terms {
			var f []byte
			var m message
			switch {
			case k%25 == 12: // a terminal's split upload, stored part by part as it came
				parts, pm := splitUpload(t, mn(i), k, 60)
				batch = append(batch, parts[:len(parts)-1]...)
				f, m = parts[len(parts)-1], pm
			case k%25 == 24:
				f, m = wideUpload(t, mn(i), k, 75)
			case k%5 == 4: // the most factors that stay within 1,015 bytes
				for n := 40; ; n++ {
					g, gm := wideUpload(t, mn(i), k, n)
					if len(g)-10 > 1015 {
						break
					}
					f, m = g, gm
				}
			default:
				f, m = wideUpload(t, mn(i), k, 1)
			}
			batch = append(batch, f)
			sent[mn(i)] = append(sent[mn(i)], m)
		}
		if len(batch) >= 500 {
			enq(batch...)
			batch = nil
		}
	}
	enq(batch...)
	return sent
}

// wideUpload is terminal mn's upload at slot k with n factors, as stored.
func wideUpload(t *testing.T, mn string, k, n int) ([]byte, message) {
	t.Helper()
	at := t0.Add(time.Duration(k) * time.Minute)
	p := hj212.Packet{QN: hj212.NewQN(at), ST: "44", CN: "2011", PW: testPW, MN: mn, Flag: 5}
	m := message{dataTime: hj212.FormatN14(at)}
	p.Add("DataTime", m.dataTime)
	for j := range n {
		kv := fmt.Sprintf("e1%04d-Rtd=%d.%04d", j, k, j)
		key, v, _ := strings.Cut(kv, "=")
		p.Add(key, v)
		m.pairs = append(m.pairs, kv)
	}
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b[:len(b)-2], m
}

// splitUpload is terminal mn's upload at slot k with n factors as a
// terminal splits it: two parts with their own QNs, Flag bit D, PNUM/PNO,
// the same DataTime and half the factors each.
func splitUpload(t *testing.T, mn string, k, n int) ([][]byte, message) {
	t.Helper()
	whole, m := wideUpload(t, mn, k, n)
	p, err := hj212.Parse(append(slices.Clone(whole), '\r', '\n'))
	if err != nil {
		t.Fatal(err)
	}
	fs := p.Fields()
	halves := [][]hj212.Field{fs[:1+n/2], append([]hj212.Field{fs[0]}, fs[1+n/2:]...)}
	var out [][]byte
	for i, h := range halves {
		at := t0.Add(time.Duration(k)*time.Minute + time.Duration(i)*time.Millisecond)
		q := &hj212.Packet{QN: hj212.NewQN(at), ST: p.ST, CN: p.CN, PW: p.PW, MN: mn, Flag: p.Flag | hj212.FlagD, PNUM: 2, PNO: i + 1}
		b, err := q.SetFields(h).Encode()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b[:len(b)-2])
	}
	return out, m
}

// received rebuilds each terminal's messages from what a centre filed:
// parts joined by DataTime, in the order each DataTime first arrived.
func received(t *testing.T, c *peer.Centre) map[string][]message {
	t.Helper()
	got := map[string][]message{}
	at := map[string]int{} // MN/DataTime → index in got[MN]
	for _, f := range c.Frames() {
		if f.Rejected != "" {
			t.Errorf("%s centre rejected a frame of %s: %s", c.Kind, f.MN, f.Rejected)
			continue
		}
		if len(f.Segment) > hj212.MaxSegment {
			t.Errorf("%s centre got a data segment of %d bytes from %s", c.Kind, len(f.Segment), f.MN)
		}
		var m message
		for _, kv := range f.CP {
			if v, ok := strings.CutPrefix(kv, "DataTime="); ok {
				m.dataTime = v
			} else {
				m.pairs = append(m.pairs, kv)
			}
		}
		i, ok := at[f.FiledAs+"/"+m.dataTime]
		if !ok {
			at[f.FiledAs+"/"+m.dataTime] = len(got[f.FiledAs])
			got[f.FiledAs] = append(got[f.FiledAs], message{dataTime: m.dataTime})
			i = len(got[f.FiledAs]) - 1
		}
		for _, kv := range m.pairs { // a re-sent frame adds nothing new
			if !contains(got[f.FiledAs][i].pairs, kv) {
				got[f.FiledAs][i].pairs = append(got[f.FiledAs][i].pairs, kv)
			}
		}
	}
	return got
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// checkMessages reports a terminal whose messages did not all arrive, in
// order, with every factor, under its own MN.
// allIn waits (up to 20 s, then lets checkMessages say what is missing)
// until the centre has read a frame of every message sent.
func allIn(c *peer.Centre, sent map[string][]message) {
	want := 0
	for _, ms := range sent {
		want += len(ms)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		seen := map[string]bool{}
		for _, f := range c.Frames() {
			for _, kv := range f.CP {
				if v, ok := strings.CutPrefix(kv, "DataTime="); ok && f.Rejected == "" {
					seen[f.FiledAs+"/"+v] = true
				}
			}
		}
		if len(seen) >= want {
			return
		}
	}
}

func checkMessages(t *testing.T, kind peer.CentreKind, got, sent map[string][]message) {
	t.Helper()
	for mn, want := range sent {
		g := got[mn]
		if len(g) != len(want) {
			t.Errorf("%s centre: %s has %d messages, want %d", kind, mn, len(g), len(want))
			continue
		}
		for i := range want {
			if g[i].dataTime != want[i].dataTime || strings.Join(g[i].pairs, ";") != strings.Join(want[i].pairs, ";") {
				t.Errorf("%s centre: %s message %d = %s with %d pairs, want %s with %d (in order, whole)",
					kind, mn, i, g[i].dataTime, len(g[i].pairs), want[i].dataTime, len(want[i].pairs))
				break
			}
		}
	}
	for mn := range got {
		if _, ok := sent[mn]; !ok {
			t.Errorf("%s centre filed frames under %s, which sent none", kind, mn)
		}
	}
}

// countingDial dials TCP and tracks the relay's open connections.
type countingDial struct {
	mu        sync.Mutex
	open, max int
}

func (d *countingDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.open++
	d.max = max(d.max, d.open)
	d.mu.Unlock()
	return &countedConn{Conn: c, d: d}, nil
}

type countedConn struct {
	net.Conn
	d    *countingDial
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.d.mu.Lock(); c.d.open--; c.d.mu.Unlock() })
	return c.Conn.Close()
}

// TestRelayPeerCentres ensures 2,000 frames from 20 terminals, relayed per
// terminal with a password rewrite, reach each peer centre all, in order per
// terminal, under their own MN, with no data segment over 1,024 bytes, and
// without stalling behind a centre that never answers or answers with
// fresh QNs; at most MaxConns connections are open at once and each carries
// one terminal.
func TestRelayPeerCentres(t *testing.T) {
	for _, kind := range peer.CentreKinds {
		t.Run(kind.String(), func(t *testing.T) {
			c, err := peer.StartCentre(kind)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			db := mustDB(t)
			sent := peerDistrict(t, func(f ...[]byte) { enqueue(t, db, c.Addr, f...) }, 20, 100)
			d := &countingDial{}
			var logs syncBuffer
			fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.Addr, Password: "city-password-2026",
				AckTimeout: 3 * time.Second, MaxConns: 8}},
				Outbox: db, Dial: d.dial, Window: 16, Poll: 20 * time.Millisecond, MinBackoff: 10 * time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			run(t, fw)
			waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.Addr) == 0 })
			// The outbox empties as frames are written; a centre that never
			// answers may not have read the last of them yet.
			allIn(c, sent)
			checkMessages(t, kind, received(t, c), sent)
			mns := map[int]string{}
			for _, f := range c.Frames() {
				if m, ok := mns[f.Conn]; ok && m != f.MN {
					t.Fatalf("connection %d carried %s and %s, want one terminal per connection", f.Conn, m, f.MN)
				}
				mns[f.Conn] = f.MN
			}
			if d.max > 8 {
				t.Errorf("%d connections open at once, want at most MaxConns 8", d.max)
			}
			st, err := fw.Status(t.Context())
			if err != nil || st[0].WriteOnly != (kind == peer.CentreSilent) {
				t.Errorf("Status = %+v, %v; want WriteOnly only behind the silent centre", st, err)
			}
			if warned := strings.Contains(logs.String(), "level=ERROR") && strings.Contains(logs.String(), "does not acknowledge"); warned != (kind == peer.CentreSilent) {
				t.Errorf("fallback error logged = %v, want it only behind the silent centre:\n%s", warned, logs.String())
			}
		})
	}
}

// TestRelayPeerCentresMultiplexed ensures the multiplexed option keeps one
// connection for all terminals and, with QN-then-MN matching and the
// write-and-count fallback, delivers everything in order to every centre;
// a first-MN centre then files every terminal under the first MN, which is
// why a connection per terminal is the default.
func TestRelayPeerCentresMultiplexed(t *testing.T) {
	for _, kind := range peer.CentreKinds {
		t.Run(kind.String(), func(t *testing.T) {
			c, err := peer.StartCentre(kind)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			db := mustDB(t)
			sent := peerDistrict(t, func(f ...[]byte) { enqueue(t, db, c.Addr, f...) }, 20, 100)
			d := &countingDial{}
			fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.Addr, Password: "city-password-2026",
				AckTimeout: 3 * time.Second, Multiplex: true}},
				Outbox: db, Dial: d.dial, Window: 16, Poll: 20 * time.Millisecond, MinBackoff: 10 * time.Millisecond}
			run(t, fw)
			waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.Addr) == 0 })
			got := received(t, c)
			if kind == peer.CentreFirstMN {
				if len(got) != 1 {
					t.Errorf("first-MN centre filed under %d MNs, want all under the first", len(got))
				}
			} else {
				checkMessages(t, kind, got, sent)
			}
			if total, _, _ := c.Conns(); d.max != 1 || total < 1 {
				t.Errorf("%d connections open at once (%d accepted), want one", d.max, total)
			}
			st, err := fw.Status(t.Context())
			if err != nil || st[0].WriteOnly != (kind == peer.CentreSilent) {
				t.Errorf("Status = %+v, %v; want WriteOnly only behind the silent centre", st, err)
			}
		})
	}
}

// TestRelayAnswersRequests ensures a request the city sends on a terminal's
// relay connection is answered with 9011 QnRtn=2 (refused), counted and
// logged, and that relaying goes on.
func TestRelayAnswersRequests(t *testing.T) {
	c, err := peer.StartCentre(peer.CentreMux)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	db := mustDB(t)
	sent := district(t, nil, 3, 0, 2, func(f ...[]byte) { enqueue(t, db, c.Addr, f...) })
	var logs syncBuffer
	fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.Addr}}, Outbox: db, Poll: 20 * time.Millisecond,
		ConnIdle: time.Hour, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	run(t, fw)
	waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.Addr) == 0 })
	if n := c.Request("1011"); n != 3 {
		t.Fatalf("centre sent the request on %d connections, want 3 (one per terminal, kept open)", n)
	}
	waitFor(t, "three answers", func() bool { return len(c.Replies()) == 3 })
	for _, r := range c.Replies() {
		if r.CN != "9011" || !contains(r.CP, "QnRtn=2") {
			t.Errorf("answer %s %v, want 9011 QnRtn=2", r.CN, r.CP)
		}
	}
	if st, _ := fw.Status(t.Context()); st[0].Requests != 3 || st[0].Conns != 3 {
		t.Errorf("Status = %+v, want 3 requests on 3 connections", st[0])
	}
	if !strings.Contains(logs.String(), "upstream request refused") || !strings.Contains(logs.String(), "cn=1011") {
		t.Errorf("log lacks the refused request:\n%s", logs.String())
	}
	district(t, sent, 3, 2, 4, func(f ...[]byte) { enqueue(t, db, c.Addr, f...) })
	fw.Wake()
	waitFor(t, "the next frames", func() bool { return pending(t, db, c.Addr) == 0 })
	if got := received(t, c); len(got[mn(0)]) != 4 {
		t.Errorf("after the request %s has %d messages, want 4", mn(0), len(got[mn(0)]))
	}
}

// TestRelayIdleClose ensures a terminal's connection closes once it has had
// nothing to send for ConnIdle, and that the upstream still counts as
// connected (reachable) without an open connection.
func TestRelayIdleClose(t *testing.T) {
	c, err := peer.StartCentre(peer.CentreMux)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	db := mustDB(t)
	district(t, nil, 3, 0, 2, func(f ...[]byte) { enqueue(t, db, c.Addr, f...) })
	d := &countingDial{}
	fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.Addr}}, Outbox: db, Dial: d.dial,
		Poll: 20 * time.Millisecond, ConnIdle: 50 * time.Millisecond}
	run(t, fw)
	waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.Addr) == 0 })
	waitFor(t, "idle connections closed", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.open == 0
	})
	if st, _ := fw.Status(t.Context()); !st[0].Connected || st[0].Conns != 0 {
		t.Errorf("Status = %+v, want connected with no connection open", st[0])
	}
}
