package listener_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

const (
	testMN = "010000A8900016F000169DC0"
	testPW = "123456"
)

// fakeDir is a Directory over a map; Lookups counts the calls.
type fakeDir struct {
	mu      sync.Mutex
	regs    map[string]*listener.Registration
	lookups int
}

func newFakeDir(mns ...string) *fakeDir {
	d := &fakeDir{regs: map[string]*listener.Registration{}}
	for i, mn := range mns {
		d.regs[mn] = &listener.Registration{
			Terminal: store.Terminal{ID: int64(i + 1), MN: mn, Password: testPW},
			Points:   []store.Point{{ID: int64(i + 1), TerminalID: int64(i + 1), PowerCode: "d20401", CurrentCode: "d20301"}},
		}
	}
	return d
}

func (d *fakeDir) Lookup(_ context.Context, mn string) (*listener.Registration, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	if r, ok := d.regs[mn]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("terminal %s: %w", mn, store.ErrNotFound)
}

// memRecorder keeps every recorded upload; fail makes Record fail.
type memRecorder struct {
	mu      sync.Mutex
	uploads []*listener.Upload
	keys    map[string]bool
	dups    int // uploads of a key recorded before
	fail    error
}

func (r *memRecorder) Record(_ context.Context, batch []*listener.Upload) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	if r.keys == nil {
		r.keys = map[string]bool{}
	}
	for _, u := range batch {
		dt, _ := u.Packet.Get("DataTime")
		k := u.Packet.MN + "/" + u.Packet.CN + "/" + dt
		if r.keys[k] {
			r.dups++
		}
		r.keys[k] = true
		r.uploads = append(r.uploads, u)
	}
	return nil
}

func (r *memRecorder) duplicates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dups
}

func (r *memRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.uploads)
}

// frame encodes an upload of testMN (2017, CN 2011) at DataTime at.
func frame(t testing.TB, mn, pw, qn, cn string, flag hj212.Flag, at time.Time, cp ...hj212.Field) []byte {
	t.Helper()
	fields := append([]hj212.Field{{Key: "DataTime", Value: hj212.FormatN14(at)}}, cp...)
	p := hj212.Packet{QN: qn, ST: "44", CN: cn, PW: pw, MN: mn, Flag: flag,
		Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag}
	b, err := p.SetFields(fields).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realtime is a 2017 real-time upload asking for an answer, with power and current.
func realtime(t testing.TB, mn, qn string, at time.Time) []byte {
	return frame(t, mn, testPW, qn, "2011", 5, at,
		hj212.Field{Key: "d20401-Rtd", Value: "12.5"}, hj212.Field{Key: "d20401-Flag", Value: "N", Grouped: true},
		hj212.Field{Key: "d20301-Rtd", Value: "20.1"})
}

// startServer serves s on 127.0.0.1:0 and stops it when the test ends.
func startServer(t testing.TB, s *listener.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// client is a test terminal.
type client struct {
	t       testing.TB
	c       net.Conn
	rd      *hj212.Reader
	timeout time.Duration // for read; 0 means 10 s
}

func dial(t testing.TB, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, rd: hj212.NewReader(c, 0)}
}

func (c *client) write(b ...[]byte) {
	c.t.Helper()
	for _, f := range b {
		if _, err := c.c.Write(f); err != nil {
			c.t.Fatal(err)
		}
	}
}

// read returns the next packet from the server, failing after 10 s.
func (c *client) read() *hj212.Packet {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(cmpOr(c.timeout, 10*time.Second)))
	p, err := c.rd.ReadPacket()
	if err != nil {
		c.t.Fatalf("read reply: %v", err)
	}
	return p
}

// expectSilence asserts that nothing arrives within d.
func (c *client) expectSilence(d time.Duration) {
	c.t.Helper()
	c.c.SetReadDeadline(time.Now().Add(d))
	if p, err := c.rd.ReadPacket(); err == nil {
		c.t.Fatalf("got %s QN=%s, want nothing", p.CN, p.QN)
	}
	c.rd = hj212.NewReader(c.c, 0) // the Reader's error is sticky; nothing was buffered
}

func cmpOr(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}
