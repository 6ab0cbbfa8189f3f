package listener_test

import (
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
		for i, off := range []time.Duration{-90 * time.Second, -95 * time.Second, -92 * time.Second, 0, 0} {
			c.write(realtime(t, testMN, qn(i), time.Now().Add(off)))
			c.read()
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
// refuses a new connection, and that identified terminals free their place.
func TestPerIPLimitCountsOnlyUnidentified(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN),
			Limits: listener.Limits{MaxConnsPerIP: 2}}
		l, stop := bubble(t, s)
		defer stop()
		a := l.dial(t)
		l.dial(t)
		refused := l.dial(t)
		synctest.Wait()
		if _, err := refused.c.Read(make([]byte, 1)); err == nil {
			t.Fatal("third unidentified connection from one address was not refused")
		}
		a.write(realtime(t, testMN, qn(1), time.Now())) // a identifies itself
		a.read()
		l.dial(t)
		synctest.Wait()
		if st := s.Stats(); st.RefusedPerIP != 1 || st.Open != 3 || st.Identified != 1 {
			t.Errorf("Stats = %+v, want 1 refusal and 3 open (1 identified)", st)
		}
	})
}

// TestMaxConns ensures connections beyond Limits.MaxConns are refused and counted.
func TestMaxConns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN),
			Limits: listener.Limits{MaxConns: 2}}
		l, stop := bubble(t, s)
		defer stop()
		l.dial(t)
		l.dial(t)
		refused := l.dial(t)
		synctest.Wait()
		if _, err := refused.c.Read(make([]byte, 1)); err == nil {
			t.Fatal("third connection was not refused")
		}
		if st := s.Stats(); st.RefusedMaxConns != 1 || st.Open != 2 {
			t.Errorf("Stats = %+v, want 1 refusal and 2 open", st)
		}
	})
}
