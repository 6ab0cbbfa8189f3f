package listener

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// liveGap separates live uploads from a backfill burst: real-time uploads
// are at least 30 s apart (RtdInterval ≥ 30 s, HJ212-2017 Table 4), while a
// terminal re-sending its cache sends them back to back.
const liveGap = 10 * time.Second

// obs follows one upload stream (CN 2011 or 2051) of a terminal.
type obs struct {
	prevRecv time.Time     // receive time of the previous upload
	prevData time.Time     // DataTime of the previous live upload
	cand     time.Duration // interval seen once, waiting for confirmation
	drift    time.Duration // drift seen once beyond the limit, waiting for confirmation
	driftN   int
}

// termState is the tracker's record of one terminal.
type termState struct {
	st         store.TerminalState
	conns      int           // connections identified as this MN
	configured time.Duration // interval from the registry, 0 when unset
	lastST     string
	version    hj212.Version
	streams    map[string]*obs
	drifted    bool
	gapAt      time.Time // when to run the gap detector; zero when not due
	dirty      bool
}

// tracker keeps every terminal's connection state and the events it produces.
type tracker struct {
	s      *Server
	mu     sync.Mutex
	m      map[string]*termState
	events []store.TerminalEvent
}

func (t *tracker) get(mn string) *termState {
	ts := t.m[mn]
	if ts == nil {
		ts = &termState{st: store.TerminalState{MN: mn}, streams: map[string]*obs{}}
		t.m[mn] = ts
	}
	return ts
}

func (t *tracker) event(mn, kind string, at time.Time, format string, a ...any) {
	t.events = append(t.events, store.TerminalEvent{MN: mn, Kind: kind, At: at, Detail: fmt.Sprintf(format, a...)})
}

func (t *tracker) restore(states []store.TerminalState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, st := range states {
		ts := t.get(st.MN)
		st.ConnectedAt = time.Time{} // no connection survives a restart
		ts.st = st
	}
}

func (t *tracker) connect(mn string, c *conn, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts := t.get(mn)
	if ts.conns++; ts.conns == 1 {
		ts.st.ConnectedAt = now
		t.event(mn, store.EventConnect, now, "from %s", c.info.Remote)
	}
	ts.dirty = true
}

func (t *tracker) disconnect(mn string, c *conn, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts := t.get(mn)
	if ts.conns--; ts.conns <= 0 {
		ts.conns = 0
		ts.st.ConnectedAt = time.Time{}
		t.event(mn, store.EventDisconnect, now, "from %s", c.info.Remote)
	}
	ts.dirty = true
}

// seen updates mn's state with a packet received at now. It reports whether
// the terminal's clock was just found off beyond the drift limit, so that
// the caller sends it the time.
func (t *tracker) seen(reg *Registration, p *hj212.Packet, remote string, now time.Time) (setTime bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts := t.get(p.MN)
	ts.dirty = true
	ts.configured = reg.Terminal.RtdInterval
	if ts.configured == 0 {
		ts.configured = reg.Terminal.MinInterval
	}
	st := &ts.st
	st.LastSeen, st.RemoteAddr, st.Protocol = now, remote, p.Version().String()
	ts.version = p.Version()
	if p.ST != "91" && p.ST != "" {
		ts.lastST = p.ST
	}
	if !st.Online {
		st.Online = true
		t.event(p.MN, store.EventOnline, now, "online from %s", remote)
		if !st.OutageFrom.IsZero() {
			ts.gapAt = now.Add(t.s.tim.GapDelay)
		}
	}
	dt, ok := p.DataTime()
	if !ok || !isUpload(p.CN) {
		return false
	}
	// A fast clock's DataTime is not the newest data: it would pin LastData.
	if dt.After(st.LastData) && !dt.After(now.Add(t.s.tim.DriftLimit)) {
		st.LastData = dt
	}
	if p.CN == hj212.CNRealtime || p.CN == hj212.CNMinuteHistory {
		drifted := ts.drifted
		t.observe(ts, p.CN, dt, now)
		return ts.drifted && !drifted
	}
	return false
}

// observe measures the interval of a stream, and for real-time data (2011,
// DataTime = sampling instant) the clock drift. Only live uploads count, and
// a new value must be seen twice in a row, so one lost packet or a backfill
// burst does not produce an event.
func (t *tracker) observe(ts *termState, cn string, dt, now time.Time) {
	o := ts.streams[cn]
	if o == nil {
		o = &obs{}
		ts.streams[cn] = o
	}
	live := o.prevRecv.IsZero() || now.Sub(o.prevRecv) >= liveGap
	o.prevRecv = now
	if !live {
		return
	}
	if !o.prevData.IsZero() {
		if d := dt.Sub(o.prevData); d > 0 && d <= 24*time.Hour {
			t.interval(ts, cn, o, d, now)
		}
	}
	o.prevData = dt
	if cn == hj212.CNRealtime {
		t.drift(ts, o, dt.Sub(now), now)
	}
}

