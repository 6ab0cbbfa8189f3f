package uplink

import (
	"context"
	"sync"
	"time"
)

// flushEvery bounds how long a delivered frame waits to be recorded:
// deliveries of every connection of an upstream are recorded together, so
// hundreds of terminal connections do not each commit per answer.
const flushEvery = 100 * time.Millisecond

// recordBatch records at once when this many deliveries have gathered.
const recordBatch = 500

// recorder records an upstream's delivered frames in batches.
type recorder struct {
	r    *relay
	kick chan struct{}
	fmu  sync.Mutex // one flush at a time: a sync flush waits for one under way
	mu   sync.Mutex
	ids  []int64
}

// add gathers delivered items.
func (rc *recorder) add(ids ...int64) {
	if len(ids) == 0 {
		return
	}
	rc.mu.Lock()
	rc.ids = append(rc.ids, ids...)
	n := len(rc.ids)
	rc.mu.Unlock()
	if n >= recordBatch {
		select {
		case rc.kick <- struct{}{}:
		default:
		}
	}
}

// run flushes every flushEvery, or sooner when a batch is full, until ctx
// ends, then once more.
func (rc *recorder) run(ctx context.Context) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			rc.flush(context.WithoutCancel(ctx))
			return
		case <-rc.kick:
		case <-t.C:
		}
		rc.flush(ctx)
	}
}

// flush records what has gathered. On a store error the items are kept
// for the next flush; if the program stops first, they stay pending and are
// sent again (at-least-once).
func (rc *recorder) flush(ctx context.Context) error {
	rc.fmu.Lock()
	defer rc.fmu.Unlock()
	rc.mu.Lock()
	ids := rc.ids
	rc.ids = nil
	rc.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	if err := rc.r.f.Outbox.MarkSent(ctx, ids, time.Now()); err != nil {
		// Kept for the next flush: the connections that sent them read on
		// past them and would not send them again before a restart.
		rc.mu.Lock()
		rc.ids = append(ids, rc.ids...)
		rc.mu.Unlock()
		rc.r.log().Warn("record delivered frames; trying again", "n", len(ids), "err", err)
		return err
	}
	rc.r.markOK()
	return nil
}
