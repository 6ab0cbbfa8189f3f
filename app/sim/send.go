package sim

import (
	"time"

	"powerwatch/listener/hj212"
)

// writeTimeout bounds one write to the centre.
const writeTimeout = 10 * time.Second

// maxRTO bounds the wait for a 9014 when the centre is slow.
const maxRTO = time.Minute

// measureRTT updates the smoothed answer time and, from it, the wait for
// a 9014: the configured OverTime, or four answer times when that is longer.
func (tm *term) measureRTT(rtt time.Duration) {
	if tm.srtt == 0 {
		tm.srtt = rtt
	}
	tm.srtt = (7*tm.srtt + rtt) / 8
	tm.rto = min(max(tm.ackTimeout, 4*tm.srtt), maxRTO)
}

// write sends b; a failed write loses the connection.
func (tm *term) write(b []byte) bool {
	if tm.conn == nil {
		return false
	}
	tm.conn.SetWriteDeadline(tm.s.cfg.Now().Add(writeTimeout))
	if _, err := tm.conn.Write(b); err != nil {
		tm.s.log.Debug("write", "mn", tm.t.MN, "err", err)
		tm.lost()
		return false
	}
	return true
}

// writeReply encodes and sends a packet that needs no 9014 (9011, 9012,
// command data, 1013).
func (tm *term) writeReply(p *hj212.Packet) {
	b, err := p.Encode()
	if err != nil {
		tm.s.log.Error("encode reply", "mn", tm.t.MN, "cn", p.CN, "err", err)
		return
	}
	tm.outq = append(tm.outq, b)
}

// expire takes back the frames whose 9014 did not come in time (HJ212-2017
// Table 1: OverTime, ReCount): they are sent again, and after ReCount tries
// a record is parked for ten timeouts before it is tried again.
func (tm *term) expire() {
	wall := tm.s.cfg.Now()
	backedOff := false
	for qn, f := range tm.pending {
		if wall.Before(f.deadline) {
			continue
		}
		delete(tm.pending, qn)
		if !backedOff {
			// A centre too slow to answer in time must not be buried under
			// re-sends: wait twice as long next time (as TCP does), up to a minute.
			tm.rto, backedOff = min(2*tm.rto, maxRTO), true
		}
		if f.rec == nil {
			if f.tries <= tm.recount {
				tm.histq = append(tm.histq, f)
			}
			continue
		}
		r := f.rec
		if r.complete {
			continue
		}
		r.free(f.part)
		if r.fails[f.part]++; r.fails[f.part] > tm.recount {
			r.fails[f.part] = 0
			r.retryAt = wall.Add(10 * tm.rto)
		}
	}
}

// fill writes queued answers, then history frames and records, as long as
// the window of frames awaiting a 9014 has room. The newest measurement goes
// before older, cached ones, so live data stays timely during a backfill.
func (tm *term) fill() {
	for len(tm.outq) > 0 && tm.conn != nil {
		b := tm.outq[0]
		tm.outq = tm.outq[1:]
		tm.write(b)
	}
	for tm.conn != nil && len(tm.pending) < tm.s.cfg.Window {
		if len(tm.histq) > 0 {
			f := tm.histq[0]
			tm.histq = tm.histq[1:]
			if f.noAck {
				tm.write(f.frame)
			} else {
				tm.sendHistory(f)
			}
			continue
		}
		r, part := tm.pick()
		if r == nil {
			return
		}
		tm.sendPart(r, part)
	}
	for len(tm.outq) > 0 && tm.conn != nil { // a 9012 queued behind history frames
		b := tm.outq[0]
		tm.outq = tm.outq[1:]
		tm.write(b)
	}
}

