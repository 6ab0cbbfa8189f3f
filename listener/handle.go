package listener

import (
	"context"
	"errors"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// Quarantine reasons.
const (
	ReasonUnregistered = "unregistered"         // the MN is not in the registry
	ReasonBadPassword  = "bad_password"         // PW differs from the registered password
	ReasonBadKey       = "bad_key"              // the 2025 CP could not be decrypted with the registered key
	ReasonEnvelope     = "unsupported_envelope" // the CP is the 2025 EncryptedData=<hex> envelope, which is not supported
	// ReasonFuture: an upload dated more than store.MaxAheadStored after its
	// arrival (a clock set years ahead); stored, it would be the newest data
	// for good. The terminal is sent the time (1012) and re-sends it.
	ReasonFuture = "future_time"
)

// handle answers and routes one parsed packet (HJ212-2017 §6.5 flows).
func (c *conn) handle(ctx context.Context, p *hj212.Packet) {
	s := c.s
	now := s.Now()
	switch p.CN {
	case hj212.CNDataReply: // answer to an upload of ours: nothing to do
		return
	case hj212.CNNotifyReply: // answer to a notification we sent
		s.cmds.reply(p, now)
		return
	}
	reg, err := s.dir.lookup(ctx, p.MN)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.quar.add(p, ReasonUnregistered, c.info.Remote, now)
		return
	case err != nil:
		// The registry could not be read: drop the packet unacknowledged, so the
		// terminal sends it again, rather than quarantine a registered terminal.
		s.log.Error("registry lookup", "mn", p.MN, "err", err)
		return
	case reg.Terminal.Password != "" && p.PW != reg.Terminal.Password:
		s.quar.add(p, ReasonBadPassword, c.info.Remote, now)
		s.state.reject(p.MN, rejectPassword, c.info.Remote, now)
		return
	}
	if isEnvelope(p) {
		s.log.Warn("decode CP", "mn", p.MN, "cn", p.CN, "err", errEnvelope)
		s.quar.add(p, ReasonEnvelope, c.info.Remote, now)
		s.state.reject(p.MN, rejectEnvelope, c.info.Remote, now)
		return
	}
	plain, err := s.decrypt(reg, p)
	if err != nil {
		s.log.Warn("decrypt CP", "mn", p.MN, "err", err)
		s.quar.add(p, ReasonBadKey, c.info.Remote, now)
		s.state.reject(p.MN, rejectKey, c.info.Remote, now)
		return
	}
	p = plain
	c.identify(p.MN, reg, now)
	if dt, ok := p.DataTime(); ok && isUpload(p.CN) && dt.After(now.Add(store.MaxAheadStored)) {
		s.quar.add(p, ReasonFuture, c.info.Remote, now)
		s.cmds.calibrate(p.MN, "", now)
		return
	}
	if s.state.seen(reg, p, c.info.Remote, now) {
		s.cmds.calibrate(p.MN, "", now) // its clock is off beyond the drift limit: send the time (1012)
	}
	switch {
	case p.CN == hj212.CNRequestReply || p.CN == hj212.CNExecResult:
		s.cmds.reply(p, now)
	case p.CN == hj212.CNTimeCalibration:
		// HJ212-2017 Table 9: a time-calibration request is a notification
		// (9013), after which the centre sends its time with 1012 — for the
		// instrument the request named (PolId), if any.
		c.answer(p, hj212.CNNotifyReply)
		polID, _ := p.Get("PolId")
		s.cmds.calibrate(p.MN, polID, now)
	case isNotification(p.CN):
		c.answer(p, hj212.CNNotifyReply)
	case isCommandData(p.CN):
		// Data a command asked for (1011 SystemTime, 1061 RtdInterval …): it
		// belongs to the command log, not to the readings.
		s.cmds.data(p, now)
		c.answer(p, hj212.CNDataReply)
	case isUpload(p.CN):
		s.cmds.data(p, now)
		c.upload(reg, p, now)
	default:
		// hj212.md §6: never drop the connection for an unknown CN.
		s.stats.unknownCN.Add(1)
		s.log.Info("unknown CN", "mn", p.MN, "cn", p.CN, "remote", c.info.Remote)
	}
}

