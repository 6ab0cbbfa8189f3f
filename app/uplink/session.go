package uplink

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"
)

// ackKey identifies the frame a 9014 answers.
type ackKey struct{ mn, qn string }

// flight is a frame written and awaiting its 9014.
type flight struct {
	id       int64 // the outbox item; a split item has one flight per part
	key      ackKey
	deadline time.Time
}

// recentAnswers is how many answered QNs a session remembers, so that an
// answer repeated by the upstream is not taken for the next frame's.
const recentAnswers = 256

// session is one connection's relaying.
type session struct {
	l         *lane
	r         *relay
	conn      net.Conn
	wmu       sync.Mutex // frames and 9011 answers are written whole
	acks      chan ackKey
	readErr   chan error
	done      chan struct{}
	inflight  []flight
	parts     map[int64]int // item id → its frames still in flight
	recent    []string      // QNs answered last, oldest first
	last      int64         // highest id read on this connection
	drained   bool          // the last read found the queue empty; wait for a wake
	idleSince time.Time
	delivered int
}

// loop writes frames while the window has room, collects 9014 answers, and
// returns when the connection fails, a frame waits too long, a terminal's
// connection has been idle long enough, or ctx ends.
func (s *session) loop(ctx context.Context) (err error) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	defer func() { // deliveries are recorded before another connection reads the queue again
		if ferr := s.r.rec.flush(context.WithoutCancel(ctx)); ferr != nil && err == nil {
			err = ferr
		}
	}()
	for {
		s.r.checkLimit(ctx)
		if err := s.fill(ctx); err != nil {
			return err
		}
		if s.idle() {
			return errIdle
		}
		if s.more() { // frames that need no answer: write on without waiting
			select {
			case <-ctx.Done():
				return ctx.Err()
			case err := <-s.readErr:
				return err
			case k := <-s.acks:
				s.acked(k)
			default:
			}
			continue
		}
		timer.Reset(max(s.next(), 0))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-s.readErr:
			return err
		case k := <-s.acks:
			s.acked(k)
		case <-s.l.wake:
			s.drained = false
		case <-timer.C:
			if s.l.all {
				s.drained = false // multiplexed: look for new items every Poll
			}
			if err := s.expire(ctx); err != nil {
				return err
			}
		}
	}
}

// idle reports whether a terminal's connection should close: nothing in
// flight, nothing to read, and either other terminals wait for a
// connection or ConnIdle has passed.
func (s *session) idle() bool {
	if s.l.all || !s.drained || len(s.inflight) > 0 {
		s.idleSince = time.Time{}
		s.l.idle.Store(false)
		return false
	}
	s.l.idle.Store(true)
	if s.idleSince.IsZero() {
		s.idleSince = time.Now()
	}
	return s.r.waiting.Load() > 0 || time.Since(s.idleSince) >= orDefault(s.r.f.ConnIdle, 3*time.Minute)
}

// more reports whether fill would read and write again at once: the queue
// has more and the window has room (frames counted on write leave it free).
func (s *session) more() bool {
	window := orDefault(s.r.f.Window, 100)
	return !s.drained && len(s.inflight) <= window/2
}

// next is how long the loop may wait for an answer or a wake.
func (s *session) next() time.Duration {
	next := time.Hour
	if s.l.all {
		next = orDefault(s.r.f.Poll, 2*time.Second)
	}
	if len(s.inflight) > 0 {
		next = min(next, time.Until(s.inflight[0].deadline))
	}
	if !s.idleSince.IsZero() {
		next = min(next, time.Until(s.idleSince.Add(orDefault(s.r.f.ConnIdle, 3*time.Minute))))
	}
	return next
}

