package hj212

import (
	"slices"
	"time"
)

// An Assembler joins the parts of a split upload (Flag bit D, PNUM/PNO;
// HJ212-2017 Table 3, C.49/C.50). Parts belong together when MN, CN,
// DataTime and PNUM agree: each part has its own QN, and the standard gives
// no other key (hj212.md §3). It holds at most MaxGroups incomplete uploads;
// time is passed in, so it needs no goroutine. The zero value is ready to use.
// It is not safe for concurrent use.
type Assembler struct {
	MaxGroups int           // incomplete uploads kept; 0 means 64
	Timeout   time.Duration // an incomplete upload older than this expires; 0 means 5 minutes

	groups []*group
}

type group struct {
	mn, cn, dataTime string
	pnum             int
	first            time.Time
	parts            []*Packet // by PNO-1; nil until received
	have             int
}

// Add takes one packet. A packet that is not a part is returned as is. A part
// that completes its upload returns the merged packet: the header of part 1
// with D, PNUM and PNO cleared, DataTime once, then every part's other
// fields in PNO order, and every part's warnings. Otherwise whole is nil.
// When the Assembler is full, the oldest incomplete upload is dropped and its
// parts are returned in evicted, so that the caller can keep them.
func (a *Assembler) Add(p *Packet, now time.Time) (whole *Packet, evicted []*Packet) {
	if !p.Flag.Split() || p.PNUM < 1 || p.PNO < 1 || p.PNO > p.PNUM {
		return p, nil
	}
	if p.PNUM == 1 {
		return merge([]*Packet{p}), nil
	}
	dt, _ := p.Get("DataTime")
	g := a.find(p.MN, p.CN, dt, p.PNUM)
	if g == nil {
		if len(a.groups) >= a.maxGroups() {
			evicted = a.groups[0].received()
			a.groups = slices.Delete(a.groups, 0, 1)
		}
		g = &group{mn: p.MN, cn: p.CN, dataTime: dt, pnum: p.PNUM, first: now, parts: make([]*Packet, p.PNUM)}
		a.groups = append(a.groups, g)
	}
	if g.parts[p.PNO-1] == nil {
		g.have++
	}
	g.parts[p.PNO-1] = p // a re-sent part replaces the earlier copy
	if g.have < g.pnum {
		return nil, evicted
	}
	a.groups = slices.DeleteFunc(a.groups, func(x *group) bool { return x == g })
	return merge(g.parts), evicted
}

// Expire drops the incomplete uploads older than Timeout and returns their
// parts, oldest upload first.
func (a *Assembler) Expire(now time.Time) []*Packet {
	var out []*Packet
	a.groups = slices.DeleteFunc(a.groups, func(g *group) bool {
		if now.Sub(g.first) < a.timeout() {
			return false
		}
		out = append(out, g.received()...)
		return true
	})
	return out
}

// Pending is the number of incomplete uploads held.
func (a *Assembler) Pending() int { return len(a.groups) }

func (a *Assembler) maxGroups() int {
	if a.MaxGroups > 0 {
		return a.MaxGroups
	}
	return 64
}

func (a *Assembler) timeout() time.Duration {
	if a.Timeout > 0 {
		return a.Timeout
	}
	return 5 * time.Minute
}

func (a *Assembler) find(mn, cn, dt string, pnum int) *group {
	for _, g := range a.groups {
		if g.mn == mn && g.cn == cn && g.dataTime == dt && g.pnum == pnum {
			return g
		}
	}
	return nil
}

func (g *group) received() []*Packet {
	var out []*Packet
	for _, p := range g.parts {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Merge joins the parts of one split upload, given in PNO order, as Add
// does when the last arrives: the header of the first part with D, PNUM and
// PNO cleared, DataTime once, then every part's other fields in order. It
// also serves for the parts of an upload that never became whole.
func Merge(parts []*Packet) *Packet { return merge(parts) }

func merge(parts []*Packet) *Packet {
	first := parts[0]
	m := &Packet{QN: first.QN, ST: first.ST, CN: first.CN, PW: first.PW, MN: first.MN,
		Flag: first.Flag &^ FlagD, Header: first.Header &^ (HasPNUM | HasPNO), dataTime: first.dataTime}
	seenTime := false
	for _, p := range parts {
		for i := range p.NumFields() {
			f := p.Field(i)
			if f.Key == "DataTime" {
				if seenTime {
					continue
				}
				seenTime = true
			}
			m.fields = append(m.fields, f)
		}
		m.Warnings = append(m.Warnings, p.Warnings...)
		m.Nonconforming = m.Nonconforming || p.Nonconforming
	}
	return m
}