// pick returns the next record part to send: the newest measurement first,
// then the oldest unacknowledged one.
func (tm *term) pick() (*record, int) {
	wall := tm.s.cfg.Now()
	k := 0
	for _, r := range tm.todo { // drop what is done, keeping the order
		if !r.done() {
			tm.todo[k] = r
			k++
		}
	}
	clear(tm.todo[k:])
	tm.todo = tm.todo[:k]
	if n := len(tm.todo); n > 0 && tm.todo[n-1] == tm.last {
		if p := sendable(tm.last, wall); p >= 0 {
			return tm.last, p
		}
	}
	for _, r := range tm.todo {
		if p := sendable(r, wall); p >= 0 {
			return r, p
		}
	}
	return nil, -1
}

// sendable returns a part of r that is neither acknowledged nor awaiting an
// answer, or -1. Parts of a record not built yet count as part 0.
func sendable(r *record, wall time.Time) int {
	if r.complete || wall.Before(r.retryAt) {
		return -1
	}
	if r.pkts == nil {
		return 0
	}
	for i := range r.pkts {
		if !r.acked[i] && !r.busy[i] {
			return i
		}
	}
	return -1
}

// build makes r's packets on first use.
func (tm *term) build(r *record) {
	if r.pkts != nil || r.complete {
		return
	}
	r.pkts = tm.enc.packets(tm.cn, r.at, []*record{r}, r.prevE)
	n := len(r.pkts)
	r.acked, r.busy, r.fails, r.sends = make([]bool, n), make([]bool, n), make([]int, n), make([]int, n)
}

// sendPart sends part of r with a fresh QN, now and then damaged first.
func (tm *term) sendPart(r *record, part int) {
	tm.build(r)
	qn := tm.newQN()
	b, err := tm.enc.frame(r.pkts[part], qn)
	if err != nil {
		tm.s.log.Error("encode upload", "mn", tm.t.MN, "err", err)
		r.ack(part) // cannot ever be sent; do not loop on it
		return
	}
	st := &tm.s.stats
	switch {
	case r.sends[part] > 0:
		st.resent.Add(1)
	case r.backfill && part == 0:
		st.backfilled.Add(1)
		st.sent.Add(1)
	default:
		st.sent.Add(1)
	}
	first := r.sends[part] == 0
	r.sends[part]++
	r.busy[part] = true
	now := tm.s.cfg.Now()
	tm.pending[qn] = &inflight{rec: r, part: part, sentAt: now, deadline: now.Add(tm.rto)}
	if first && tm.s.cfg.Corrupt > 0 && tm.rng.unit() < tm.s.cfg.Corrupt {
		st.corrupted.Add(1)
		if tm.rng.unit() < 0.5 {
			tm.write(badCRC(b)) // no answer comes; sent again after the timeout
			return
		}
		tm.write(b[:len(b)/2]) // a truncated frame, then the whole one
	}
	tm.write(b)
}

// badCRC returns a copy of frame b with its CRC changed.
func badCRC(b []byte) []byte {
	c := append([]byte(nil), b...)
	i := len(c) - 3 // last CRC digit, before CR LF
	if c[i] == '0' {
		c[i] = '1'
	} else {
		c[i] = '0'
	}
	return c
}

// sendHistory sends a history frame again or for the first time.
func (tm *term) sendHistory(f *inflight) {
	if f.tries > 0 {
		tm.s.stats.resent.Add(1)
	} else {
		tm.s.stats.history.Add(1)
	}
	f.tries++
	f.sentAt = tm.s.cfg.Now()
	f.deadline = f.sentAt.Add(tm.rto)
	tm.pending[f.qn] = f
	tm.write(f.frame)
}

// acked applies a 9014 from the centre to the frame whose QN it echoes.
func (tm *term) acked(qn string) {
	f, ok := tm.pending[qn]
	if !ok {
		return // late: the frame was already taken back (or never ours)
	}
	delete(tm.pending, qn)
	tm.s.stats.acked.Add(1)
	tm.measureRTT(tm.s.cfg.Now().Sub(f.sentAt))
	if f.rec != nil {
		f.rec.ack(f.part)
	}
	if f.marks != nil {
		f.marks.ack(f.part) // the history pull delivered it
	}
}
