package listener

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// commitLoop is the single writer of group commit: it takes every upload that
// is waiting (up to Timing.MaxBatch) into one Record call, so that while one
// transaction commits the next batch fills. No timer is needed: under load
// batches grow by themselves, and a lone upload is committed at once.
func (s *Server) commitLoop(ctx context.Context) {
	defer close(s.committed)
	ctx = context.WithoutCancel(ctx) // a batch already read is committed even during shutdown
	batch := make([]*Upload, 0, s.tim.MaxBatch)
	for {
		var u *Upload
		select {
		case v, ok := <-s.uploads:
			if !ok {
				return
			}
			u = v
		case <-s.splits.kick:
			// Split messages made whole (or closed) by the last batch, by
			// the restore or by housekeeping: their values go in now.
			if ready := s.splits.takeReady(); len(ready) > 0 {
				s.commit(ctx, ready)
			}
			continue
		}
		batch = append(batch[:0], u)
	fill:
		for len(batch) < s.tim.MaxBatch {
			select {
			case u, ok := <-s.uploads:
				if !ok {
					break fill
				}
				batch = append(batch, u)
			default:
				break fill
			}
		}
		batch = s.linger(batch)
		s.commit(ctx, batch)
		clear(batch) // drop references for the garbage collector
		if ready := s.splits.takeReady(); len(ready) > 0 {
			s.commit(ctx, ready)
		}
	}
}

// commit records one batch and then releases its uploads, acknowledging them
// when the batch is durable. A panicking Recorder fails the batch.
func (s *Server) commit(ctx context.Context, batch []*Upload) {
	var err error
	defer func() {
		if v := recover(); v != nil {
			s.stats.panics.Add(1)
			s.log.Error("panic recording batch", "panic", v, "stack", string(debug.Stack()))
			err = errors.New("recorder panicked")
		}
		if err != nil {
			s.stats.recordErrors.Add(1)
		} else {
			s.stats.batches.Add(1)
		}
		for _, u := range batch {
			u.finish(s, err)
		}
	}()
	start := time.Now()
	err = s.Recorder.Record(ctx, batch)
	s.stats.commitNanos.Add(int64(time.Since(start)))
	if err != nil {
		err = fmt.Errorf("record %d uploads: %w", len(batch), err)
		s.log.Error("batch not stored; terminals will re-send", "err", err)
	}
}

// smallBatch is the size under which the committer lingers for more uploads.
const smallBatch = 64

// linger waits up to Timing.BatchDelay for more uploads when the batch is
// small: under light load a transaction's fixed cost then serves several
// uploads, at the price of that much added acknowledgement latency.
func (s *Server) linger(batch []*Upload) []*Upload {
	if s.tim.BatchDelay <= 0 || len(batch) >= smallBatch {
		return batch
	}
	t := time.NewTimer(s.tim.BatchDelay)
	defer t.Stop()
	for len(batch) < s.tim.MaxBatch {
		select {
		case u, ok := <-s.uploads:
			if !ok {
				return batch
			}
			batch = append(batch, u)
		case <-t.C:
			return batch
		}
	}
	return batch
}
