package listener_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
)

// part encodes part pno of pnum of a split upload of testMN (CN cn) at
// DataTime at, asking for an answer.
func part(t testing.TB, qn, cn string, at time.Time, pnum, pno int, cp ...hj212.Field) []byte {
	t.Helper()
	return partOf(t, testMN, qn, cn, at, pnum, pno, cp...)
}

// partOf is part for terminal mn.
func partOf(t testing.TB, mn, qn, cn string, at time.Time, pnum, pno int, cp ...hj212.Field) []byte {
	t.Helper()
	p := hj212.Packet{QN: qn, ST: "44", CN: cn, PW: testPW, MN: mn, Flag: 7, PNUM: pnum, PNO: pno,
		Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag | hj212.HasPNUM | hj212.HasPNO}
	b, err := p.SetFields(append([]hj212.Field{{Key: "DataTime", Value: hj212.FormatN14(at)}}, cp...)).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *client) expectAck(qn string) {
	c.t.Helper()
	if p := c.read(); p.CN != "9014" || p.QN != qn {
		c.t.Fatalf("reply = %s QN=%s, want 9014 QN=%s", p.CN, p.QN, qn)
	}
}

// kinds lists the recorded uploads as P (part), A (assembled), I
// (assembled incomplete) or U (plain upload).
func (r *memRecorder) kinds() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, u := range r.uploads {
		switch {
		case u.Incomplete:
			b.WriteByte('I')
		case u.Assembled:
			b.WriteByte('A')
		case u.Part:
			b.WriteByte('P')
		default:
			b.WriteByte('U')
		}
	}
	return b.String()
}

// waitFor polls cond until it holds, failing after 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestSplitPartsAckedEach: a terminal that waits for each part's 9014 before
// it sends the next (HJ212-2017 Table C.50) gets it; each part is recorded
// as a part, then the whole message once with the values of all parts —
// also when the parts come on different connections.
func TestSplitPartsAckedEach(t *testing.T) {
	for _, reconnect := range []bool{false, true} {
		rec := &memRecorder{}
		s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN)}
		addr := startServer(t, s)
		c := dial(t, addr)
		c.write(part(t, "20260302100000001", "2011", t0, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "1.5"}))
		c.expectAck("20260302100000001")
		if reconnect {
			c.c.Close()
			c = dial(t, addr)
		}
		c.write(part(t, "20260302100000002", "2011", t0, 2, 2, hj212.Field{Key: "d20301-Rtd", Value: "2.5"}))
		c.expectAck("20260302100000002")
		waitFor(t, "the assembled message", func() bool { return rec.count() == 3 })
		if k := rec.kinds(); k != "PPA" {
			t.Fatalf("reconnect %v: recorded %q, want two parts then the assembled message", reconnect, k)
		}
		got := listener.Readings(rec.uploads[2].Packet, rec.uploads[2].Terminal.Points)
		if len(got) != 1 || got[0].P != 1.5 || got[0].I != 2.5 {
			t.Errorf("reconnect %v: readings of the assembled message = %+v, want P 1.5 and I 2.5", reconnect, got)
		}
		// A part sent again (its 9014 was lost) is stored and acknowledged,
		// and does not start a new message.
		c.write(part(t, "20260302100000003", "2011", t0, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "1.5"}))
		c.expectAck("20260302100000003")
		if k := rec.kinds(); k != "PPAP" {
			t.Errorf("reconnect %v: after a part re-sent, recorded %q, want PPAP", reconnect, k)
		}
		if st := s.Terminals(); len(st) != 1 || st[0].Incomplete != 0 {
			t.Errorf("reconnect %v: terminal states %+v, want no incomplete split upload", reconnect, st)
		}
	}
}

