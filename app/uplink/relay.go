package uplink

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// relay is the Forwarder's worker for one upstream: one lane (connection)
// for all terminals when multiplexed, else one lane per terminal with
// frames waiting (terminals.go).
type relay struct {
	f    *Forwarder
	up   Upstream
	wake chan struct{}
	rec  *recorder
	// reads bounds the queue reads running at once (lane.pending).
	reads chan struct{}
	// waiting is how many terminals wait for a connection (MaxConns
	// reached): an idle terminal connection then closes at once.
	waiting atomic.Int64

	mu        sync.Mutex
	conns     int  // connections open now
	reachable bool // the last connection attempt succeeded
	lastOK    time.Time
	lastErr   string
	lastErrAt time.Time
	resent    int64
	over      bool // the queue was over MaxPending at the last check
	checked   time.Time
	// Acknowledgement health (ack.go).
	missed    int  // frames left unanswered past AckTimeout since the last matched 9014
	unmatched int  // answers in a row that matched no frame
	writeOnly bool // fallback: a frame counts as delivered once written
	strays    int64
	requests  int64 // upstream requests refused (requests.go)
}

func newRelay(f *Forwarder, u Upstream) *relay {
	r := &relay{f: f, up: u, wake: make(chan struct{}, 1), reads: make(chan struct{}, 2)}
	r.rec = &recorder{r: r, kick: make(chan struct{}, 1)}
	if u.NoAck {
		r.writeOnly = true
	}
	return r
}

func (r *relay) log() *slog.Logger { return r.f.logger().With("upstream", r.up.Addr) }

// run relays until ctx ends.
func (r *relay) run(ctx context.Context) {
	var wg sync.WaitGroup
	rctx, stopRec := context.WithCancel(context.WithoutCancel(ctx))
	wg.Go(func() { r.rec.run(rctx) })
	if r.up.Multiplex {
		l := &lane{r: r, all: true, wake: r.wake}
		l.run(ctx)
	} else {
		r.runTerminals(ctx)
	}
	stopRec() // every lane has flushed its answers; the recorder's last flush is done
	wg.Wait()
}

func (r *relay) opened() {
	r.mu.Lock()
	r.conns++
	r.reachable = true
	r.mu.Unlock()
}

func (r *relay) closed() {
	r.mu.Lock()
	r.conns--
	r.mu.Unlock()
}

func (r *relay) setError(err error, dial bool) {
	if err == nil {
		return
	}
	r.mu.Lock()
	// Hundreds of terminal connections fail together when the upstream is
	// down: the log says so once per message and 10 s.
	quiet := r.lastErr == err.Error() && time.Since(r.lastErrAt) < 10*time.Second
	r.lastErr = err.Error()
	if !quiet {
		r.lastErrAt = time.Now()
	}
	if dial {
		r.reachable = false
	}
	r.mu.Unlock()
	if !quiet {
		r.log().Warn("relay interrupted", "err", err)
	}
}

func (r *relay) markOK() {
	r.mu.Lock()
	r.lastOK = time.Now()
	r.mu.Unlock()
}

func (r *relay) noteResent() {
	r.mu.Lock()
	r.resent++
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
	// Per terminal, connections close when idle: the upstream counts as
	// connected while the last attempt to reach it succeeded.
	connected := r.conns > 0 || (!r.up.Multiplex && r.reachable)
	return Status{Target: r.up.Addr, Kind: "hj212", Connected: connected, Pending: n, Oldest: oldest,
		LastOK: r.lastOK, LastError: r.lastErr, LastErrorAt: r.lastErrAt, Resent: r.resent, OverLimit: over,
		Conns: r.conns, WriteOnly: r.writeOnly && !r.up.NoAck, Unmatched: r.strays, Requests: r.requests}, nil
}
