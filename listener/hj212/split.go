package hj212

import (
	"fmt"
	"time"
)

// Split returns p as the parts of a split upload (HJ212-2017 Table 3, C.49/C.50)
// whose data segments are at most max bytes (0: MaxSegment): each part has
// p's header with Flag bit D, PNUM and PNO, its own QN (qn(i) for part
// i = 1…PNUM), p's DataTime and a share of the other fields; the fields of
// one factor (the code before "-") stay in one part, so parts carry
// disjoint factors. A packet that fits is returned alone, unchanged. It is
// an error when one factor alone does not fit.
func (p *Packet) Split(max int, qn func(i int) string) ([]*Packet, error) {
	if max <= 0 {
		max = MaxSegment
	}
	if n, err := p.segmentLen(); err != nil || n <= max {
		return []*Packet{p}, err
	}
	var dataTime []Field
	var groups [][]Field
	for _, f := range p.Fields() {
		switch {
		case f.Key == "DataTime":
			if dataTime == nil {
				dataTime = []Field{f}
			}
		case len(groups) > 0 && groups[len(groups)-1][0].Code() == f.Code():
			groups[len(groups)-1] = append(groups[len(groups)-1], f)
		default:
			f.Grouped = false // a factor starts after ";" in its part
			groups = append(groups, []Field{f})
		}
	}
	// Fill parts greedily, measured with the widest PNUM and PNO (4 digits).
	part := func(fs []Field, qn string, pnum, pno int) *Packet {
		q := *p
		q.QN, q.Flag, q.PNUM, q.PNO = qn, p.Flag|FlagD, pnum, pno
		q.Header |= HasQN | HasPNUM | HasPNO
		q.raw, q.spans, q.cpRaw, q.Warnings = "", nil, "", nil
		q.SetFields(append(append([]Field(nil), dataTime...), fs...))
		return &q
	}
	probe := p.QN
	if len(probe) < 17 {
		probe = "00000000000000000"
	}
	var sets [][]Field
	var cur []Field
	for _, g := range groups {
		try := append(append([]Field(nil), cur...), g...)
		n, err := part(try, probe, 9999, 9999).segmentLen()
		if err != nil {
			return nil, err
		}
		if n <= max {
			cur = try
			continue
		}
		if len(cur) == 0 {
			return nil, fmt.Errorf("split CN %s of %s: factor %s alone is over %d bytes", p.CN, p.MN, g[0].Code(), max)
		}
		sets, cur = append(sets, cur), append([]Field(nil), g...)
	}
	sets = append(sets, cur)
	if len(sets) > 9999 {
		return nil, fmt.Errorf("split CN %s of %s: %d parts, over PNUM's 4 digits", p.CN, p.MN, len(sets))
	}
	out := make([]*Packet, len(sets))
	for i, fs := range sets {
		out[i] = part(fs, qn(i+1), len(sets), i+1)
	}
	return out, nil
}

// segmentLen is the length of p's data segment as Encode writes it.
func (p *Packet) segmentLen() (int, error) {
	b, err := p.appendSegment(nil)
	return len(b), err
}

// NextQN returns the QN i milliseconds after qn (YYYYMMDDhhmmsszzz), for the
// parts of a split upload; ok is false when qn is not such a time.
func NextQN(qn string, i int) (string, bool) {
	t, ok := parseN14(qn)
	if !ok || len(qn) != 17 {
		return "", false
	}
	return NewQN(t.Add(time.Duration(i) * time.Millisecond)), true
}