// TestSplitCaps: at the cap on incomplete split uploads of a terminal, a part
// that would start another is not acknowledged (the terminal retries), while
// parts of the message under way are; once it is whole, the retry gets in.
func TestSplitCaps(t *testing.T) {
	rec := &memRecorder{}
	s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN), Limits: listener.Limits{MaxSplitPerTerminal: 1}}
	c := dial(t, startServer(t, s))
	t1 := t0.Add(5 * time.Minute)
	c.write(part(t, "20260302100000001", "2011", t0, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "1"}))
	c.expectAck("20260302100000001")
	c.write(part(t, "20260302100500001", "2011", t1, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "3"}))
	c.expectSilence(300 * time.Millisecond)
	if st := s.Stats(); st.SplitRefused != 1 {
		t.Errorf("SplitRefused = %d, want 1", st.SplitRefused)
	}
	c.write(part(t, "20260302100000002", "2011", t0, 2, 2, hj212.Field{Key: "d20301-Rtd", Value: "2"}))
	c.expectAck("20260302100000002")
	c.write(part(t, "20260302100500002", "2011", t1, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "3"}))
	c.expectAck("20260302100500002")
	if k := rec.kinds(); k != "PPAP" {
		t.Errorf("recorded %q, want the first message whole and the retried part", k)
	}
}

// TestSplitCapsTotal: the caps in total (messages, bytes) hold across
// terminals: another terminal's new message is refused unacknowledged at
// the cap, and gets in once the first message is whole.
func TestSplitCapsTotal(t *testing.T) {
	const other = "010000A8900016F000169DC1"
	for _, lim := range []listener.Limits{{MaxSplitTotal: 1}, {MaxSplitBytes: 200}} {
		rec := &memRecorder{}
		s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN, other), Limits: lim}
		addr := startServer(t, s)
		a, b := dial(t, addr), dial(t, addr)
		a.write(part(t, "20260302100000001", "2011", t0, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "1"}))
		a.expectAck("20260302100000001")
		b.write(partOf(t, other, "20260302100000101", "2011", t0, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "5"}))
		b.expectSilence(300 * time.Millisecond)
		a.write(part(t, "20260302100000002", "2011", t0, 2, 2, hj212.Field{Key: "d20301-Rtd", Value: "2"}))
		a.expectAck("20260302100000002")
		waitFor(t, "the first message whole", func() bool { return rec.count() == 3 })
		b.write(partOf(t, other, "20260302100000102", "2011", t0, 2, 1, hj212.Field{Key: "d20401-Rtd", Value: "5"}))
		b.expectAck("20260302100000102")
		if st := s.Stats(); st.SplitRefused != 1 {
			t.Errorf("%+v: SplitRefused = %d, want 1", lim, st.SplitRefused)
		}
	}
}

// TestSplitAskedAgainThenIncomplete: a message missing parts is asked for
// again with a history pull of its CN and DataTime; when it is still
// incomplete after SplitMaxAge, the values of the parts received go in,
// marked incomplete. The acknowledged part is never dropped.
func TestSplitAskedAgainThenIncomplete(t *testing.T) {
	var now atomic.Int64
	now.Store(t0.Add(time.Minute).UnixNano())
	rec := &memRecorder{}
	s := &listener.Server{Recorder: rec, Directory: newFakeDir(testMN),
		Now:    func() time.Time { return time.Unix(0, now.Load()) },
		Limits: listener.Limits{SplitMaxAge: time.Hour},
		Timing: listener.Timing{Tick: 10 * time.Millisecond, SplitAskAfter: 10 * time.Minute}}
	c := dial(t, startServer(t, s))
	c.write(part(t, "20260302100000001", "2051", t0, 3, 2, hj212.Field{Key: "d20401-Avg", Value: "4"}))
	c.expectAck("20260302100000001")
	waitFor(t, "the terminal's incomplete count", func() bool {
		st := s.Terminals()
		return len(st) == 1 && st[0].Incomplete == 1
	})
	now.Add(int64(11 * time.Minute))
	pull := c.read()
	begin, _ := pull.Get("BeginTime")
	if pull.CN != "2051" || begin != hj212.FormatN14(t0) {
		t.Fatalf("asked again with CN %s BeginTime %s, want 2051 %s", pull.CN, begin, hj212.FormatN14(t0))
	}
	now.Add(int64(time.Hour))
	waitFor(t, "the incomplete message", func() bool { return rec.count() == 2 })
	if k := rec.kinds(); k != "PI" {
		t.Fatalf("recorded %q, want the part then the incomplete message", k)
	}
	got := listener.Readings(rec.uploads[1].Packet, rec.uploads[1].Terminal.Points)
	if len(got) != 1 || got[0].P != 4 {
		t.Errorf("readings of the incomplete message = %+v, want P 4", got)
	}
	waitFor(t, "no incomplete split upload", func() bool { return s.Terminals()[0].Incomplete == 0 })
}
