package listener_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// pipeListener hands out the server ends of net.Pipe connections, so that a
// Server runs inside a synctest bubble with virtual time.
type pipeListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9212} }

// dial returns the client end of a new connection.
func (l *pipeListener) dial(t *testing.T) *client {
	a, b := net.Pipe()
	l.ch <- a
	t.Cleanup(func() { b.Close() })
	return &client{t: t, c: b, rd: hj212.NewReader(b, 0), timeout: time.Hour}
}

// bubble runs s on a pipeListener inside the current synctest bubble and
// stops it at the end of the test function (before the bubble ends).
func bubble(t *testing.T, s *listener.Server) (*pipeListener, func()) {
	l := newPipeListener()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	return l, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}
}

// journal is a Journal that keeps events in memory for assertions.
type journal struct {
	mu     sync.Mutex
	events []store.TerminalEvent
	states map[string]store.TerminalState
	cmds   []store.Command
	quar   []store.QuarantinedPacket
}

func (j *journal) SaveTerminalStates(_ context.Context, ss []store.TerminalState) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.states == nil {
		j.states = map[string]store.TerminalState{}
	}
	for _, s := range ss {
		j.states[s.MN] = s
	}
	return nil
}
func (j *journal) TerminalStates(context.Context) ([]store.TerminalState, error) { return nil, nil }
func (j *journal) AddTerminalEvents(_ context.Context, es []store.TerminalEvent) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, es...)
	return nil
}
func (j *journal) AddQuarantined(_ context.Context, ps []store.QuarantinedPacket) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.quar = append(j.quar, ps...)
	return nil
}
func (j *journal) Quarantined(context.Context) ([]store.QuarantinedPacket, error) { return j.quar, nil }
func (j *journal) DeleteQuarantined(context.Context, string) error                { return nil }
func (j *journal) SaveCommand(_ context.Context, c store.Command) (int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if c.ID == 0 {
		c.ID = int64(len(j.cmds) + 1)
		j.cmds = append(j.cmds, c)
	} else {
		j.cmds[c.ID-1] = c
	}
	return c.ID, nil
}
func (j *journal) Commands(_ context.Context, mn string, _ int) ([]store.Command, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]store.Command(nil), j.cmds...), nil
}
func (j *journal) OpenCommands(context.Context) ([]store.Command, error) { return nil, nil }

// kinds returns the kinds of the events of mn, in order.
func (j *journal) kinds(mn string) []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []string
	for _, e := range j.events {
		if e.MN == mn {
			out = append(out, e.Kind)
		}
	}
	return out
}

// TestIdleTimeout ensures a silent connection is closed after IdleTimeout and
// counted, in virtual time.
func TestIdleTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN),
			Limits: listener.Limits{IdleTimeout: time.Minute}}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		c.write(realtime(t, testMN, "20260302100000001", time.Now())) // not t0: in the bubble it is 26 years ahead
		if p := c.read(); p.CN != "9014" {
			t.Fatalf("reply %s, want 9014", p.CN)
		}
		time.Sleep(59 * time.Second)
		synctest.Wait()
		if st := s.Stats(); st.Open != 1 {
			t.Fatalf("after 59 s: %d open connections, want 1", st.Open)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if st := s.Stats(); st.Open != 0 || st.ClosedIdle != 1 {
			t.Errorf("after 61 s: Stats = %+v, want the connection closed as idle", st)
		}
	})
}

// TestSlowloris ensures that a frame trickling in one byte every 10 s is cut
// off by the per-frame deadline, although every single read is quick.
func TestSlowloris(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &listener.Server{Recorder: &memRecorder{}, Directory: newFakeDir(testMN),
			Limits: listener.Limits{IdleTimeout: time.Hour, FrameTimeout: 30 * time.Second}}
		l, stop := bubble(t, s)
		defer stop()
		c := l.dial(t)
		f := realtime(t, testMN, "20260302100000001", t0)
		quit := make(chan struct{})
		defer close(quit)
		go func() {
			for _, b := range f {
				if _, err := c.c.Write([]byte{b}); err != nil {
					return
				}
				select {
				case <-quit:
					return
				case <-time.After(10 * time.Second):
				}
			}
		}()
		time.Sleep(35 * time.Second)
		synctest.Wait()
		if st := s.Stats(); st.Open != 0 || st.ClosedFrameTimeout != 1 {
			t.Errorf("Stats = %+v, want the trickling connection closed by the frame deadline", st)
		}
	})
}

// TestNonReaderDoesNotBlockOthers ensures that a terminal that never reads
// its replies is disconnected when its queue fills, while another terminal
// keeps getting every acknowledgement.
func TestNonReaderDoesNotBlockOthers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := newFakeDir(testMN, "020000A8900016F000169DC0")
		s := &listener.Server{Recorder: &memRecorder{}, Directory: dir,
			Limits: listener.Limits{WriteQueue: 4, WriteTimeout: time.Minute}}
		l, stop := bubble(t, s)
		defer stop()
		mute := l.dial(t)
		t0 := time.Now().Add(-time.Hour) // the bubble's clock: uploads dated far ahead are quarantined
		go func() {
			for i := range 100 {
				if _, err := mute.c.Write(realtime(t, testMN, qn(i), t0.Add(time.Duration(i)*time.Minute))); err != nil {
					return
				}
			}
		}()
		good := l.dial(t)
		for i := range 50 {
			good.write(realtime(t, "020000A8900016F000169DC0", qn(i), t0.Add(time.Duration(i)*time.Minute)))
			if p := good.read(); p.CN != "9014" || p.QN != qn(i) {
				t.Fatalf("good terminal: reply %s %s, want 9014 %s", p.CN, p.QN, qn(i))
			}
		}
		synctest.Wait()
		if st := s.Stats(); st.ClosedSlowReader != 1 {
			t.Errorf("Stats = %+v, want the non-reader closed as a slow reader", st)
		}
	})
}

func qn(i int) string {
	return "2026030210" + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + "0000"
}
