package uplink

import (
	"context"
	"log/slog"
	"net"
	"sync"
	"time"

	"powerwatch/store"
)

// Outbox is what the Forwarder needs from the store (*sqlite.DB is one).
type Outbox interface {
	// PendingOutboxAfter returns up to limit undelivered items of target with
	// an id above after, in id order.
	PendingOutboxAfter(ctx context.Context, target string, after int64, limit int) ([]store.OutboxItem, error)
	// PendingOutboxOf is PendingOutboxAfter for the items of one ordering
	// key (a terminal's MN).
	PendingOutboxOf(ctx context.Context, target, key string, after int64, limit int) ([]store.OutboxItem, error)
	// PendingKeys returns the keys with undelivered items of target above
	// after, oldest first, each with its highest such id.
	PendingKeys(ctx context.Context, target string, after int64) ([]store.OutboxKey, error)
	// PendingCount returns the number of undelivered items of target and the
	// creation time of the oldest.
	PendingCount(ctx context.Context, target string) (int, time.Time, error)
	// MarkSent records delivery; already delivered items are left alone.
	MarkSent(ctx context.Context, ids []int64, at time.Time) error
	// MarkFailed records a failed attempt; the items stay pending.
	MarkFailed(ctx context.Context, ids []int64, reason string) error
}

// Upstream is one city platform that receives the district's HJ 212 frames.
type Upstream struct {
	Addr string // host:port; also the outbox target name
	// MN maps a terminal's MN to the one the city assigned; terminals not
	// listed keep theirs.
	MN map[string]string
	// Password, when set, replaces every frame's PW.
	Password string
	// NoAck is for platforms that never answer 9014: a frame is delivered
	// once written to the connection.
	NoAck bool
	// AckTimeout is how long a frame may wait for its 9014 before it is sent
	// again; 0 means 60 s.
	AckTimeout time.Duration
	// Multiplex sends every terminal's frames over one connection, for
	// platforms that want that. By default each terminal (MN) has its own
	// connection, order, window and acknowledgement, as if the device
	// itself were connected: centres that bind a connection to the first MN
	// they read work too.
	Multiplex bool
	// MaxConns bounds the connections open at once to this upstream (per
	// terminal mode); 0 means 500. With more terminals waiting, a
	// connection closes as soon as its terminal's queue is empty.
	MaxConns int
	// AckFallback is how many frames may go unanswered (or how many answers
	// may match nothing) in a row before the relay stops waiting for 9014
	// and counts a frame as delivered once written; 0 means 10.
	AckFallback int
}

// Forwarder relays the outbox to each upstream over HJ 212: per upstream,
// one connection per terminal with frames waiting (or one for all when
// Upstream.Multiplex is set). Set Upstreams and Outbox before Run.
type Forwarder struct {
	Upstreams []Upstream
	Outbox    Outbox
	Dial      func(ctx context.Context, network, addr string) (net.Conn, error) // nil: net.Dialer
	// Window is how many frames may await their 9014 at once on one
	// connection; 0 means 100.
	Window int
	// ConnIdle is how long a terminal's connection stays open with nothing
	// to send; 0 means 3 minutes.
	ConnIdle time.Duration
	// MaxPending is the queue length per upstream above which Status and the
	// log warn (nothing is dropped); 0 means 100,000.
	MaxPending int
	// Poll is how often an idle relay looks for new items when nobody calls
	// Wake; 0 means 2 s.
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait between failed connection
	// attempts (doubling); 0 means 1 s and 2 min.
	MinBackoff, MaxBackoff time.Duration
	// Keep is how long delivered items stay in the outbox (for the status's
	// "sent in the last 24 h" and for audits) before Run deletes them, when
	// Outbox can purge (*sqlite.DB can); 0 means 7 days.
	Keep   time.Duration
	Logger *slog.Logger // nil: discard

	once   sync.Once
	relays []*relay
}

func (f *Forwarder) init() {
	f.once.Do(func() {
		for _, u := range f.Upstreams {
			f.relays = append(f.relays, newRelay(f, u))
		}
	})
}

// Run relays until ctx ends, then returns nil once every connection is
// closed. Items not yet delivered stay in the outbox for the next Run.
func (f *Forwarder) Run(ctx context.Context) error {
	f.init()
	var wg sync.WaitGroup
	for _, r := range f.relays {
		wg.Go(func() { r.run(ctx) })
	}
	if p, ok := f.Outbox.(purger); ok && len(f.relays) > 0 {
		wg.Go(func() { f.purge(ctx, p) })
	}
	wg.Wait()
	return nil
}

// purger deletes delivered outbox items.
type purger interface {
	PurgeOutbox(ctx context.Context, before time.Time) (int64, error)
}

// purge deletes delivered items older than Keep, at start and every hour.
func (f *Forwarder) purge(ctx context.Context, p purger) {
	for {
		n, err := p.PurgeOutbox(ctx, time.Now().Add(-orDefault(f.Keep, 7*24*time.Hour)))
		if err != nil && ctx.Err() == nil {
			f.logger().Warn("purge delivered outbox items", "err", err)
		} else if n > 0 {
			f.logger().Info("purged delivered outbox items", "n", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// Wake tells every relay that new items are in the outbox (the ingest calls
// it after each commit). It never blocks.
func (f *Forwarder) Wake() {
	f.init()
	for _, r := range f.relays {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// Status reports each upstream, in the order of Upstreams.
func (f *Forwarder) Status(ctx context.Context) ([]Status, error) {
	f.init()
	out := make([]Status, 0, len(f.relays))
	for _, r := range f.relays {
		s, err := r.status(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (f *Forwarder) logger() *slog.Logger {
	if f.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Logger
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