func (t *tracker) interval(ts *termState, cn string, o *obs, d time.Duration, now time.Time) {
	if d != o.cand {
		o.cand = d
		return
	}
	if cn == hj212.CNMinuteHistory && ts.streams[hj212.CNRealtime] != nil {
		return // real-time data, when sent, decides the interval
	}
	if d != ts.st.Interval {
		t.event(ts.st.MN, store.EventInterval, now, "%s interval %s, was %s", cn, d, ts.st.Interval)
		ts.st.Interval = d
	}
}

func (t *tracker) drift(ts *termState, o *obs, d time.Duration, now time.Time) {
	limit := t.s.tim.DriftLimit
	beyond := d > limit || d < -limit
	switch {
	case beyond && !ts.drifted:
		if o.driftN == 0 || absDur(d-o.drift) > limit {
			o.drift, o.driftN = d, 1
			return
		}
		ts.drifted = true
		t.event(ts.st.MN, store.EventDrift, now, "clock %s (DataTime − receive time), limit %s", signed(d), limit)
	case !beyond && ts.drifted:
		ts.drifted = false
		t.event(ts.st.MN, store.EventDrift, now, "clock back within %s (%s)", limit, signed(d))
	}
	o.driftN = 0
	ts.st.Drift = d
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func signed(d time.Duration) string {
	if d >= 0 {
		return "+" + d.Round(time.Second).String()
	}
	return d.Round(time.Second).String()
}

func (t *tracker) intervalOf(ts *termState) time.Duration {
	switch {
	case ts.st.Interval > 0:
		return ts.st.Interval
	case ts.configured > 0:
		return ts.configured
	}
	return t.s.tim.DefaultInterval
}

// gapJob asks the gap detector to look at one terminal's outage.
type gapJob struct {
	mn       string
	from, to time.Time
	step     time.Duration
	cn, st   string
	version  hj212.Version
}

// sweep marks terminals offline that were silent for two intervals plus the
// grace, and returns the gap checks that are due.
func (t *tracker) sweep(now time.Time) []gapJob {
	t.mu.Lock()
	defer t.mu.Unlock()
	var jobs []gapJob
	for mn, ts := range t.m {
		st := &ts.st
		iv := t.intervalOf(ts)
		if st.Online && now.Sub(st.LastSeen) > 2*iv+t.s.tim.OfflineGrace {
			st.Online, ts.dirty = false, true
			st.OutageFrom = st.LastData
			if st.OutageFrom.IsZero() {
				st.OutageFrom = st.LastSeen
			}
			t.event(mn, store.EventOffline, now, "silent since %s", st.LastSeen.In(store.Beijing).Format(time.DateTime))
		}
		if !ts.gapAt.IsZero() && !now.Before(ts.gapAt) {
			jobs = append(jobs, gapJob{mn: mn, from: st.OutageFrom, to: now, step: iv,
				cn: ts.historyCN(), st: ts.lastST, version: ts.version})
			ts.gapAt, st.OutageFrom, ts.dirty = time.Time{}, time.Time{}, true
		}
	}
	return jobs
}

// historyCN is the CN to pull this terminal's history with: the 2025 ST=44
// form (CN 2011 + BeginTime/EndTime) for 2025 electricity terminals, else
// minute (2051) or hour (2061) history, whichever it uploads.
func (ts *termState) historyCN() string {
	switch {
	case ts.version == hj212.Version2025 && ts.lastST == "44":
		return hj212.CNRealtime
	case ts.streams[hj212.CNMinuteHistory] == nil && ts.streams[hj212.CNRealtime] == nil && ts.st.Interval >= time.Hour:
		return hj212.CNHourHistory
	}
	return hj212.CNMinuteHistory
}

// take returns the changed states and the new events, and forgets them.
func (t *tracker) take() ([]store.TerminalState, []store.TerminalEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var states []store.TerminalState
	for _, ts := range t.m {
		if ts.dirty {
			states = append(states, ts.st)
			ts.dirty = false
		}
	}
	ev := t.events
	t.events = nil
	return states, ev
}

// protocolOf returns what commands to mn need: its system code and version.
func (t *tracker) protocolOf(mn string) (string, hj212.Version) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if ts := t.m[mn]; ts != nil {
		return ts.lastST, ts.version
	}
	return "", hj212.Version2017
}

// Terminals returns the state of every terminal heard since the journal began,
// by MN. ConnectedAt is zero for a terminal without an open connection.
func (s *Server) Terminals() []store.TerminalState {
	s.init()
	s.state.mu.Lock()
	out := make([]store.TerminalState, 0, len(s.state.m))
	for _, ts := range s.state.m {
		out = append(out, ts.st)
	}
	s.state.mu.Unlock()
	slices.SortFunc(out, func(a, b store.TerminalState) int { return strings.Compare(a.MN, b.MN) })
	return out
}

// incomplete sets how many split uploads of mn wait for parts.
func (t *tracker) incomplete(mn string, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts := t.get(mn)
	if ts.st.Incomplete != n {
		ts.st.Incomplete, ts.dirty = n, true
	}
}

// commandEvent records a finished command in the terminal's events.
func (t *tracker) commandEvent(cmd *command, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.event(cmd.MN, store.EventCommand, now, "CN %s #%d %s %s", cmd.CN, cmd.ID, cmd.Status, cmd.Result)
}
