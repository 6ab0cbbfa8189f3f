package sim

import (
	"context"
	"errors"
	"net"
	"slices"
	"time"

	"powerwatch/listener/hj212"
)

// record is one upload slot: its time on the terminal's clock, the readings
// and the state of each of its parts (one, unless split).
type record struct {
	at    time.Time
	vals  []Reading
	prevE []float64 // counters before this slot, for -Cou
	pkts  []*hj212.Packet
	acked []bool
	busy  []bool // awaiting a 9014
	fails []int  // unanswered sends since the last park
	sends []int
	// retryAt (wall) parks the record after ReCount unanswered sends.
	retryAt  time.Time
	backfill bool // measured during an outage
	complete bool // every part acknowledged
}

func (r *record) done() bool { return r.complete }

// ack marks part acknowledged; once all are, the packets are dropped (a
// history pull builds its own).
func (r *record) ack(part int) {
	if r.complete || r.pkts == nil {
		return
	}
	r.acked[part], r.busy[part], r.fails[part] = true, false, 0
	if !slices.Contains(r.acked, false) {
		r.complete = true
		r.pkts, r.acked, r.busy, r.fails, r.sends = nil, nil, nil, nil, nil
	}
}

// free marks part as no longer awaiting an answer.
func (r *record) free(part int) {
	if !r.complete {
		r.busy[part] = false
	}
}

// inflight is a frame awaiting its 9014.
type inflight struct {
	rec      *record // nil for a history frame
	part     int
	frame    []byte  // history frames keep theirs; records are re-encoded
	qn       string  // of frame
	marks    *record // a history frame that carries this record's part
	noAck    bool    // a 9012 queued behind history frames
	sentAt   time.Time
	deadline time.Time
	tries    int
}

// term is one simulated terminal; all of its state belongs to its run goroutine.
type term struct {
	s     *Sim
	t     *Terminal
	m     *model
	enc   *encoder
	cnt   *counters
	rng   *noise
	cn    string
	every time.Duration // upload interval

	offset time.Duration // clock offset (terminal − true) at start
	ppm    float64

	next    time.Time // next slot, terminal clock
	last    *record   // the newest record
	recs    []*record // cache for history pulls, oldest first
	todo    []*record // records not acknowledged yet, oldest first
	pending map[string]*inflight
	outq    [][]byte // replies and history frames to write before more data
	histq   []*inflight

	conn        net.Conn
	in          chan *hj212.Packet
	connected   bool // has connected once
	redialAt    time.Time
	backoff     time.Duration
	outages     []Outage
	nextRandom  Outage
	down        bool
	ackTimeout  time.Duration // the standard's OverTime, scaled by Speed
	rto         time.Duration // the wait in use: OverTime, longer when the centre is slow
	srtt        time.Duration // smoothed time to a 9014
	recount     int
	lastQN      time.Time
	askedTime   bool
	drainBy     time.Time
	cacheWindow time.Duration
}

func newTerm(s *Sim, t *Terminal, i int) (*term, error) {
	enc, err := newEncoder(t, s.cfg.Protocol)
	if err != nil {
		return nil, err
	}
	m := &model{t: t, seed: s.cfg.Seed}
	for _, v := range s.cfg.Violations {
		if v.MN == t.MN {
			m.overrides = append(m.overrides, v.overrides(t)...)
		}
	}
	tm := &term{s: s, t: t, m: m, enc: enc, cnt: newCounters(t, s.cfg.Seed), cn: uploadCN(s.cfg.Protocol),
		every: s.cfg.Interval, pending: map[string]*inflight{}, ackTimeout: s.cfg.AckTimeout, rto: s.cfg.AckTimeout, recount: s.cfg.ReCount,
		rng: &noise{s: s.cfg.Seed ^ hash(t.MN) ^ uint64(i)}, cacheWindow: 7 * 24 * time.Hour}
	if s.cfg.Drift {
		tm.offset = time.Duration((tm.rng.unit()*2 - 1) * float64(90*time.Second)).Truncate(time.Second)
		tm.ppm = (tm.rng.unit()*2 - 1) * 20
	}
	for _, o := range s.cfg.Script {
		if o.MN == "" || o.MN == t.MN {
			tm.outages = append(tm.outages, o)
		}
	}
	tm.next = tm.local(s.cfg.Start).Truncate(tm.every)
	if tm.next.Before(tm.local(s.cfg.Start)) {
		tm.next = tm.next.Add(tm.every)
	}
	if s.cfg.Outages {
		tm.nextRandom = tm.randomOutage(s.cfg.Start)
	}
	return tm, nil
}

