package listener

import (
	"math"
	"strconv"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// Suffixes tried, in order, for a quantity (HJ212-2017 Table 4): the
// real-time value, else the period's average, maximum or minimum. An energy
// counter takes the period's maximum before its average: a counter's largest
// value in the period is its reading at the period's end.
var (
	analogSuffixes  = []string{"Rtd", "Avg", "Max", "Min"}
	counterSuffixes = []string{"Rtd", "Max", "Avg"}
)

// Readings maps the CP values of an upload to one sample per point whose
// factor codes it carries: power, current, voltage, energy counter and power
// factor, at the packet's DataTime. Quantities not sent stay store.Missing;
// a point none of whose codes is in the packet gets no sample; a packet
// without DataTime gives none. Codes no point maps, and state codes, stay only
// in the raw packet. A value's code-Flag sets sample flags by the rule set's
// flag table (store.FlagsOf: P power-off, T over range, anything else but N
// unknown); a minute (2051) or hour (2061) upload marks its samples as
// covering that period (store.FlagMinuteValue, FlagHourValue). A value that
// is not a finite number ("Inf", "NaN") stays Missing and sets
// FlagRejected. It is pure.
func Readings(p *hj212.Packet, points []store.Point) []store.Sample {
	at, ok := p.DataTime()
	if !ok {
		return nil
	}
	var period uint8
	switch p.CN {
	case hj212.CNMinuteHistory:
		period = store.FlagMinuteValue
	case hj212.CNHourHistory:
		period = store.FlagHourValue
	}
	var out []store.Sample
	for _, pt := range points {
		s := store.NewSample(pt.ID, at)
		s.Flags = period
		n := 0
		for _, q := range [...]struct {
			code     string
			dst      *float64
			suffixes []string
		}{
			{pt.PowerCode, &s.P, analogSuffixes},
			{pt.CurrentCode, &s.I, analogSuffixes},
			{pt.VoltageCode, &s.U, analogSuffixes},
			{pt.EnergyCode, &s.E, counterSuffixes},
			{pt.PFCode, &s.PF, analogSuffixes},
		} {
			if q.code == "" {
				continue
			}
			v, ok := value(p, q.code, q.suffixes)
			if !ok {
				continue
			}
			n++
			s.Flags |= flagBits(p, q.code)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				// ParseFloat accepts "Inf" and "NaN": no meter measures
				// them, and one in a sum poisons every aggregate after it.
				s.Flags |= store.FlagRejected
				continue
			}
			*q.dst = v
		}
		if n > 0 {
			out = append(out, s)
		}
	}
	return out
}

func value(p *hj212.Packet, code string, suffixes []string) (float64, bool) {
	for _, suf := range suffixes {
		if s, ok := p.Value(code, suf); ok {
			v, err := strconv.ParseFloat(s, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// flagBits maps a code's data flag (HJ212-2017 Table 8, extensible) to
// sample flags by store.FlagTable.
func flagBits(p *hj212.Packet, code string) uint8 {
	f, _ := p.Value(code, "Flag")
	return store.FlagsOf(f)
}

// FrameCRCOK reports whether frame ("##" … CRC, with or without CR LF) has
// the CRC of its data segment (HJ212-2017 Appendix A): the status stored
// with the raw packet, computed, not assumed.
func FrameCRCOK(frame []byte) bool {
	for len(frame) > 0 && (frame[len(frame)-1] == '\n' || frame[len(frame)-1] == '\r') {
		frame = frame[:len(frame)-1]
	}
	if len(frame) < 10 || frame[0] != '#' || frame[1] != '#' {
		return false
	}
	seg := frame[6 : len(frame)-4]
	want, err := strconv.ParseUint(string(frame[len(frame)-4:]), 16, 16)
	return err == nil && uint16(want) == hj212.Checksum(seg)
}
