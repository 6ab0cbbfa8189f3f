package hj212

import (
	"bytes"
	"strconv"
	"strings"
)

// Limits of HJ212-2017 Table 2.
const (
	// MaxSegment is the standard's limit on the data segment. Longer segments
	// with a correct length and CRC are accepted and marked Nonconforming.
	MaxSegment = 1024
	// DefaultMaxFrame is the frame limit of a Reader when none is given. Real
	// devices send segments over 1024 bytes (1623 seen), so it leaves room.
	DefaultMaxFrame = 4096
	// maxFrameLimit is the longest frame a 4-digit length field can describe.
	maxFrameLimit = 2 + 4 + 9999 + 4 + 2
)

// Parse checks one frame — "##", 4-digit length, data segment, CRC, CR LF —
// and parses its data segment. Lengths and the CRC count UTF-8 bytes. A frame
// ending in a bare LF is accepted with a warning. The Packet keeps its own
// copy of frame.
func Parse(frame []byte) (*Packet, error) {
	n, lfOnly, err := checkFrame(frame)
	if err != nil {
		return nil, err
	}
	crcAt := 6 + n
	want, ok := parseCRC(frame[crcAt : crcAt+4])
	if !ok {
		return nil, syntaxErr(KindCRC, crcAt, "", "CRC field %q is not 4 hex digits", frame[crcAt:crcAt+4])
	}
	if got := Checksum(frame[6:crcAt]); got != want {
		return nil, syntaxErr(KindCRC, crcAt, "", "frame says %04X, data segment gives %04X", want, got)
	}
	return parseChecked(frame, n, lfOnly)
}

// checkFrame checks framing, length and terminator and returns the segment length.
func checkFrame(frame []byte) (n int, lfOnly bool, err error) {
	if len(frame) < 2 || frame[0] != '#' || frame[1] != '#' {
		return 0, false, syntaxErr(KindFraming, 0, "", "frame does not start with \"##\"")
	}
	n, ok := parseLength(frame)
	if !ok {
		return 0, false, syntaxErr(KindLength, 2, "", "length field %q is not 4 digits", head(frame[2:], 4))
	}
	end := 6 + n + 4 // CRC end
	term := frame[min(end, len(frame)):]
	switch {
	case len(frame) >= end && string(term) == "\r\n":
		return n, false, nil
	case len(frame) >= end && string(term) == "\n" && frame[end-1] != '\r':
		return n, true, nil
	}
	// HJ212-2017 Table 2: the length counts exactly the data segment, so when
	// the frame ends in a line break elsewhere, the length field is what is wrong.
	if tl := termLen(frame); tl > 0 && !crcAt(frame, n) {
		if actual := len(frame) - tl - 4 - 6; actual != n {
			return 0, false, syntaxErr(KindLength, 2, "", "length field says %d bytes, data segment has %d", n, max(actual, 0))
		}
	}
	if len(frame) < end {
		return 0, false, syntaxErr(KindLength, 2, "", "length field says %d bytes, frame ends after %d", n, max(len(frame)-10, 0))
	}
	return 0, false, syntaxErr(KindTerminator, end, "", "frame ends with %q after the CRC, want CR LF", head(term, 8))
}

// crcAt reports whether the 4 bytes after a segment of n bytes are its CRC,
// which confirms the length field when the terminator is not where it says.
func crcAt(frame []byte, n int) bool {
	if len(frame) < 6+n+4 {
		return false
	}
	want, ok := parseCRC(frame[6+n : 6+n+4])
	return ok && Checksum(frame[6:6+n]) == want
}

func termLen(b []byte) int {
	switch {
	case bytes.HasSuffix(b, []byte("\r\n")):
		return 2
	case bytes.HasSuffix(b, []byte("\n")):
		return 1
	}
	return 0
}

func head(b []byte, n int) []byte { return b[:min(n, len(b))] }

