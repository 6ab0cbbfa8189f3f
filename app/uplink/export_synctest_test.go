package uplink_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/app/uplink"
	"powerwatch/store"
)

// memSource is an in-memory Source for tests in a synctest bubble.
type memSource struct {
	mu      sync.Mutex
	changes []store.Change
	cursor  store.SyncCursor
}

func (m *memSource) UplinkChanges(_ context.Context, after int64, limit int) ([]store.Change, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Change
	for _, c := range m.changes {
		if c.Seq > after && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memSource) UplinkBacklog(ctx context.Context, after int64) (int, time.Time, error) {
	c, _ := m.UplinkChanges(ctx, after, 1<<30)
	if len(c) == 0 {
		return 0, time.Time{}, nil
	}
	return len(c), c[0].At, nil
}

func (m *memSource) SyncCursor(_ context.Context, target string) (store.SyncCursor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.cursor
	c.Target = target
	return c, nil
}

func (m *memSource) SaveSyncCursor(_ context.Context, c store.SyncCursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.Seq = max(c.Seq, m.cursor.Seq)
	m.cursor = c
	return nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestExportBackoff ensures failed pushes are retried after 1, 2, 4 and 8 s
// (doubling from MinBackoff, capped by MaxBackoff), that a timeout counts as
// a failure, and that the batch is accepted once.
func TestExportBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &memSource{changes: []store.Change{
			{Seq: 1, Entity: "enterprise", ID: 1, At: time.Now(), Data: []byte(`{"id":1}`)},
			{Seq: 2, Entity: "facility", ID: 7, At: time.Now(), Deleted: true},
		}}
		var mu sync.Mutex
		var attempts []time.Time
		accepted := 0
		transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			attempts = append(attempts, time.Now())
			n := len(attempts)
			mu.Unlock()
			switch n {
			case 1, 2, 4:
				return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Body: io.NopCloser(strings.NewReader("busy"))}, nil
			case 3:
				<-r.Context().Done() // the platform does not answer: the client's timeout ends it
				return nil, r.Context().Err()
			}
			mu.Lock()
			accepted++
			mu.Unlock()
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(""))}, nil
		})
		ex := &uplink.Exporter{URL: "http://city.example/api/shared", Source: src, Interval: time.Hour,
			Client: &http.Client{Transport: transport, Timeout: 10 * time.Second}, MinBackoff: time.Second, MaxBackoff: 8 * time.Second}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		start := time.Now()
		go func() { defer close(done); ex.Run(ctx) }()
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		cancel()
		<-done
		// 500 at 0; 500 after 1 s; timeout after 2 s more (+10 s); 500 after 4 s; 200 after 8 s.
		want := []time.Duration{0, time.Second, 3 * time.Second, 17 * time.Second, 25 * time.Second}
		if len(attempts) != len(want) || accepted != 1 {
			t.Fatalf("%d attempts, %d accepted; want %d attempts, the last accepted", len(attempts), accepted, len(want))
		}
		for i, at := range attempts {
			if got := at.Sub(start); got != want[i] {
				t.Errorf("attempt %d at +%s, want +%s", i, got, want[i])
			}
		}
		if src.cursor.Seq != 2 || src.cursor.Sent != 2 || src.cursor.LastError != "" {
			t.Errorf("cursor = %+v, want seq 2, 2 sent, no error", src.cursor)
		}
		if _, err := ex.Sync(t.Context()); err != nil || len(attempts) != len(want) {
			t.Errorf("Sync after success: %v, %d attempts; want nothing sent", err, len(attempts))
		}
	})
}
