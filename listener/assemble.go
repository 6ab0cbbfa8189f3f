package listener

import (
	"time"

	"powerwatch/listener/hj212"
)

// Bounds of one connection's split-upload buffer: at most asmGroups messages
// of at most asmMaxParts parts each (of at most Limits.MaxFrame bytes).
const (
	asmGroups   = 16
	asmMaxParts = 64
)

// asmKey identifies a split message as hj212.Assembler does: MN, CN,
// DataTime and PNUM (hj212.md §3).
type asmKey struct {
	mn, cn, dataTime string
	pnum             int
}

func keyOf(p *hj212.Packet) asmKey {
	dt, _ := p.Get("DataTime")
	return asmKey{p.MN, p.CN, dt, p.PNUM}
}

// assembler joins the parts of split uploads of one connection and keeps
// their acknowledgements: parts are acknowledged only when the whole message
// is stored. Parts dropped by the codec's Assembler (full, or expired) are
// never acknowledged, so the terminal sends them again.
type assembler struct {
	asm  hj212.Assembler
	acks map[asmKey][][]byte
}

// add files part p with its 9014 (nil when none was asked for). When p
// completes a message it returns the merged packet and all its parts' acks.
func (a *assembler) add(p *hj212.Packet, ack []byte, now time.Time) (*hj212.Packet, [][]byte) {
	if p.PNUM > asmMaxParts {
		return nil, nil // dropped unacknowledged: no terminal splits electricity data this much
	}
	a.asm.MaxGroups = asmGroups
	for _, gone := range a.asm.Expire(now) {
		delete(a.acks, keyOf(gone))
	}
	whole, evicted := a.asm.Add(p, now)
	for _, gone := range evicted {
		delete(a.acks, keyOf(gone))
	}
	k := keyOf(p)
	if ack != nil {
		if a.acks == nil {
			a.acks = map[asmKey][][]byte{}
		}
		a.acks[k] = append(a.acks[k], ack)
	}
	if whole == nil {
		return nil, nil
	}
	acks := a.acks[k]
	delete(a.acks, k)
	return whole, acks
}
