package uplink

import (
	"context"
	"time"
)

// terminals schedules one lane per terminal with frames waiting, at most
// MaxConns at once; terminals beyond wait in the order their frames
// arrived, and a lane whose queue is empty closes at once to make room.
type terminals struct {
	r      *relay
	lanes  map[string]*lane
	queue  []string         // terminals waiting for a lane, oldest first
	queued map[string]bool  // members of queue
	want   map[string]int64 // highest pending id seen per terminal
	hw     int64            // highest pending id seen at all
	exited chan *lane
}

// runTerminals relays until ctx ends.
func (r *relay) runTerminals(ctx context.Context) {
	t := &terminals{r: r, lanes: map[string]*lane{}, queued: map[string]bool{}, want: map[string]int64{},
		exited: make(chan *lane)}
	poll := orDefault(r.f.Poll, 2*time.Second)
	timer := time.NewTimer(0)
	defer timer.Stop()
	scan := true
	for {
		if scan {
			if err := t.scan(ctx); err != nil && ctx.Err() == nil {
				r.log().Warn("find terminals with frames to relay", "err", err)
			}
			scan = false
		}
		t.start(ctx)
		select {
		case <-ctx.Done():
			for len(t.lanes) > 0 {
				delete(t.lanes, (<-t.exited).key)
			}
			return
		case <-r.wake:
			scan = true
		case <-timer.C:
			scan = true
			timer.Reset(poll)
		case l := <-t.exited:
			t.ended(l)
		}
	}
}

// scan finds terminals with items newer than any seen, wakes their lanes
// or queues them.
func (t *terminals) scan(ctx context.Context) error {
	keys, err := t.r.f.Outbox.PendingKeys(ctx, t.r.up.Addr, t.hw)
	if err != nil {
		return err
	}
	for _, k := range keys {
		t.hw = max(t.hw, k.Last)
		t.want[k.Key] = max(t.want[k.Key], k.Last)
		if l := t.lanes[k.Key]; l != nil {
			l.poke()
		} else {
			t.enqueue(k.Key)
		}
	}
	return nil
}

func (t *terminals) enqueue(key string) {
	if !t.queued[key] {
		t.queued[key] = true
		t.queue = append(t.queue, key)
	}
}

// start opens lanes for waiting terminals while there is room, and asks
// idle lanes to close when terminals still wait.
func (t *terminals) start(ctx context.Context) {
	limit := orDefault(t.r.up.MaxConns, 500)
	for len(t.queue) > 0 && len(t.lanes) < limit {
		key := t.queue[0]
		t.queue = t.queue[1:]
		delete(t.queued, key)
		l := &lane{r: t.r, key: key, wake: make(chan struct{}, 1)}
		t.lanes[key] = l
		go func() {
			l.run(ctx)
			t.exited <- l
		}()
	}
	t.r.waiting.Store(int64(len(t.queue)))
	if len(t.queue) > 0 {
		for _, l := range t.lanes {
			if l.idle.Load() {
				l.poke() // it sees the waiting terminals and closes
			}
		}
	}
}

// ended frees an ended lane's place; its terminal waits again when items
// arrived that the lane did not read.
func (t *terminals) ended(l *lane) {
	delete(t.lanes, l.key)
	if t.want[l.key] > l.maxRead {
		t.enqueue(l.key)
		return
	}
	delete(t.want, l.key)
}