// fill writes the next pending items, up to the window, in one write. It
// reads the queue again only when half the window is free, or after a wake
// once the queue was found empty.
func (s *session) fill(ctx context.Context) error {
	window := orDefault(s.r.f.Window, 100)
	room := window - len(s.inflight)
	if room <= 0 || s.drained || (len(s.inflight) > 0 && room < window/2) {
		return nil
	}
	items, err := s.l.pending(ctx, s.last, room)
	if err != nil {
		return err
	}
	s.drained = len(items) < room
	var buf []byte
	var noAck, bad []int64
	var waiting []flight
	acking := s.r.acking()
	deadline := time.Now().Add(orDefault(s.r.up.AckTimeout, time.Minute))
	for _, it := range items {
		s.last = it.ID
		s.l.maxRead = max(s.l.maxRead, it.ID)
		frames, err := s.r.up.prepare(it.Payload)
		if err != nil { // stays pending and visible as failing; the next session tries again
			s.r.log().Error("outbox item cannot be relayed", "id", it.ID, "err", err)
			bad = append(bad, it.ID)
			continue
		}
		if it.Attempts > 0 || it.ID <= s.l.highest {
			s.r.noteResent()
		}
		s.l.highest = max(s.l.highest, it.ID)
		for _, fr := range frames {
			buf = append(buf, fr.bytes...)
			if fr.wantAck && acking {
				waiting = append(waiting, flight{id: it.ID, key: ackKey{fr.mn, fr.qn}, deadline: deadline})
				s.parts[it.ID]++
			}
		}
		if s.parts[it.ID] == 0 {
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
	if err := s.write(buf); err != nil {
		for _, f := range waiting {
			delete(s.parts, f.id)
		}
		return fmt.Errorf("write %d items to %s: %w", len(items), s.r.up.Addr, err)
	}
	s.inflight = append(s.inflight, waiting...)
	s.deliver(noAck...)
	return nil
}

func (s *session) write(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	_, err := s.conn.Write(b)
	return err
}

// deliver hands delivered items to the upstream's recorder.
func (s *session) deliver(ids ...int64) {
	s.delivered += len(ids)
	s.r.rec.add(ids...)
}

// acked takes the frames answered by k and by any further answers already
// received out of flight.
func (s *session) acked(k ackKey) {
	for {
		s.answer(k)
		select {
		case k = <-s.acks:
			continue
		default:
		}
		return
	}
}

// answer applies one 9014.
func (s *session) answer(k ackKey) {
	i := s.match(k)
	switch {
	case i >= 0:
		f := s.inflight[i]
		s.inflight = slices.Delete(s.inflight, i, i+1)
		if s.parts[f.id]--; s.parts[f.id] <= 0 {
			delete(s.parts, f.id)
			s.deliver(f.id)
		}
		if len(s.recent) == recentAnswers {
			s.recent = s.recent[1:]
		}
		s.recent = append(s.recent, k.qn)
		s.r.answered()
	case i == repeated:
	default:
		if s.r.stray(k.mn, k.qn) {
			s.writeOnly()
		}
	}
}

// repeated is match's answer for a 9014 of a frame already answered.
const repeated = -2

// match finds the frame in flight that k answers: by QN first (with the
// MN when it agrees, else alone: some centres answer with another MN);
// otherwise by MN and send order, the oldest unanswered frame of that MN,
// as a 9014 carries no DataTime (an answer without MN on a terminal's own
// connection is that terminal's). It returns repeated for an answer to a
// frame already answered and -1 when nothing matches.
func (s *session) match(k ackKey) int {
	byQN := -1
	for i, f := range s.inflight {
		if k.qn != "" && f.key.qn == k.qn {
			if f.key.mn == k.mn {
				return i
			}
			if byQN < 0 {
				byQN = i
			}
		}
	}
	if byQN >= 0 {
		return byQN
	}
	if k.qn != "" && slices.Contains(s.recent, k.qn) {
		return repeated
	}
	for i, f := range s.inflight {
		if f.key.mn == k.mn || (k.mn == "" && !s.l.all) {
			return i
		}
	}
	return -1
}

// writeOnly counts every frame in flight as delivered: they were written,
// and the upstream's answers can no longer be relied on.
func (s *session) writeOnly() {
	for id := range s.parts {
		s.deliver(id)
	}
	s.inflight, s.parts = nil, map[int64]int{}
}

// expire acts when the oldest frame in flight has waited past its
// deadline: after too many such frames the relay writes and counts; until
// then the session ends and the frames in flight are sent again on the next
// connection, in their order.
func (s *session) expire(ctx context.Context) error {
	if len(s.inflight) == 0 || time.Now().Before(s.inflight[0].deadline) {
		return nil
	}
	if s.r.expired(len(s.inflight)) {
		s.writeOnly()
		return nil
	}
	var ids []int64
	for _, f := range s.inflight {
		if len(ids) == 0 || ids[len(ids)-1] != f.id {
			ids = append(ids, f.id)
		}
	}
	reason := fmt.Sprintf("no 9014 within %s", orDefault(s.r.up.AckTimeout, time.Minute))
	if err := s.r.f.Outbox.MarkFailed(ctx, ids, reason); err != nil {
		return err
	}
	return fmt.Errorf("%d frames from id %d: %w", len(ids), ids[0], errAckTimeout)
}
