package hj212

import (
	"strconv"
	"strings"
	"time"
)

// A Version is the protocol edition a packet claims in its Flag bits.
type Version uint8

// Protocol editions. HJ212-2017 Table 3: bits V5..V0 of Flag are 000000 for
// HJ/T 212-2005 and 000001 for HJ 212-2017; peers use 000010 for HJ 212-2025.
const (
	Version2005 Version = iota
	Version2017
	Version2025
	VersionUnknown Version = 0xFF
)

func (v Version) String() string {
	switch v {
	case Version2005:
		return "2005"
	case Version2017:
		return "2017"
	case Version2025:
		return "2025"
	}
	return "unknown"
}

// A Flag is the header's Flag field: bit 0 A (answer required), bit 1 D
// (split into subpackets), bits 2–7 the version (HJ212-2017 Table 3).
type Flag uint8

// Flag bits.
const (
	FlagA Flag = 1 << 0 // HJ212-2017 Table 3: A=1 means the receiver must answer
	FlagD Flag = 1 << 1 // HJ212-2017 Table 3: D=1 means PNUM and PNO are present
)

// FlagFor returns the Flag of version v with the A and D bits as given.
// HJ212-2017 Table 3: 2017 gives 4/5/6/7; 2025 (peers) gives 8/9/10/11.
func FlagFor(v Version, answer, split bool) Flag {
	f := Flag(v) << 2
	if v == VersionUnknown {
		f = 0
	}
	if answer {
		f |= FlagA
	}
	if split {
		f |= FlagD
	}
	return f
}

// Answer reports bit A: the receiver must answer the packet.
func (f Flag) Answer() bool { return f&FlagA != 0 }

// Split reports bit D: the packet is one part of a split message.
func (f Flag) Split() bool { return f&FlagD != 0 }

// Version decodes bits 2–7.
func (f Flag) Version() Version {
	switch v := Version(f >> 2); v {
	case Version2005, Version2017, Version2025:
		return v
	}
	return VersionUnknown
}

// A Field is one key=value pair of the CP data area, in frame order.
type Field struct {
	Key   string // e.g. "DataTime", "w01018-Rtd", "SB1-RS"
	Value string // raw text as sent
	// Grouped is true when the pair was joined to the previous one with ","
	// (same object, HJ212-2017 §6.3.3) rather than ";". The encoder keeps it.
	Grouped bool
}

// Code is the part of Key before the first "-": the factor code.
func (f Field) Code() string {
	if i := strings.IndexByte(f.Key, '-'); i >= 0 {
		return f.Key[:i]
	}
	return f.Key
}

// Suffix is the part of Key after the first "-" (Rtd, Avg, Flag, RS…), or "".
func (f Field) Suffix() string {
	if i := strings.IndexByte(f.Key, '-'); i >= 0 {
		return f.Key[i+1:]
	}
	return ""
}

// A HeaderSet records which header fields a packet carried.
type HeaderSet uint16

// Header fields, for Packet.Header.
const (
	HasQN HeaderSet = 1 << iota
	HasST
	HasCN
	HasPW
	HasMN
	HasFlag
	HasPNUM
	HasPNO
)

// A Packet is one HJ 212 data segment. Parse fills it; its strings all
// point into one private copy of the frame, and CP values stay raw text until
// asked for (lazy CP: Field, Value, Float never allocate). To build a packet
// for sending, set the header fields (and Header bits for empty-but-present
// ones) and the CP with SetFields or Add.
//
// A Packet is safe for concurrent reads.
type Packet struct {
	QN, ST, CN, PW, MN string
	Flag               Flag
	PNUM, PNO          int       // 0 when absent
	Header             HeaderSet // which header fields were present

	// Warnings lists what was accepted but does not conform (LF-only
	// terminator, segment over 1024 bytes, MN not 24 hex digits…).
	Warnings []string
	// Nonconforming is set when the frame breaks a limit of the standard
	// (today: a data segment over 1024 bytes) yet was accepted.
	Nonconforming bool

	raw      string    // whole frame as received, terminator included
	seg      [2]int32  // data segment bounds within raw
	cp       [2]int32  // CP content bounds (between "CP=&&" and "&&") within raw
	spans    []span    // parsed CP pairs, as offsets into raw (no pointers: cheap for the GC)
	fields   []Field   // CP pairs of a built packet
	cpRaw    string    // CP content written as is (ciphertext), instead of fields
	dataTime time.Time // parsed DataTime, zero when absent
}

// A span locates one parsed CP pair in raw: key raw[k:e], value raw[e+1:v]
// (empty when v <= e, i.e. there was no "=").
type span struct {
	k, e, v uint16
	grouped bool
}

// NumFields is the number of CP pairs, repeated keys included.
func (p *Packet) NumFields() int {
	if p.spans != nil {
		return len(p.spans)
	}
	return len(p.fields)
}

// Field returns CP pair i (0 ≤ i < NumFields) in frame order, without allocating.
func (p *Packet) Field(i int) Field {
	if p.spans == nil {
		return p.fields[i]
	}
	s := p.spans[i]
	f := Field{Key: p.raw[s.k:s.e], Grouped: s.grouped}
	if s.v > s.e {
		f.Value = p.raw[s.e+1 : s.v]
	}
	return f
}

// Fields returns the CP pairs in frame order; repeated keys are kept. For a
// parsed packet it allocates a new slice; for a built one it returns the
// packet's own, which the caller must not modify.
func (p *Packet) Fields() []Field {
	if p.spans == nil {
		return p.fields
	}
	out := make([]Field, len(p.spans))
	for i := range p.spans {
		out[i] = p.Field(i)
	}
	return out
}

