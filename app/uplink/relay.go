package uplink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"powerwatch/listener/hj212"
)

// errAckTimeout ends a session whose oldest frame waited too long for its 9014.
var errAckTimeout = errors.New("no 9014 answer in time")

// relay is the Forwarder's worker for one upstream.
type relay struct {
	f    *Forwarder
	up   Upstream
	wake chan struct{}

	mu        sync.Mutex
	connected bool
	lastOK    time.Time
	lastErr   string
	lastErrAt time.Time
	resent    int64
	highest   int64 // highest outbox id ever written: ids at or below it are re-sends
	over      bool  // the queue was over MaxPending at the last check
	checked   time.Time
}

func (r *relay) log() *slog.Logger { return r.f.logger().With("upstream", r.up.Addr) }

// run connects, relays, and reconnects with doubling backoff until ctx ends.
func (r *relay) run(ctx context.Context) {
	minB, maxB := orDefault(r.f.MinBackoff, time.Second), orDefault(r.f.MaxBackoff, 2*time.Minute)
	backoff := minB
	for ctx.Err() == nil {
		progress, err := r.connect(ctx)
		r.setConnected(false)
		if ctx.Err() != nil {
			return
		}
		r.setError(err)
		if progress {
			backoff = minB
		}
		if errors.Is(err, errAckTimeout) {
			continue // the upstream works; send the unanswered frames again at once
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxB)
	}
}

// connect runs one session on a new connection. progress reports whether
// anything was delivered on it.
func (r *relay) connect(ctx context.Context) (progress bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	dial := r.f.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(dctx, "tcp", r.up.Addr)
	if err != nil {
		return false, fmt.Errorf("connect to %s: %w", r.up.Addr, err)
	}
	defer conn.Close()
	r.setConnected(true)
	r.log().Info("connected")
	s := &session{r: r, conn: conn, acks: make(chan ackKey, 256), readErr: make(chan error, 1), done: make(chan struct{})}
	defer close(s.done)
	go s.readAcks()
	err = s.loop(ctx)
	return s.delivered > 0, err
}

func (r *relay) setConnected(c bool) {
	r.mu.Lock()
	r.connected = c
	r.mu.Unlock()
}

func (r *relay) setError(err error) {
	if err == nil {
		return
	}
	r.mu.Lock()
	r.lastErr, r.lastErrAt = err.Error(), time.Now()
	r.mu.Unlock()
	r.log().Warn("relay interrupted", "err", err)
}

func (r *relay) markOK() {
	r.mu.Lock()
	r.lastOK = time.Now()
	r.mu.Unlock()
}

// noteSent counts re-sends: an item written before by this process, or
// that failed an attempt before.
func (r *relay) noteSent(id int64, attempts int) {
	r.mu.Lock()
	if attempts > 0 || id <= r.highest {
		r.resent++
	}
	r.highest = max(r.highest, id)
	r.mu.Unlock()
}

// checkLimit warns once when the queue grows over MaxPending, at most every
// 10 s, and once when it is back under.
func (r *relay) checkLimit(ctx context.Context) {
	r.mu.Lock()
	due := time.Since(r.checked) >= 10*time.Second
	if due {
		r.checked = time.Now()
	}
	r.mu.Unlock()
	if !due {
		return
	}
	n, oldest, err := r.f.Outbox.PendingCount(ctx, r.up.Addr)
	if err != nil {
		return // the next check tries again; Status shows the store's error
	}
	r.updateOver(n, oldest)
}

func (r *relay) updateOver(n int, oldest time.Time) bool {
	limit := orDefault(r.f.MaxPending, 100_000)
	over := n > limit
	r.mu.Lock()
	was := r.over
	r.over = over
	r.mu.Unlock()
	switch {
	case over && !was:
		r.log().Warn("outbox over its limit: the city is falling behind; nothing is dropped", "pending", n, "limit", limit, "oldest", oldest)
	case !over && was:
		r.log().Info("outbox back under its limit", "pending", n, "limit", limit)
	}
	return over
}

func (r *relay) status(ctx context.Context) (Status, error) {
	n, oldest, err := r.f.Outbox.PendingCount(ctx, r.up.Addr)
	if err != nil {
		return Status{}, fmt.Errorf("status of %s: %w", r.up.Addr, err)
	}
	over := r.updateOver(n, oldest)
	r.mu.Lock()
	defer r.mu.Unlock()
	return Status{Target: r.up.Addr, Kind: "hj212", Connected: r.connected, Pending: n, Oldest: oldest,
		LastOK: r.lastOK, LastError: r.lastErr, LastErrorAt: r.lastErrAt, Resent: r.resent, OverLimit: over}, nil
}

// ackKey identifies the frame a 9014 answers.
type ackKey struct{ mn, qn string }

// flight is a frame written and awaiting its 9014.
type flight struct {
	id       int64
	key      ackKey
	deadline time.Time
}

// session is one connection's relaying.
type session struct {
	r         *relay
	conn      net.Conn
	acks      chan ackKey
	readErr   chan error
	done      chan struct{}
	inflight  []flight
	answered  []int64   // ids answered but not yet recorded (see flushEvery)
	flushAt   time.Time // when answered must be recorded
	last      int64     // highest id written on this connection
	delivered int
}

// readAcks passes the upstream's 9014 answers to the session. Other frames
// (a platform's own requests) are ignored: the relay only uploads.
func (s *session) readAcks() {
	rd := hj212.NewReader(s.conn, 64<<10)
	for {
		p, err := rd.ReadPacket()
		var se *hj212.SyntaxError
		switch {
		case errors.As(err, &se):
			continue // the reader has resynchronised
		case err != nil:
			s.readErr <- fmt.Errorf("read from %s: %w", s.r.up.Addr, err)
			return
		case p.CN != "9014":
			continue
		}
		select {
		case s.acks <- ackKey{p.MN, p.QN}:
		case <-s.done:
			return
		}
	}
}
