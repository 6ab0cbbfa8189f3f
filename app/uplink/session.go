package uplink

import (
	"context"
	"fmt"
	"time"
)

// loop writes frames while the window has room, collects 9014 answers, and
// returns when the connection fails, a frame waits too long, or ctx ends.
func (s *session) loop(ctx context.Context) (err error) {
	poll := orDefault(s.r.f.Poll, 2*time.Second)
	timer := time.NewTimer(poll)
	defer timer.Stop()
	defer func() { // answers already received are recorded, whatever ended the session
		if ferr := s.flush(context.WithoutCancel(ctx)); ferr != nil && err == nil {
			err = ferr
		}
	}()
	for {
		s.r.checkLimit(ctx)
		if err := s.fill(ctx); err != nil {
			return err
		}
		next := poll
		if len(s.inflight) > 0 {
			next = min(next, time.Until(s.inflight[0].deadline))
		}
		if len(s.answered) > 0 {
			next = min(next, time.Until(s.flushAt))
		}
		timer.Reset(max(next, 0))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-s.readErr:
			return err
		case k := <-s.acks:
			if err := s.acked(ctx, k); err != nil {
				return err
			}
		case <-s.r.wake:
		case <-timer.C:
			if !time.Now().Before(s.flushAt) {
				if err := s.flush(ctx); err != nil {
					return err
				}
			}
			if err := s.expire(ctx); err != nil {
				return err
			}
		}
	}
}

// fill writes the next pending items, up to the window, in one write.
func (s *session) fill(ctx context.Context) error {
	window := orDefault(s.r.f.Window, 100)
	room := window - len(s.inflight)
	if room <= 0 {
		return nil
	}
	items, err := s.r.f.Outbox.PendingOutboxAfter(ctx, s.r.up.Addr, s.last, room)
	if err != nil || len(items) == 0 {
		return err
	}
	var buf []byte
	var written, noAck, bad []int64
	var waiting []flight
	deadline := time.Now().Add(orDefault(s.r.up.AckTimeout, time.Minute))
	for _, it := range items {
		s.last = it.ID
		fr, err := s.r.up.prepare(it.Payload)
		if err != nil { // stays pending and visible as failing; the next session tries again
			s.r.log().Error("outbox item cannot be relayed", "id", it.ID, "err", err)
			bad = append(bad, it.ID)
			continue
		}
		buf = append(buf, fr.bytes...)
		written = append(written, it.ID)
		s.r.noteSent(it.ID, it.Attempts)
		if fr.wantAck && !s.r.up.NoAck {
			waiting = append(waiting, flight{id: it.ID, key: ackKey{fr.mn, fr.qn}, deadline: deadline})
		} else {
			noAck = append(noAck, it.ID)
		}
	}
	if len(bad) > 0 {
		if err := s.r.f.Outbox.MarkFailed(ctx, bad, "stored frame cannot be relayed"); err != nil {
			return err
		}
	}
	if len(buf) == 0 {
		return nil
	}
	s.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if _, err := s.conn.Write(buf); err != nil {
		return fmt.Errorf("write %d frames to %s: %w", len(written), s.r.up.Addr, err)
	}
	s.inflight = append(s.inflight, waiting...)
	return s.sent(ctx, noAck)
}

// flushEvery bounds how long an answered frame waits to be recorded as
// delivered: answers are recorded in batches, so the relay's commits do not
// compete with the ingest's one per answer.
const flushEvery = 100 * time.Millisecond

// acked takes the frames answered by k and any further answers already
// received out of flight; they are recorded when half a window has
// gathered or flushEvery has passed.
func (s *session) acked(ctx context.Context, k ackKey) error {
	for {
		if i := s.match(k); i >= 0 {
			if len(s.answered) == 0 {
				s.flushAt = time.Now().Add(flushEvery)
			}
			s.answered = append(s.answered, s.inflight[i].id)
			s.inflight = append(s.inflight[:i], s.inflight[i+1:]...)
		}
		select {
		case k = <-s.acks:
			continue
		default:
		}
		break
	}
	if len(s.answered) >= max(orDefault(s.r.f.Window, 100)/2, 1) {
		return s.flush(ctx)
	}
	return nil
}

// flush records the answered frames as delivered.
func (s *session) flush(ctx context.Context) error {
	ids := s.answered
	s.answered = nil
	return s.sent(ctx, ids)
}

// match finds the oldest frame in flight that k answers. An answer without
// MN matches on QN alone.
func (s *session) match(k ackKey) int {
	for i, f := range s.inflight {
		if f.key.qn == k.qn && (k.mn == "" || f.key.mn == k.mn) {
			return i
		}
	}
	return -1
}

func (s *session) sent(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.r.f.Outbox.MarkSent(ctx, ids, time.Now()); err != nil {
		return err
	}
	s.delivered += len(ids)
	s.r.markOK()
	return nil
}

// expire ends the session when the oldest frame in flight has waited past
// its deadline; the frames in flight are sent again on the next connection,
// in their order.
func (s *session) expire(ctx context.Context) error {
	if len(s.inflight) == 0 || time.Now().Before(s.inflight[0].deadline) {
		return nil
	}
	ids := make([]int64, len(s.inflight))
	for i, f := range s.inflight {
		ids[i] = f.id
	}
	reason := fmt.Sprintf("no 9014 within %s", orDefault(s.r.up.AckTimeout, time.Minute))
	if err := s.r.f.Outbox.MarkFailed(ctx, ids, reason); err != nil {
		return err
	}
	return fmt.Errorf("%d frames from id %d: %w", len(ids), ids[0], errAckTimeout)
}
