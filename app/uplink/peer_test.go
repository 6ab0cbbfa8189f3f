package uplink_test

import (
	"context"
	"fmt"
	"net"
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
			factors := 1
			switch {
			case k%25 == 24:
				factors = 75
			case k%5 == 4:
				factors = 53
			}
			f, m := wideUpload(t, mn(i), k, factors)
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
			fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: c.Addr, Password: "city-password-2026",
				AckTimeout: 300 * time.Millisecond, MaxConns: 8}},
				Outbox: db, Dial: d.dial, Window: 16, Poll: 20 * time.Millisecond, MinBackoff: 10 * time.Millisecond}
			run(t, fw)
			waitFor(t, "an empty outbox", func() bool { return pending(t, db, c.Addr) == 0 })
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
		})
	}
}
