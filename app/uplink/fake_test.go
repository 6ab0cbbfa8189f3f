package uplink_test

import (
	"context"
	"slices"
	"sync"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// memOutbox is an in-memory Outbox for tests that run in a synctest bubble
// (SQLite's pool goroutines would not belong to it).
type memOutbox struct {
	mu    sync.Mutex
	items []store.OutboxItem
}

func (m *memOutbox) add(target string, payloads ...[]byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range payloads {
		key := ""
		if pk, err := hj212.Parse(append(slices.Clone(p), '\r', '\n')); err == nil {
			key = pk.MN // the ingest's ordering key
		}
		m.items = append(m.items, store.OutboxItem{ID: int64(len(m.items) + 1), Target: target, Kind: "hj212", Key: key, Payload: p, CreatedAt: time.Now()})
	}
}

func (m *memOutbox) PendingOutboxAfter(_ context.Context, target string, after int64, limit int) ([]store.OutboxItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.OutboxItem
	for _, it := range m.items {
		if it.Target == target && it.SentAt.IsZero() && it.ID > after && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memOutbox) PendingCount(_ context.Context, target string) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, oldest := 0, time.Time{}
	for _, it := range m.items {
		if it.Target == target && it.SentAt.IsZero() {
			if n == 0 {
				oldest = it.CreatedAt
			}
			n++
		}
	}
	return n, oldest, nil
}

func (m *memOutbox) MarkSent(_ context.Context, ids []int64, at time.Time) error {
	return m.update(ids, func(it *store.OutboxItem) { it.SentAt = at; it.Attempts++ })
}

func (m *memOutbox) MarkFailed(_ context.Context, ids []int64, reason string) error {
	return m.update(ids, func(it *store.OutboxItem) { it.Attempts++; it.LastError = reason })
}

func (m *memOutbox) update(ids []int64, fn func(*store.OutboxItem)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.items {
		if slices.Contains(ids, m.items[i].ID) && m.items[i].SentAt.IsZero() {
			fn(&m.items[i])
		}
	}
	return nil
}

func (m *memOutbox) get(i int) store.OutboxItem {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.items[i]
}

func (m *memOutbox) PendingOutboxOf(_ context.Context, target, key string, after int64, limit int) ([]store.OutboxItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.OutboxItem
	for _, it := range m.items {
		if it.Target == target && it.Key == key && it.SentAt.IsZero() && it.ID > after && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memOutbox) PendingKeys(_ context.Context, target string, after int64) ([]store.OutboxKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.OutboxKey
	at := map[string]int{}
	for _, it := range m.items {
		if it.Target != target || !it.SentAt.IsZero() || it.ID <= after {
			continue
		}
		if i, ok := at[it.Key]; ok {
			out[i].Last = it.ID
			continue
		}
		at[it.Key] = len(out)
		out = append(out, store.OutboxKey{Key: it.Key, Last: it.ID})
	}
	return out, nil
}
