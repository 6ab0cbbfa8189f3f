package uplink_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/app/uplink"
	"powerwatch/listener/hj212"
)

// silentCity accepts connections over net.Pipe, reads frames and never
// answers; it records when each frame arrived (virtual time).
type silentCity struct {
	mu  sync.Mutex
	got []arrival
}

type arrival struct {
	qn string
	at time.Time
}

func (s *silentCity) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	a, b := net.Pipe()
	go func() {
		defer b.Close()
		rd := hj212.NewReader(b, 4096)
		for {
			p, err := rd.ReadPacket()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.got = append(s.got, arrival{p.QN, time.Now()})
			s.mu.Unlock()
		}
	}()
	return a, nil
}

func (s *silentCity) arrivals() []arrival {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]arrival(nil), s.got...)
}

// TestRelayResendWithoutAck ensures a frame that gets no 9014 is sent again
// once the acknowledgement time has passed, and stays in the outbox with its
// failed attempts counted.
func TestRelayResendWithoutAck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob := &memOutbox{}
		ob.add("city:1", upload(t, mn(0), testPW, 1, 5))
		city := &silentCity{}
		fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: "city:1", AckTimeout: 30 * time.Second}},
			Outbox: ob, Dial: city.dial}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); fw.Run(ctx) }()
		start := time.Now()
		time.Sleep(65 * time.Second)
		synctest.Wait()
		cancel()
		<-done
		got := city.arrivals()
		if len(got) != 3 {
			t.Fatalf("city got %d copies in 65 s, want 3 (at 0, 30 and 60 s)", len(got))
		}
		for i, a := range got {
			if want := start.Add(time.Duration(i) * 30 * time.Second); !a.at.Equal(want) {
				t.Errorf("copy %d arrived at +%s, want +%s", i, a.at.Sub(start), want.Sub(start))
			}
		}
		if it := ob.get(0); !it.SentAt.IsZero() || it.Attempts != 2 || it.LastError == "" {
			t.Errorf("outbox item = %+v, want pending with 2 failed attempts", it)
		}
		if st, _ := fw.Status(t.Context()); st[0].Resent != 2 {
			t.Errorf("Status.Resent = %d, want 2", st[0].Resent)
		}
	})
}

// TestRelayNoAckUpstream ensures that, for an upstream configured as never
// answering, and for frames that ask no answer, delivery counts on write.
func TestRelayNoAckUpstream(t *testing.T) {
	for _, tt := range []struct {
		name  string
		noAck bool
		flag  hj212.Flag
	}{
		{"upstream never answers", true, 5},
		{"frame asks no answer", false, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ob := &memOutbox{}
				ob.add("city:1", upload(t, mn(0), testPW, 1, tt.flag), upload(t, mn(0), testPW, 2, tt.flag))
				city := &silentCity{}
				fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: "city:1", NoAck: tt.noAck, AckTimeout: 10 * time.Second}},
					Outbox: ob, Dial: city.dial}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() { defer close(done); fw.Run(ctx) }()
				time.Sleep(time.Minute)
				synctest.Wait()
				cancel()
				<-done
				if got := city.arrivals(); len(got) != 2 {
					t.Errorf("city got %d frames in a minute, want 2 (no re-send)", len(got))
				}
				if it := ob.get(1); it.SentAt.IsZero() {
					t.Errorf("outbox item %+v still pending, want delivered on write", it)
				}
			})
		})
	}
}

// TestRelayBackoff ensures failed connection attempts are spaced 1, 2, 4,
// 8 s apart (doubling from MinBackoff, capped at MaxBackoff), and that the
// queue is delivered once the upstream answers.
func TestRelayBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ob := &memOutbox{}
		ob.add("city:1", upload(t, mn(0), testPW, 1, 4))
		var mu sync.Mutex
		var attempts []time.Time
		city := &silentCity{}
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			attempts = append(attempts, time.Now())
			n := len(attempts)
			mu.Unlock()
			if n <= 5 {
				return nil, errors.New("connection refused")
			}
			return city.dial(ctx, network, addr)
		}
		fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: "city:1"}}, Outbox: ob, Dial: dial,
			MinBackoff: time.Second, MaxBackoff: 8 * time.Second}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		start := time.Now()
		go func() { defer close(done); fw.Run(ctx) }()
		time.Sleep(time.Minute)
		synctest.Wait()
		cancel()
		<-done
		want := []time.Duration{0, 1, 3, 7, 15, 23} // seconds: waits 1, 2, 4, 8, 8
		if len(attempts) != len(want) {
			t.Fatalf("%d connection attempts, want %d", len(attempts), len(want))
		}
		for i, at := range attempts {
			if got := at.Sub(start); got != want[i]*time.Second {
				t.Errorf("attempt %d at +%s, want +%ds", i, got, want[i])
			}
		}
		if len(city.arrivals()) != 1 || ob.get(0).SentAt.IsZero() {
			t.Errorf("after the outage: %d frames at the city, item %+v; want delivered", len(city.arrivals()), ob.get(0))
		}
	})
}

// TestRelaySilentFallback ensures an upstream that never answers stalls
// the relay for one acknowledgement time only: once AckFallback frames in a
// row went unanswered, the relay writes and counts, so every frame arrives
// and leaves the queue, nothing is sent again and again, and Status says so.
func TestRelaySilentFallback(t *testing.T) {
	for _, tt := range []struct {
		name     string
		frames   int
		fallback int
		copies   int // frames the city gets in 5 minutes
	}{
		{"a window of frames unanswered", 30, 10, 30}, // the 16 in flight count as written, the rest follow
		{"one frame, three times unanswered", 1, 3, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ob := &memOutbox{}
				for k := range tt.frames {
					ob.add("city:1", upload(t, mn(0), testPW, k, 5))
				}
				city := &silentCity{}
				fw := &uplink.Forwarder{Upstreams: []uplink.Upstream{{Addr: "city:1", AckTimeout: 30 * time.Second, AckFallback: tt.fallback}},
					Outbox: ob, Dial: city.dial, Window: 16}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan struct{})
				go func() { defer close(done); fw.Run(ctx) }()
				time.Sleep(5 * time.Minute)
				synctest.Wait()
				st, _ := fw.Status(t.Context())
				cancel()
				<-done
				if got := len(city.arrivals()); got != tt.copies {
					t.Errorf("city got %d frames in 5 minutes, want %d", got, tt.copies)
				}
				if n, _, _ := ob.PendingCount(t.Context(), "city:1"); n != 0 {
					t.Errorf("%d frames still queued, want none", n)
				}
				if !st[0].WriteOnly {
					t.Errorf("Status = %+v, want WriteOnly", st[0])
				}
			})
		})
	}
}