// parseLength reads the 4 digits after "##".
func parseLength(b []byte) (int, bool) {
	if len(b) < 6 {
		return 0, false
	}
	n := 0
	for _, c := range b[2:6] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseChecked parses a frame whose framing, length, CRC and terminator are known good.
func parseChecked(frame []byte, n int, lfOnly bool) (*Packet, error) {
	p := &Packet{raw: string(frame)}
	p.seg = [2]int32{6, int32(6 + n)}
	if err := p.parseSegment(); err != nil {
		return nil, err
	}
	if lfOnly {
		p.warn("frame ends with LF only, want CR LF")
	}
	if n > MaxSegment {
		// HJ212-2017 Table 2: the data segment is 0–1024 bytes. Real devices send
		// more; keep the data and say so.
		p.Nonconforming = true
		p.warn("data segment is " + strconv.Itoa(n) + " bytes, over the standard's 1024")
	}
	return p, nil
}

func (p *Packet) warn(s string) { p.Warnings = append(p.Warnings, s) }

// cpStart finds "CP=&&" at the start of the segment or right after a ";".
func cpStart(seg string) int {
	from := 0
	for {
		i := strings.Index(seg[from:], "CP=&&")
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || seg[i-1] == ';' {
			return i
		}
		from = i + 1
	}
}

// parseSegment parses header fields by name (devices reorder and omit them,
// hj212.md §3), then the CP area.
func (p *Packet) parseSegment() error {
	base := int(p.seg[0])
	seg := p.raw[base:p.seg[1]]
	at := cpStart(seg)
	if at < 0 {
		return syntaxErr(KindSegment, base, "CP", "no \"CP=&&\" in the data segment")
	}
	cp := seg[at+5:]
	// HJ212-2017 §6.3.3: CP = "CP=&&" data "&&", and CP ends the segment.
	if !strings.HasSuffix(cp, "&&") {
		return syntaxErr(KindSegment, base+len(seg), "CP", "data segment does not end with \"&&\"")
	}
	p.cp = [2]int32{int32(base + at + 5), int32(base + len(seg) - 2)}
	if err := p.parseHeader(seg[:at], base); err != nil {
		return err
	}
	return p.parseCP(cp[:len(cp)-2], base+at+5)
}

func (p *Packet) parseHeader(h string, base int) error {
	off := 0
	for len(h) > 0 {
		item := h
		i := strings.IndexByte(h, ';')
		if i >= 0 {
			item, h = h[:i], h[i+1:]
		} else {
			h = ""
		}
		if item != "" {
			if err := p.headerField(item, base+off); err != nil {
				return err
			}
		}
		off += len(item) + 1
	}
	return p.checkHeader(base)
}

func (p *Packet) headerField(item string, off int) error {
	eq := strings.IndexByte(item, '=')
	if eq < 0 {
		return syntaxErr(KindSegment, off, "", "header item %q is not NAME=value", item)
	}
	k, v := item[:eq], item[eq+1:]
	var bit HeaderSet
	switch k {
	case "QN":
		bit, p.QN = HasQN, v
	case "ST":
		bit, p.ST = HasST, v
	case "CN":
		bit, p.CN = HasCN, v
	case "PW":
		bit, p.PW = HasPW, v
	case "MN":
		bit, p.MN = HasMN, v
	case "Flag":
		f, ok := atoiMax(v, 3, 255)
		if !ok {
			return syntaxErr(KindField, off+eq+1, "Flag", "%q is not an integer 0–255", v)
		}
		bit, p.Flag = HasFlag, Flag(f)
	case "PNUM", "PNO":
		n, ok := atoiMax(v, 4, 9999)
		if !ok {
			return syntaxErr(KindField, off+eq+1, k, "%q is not an integer of at most 4 digits", v)
		}
		if k == "PNUM" {
			bit, p.PNUM = HasPNUM, n
		} else {
			bit, p.PNO = HasPNO, n
		}
	default:
		p.warn("unknown header field " + strconv.Quote(k) + " ignored")
		return nil
	}
	if p.Header&bit != 0 {
		p.warn("header field " + k + " repeated; the last one is used")
	}
	p.Header |= bit
	return nil
}

func atoiMax(s string, digits, limit int) (int, bool) {
	if len(s) == 0 || len(s) > digits {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= limit
}

// checkHeader validates the header fields after all are read. It is lenient
// where field data is known to deviate (hj212.md §3, §10.3).
func (p *Packet) checkHeader(base int) error {
	if p.Has(HasQN) {
		// HJ212-2017 Table 3: QN is YYYYMMDDhhmmsszzz. 13-digit epoch-ms and empty QNs occur in the field.
		if !allDigits(p.QN) || len(p.QN) > 20 {
			return syntaxErr(KindField, base, "QN", "%q is not a number of at most 20 digits", p.QN)
		}
		if len(p.QN) != 17 {
			p.warn("QN " + strconv.Quote(p.QN) + " is not 17 digits")
		}
	}
	// HJ212-2017 Table 5: ST is 2 characters 0-9/A-Z; "101" occurs in the field.
	if !p.Has(HasST) || len(p.ST) < 1 || len(p.ST) > 3 || !alnum(p.ST) {
		return syntaxErr(KindField, base, "ST", "%q is not a system code of 1–3 letters or digits", p.ST)
	}
	// HJ212-2017 Table 3: CN is 4 digits.
	if !p.Has(HasCN) || len(p.CN) != 4 || !allDigits(p.CN) {
		return syntaxErr(KindField, base, "CN", "%q is not a 4-digit command number", p.CN)
	}
	if !p.Has(HasMN) || p.MN == "" {
		return syntaxErr(KindField, base, "MN", "missing device number")
	}
	if len(p.MN) != 24 || !isHex(p.MN) {
		// HJ212-2017 Table 3: MN is 24 hex digits (EPC-96); 14-char 2005 MNs and others occur.
		p.warn("MN " + strconv.Quote(p.MN) + " is not 24 hex digits")
	}
	if len(p.PW) > 6 {
		p.warn("PW is longer than 6 characters")
	}
	if p.Flag.Version() == VersionUnknown {
		p.warn("Flag " + strconv.Itoa(int(p.Flag)) + " has unknown version bits")
	}
	return p.checkSplit(base)
}

// checkSplit: HJ212-2017 Table 3, PNUM and PNO are present when Flag bit D is set.
func (p *Packet) checkSplit(base int) error {
	if !p.Flag.Split() {
		if p.Has(HasPNUM) || p.Has(HasPNO) {
			p.warn("PNUM/PNO present but Flag bit D is not set")
		}
		return nil
	}
	if !p.Has(HasPNUM) || !p.Has(HasPNO) {
		return syntaxErr(KindField, base, "PNUM", "Flag bit D is set but PNUM or PNO is missing")
	}
	if p.PNUM < 1 || p.PNO < 1 || p.PNO > p.PNUM {
		return syntaxErr(KindField, base, "PNO", "PNO %d is not within 1..PNUM %d", p.PNO, p.PNUM)
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// cpSpecial marks the bytes the CP scanner stops at.
var cpSpecial = [256]bool{';': true, ',': true, '=': true}

// parseCP splits the CP content on ";" and "," (hj212.md §4: both separate
// pairs; "," groups pairs of one object). Values stay raw substrings. One
// pass over the bytes; this loop is most of the cost of Parse.
func (p *Packet) parseCP(cp string, base int) error {
	if cp == "" {
		return nil
	}
	p.spans = make([]span, 0, 1+strings.Count(cp, ";")+strings.Count(cp, ","))
	grouped := false
	start, eq := 0, -1
	dt := -1 // index in spans of the last DataTime
	missing := ""
	for i := 0; i <= len(cp); i++ {
		for i < len(cp) && !cpSpecial[cp[i]] {
			i++
		}
		var c byte = ';'
		if i < len(cp) {
			c = cp[i]
		}
		if c == '=' {
			if eq < 0 {
				eq = i
			}
			continue
		}
		if i > start {
			s := span{k: uint16(base + start), e: uint16(base + i), v: uint16(base + i), grouped: grouped}
			key := cp[start:i]
			if eq >= 0 {
				s.e, key = uint16(base+eq), cp[start:eq]
			} else if missing == "" {
				missing = key
			}
			if key == "DataTime" {
				dt = len(p.spans)
			}
			p.spans = append(p.spans, s)
		}
		grouped = c == ','
		start, eq = i+1, -1
	}
	if missing != "" {
		p.warn("CP item " + strconv.Quote(missing) + " is not key=value (encrypted CP?); kept as a key without value")
	}
	if dt < 0 {
		return nil
	}
	return p.checkDataTime(p.Field(dt).Value, base)
}

func (p *Packet) checkDataTime(s string, base int) error {
	t, ok := parseN14(s)
	if !ok {
		return syntaxErr(KindField, base, "DataTime", "%q is not a time YYYYMMDDhhmmss", s)
	}
	if len(s) == 17 {
		p.warn("DataTime has milliseconds (17 digits)")
	}
	p.dataTime = t
	return nil
}
