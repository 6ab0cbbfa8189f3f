package uplink

import (
	"errors"
	"fmt"

	"powerwatch/listener/hj212"
)

// readAcks passes the upstream's 9014 answers to the session and answers
// the upstream's own requests.
func (s *session) readAcks() {
	rd := hj212.NewReader(s.conn, 64<<10)
	for {
		p, err := rd.ReadPacket()
		var se *hj212.SyntaxError
		switch {
		case errors.As(err, &se):
			continue // the reader has resynchronised
		case err != nil:
			s.readErr <- fmt.Errorf("read from %s: %w", s.r.up.Addr, err)
			return
		case p.CN == hj212.CNDataReply:
		case len(p.CN) == 4 && p.CN[0] == '9':
			continue // another answer (9011, 9012, 9013): the relay sent no request
		default:
			s.refuse(p)
			continue
		}
		select {
		case s.acks <- ackKey{p.MN, p.QN}:
		case <-s.done:
			return
		}
	}
}

// refuse answers a request the upstream sent on the relay's connection
// (read a clock, set an interval, fetch history…) with 9011 QnRtn=2,
// request refused (HJ212-2017 Table 7): the relay only uploads what the
// terminals sent, and cannot act for a terminal. The request is logged and
// counted, not dropped in silence.
func (s *session) refuse(p *hj212.Packet) {
	s.r.mu.Lock()
	s.r.requests++
	s.r.mu.Unlock()
	s.r.log().Warn("城市平台下发的请求已拒绝：转发只上传 / upstream request refused: the relay only uploads",
		"cn", p.CN, "qn", p.QN, "mn", p.MN)
	if p.QN == "" {
		return // nothing to answer to
	}
	b, err := hj212.RequestAck(p, hj212.QnRejected).Encode()
	if err != nil {
		s.r.log().Warn("answer upstream request", "cn", p.CN, "err", err)
		return
	}
	if err := s.write(b); err != nil {
		s.r.log().Warn("answer upstream request", "cn", p.CN, "err", err)
	}
}
