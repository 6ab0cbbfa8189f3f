package listener_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/listener"
)

// TestClockAhead: an upload dated more than a day ahead is quarantined, not
// acknowledged, and the terminal is sent the time (1012); one a few minutes
// ahead is stored and acknowledged, the drift (seen twice) gets a 1012 too,
// and neither becomes the terminal's newest data.
func TestClockAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &memRecorder{}
		s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN)}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		now := time.Now()
		c.write(realtime(t, testMN, qn(1), now))
		if p := c.read(); p.CN != "9014" {
			t.Fatalf("a live upload got %s, want 9014", p.CN)
		}
		c.write(realtime(t, testMN, qn(2), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)))
		if p := c.read(); p.CN != "1012" {
			t.Fatalf("an upload dated 2099 got %s, want no 9014 and the time (1012)", p.CN)
		}
		q, err := s.Quarantine(context.Background())
		if err != nil || len(q) != 1 || q[0].Reason != listener.ReasonFuture || q[0].MN != testMN {
			t.Errorf("Quarantine = %+v, want the 2099 upload as %s", q, listener.ReasonFuture)
		}
		// Ten minutes fast, twice in a row (live: 15 s apart): stored, answered.
		var cns []string
		for i, at := range []time.Time{now.Add(10*time.Minute + 15*time.Second), now.Add(10*time.Minute + 30*time.Second)} {
			time.Sleep(15 * time.Second)
			c.write(realtime(t, testMN, qn(3+i), at))
			for p := c.read(); ; p = c.read() { // the 1012 is re-sent until answered: skip those
				cns = append(cns, p.CN)
				if p.CN == "9014" {
					break
				}
			}
		}
		if n := count(cns, "9014"); n != 2 {
			t.Errorf("replies %v: want both skewed uploads acknowledged", cns)
		}
		synctest.Wait()
		if n := len(rec.uploads); n != 3 {
			t.Errorf("recorded %d uploads, want 3 (the 2099 one quarantined)", n)
		}
		ts := s.Terminals()
		if len(ts) != 1 || ts[0].LastData.After(time.Now().Add(time.Minute)) {
			t.Errorf("LastData = %v, want not pinned ahead of now (%v)", ts[0].LastData, time.Now())
		}
	})
}

func count(ss []string, v string) int {
	n := 0
	for _, s := range ss {
		if s == v {
			n++
		}
	}
	return n
}

// TestClockDriftSetsTime: a terminal whose live uploads are ten minutes fast,
// twice in a row, is sent the time (1012); a single one is not (it may be a
// glitch), and the uploads are acknowledged either way.
func TestClockDriftSetsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN)}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		var cns []string
		for i := range 3 {
			c.write(realtime(t, testMN, qn(i), time.Now().Add(10*time.Minute)))
			for p := c.read(); ; p = c.read() {
				cns = append(cns, p.CN)
				if p.CN == "9014" {
					break
				}
			}
			if i == 0 && count(cns, "1012") != 0 {
				t.Errorf("one fast upload: replies %v, want no 1012 yet", cns)
			}
			time.Sleep(15 * time.Second)
		}
		synctest.Wait()
		c.c.SetReadDeadline(time.Now().Add(time.Second))
		if p, err := c.rd.ReadPacket(); err == nil {
			cns = append(cns, p.CN)
		}
		if count(cns, "9014") != 3 || count(cns, "1012") == 0 {
			t.Errorf("replies %v: want three 9014 and a 1012 once the drift was seen twice", cns)
		}
	})
}