// SetFields replaces the CP pairs.
func (p *Packet) SetFields(fs []Field) *Packet {
	p.spans, p.fields = nil, fs
	return p
}

// Add appends the CP pair key=value, separated from the previous one by ";".
func (p *Packet) Add(key, value string) *Packet {
	if p.spans != nil {
		p.fields, p.spans = p.Fields(), nil
	}
	p.fields = append(p.fields, Field{Key: key, Value: value})
	return p
}

// Version is the protocol edition from the Flag bits (2005 when Flag is absent).
func (p *Packet) Version() Version { return p.Flag.Version() }

// Has reports whether header field h was present.
func (p *Packet) Has(h HeaderSet) bool { return p.Header&h != 0 }

// Raw is the frame as received, from "##" through the terminator; "" for built packets.
func (p *Packet) Raw() string { return p.raw }

// Segment is the data segment as received: what the length field counts and the CRC covers.
func (p *Packet) Segment() string { return p.raw[p.seg[0]:p.seg[1]] }

// CPText is the CP content as received, between "CP=&&" and the closing "&&".
// It is the ciphertext when the CP is SM4-encrypted.
func (p *Packet) CPText() string { return p.raw[p.cp[0]:p.cp[1]] }

// Get returns the value of CP key k; when k repeats, the last one wins.
func (p *Packet) Get(k string) (string, bool) {
	for i := p.NumFields() - 1; i >= 0; i-- {
		if f := p.Field(i); f.Key == k {
			return f.Value, true
		}
	}
	return "", false
}

// Value returns the value of code-suffix (e.g. "i33200","Rtd"), last one winning.
// It does not allocate.
func (p *Packet) Value(code, suffix string) (string, bool) {
	n := len(code) + 1 + len(suffix)
	match := func(k string) bool {
		return len(k) == n && k[len(code)] == '-' && k[:len(code)] == code && k[len(code)+1:] == suffix
	}
	if p.spans == nil {
		for i := len(p.fields) - 1; i >= 0; i-- {
			if match(p.fields[i].Key) {
				return p.fields[i].Value, true
			}
		}
		return "", false
	}
	for i := len(p.spans) - 1; i >= 0; i-- {
		// Compare lengths on the offsets first: most keys differ there.
		if s := p.spans[i]; int(s.e-s.k) == n && match(p.raw[s.k:s.e]) {
			if s.v > s.e {
				return p.raw[s.e+1 : s.v], true
			}
			return "", true
		}
	}
	return "", false
}

// DataFlag returns the data flag of factor code (code-Flag: N, F, M, S, D,
// C, T, B… HJ212-2017 Table 8; kept raw because the table is extensible).
func (p *Packet) DataFlag(code string) (string, bool) { return p.Value(code, "Flag") }

// Float returns code-suffix as a number; false when absent or not a number.
func (p *Packet) Float(code, suffix string) (float64, bool) {
	s, ok := p.Value(code, suffix)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// DataTime returns the CP DataTime in Beijing time (+08:00); false when absent.
// Parse has already rejected a malformed one.
func (p *Packet) DataTime() (time.Time, bool) { return p.dataTime, !p.dataTime.IsZero() }

// Time parses CP key k (SystemTime, BeginTime, code-SampleTime…) as an N14
// time in Beijing time; 17 digits with milliseconds are accepted too.
func (p *Packet) Time(k string) (time.Time, error) {
	s, ok := p.Get(k)
	if !ok {
		return time.Time{}, syntaxErr(KindField, 0, k, "absent")
	}
	t, ok := parseN14(s)
	if !ok {
		return time.Time{}, syntaxErr(KindField, 0, k, "%q is not a time YYYYMMDDhhmmss", s)
	}
	return t, nil
}

// Beijing is the fixed +08:00 zone of every time in HJ 212 frames. A fixed
// zone needs no tz database on Windows; China has no daylight saving time.
func Beijing() *time.Location { return beijing }

var beijing = time.FixedZone("CST", 8*60*60)

// parseN14 parses YYYYMMDDhhmmss, or YYYYMMDDhhmmsszzz, without allocating.
func parseN14(s string) (time.Time, bool) {
	if len(s) != 14 && len(s) != 17 {
		return time.Time{}, false
	}
	var d [17]int
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		d[i] = int(c - '0')
	}
	year := d[0]*1000 + d[1]*100 + d[2]*10 + d[3]
	mon, day := d[4]*10+d[5], d[6]*10+d[7]
	hh, mm, ss := d[8]*10+d[9], d[10]*10+d[11], d[12]*10+d[13]
	ms := d[14]*100 + d[15]*10 + d[16]
	if mon < 1 || mon > 12 || day < 1 || day > daysIn(year, mon) || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(mon), day, hh, mm, ss, ms*1e6, beijing), true
}

func daysIn(year, mon int) int {
	switch mon {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// FormatN14 formats t in Beijing time as YYYYMMDDhhmmss.
func FormatN14(t time.Time) string {
	return string(appendN14(make([]byte, 0, 14), t))
}

func appendN14(b []byte, t time.Time) []byte {
	t = t.In(beijing)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = appendDigits(b, y, 4)
	b = appendDigits(b, int(mo), 2)
	b = appendDigits(b, d, 2)
	b = appendDigits(b, h, 2)
	b = appendDigits(b, mi, 2)
	return appendDigits(b, s, 2)
}

// NewQN returns the QN for a request sent at t: YYYYMMDDhhmmsszzz in
// Beijing time (HJ212-2017 Table 3).
func NewQN(t time.Time) string {
	b := appendN14(make([]byte, 0, 17), t)
	return string(appendDigits(b, t.Nanosecond()/1e6, 3))
}

func appendDigits(b []byte, v, width int) []byte {
	var tmp [8]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[:width]...)
}
