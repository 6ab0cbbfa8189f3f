package uplink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"powerwatch/store"
)

// errAckTimeout ends a session whose oldest frame waited too long for its 9014.
var errAckTimeout = errors.New("no 9014 answer in time")

// errIdle ends a terminal's connection that has nothing to send.
var errIdle = errors.New("nothing to send")

// lane is one stream of frames on its own connection: one terminal's (key
// is its MN), or every terminal's when all is set (multiplexed). A lane
// reconnects with doubling backoff; a terminal's lane ends when idle.
type lane struct {
	r    *relay
	key  string
	all  bool
	wake chan struct{}

	idle    atomic.Bool // nothing in flight and nothing left to read
	maxRead int64       // highest id read; read by the scheduler after the lane ended
	highest int64       // highest id written, for counting re-sends
}

// run connects, relays, and reconnects until ctx ends or, per terminal,
// the lane has nothing to send.
func (l *lane) run(ctx context.Context) {
	minB, maxB := orDefault(l.r.f.MinBackoff, time.Second), orDefault(l.r.f.MaxBackoff, 2*time.Minute)
	backoff := minB
	for ctx.Err() == nil {
		progress, err := l.connect(ctx)
		if ctx.Err() != nil || errors.Is(err, errIdle) {
			return
		}
		l.r.setError(err, false)
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
func (l *lane) connect(ctx context.Context) (progress bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	dial := l.r.f.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(dctx, "tcp", l.r.up.Addr)
	if err != nil {
		err = fmt.Errorf("connect to %s: %w", l.r.up.Addr, err)
		l.r.setError(err, true)
		return false, err
	}
	defer conn.Close()
	l.r.opened()
	defer l.r.closed()
	l.r.log().Debug("connected", "mn", l.key, "multiplexed", l.all)
	s := &session{l: l, r: l.r, conn: conn, acks: make(chan ackKey, 256), readErr: make(chan error, 1),
		done: make(chan struct{}), parts: map[int64]int{}}
	defer close(s.done)
	go s.readAcks()
	err = s.loop(ctx)
	return s.delivered > 0, err
}

// pending reads the lane's next items after id after.
func (l *lane) pending(ctx context.Context, after int64, limit int) ([]store.OutboxItem, error) {
	// Hundreds of terminal connections reading at once would each take a
	// database connection (opened and closed again by the pool): a few
	// reads at a time are faster.
	select {
	case l.r.reads <- struct{}{}:
		defer func() { <-l.r.reads }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if l.all {
		return l.r.f.Outbox.PendingOutboxAfter(ctx, l.r.up.Addr, after, limit)
	}
	return l.r.f.Outbox.PendingOutboxOf(ctx, l.r.up.Addr, l.key, after, limit)
}

// poke tells the lane that its queue has new items. It never blocks.
func (l *lane) poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}
