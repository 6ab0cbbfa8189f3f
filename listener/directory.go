package listener

import (
	"context"
	"errors"
	"sync"
	"time"

	"powerwatch/store"
)

const (
	negativeTTL = 10 * time.Second // an unregistered MN is asked for again after this
	maxDirCache = 100000           // entries; the cache is emptied when a flood of MNs passes it
)

type dirEntry struct {
	reg   *Registration
	err   error // nil or store.ErrNotFound
	until time.Time
}

// dirCache caches Directory lookups, positive and negative, so that the
// registry is not read for every packet.
type dirCache struct {
	s  *Server
	mu sync.Mutex
	m  map[string]dirEntry
}

func (d *dirCache) lookup(ctx context.Context, mn string) (*Registration, error) {
	now := d.s.Now()
	d.mu.Lock()
	e, ok := d.m[mn]
	d.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.reg, e.err
	}
	reg, err := d.s.Directory.Lookup(ctx, mn)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err // not cached: the next packet tries again
	}
	ttl := d.s.tim.RegistryTTL
	if err != nil {
		err, ttl = store.ErrNotFound, min(ttl, negativeTTL)
	}
	d.mu.Lock()
	if len(d.m) >= maxDirCache {
		clear(d.m)
	}
	d.m[mn] = dirEntry{reg: reg, err: err, until: now.Add(ttl)}
	d.mu.Unlock()
	return reg, err
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
