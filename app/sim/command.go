package sim

import (
	"strconv"
	"time"

	"powerwatch/listener/hj212"
)

// handle applies one packet from the centre: a 9014 for our upload, or a
// request, answered as HJ212-2017 §6.5 says: 9011 QnRtn, the data the request
// asks for, then 9012 ExeRtn.
func (tm *term) handle(p *hj212.Packet) {
	switch p.CN {
	case hj212.CNDataReply:
		tm.acked(p.QN)
		return
	case hj212.CNNotifyReply, hj212.CNRequestReply, hj212.CNExecResult:
		return
	}
	switch {
	case p.MN != tm.t.MN:
		tm.writeReply(hj212.RequestAck(p, hj212.QnBadMN))
		return
	case p.PW != tm.t.PW:
		tm.writeReply(hj212.RequestAck(p, hj212.QnBadPW))
		return
	}
	tm.s.stats.commands.Add(1)
	tm.s.log.Debug("command", "mn", tm.t.MN, "cn", p.CN, "qn", p.QN)
	if p.CN == hj212.CNStopRealtime || p.CN == hj212.CNStopRunState {
		tm.writeReply(hj212.NotifyAck(p)) // HJ212-2017 Table 9: notifications get 9013
		return
	}
	if _, history := p.Get("BeginTime"); history {
		tm.history(p)
		return
	}
	code := tm.execute(p)
	if code == 0 {
		tm.writeReply(hj212.RequestAck(p, hj212.QnRejected))
		return
	}
	tm.writeReply(hj212.RequestAck(p, hj212.QnReady))
	if p.CN == hj212.CNGetTime || p.CN == hj212.CNGetRtdInterval || p.CN == hj212.CNGetMinInterval {
		tm.writeReply(tm.answerData(p))
	}
	tm.writeReply(hj212.ExecResult(p, code))
}

// execute carries out a request and returns its ExeRtn; 0 means the
// terminal does not know the command.
func (tm *term) execute(p *hj212.Packet) hj212.ExeRtn {
	num := func(k string) (int, bool) {
		v, ok := p.Get(k)
		n, err := strconv.Atoi(v)
		return n, ok && err == nil
	}
	switch p.CN {
	case hj212.CNSetOverTime: // C.1: OverTime (s) and ReCount
		secs, ok1 := num("OverTime")
		n, ok2 := num("ReCount")
		if !ok1 || !ok2 || secs < 1 || n < 0 {
			return hj212.ExeBadInput
		}
		tm.ackTimeout = max(time.Duration(float64(time.Duration(secs)*time.Second)/tm.s.cfg.Speed), 2*time.Second)
		tm.rto = max(tm.rto, tm.ackTimeout)
		tm.recount = max(n, 1)
	case hj212.CNSetTime: // C.3: the centre's time becomes ours
		t, err := p.Time("SystemTime")
		if err != nil {
			return hj212.ExeBadInput
		}
		// The centre's clock is the wall clock, also while the simulation
		// catches up from the past: correct the error, keep simulated time.
		now := tm.s.clock.sim()
		tm.offset = t.Sub(tm.s.cfg.Now()) - (tm.local(now).Sub(now) - tm.offset)
	case hj212.CNSetRtdInterval: // Table 4: RtdInterval 30–3600 s
		secs, ok := num("RtdInterval")
		if !ok || secs < 30 || secs > 3600 {
			return hj212.ExeBadInput
		}
		if tm.cn == cnRealtime {
			tm.setEvery(time.Duration(secs) * time.Second)
		}
	case hj212.CNSetMinInterval: // Table 4: MinInterval in minutes
		mins, ok := num("MinInterval")
		if !ok || mins < 1 || mins > 30 || 60%mins != 0 && mins != 30 {
			return hj212.ExeBadInput
		}
		if tm.cn == cnMinute {
			tm.setEvery(time.Duration(mins) * time.Minute)
		}
	case hj212.CNGetTime, hj212.CNGetRtdInterval, hj212.CNGetMinInterval, hj212.CNRealtime, hj212.CNRunState:
	default:
		return 0
	}
	return hj212.ExeSuccess
}

// setEvery changes the upload interval from the next slot on.
func (tm *term) setEvery(d time.Duration) {
	tm.every = d
	if tm.last != nil {
		tm.next = tm.last.at.Truncate(d).Add(d)
	}
}

// answerData is the data a query asks for (C.2 1011 SystemTime, 1061
// RtdInterval, 1063 MinInterval), with the request's QN and no answer wanted.
func (tm *term) answerData(req *hj212.Packet) *hj212.Packet {
	p := &hj212.Packet{QN: req.QN, ST: tm.enc.st(), CN: req.CN, PW: tm.t.PW, MN: tm.t.MN,
		Flag: hj212.FlagFor(tm.s.cfg.Protocol, false, false), Header: hj212.HasFlag}
	switch req.CN {
	case hj212.CNGetTime:
		now := tm.s.clock.sim()
		p.Add("SystemTime", hj212.FormatN14(tm.s.cfg.Now().Add(tm.local(now).Sub(now))))
	case hj212.CNGetRtdInterval:
		p.Add("RtdInterval", strconv.Itoa(int(tm.every/time.Second)))
	default:
		p.Add("MinInterval", strconv.Itoa(max(1, int(tm.every/time.Minute))))
	}
	return p
}

// history answers a history pull (C.17–C.26: 2051 minute, 2061 hour data
// with BeginTime/EndTime; HJ 212-2025 peers: ST=44 CN 2011) from the cache:
// 9011, the data of every cached period in the range, each wanting a 9014,
// then 9012 — success, or 100 when nothing is cached for the range.
func (tm *term) history(p *hj212.Packet) {
	begin, err1 := p.Time("BeginTime")
	end, err2 := p.Time("EndTime")
	if err1 != nil || err2 != nil || end.Before(begin) || (p.CN != cnRealtime && p.CN != cnMinute && p.CN != cnHour) {
		tm.writeReply(hj212.RequestAck(p, hj212.QnRejected))
		return
	}
	tm.writeReply(hj212.RequestAck(p, hj212.QnReady))
	var groups [][]*record
	for _, r := range tm.recs {
		if r.at.Before(begin) || r.at.After(end) {
			continue
		}
		if n := len(groups); p.CN == cnHour && n > 0 && groups[n-1][0].at.Truncate(time.Hour).Equal(r.at.Truncate(time.Hour)) {
			groups[n-1] = append(groups[n-1], r)
			continue
		}
		groups = append(groups, []*record{r})
	}
	code := hj212.ExeSuccess
	if len(groups) == 0 {
		code = hj212.ExeNoData
	}
	for _, g := range groups {
		at := g[0].at
		if p.CN == cnHour {
			at = at.Truncate(time.Hour)
		}
		for part, pk := range tm.enc.packets(p.CN, at, g, g[0].prevE) {
			qn := tm.newQN()
			b, err := tm.enc.frame(pk, qn)
			if err != nil {
				tm.s.log.Error("encode history", "mn", tm.t.MN, "err", err)
				continue
			}
			f := &inflight{frame: b, qn: qn, part: part}
			if p.CN == tm.cn && len(g) == 1 {
				f.marks = g[0]
			}
			tm.histq = append(tm.histq, f)
		}
	}
	b, err := hj212.ExecResult(p, code).Encode()
	if err == nil {
		tm.histq = append(tm.histq, &inflight{frame: b, noAck: true})
	}
}