// local is the terminal's clock at true (simulated) time t.
func (tm *term) local(t time.Time) time.Time {
	drift := time.Duration(float64(t.Sub(tm.s.cfg.Start)) * tm.ppm * 1e-6)
	return t.Add(tm.offset + drift)
}

// randomOutage draws the next outage after t: 6–42 h later, 10 min–3 h long.
func (tm *term) randomOutage(t time.Time) Outage {
	from := t.Add(6*time.Hour + time.Duration(tm.rng.unit()*float64(36*time.Hour)))
	return Outage{MN: tm.t.MN, From: from, To: from.Add(10*time.Minute + time.Duration(tm.rng.unit()*float64(170*time.Minute)))}
}

// offline reports whether the terminal's network is down at t.
func (tm *term) offline(t time.Time) bool {
	if end := tm.s.End(); !end.IsZero() && !t.Before(end) {
		return false // after the run the network stays up, so the cache drains
	}
	if tm.s.cfg.Outages && !t.Before(tm.nextRandom.To) {
		tm.nextRandom = tm.randomOutage(tm.nextRandom.To)
	}
	if tm.s.cfg.Outages && !t.Before(tm.nextRandom.From) && t.Before(tm.nextRandom.To) {
		return true
	}
	for _, o := range tm.outages {
		if !t.Before(o.From) && t.Before(o.To) {
			return true
		}
	}
	return false
}

// run is the terminal's life: measure every interval, keep a connection,
// send, answer, and stop when the run is over.
func (tm *term) run(ctx context.Context) {
	defer tm.finish()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := tm.s.clock.sim()
		tm.measure(now)
		tm.network(ctx, now)
		if tm.over(now) {
			return
		}
		if tm.conn != nil {
			tm.expire()
			tm.fill()
		}
		timer.Reset(tm.wake(now))
		select {
		case <-ctx.Done():
			return
		case p, ok := <-tm.in:
			if !ok {
				tm.lost()
				continue
			}
			tm.handle(p)
		case <-timer.C:
		}
	}
}

// finish closes the connection and counts what stayed unacknowledged.
func (tm *term) finish() {
	tm.hangUp()
	tm.s.stats.unacked.Add(int64(len(tm.todo)))
}

// measure records every slot that is due on the terminal's clock. Slots of
// the past beyond Duration are not measured.
func (tm *term) measure(now time.Time) {
	end := tm.s.End()
	for !tm.next.After(tm.local(now)) && (end.IsZero() || tm.next.Before(tm.local(end))) {
		// The network's state at each slot, not only at wake-ups: a fast
		// simulation may jump over a whole outage between two.
		tm.setDown(tm.offline(tm.trueTime(tm.next)))
		r := &record{at: tm.next, prevE: tm.cnt.snapshot(), backfill: tm.down}
		r.vals = tm.cnt.advance(tm.m.sample(tm.next), tm.every)
		tm.recs = append(tm.recs, r)
		tm.todo = append(tm.todo, r)
		tm.last = r
		tm.next = tm.next.Add(tm.every)
		tm.s.stats.records.Add(1)
	}
	for len(tm.recs) > 0 && tm.recs[0].done() && tm.last.at.Sub(tm.recs[0].at) > tm.cacheWindow {
		tm.recs = tm.recs[1:]
	}
}

// over reports whether the run has ended: Duration passed and everything is
// acknowledged, or the drain time is up.
func (tm *term) over(now time.Time) bool {
	end := tm.s.End()
	if end.IsZero() || now.Before(end) {
		return false
	}
	wall := tm.s.cfg.Now()
	if tm.drainBy.IsZero() {
		tm.drainBy = wall.Add(tm.s.cfg.Drain)
	}
	return len(tm.todo) == 0 && len(tm.histq) == 0 && len(tm.outq) == 0 || wall.After(tm.drainBy)
}