// identify registers the connection as carrying mn: it then no longer counts
// against its address's limit, and queued commands for mn can be sent on it.
func (c *conn) identify(mn string, reg *Registration, now time.Time) {
	for _, m := range c.mns {
		if m == mn {
			return
		}
	}
	c.mns = append(c.mns, mn)
	if !c.ident.Swap(true) {
		c.firstMN.Store(&mn)
		c.s.identified(c)
	}
	c.s.state.connect(mn, c, now)
	c.s.cmds.attach(mn, c, reg)
}

// answer sends reply cn (9013 or 9014) when the packet's A bit asks for one.
func (c *conn) answer(p *hj212.Packet, cn string) {
	if p.Flag.Answer() {
		c.send(replyFrame(p, cn))
	}
}

// upload hands a data packet to the committer; its 9014 goes out once the
// batch holding it is durable. Each part of a split message is stored and
// acknowledged on its own (HJ212-2017 Table C.50: the terminal waits for a
// part's 9014 before it sends the next); the splitter joins them.
func (c *conn) upload(reg *Registration, p *hj212.Packet, now time.Time) {
	u := &Upload{Conn: c.info, Terminal: reg, Packet: p, ReceivedAt: now, c: c, Part: isPart(p)}
	if u.Part && !c.s.splits.admit(p) {
		// At the cap on incomplete split uploads: not acknowledged, so the
		// terminal sends the part again later. Nothing acknowledged is dropped.
		c.s.stats.splitRefused.Add(1)
		c.s.log.Warn("split upload part refused: too many incomplete split uploads", "mn", p.MN, "cn", p.CN, "pno", p.PNO, "pnum", p.PNUM)
		return
	}
	// HJ212-2017 Table 3: A=1 asks for an answer; 9014 for every upload,
	// duplicates and each subpacket included (hj212.md §7).
	if p.Flag.Answer() {
		u.acks = [][]byte{replyFrame(p, hj212.CNDataReply)}
	}
	c.inflight <- struct{}{}
	c.pending.Add(1)
	c.s.stats.uploads.Add(1)
	c.s.uploads <- u
}

// finish is called by the committer once u's batch is durable (err nil) or failed.
func (u *Upload) finish(s *Server, err error) {
	switch {
	case u.Assembled && err != nil:
		s.splits.retry(u) // its parts are stored: it must go in
		return
	case u.Assembled:
		s.splits.stored(u)
		return
	case u.Part && err == nil:
		s.splits.stored(u)
	}
	c := u.c
	if err == nil {
		for _, a := range u.acks {
			if c.send(a) {
				c.s.stats.acked.Add(1)
			}
		}
	}
	<-c.inflight
	c.pending.Done()
}

// isNotification: HJ212-2017 Table 9 notifications answered with 9013
// (2012/2022 stop uploads; 9015 is the 2025 heartbeat).
func isNotification(cn string) bool {
	return cn == hj212.CNStopRealtime || cn == hj212.CNStopRunState || cn == hj212.CNHeartbeat
}

// isCommandData: uploads that answer a centre's query (HJ212-2017 Table 9).
func isCommandData(cn string) bool {
	return cn == hj212.CNGetTime || cn == hj212.CNGetRtdInterval || cn == hj212.CNGetMinInterval
}

// isUpload: data uploads (2xxx) and the field-information uploads (3015–3020).
func isUpload(cn string) bool {
	if len(cn) != 4 {
		return false
	}
	switch {
	case cn[0] == '2':
		return !isNotification(cn)
	case cn >= hj212.CNFieldInfoFirst && cn <= hj212.CNFieldInfoLast:
		return true
	}
	return false
}
