package listener

import (
	"context"
	"errors"
	"sync"
	"time"

	"powerwatch/store"
)

const (
	negativeTTL   = 10 * time.Second // an unregistered MN is asked for again after this
	maxDirCache   = 100000           // entries; the cache is emptied when a flood of MNs passes it
	lookupsAtOnce = 4                // concurrent per-MN lookups; the rest wait
)

// A Lister is a Directory that can also list every registration at once.
// The listener then loads the whole registry in one go at start and every
// Timing.RegistryTTL, and asks per MN only for MNs it does not know: a
// thousand terminals reconnecting together cost no thousand queries.
type Lister interface {
	All(ctx context.Context) ([]*Registration, error)
}

type dirEntry struct {
	reg   *Registration
	err   error // nil or store.ErrNotFound
	until time.Time
}

// dirCache caches Directory lookups, positive and negative, so that the
// registry is not read for every packet.
type dirCache struct {
	s    *Server
	mu   sync.Mutex
	m    map[string]dirEntry
	sem  chan struct{}
	bulk bool // the Directory is a Lister and the cache was loaded from it
}

func (d *dirCache) lookup(ctx context.Context, mn string) (*Registration, error) {
	now := d.s.Now()
	d.mu.Lock()
	e, ok := d.m[mn]
	d.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.reg, e.err
	}
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	reg, err := d.s.Directory.Lookup(ctx, mn)
	<-d.sem
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err // not cached: the next packet tries again
	}
	ttl := d.s.tim.RegistryTTL
	if err != nil {
		err, ttl = store.ErrNotFound, min(ttl, negativeTTL)
	} else if d.bulk {
		ttl = 2 * ttl // refreshed by reload before it expires
	}
	d.mu.Lock()
	if len(d.m) >= maxDirCache {
		clear(d.m)
	}
	d.m[mn] = dirEntry{reg: reg, err: err, until: now.Add(ttl)}
	d.mu.Unlock()
	return reg, err
}

// reload fills the cache from a Lister; it does nothing for a plain Directory.
func (d *dirCache) reload(ctx context.Context) error {
	l, ok := d.s.Directory.(Lister)
	if !ok {
		return nil
	}
	regs, err := l.All(ctx)
	if err != nil {
		return err
	}
	until := d.s.Now().Add(2 * d.s.tim.RegistryTTL)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.bulk = true
	for mn, e := range d.m {
		if e.err == nil { // dropped when no longer registered; negative entries keep their time
			delete(d.m, mn)
		}
	}
	for _, r := range regs {
		d.m[r.Terminal.MN] = dirEntry{reg: r, until: until}
	}
	return nil
}

// Invalidate drops the cached registry entry of mn, or every entry when mn is
// empty. Call it after the registry changed (a terminal registered, its
// password, key or points edited) so the change applies to the next packet.
func (s *Server) Invalidate(mn string) {
	s.init()
	s.dir.mu.Lock()
	defer s.dir.mu.Unlock()
	if mn == "" {
		clear(s.dir.m)
		return
	}
	delete(s.dir.m, mn)
}
