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
	ReasonUnregistered = "unregistered" // the MN is not in the registry
	ReasonBadPassword  = "bad_password" // PW differs from the registered password
	ReasonBadKey       = "bad_key"      // the 2025 CP could not be decrypted with the registered key
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
	case "9014": // answer to an upload of ours: nothing to do
		return
	case "9013": // answer to a notification we sent
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
		return
	}
	plain, err := s.decrypt(reg, p)
	if err != nil {
		s.log.Warn("decrypt CP", "mn", p.MN, "err", err)
		s.quar.add(p, ReasonBadKey, c.info.Remote, now)
		return
	}
	p = plain
	c.identify(p.MN, reg, now)
	if dt, ok := p.DataTime(); ok && isUpload(p.CN) && dt.After(now.Add(store.MaxAheadStored)) {
		s.quar.add(p, ReasonFuture, c.info.Remote, now)
		s.cmds.calibrate(p.MN, now)
		return
	}
	if s.state.seen(reg, p, c.info.Remote, now) {
		s.cmds.calibrate(p.MN, now) // its clock is off beyond the drift limit: send the time (1012)
	}
	switch {
	case p.CN == "9011" || p.CN == "9012":
		s.cmds.reply(p, now)
	case p.CN == "1013":
		// HJ212-2017 Table 9: a time-calibration request is a notification
		// (9013), after which the centre sends its time with 1012.
		c.answer(p, "9013")
		s.cmds.calibrate(p.MN, now)
	case isNotification(p.CN):
		c.answer(p, "9013")
	case isCommandData(p.CN):
		// Data a command asked for (1011 SystemTime, 1061 RtdInterval …): it
		// belongs to the command log, not to the readings.
		s.cmds.data(p, now)
		c.answer(p, "9014")
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
// batch holding it is durable. Parts of a split message wait for the others
// and are stored, and acknowledged, together.
func (c *conn) upload(reg *Registration, p *hj212.Packet, now time.Time) {
	var ack []byte
	// HJ212-2017 Table 3: A=1 asks for an answer; 9014 for every upload,
	// duplicates and each subpacket included (hj212.md §7).
	if p.Flag.Answer() {
		ack = replyFrame(p, "9014")
	}
	u := &Upload{Conn: c.info, Terminal: reg, Packet: p, ReceivedAt: now, c: c}
	if ack != nil {
		u.acks = [][]byte{ack}
	}
	if p.Flag.Split() {
		merged, acks := c.asm.add(p, ack, now)
		if merged == nil {
			return
		}
		u.Packet, u.acks = merged, acks
	}
	c.inflight <- struct{}{}
	c.pending.Add(1)
	c.s.stats.uploads.Add(1)
	c.s.uploads <- u
}

// finish is called by the committer once u's batch is durable (err nil) or failed.
func (u *Upload) finish(err error) {
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
	return cn == "2012" || cn == "2022" || cn == "9015"
}

// isCommandData: uploads that answer a centre's query (HJ212-2017 Table 9).
func isCommandData(cn string) bool {
	return cn == "1011" || cn == "1061" || cn == "1063"
}

// isUpload: data uploads (2xxx) and the field-information uploads (3015–3020).
func isUpload(cn string) bool {
	if len(cn) != 4 {
		return false
	}
	switch {
	case cn[0] == '2':
		return !isNotification(cn)
	case cn >= "3015" && cn <= "3020":
		return true
	}
	return false
}
