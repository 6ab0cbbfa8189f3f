package listener

import (
	"context"
	"fmt"
	"sync"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

type quarKey struct{ mn, reason string }

// quarantine collects the packets of unregistered MNs and wrong passwords in
// memory, merged per (MN, reason), until the next flush writes them to the
// Journal. A flood of them therefore costs one row per MN per flush.
type quarantine struct {
	s  *Server
	mu sync.Mutex
	m  map[quarKey]*store.QuarantinedPacket
}

func (q *quarantine) add(p *hj212.Packet, reason, remote string, now time.Time) {
	q.s.stats.quarantined.Add(1)
	q.mu.Lock()
	defer q.mu.Unlock()
	k := quarKey{p.MN, reason}
	e := q.m[k]
	if e == nil {
		if len(q.m) >= q.s.lim.MaxQuarantine {
			q.s.stats.quarantineDropped.Add(1)
			return
		}
		e = &store.QuarantinedPacket{MN: p.MN, Reason: reason, FirstSeen: now}
		q.m[k] = e
		q.s.log.Warn("packet quarantined", "mn", p.MN, "reason", reason, "remote", remote)
	}
	e.Count++
	e.LastSeen, e.RemoteAddr = now, remote
	e.Sample = append(e.Sample[:0], trimCRLF(p.Raw())...)
}

// take returns the collected entries and empties the collection.
func (q *quarantine) take() []store.QuarantinedPacket {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]store.QuarantinedPacket, 0, len(q.m))
	for _, e := range q.m {
		out = append(out, *e)
	}
	clear(q.m)
	return out
}

func trimCRLF(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// Quarantine returns the quarantine list, newest first: per MN and reason,
// the address, first and last seen, count and the last frame.
func (s *Server) Quarantine(ctx context.Context) ([]store.QuarantinedPacket, error) {
	s.init()
	if err := s.Journal.AddQuarantined(ctx, s.quar.take()); err != nil {
		return nil, fmt.Errorf("flush quarantine: %w", err)
	}
	return s.Journal.Quarantined(ctx)
}

// RegisterFromQuarantine is the one action an officer takes on a quarantine
// entry: register calls the registry with the entry (creating the terminal, or
// correcting its password), then the entry is removed and the registry cache
// refreshed, so the terminal's next packet is accepted. It returns an error
// wrapping store.ErrNotFound when mn is not quarantined.
func (s *Server) RegisterFromQuarantine(ctx context.Context, mn string, register func(context.Context, store.QuarantinedPacket) error) error {
	list, err := s.Quarantine(ctx)
	if err != nil {
		return err
	}
	for _, e := range list {
		if e.MN != mn {
			continue
		}
		if err := register(ctx, e); err != nil {
			return fmt.Errorf("register %s from quarantine: %w", mn, err)
		}
		s.Invalidate(mn)
		if err := s.Journal.DeleteQuarantined(ctx, mn); err != nil {
			return fmt.Errorf("register %s from quarantine: %w", mn, err)
		}
		return nil
	}
	return fmt.Errorf("register %s from quarantine: %w", mn, store.ErrNotFound)
}
