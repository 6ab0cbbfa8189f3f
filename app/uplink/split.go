package uplink

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"powerwatch/listener/hj212"
)

// split sends p, with MN and PW as given, as parts whose data segments are
// at most 1,024 bytes (HJ212-2017 Table 2; common parsers reject longer
// ones): each part is a complete frame with its own QN, Flag bit D, PNUM
// and PNO (HJ212-2017 §6.3.2, Table C.50), the same DataTime, and whole
// factors, no factor in two parts. A part of a terminal's split upload that
// a rewrite pushed over is split as a message of its own.
func split(p *hj212.Packet, mn, pw string) ([]outFrame, error) {
	var dt []hj212.Field
	var units [][]hj212.Field
	unitOf := map[string]int{} // factor code → its unit
	for _, f := range p.Fields() {
		switch {
		case f.Key == "DataTime":
			if dt == nil {
				f.Grouped = false
				dt = []hj212.Field{f}
			}
		case f.Grouped && len(units) > 0: // same object as the field before (HJ212-2017 §6.3.3)
			units[len(units)-1] = append(units[len(units)-1], f)
		default:
			f.Grouped = false
			if i, ok := unitOf[f.Code()]; ok {
				units[i] = append(units[i], f)
				continue
			}
			unitOf[f.Code()] = len(units)
			units = append(units, []hj212.Field{f})
		}
	}
	part := func(fs []hj212.Field, qn string, pnum, pno int) *hj212.Packet {
		q := &hj212.Packet{QN: qn, ST: p.ST, CN: p.CN, PW: pw, MN: mn, Flag: p.Flag | hj212.FlagD, PNUM: pnum, PNO: pno,
			Header: p.Header | hj212.HasFlag | hj212.HasPNUM | hj212.HasPNO}
		return q.SetFields(fs)
	}
	fits := func(fs []hj212.Field) (bool, error) {
		b, err := part(fs, p.QN, 999, 999).Encode() // room for three-digit PNUM and PNO
		return err == nil && len(b)-12 <= hj212.MaxSegment, err
	}
	var parts [][]hj212.Field
	cur := slices.Clone(dt)
	for _, u := range units {
		if ok, err := fits(append(slices.Clone(cur), u...)); err != nil {
			return nil, fmt.Errorf("split frame of %s: %w", p.MN, err)
		} else if ok {
			cur = append(cur, u...)
			continue
		}
		if ok, _ := fits(append(slices.Clone(dt), u...)); !ok {
			return nil, fmt.Errorf("split frame of %s: factor %s alone is over %d bytes", p.MN, u[0].Code(), hj212.MaxSegment)
		}
		parts = append(parts, cur)
		cur = append(slices.Clone(dt), u...)
	}
	parts = append(parts, cur)
	out := make([]outFrame, len(parts))
	for i, fs := range parts {
		qn := partQN(p.QN, i)
		b, err := part(fs, qn, len(parts), i+1).Encode()
		if err != nil {
			return nil, fmt.Errorf("split frame of %s: part %d: %w", p.MN, i+1, err)
		}
		out[i] = outFrame{bytes: b, mn: mn, qn: qn, wantAck: p.Flag.Answer() && qn != ""}
	}
	return out, nil
}

// partQN is the QN of part i (from 0): the message's QN for the first,
// then that QN as a time (HJ212-2017 §6.3.2: YYYYMMDDhhmmsszzz) plus i
// milliseconds, so each part is answered on its own. A QN that is no time
// counts from the clock.
func partQN(qn string, i int) string {
	if qn == "" || i == 0 {
		return qn
	}
	t := time.Now()
	if len(qn) == 17 {
		s, err1 := time.ParseInLocation("20060102150405", qn[:14], hj212.Beijing())
		ms, err2 := strconv.Atoi(qn[14:])
		if err1 == nil && err2 == nil {
			t = s.Add(time.Duration(ms) * time.Millisecond)
		}
	}
	return hj212.NewQN(t.Add(time.Duration(i) * time.Millisecond))
}