// network applies outages and (re)connects.
func (tm *term) network(ctx context.Context, now time.Time) {
	tm.setDown(tm.offline(now))
	if tm.down || tm.conn != nil || tm.s.cfg.Now().Before(tm.redialAt) {
		return
	}
	c, err := tm.s.cfg.Dial(ctx, "tcp", tm.s.cfg.Addr)
	if err != nil {
		tm.backoff = min(max(2*tm.backoff, tm.s.cfg.Redial/30), tm.s.cfg.Redial)
		tm.redialAt = tm.s.cfg.Now().Add(tm.backoff)
		tm.s.log.Debug("dial", "mn", tm.t.MN, "err", err)
		return
	}
	if tm.connected {
		tm.s.stats.reconnects.Add(1)
	}
	tm.connected, tm.backoff, tm.askedTime = true, 0, false
	tm.conn = c
	tm.in = make(chan *hj212.Packet, 1024)
	go readPackets(c, tm.in)
	tm.calibrate()
}

// setDown records the network's state; going down drops the connection.
func (tm *term) setDown(down bool) {
	if down && !tm.down {
		tm.s.stats.outages.Add(1)
		tm.s.log.Debug("outage", "mn", tm.t.MN)
		tm.hangUp()
	}
	tm.down = down
}

// calibrate asks the centre for the time (CN 1013, a notification answered
// with 9013 and then a 1012) when the clock is more than 60 s off.
func (tm *term) calibrate() {
	now := tm.s.clock.sim()
	off := tm.local(now).Sub(now)
	if tm.askedTime || (off < time.Minute && off > -time.Minute) {
		return
	}
	tm.askedTime = true
	t := hj212.Terminal{MN: tm.t.MN, PW: tm.t.PW, ST: tm.enc.st(), Version: tm.s.cfg.Protocol}
	tm.writeReply(t.TimeCalibration(tm.newQN(), ""))
}

// readPackets feeds c's packets to ch until c fails, then closes ch. Bad
// frames from the centre are skipped.
func readPackets(c net.Conn, ch chan<- *hj212.Packet) {
	defer close(ch)
	r := hj212.NewReader(c, 0)
	for {
		p, err := r.ReadPacket()
		var se *hj212.SyntaxError
		switch {
		case errors.As(err, &se):
			continue
		case err != nil:
			return
		}
		ch <- p
	}
}

// hangUp closes the connection; frames awaiting an answer will be sent again.
func (tm *term) hangUp() {
	if tm.conn == nil {
		return
	}
	tm.conn.Close()
	for range tm.in { // let the reader finish
	}
	tm.conn, tm.in = nil, nil
	for qn, f := range tm.pending {
		if f.rec != nil {
			f.rec.free(f.part)
		} else {
			tm.histq = append(tm.histq, f)
		}
		delete(tm.pending, qn)
	}
	tm.outq = nil // answers to a connection that is gone
}

// lost handles a connection the centre (or the network) closed.
func (tm *term) lost() {
	tm.hangUp()
	tm.redialAt = tm.s.cfg.Now().Add(tm.s.cfg.Redial / 30)
}

// wake is how long to sleep: until the next slot, the next answer deadline,
// a parked record's retry or the next outage change, at most one second.
func (tm *term) wake(now time.Time) time.Duration {
	d := min(tm.s.clock.until(tm.trueTime(tm.next)), time.Second)
	wall := tm.s.cfg.Now()
	for _, f := range tm.pending {
		d = min(d, f.deadline.Sub(wall))
	}
	if tm.conn == nil && !tm.down {
		d = min(d, tm.redialAt.Sub(wall))
	}
	return max(d, time.Millisecond)
}

// trueTime is the true time at which the terminal's clock shows t.
func (tm *term) trueTime(t time.Time) time.Time { return t.Add(-tm.offset) }

// newQN returns a QN on the terminal's clock, distinct from the previous one.
func (tm *term) newQN() string {
	t := tm.local(tm.s.clock.sim()).Truncate(time.Millisecond)
	if !t.After(tm.lastQN) {
		t = tm.lastQN.Add(time.Millisecond)
	}
	tm.lastQN = t
	return hj212.NewQN(t)
}
