package listener_test

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// TestOutageAndGapPull follows a terminal through a day's story in virtual
// time: live uploads every 5 minutes (interval observed), a disconnection,
// offline after 2 intervals + grace, back online, and once GapDelay has passed
// the gap detector asks once for the outage's slots with a 2051 history pull.
func TestOutageAndGapPull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := &journal{}
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN), Journal: j,
			Timing: listener.Timing{GapDelay: time.Minute, OfflineGrace: 2 * time.Minute}}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		var last time.Time
		for i := range 3 {
			last = time.Now()
			c.write(realtime(t, testMN, qn(i), last))
			if p := c.read(); p.CN != "9014" {
				t.Fatalf("reply %s", p.CN)
			}
			time.Sleep(5 * time.Minute)
		}
		c.c.Close()
		time.Sleep(20 * time.Minute) // > 2 × 5 min + 2 min
		synctest.Wait()
		if ts := s.Terminals(); len(ts) != 1 || ts[0].Online || !ts[0].ConnectedAt.IsZero() || ts[0].Interval != 5*time.Minute {
			t.Fatalf("Terminals = %+v, want offline, disconnected, interval 5m", ts)
		}
		c2 := l.dial(t)
		c2.write(realtime(t, testMN, qn(9), time.Now()))
		if p := c2.read(); p.CN != "9014" {
			t.Fatalf("reply %s", p.CN)
		}
		pull := c2.read() // net.Pipe has no buffer: read while the server writes

		begin, _ := pull.Get("BeginTime")
		if pull.CN != "2051" || begin != hj212.FormatN14(last.Add(5*time.Minute)) {
			t.Errorf("gap pull = CN %s BeginTime %s, want 2051 from %s", pull.CN, begin, hj212.FormatN14(last.Add(5*time.Minute)))
		}
		for _, r := range []*hj212.Packet{hj212.RequestAck(pull, hj212.QnReady), hj212.ExecResult(pull, hj212.ExeSuccess)} {
			b, _ := r.Encode()
			c2.write(b)
		}
		for i := range 6 { // half an hour more of live data: no second pull for the same outage
			time.Sleep(5 * time.Minute)
			c2.write(realtime(t, testMN, qn(20+i), time.Now()))
			if p := c2.read(); p.CN != "9014" {
				t.Fatalf("reply %s, want only 9014 after the pull", p.CN)
			}
		}
		if err := s.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		want := []string{store.EventConnect, store.EventOnline, store.EventInterval, store.EventDisconnect,
			store.EventOffline, store.EventConnect, store.EventOnline, store.EventGapRequest}
		got := j.kinds(testMN)
		got = slices.DeleteFunc(got, func(k string) bool { return k == store.EventCommand })
		if !slices.Equal(got, want) {
			t.Errorf("events = %v, want %v", got, want)
		}
	})
}

// TestDriftEvent ensures a clock off by more than the limit on two live
// uploads in a row records one drift event, and coming back records another.
func TestDriftEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		j := &journal{}
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN), Journal: j}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		acks := make(chan struct{})
		go func() { // the drift also sends the time (1012), re-sent until answered: keep reading
			for {
				p, err := c.rd.ReadPacket()
				if err != nil {
					return
				}
				if p.CN == "9014" {
					acks <- struct{}{}
				}
			}
		}()
		for i, off := range []time.Duration{-90 * time.Second, -95 * time.Second, -92 * time.Second, 0, 0} {
			c.write(realtime(t, testMN, qn(i), time.Now().Add(off)))
			<-acks
			time.Sleep(time.Minute)
		}
		if err := s.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		var drift []string
		j.mu.Lock()
		for _, e := range j.events {
			if e.Kind == store.EventDrift {
				drift = append(drift, e.Detail)
			}
		}
		j.mu.Unlock()
		if len(drift) != 2 || !strings.Contains(drift[0], "-1m35s") || !strings.Contains(drift[1], "back within") {
			t.Errorf("drift events = %q, want one at the second late upload and one when back", drift)
		}
	})
}

// TestPerIPLimitCountsOnlyUnidentified ensures a full per-address quota
// TestUnidentifiedLimits ensures that at each limit on unidentified
// connections the oldest unidentified one is dropped, never the new one and
// never an identified terminal; only with every connection identified is a
// new one refused at MaxConns.
func TestUnidentifiedLimits(t *testing.T) {
	alive := func(c *client) bool {
		c.c.SetReadDeadline(time.Now().Add(time.Millisecond))
		_, err := c.c.Read(make([]byte, 1))
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout()
	}
	for _, tt := range []struct {
		name     string
		lim      listener.Limits
		refused  uint64
		evicted  uint64
		wantOpen int
	}{
		{"per address", listener.Limits{MaxConnsPerIP: 2}, 0, 2, 3},
		{"in total", listener.Limits{MaxUnidentified: 2}, 0, 2, 3},
		{"at max_conns", listener.Limits{MaxConns: 3}, 0, 2, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN), Limits: tt.lim}
				l, stop := bubble(t, s)
				defer stop()
				a := l.dial(t)
				a.write(realtime(t, testMN, qn(1), time.Now())) // a identifies itself
				a.read()
				old1, old2 := l.dial(t), l.dial(t)
				synctest.Wait()
				n1, n2 := l.dial(t), l.dial(t) // each drops the oldest unidentified
				synctest.Wait()
				if alive(old1) || alive(old2) {
					t.Errorf("the oldest unidentified connections were kept")
				}
				if !alive(n1) || !alive(n2) {
					t.Errorf("a new connection was refused")
				}
				a.write(realtime(t, testMN, qn(2), time.Now().Add(time.Minute)))
				if p := a.read(); p.CN != "9014" {
					t.Errorf("the identified terminal got %s, want its 9014", p.CN)
				}
				if st := s.Stats(); st.RefusedMaxConns != tt.refused || st.EvictedUnidentified != tt.evicted || st.Open != tt.wantOpen || st.Identified != 1 {
					t.Errorf("Stats = %+v, want %d evicted, %d open (1 identified)", st, tt.evicted, tt.wantOpen)
				}
			})
		})
	}
}

// TestMaxConnsAllIdentified ensures a connection is refused at MaxConns only
// when every open connection is an identified terminal.
func TestMaxConnsAllIdentified(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN),
			Limits: listener.Limits{MaxConns: 1}}
		l, stop := bubble(t, s)
		defer stop()
		a := l.dial(t)
		a.write(realtime(t, testMN, qn(1), time.Now()))
		a.read()
		refused := l.dial(t)
		synctest.Wait()
		if _, err := refused.c.Read(make([]byte, 1)); err == nil {
			t.Fatal("a connection beyond MaxConns of identified terminals was not refused")
		}
		if st := s.Stats(); st.RefusedMaxConns != 1 || st.Open != 1 || st.EvictedUnidentified != 0 {
			t.Errorf("Stats = %+v, want 1 refusal and 1 open", st)
		}
	})
}
