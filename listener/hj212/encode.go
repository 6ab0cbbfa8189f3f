package hj212

import (
	"fmt"
	"strconv"
	"strings"
)

// AppendFrame appends p, framed and checksummed, to b: "##", the length of
// the data segment in UTF-8 bytes, the segment, its CRC in upper-case hex and
// CR LF (HJ212-2017 §6.3.1, Table 2). Header fields are written in the
// standard's order; empty ones only when their Header bit is set. It fails
// when a value would break the grammar or the segment exceeds 9999 bytes.
func (p *Packet) AppendFrame(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, "##0000"...)
	b, err := p.appendSegment(b)
	if err != nil {
		return b[:start], err
	}
	n := len(b) - start - 6
	if n > 9999 {
		return b[:start], fmt.Errorf("encode CN=%s: data segment of %d bytes: %w", p.CN, n, ErrTooLarge)
	}
	appendDigits(b[:start+2], n, 4)
	b = appendCRC(b, Checksum(b[start+6:]))
	return append(b, '\r', '\n'), nil
}

// Encode returns p as a frame; see AppendFrame.
func (p *Packet) Encode() ([]byte, error) {
	return p.AppendFrame(make([]byte, 0, 128+len(p.raw)+24*p.NumFields()))
}

// Wrap frames an already formatted data segment: "##", length, seg, CRC, CR LF.
func Wrap(b []byte, seg []byte) ([]byte, error) {
	if len(seg) > 9999 {
		return b, fmt.Errorf("wrap data segment of %d bytes: %w", len(seg), ErrTooLarge)
	}
	b = append(b, '#', '#')
	b = appendDigits(b, len(seg), 4)
	b = append(b, seg...)
	b = appendCRC(b, Checksum(seg))
	return append(b, '\r', '\n'), nil
}

func (p *Packet) appendSegment(b []byte) ([]byte, error) {
	hdr := [...]struct {
		name string
		val  string
		bit  HeaderSet
	}{
		{"QN", p.QN, HasQN}, {"ST", p.ST, HasST}, {"CN", p.CN, HasCN},
		{"PW", p.PW, HasPW}, {"MN", p.MN, HasMN},
	}
	for _, h := range hdr {
		if h.val == "" && p.Header&h.bit == 0 {
			continue
		}
		if bad := badHeaderValue(h.val); bad != "" {
			return b, fmt.Errorf("encode header %s=%q: %s: %w", h.name, h.val, bad, ErrField)
		}
		b = append(append(append(append(b, h.name...), '='), h.val...), ';')
	}
	if p.Flag != 0 || p.Has(HasFlag) {
		b = strconv.AppendInt(append(b, "Flag="...), int64(p.Flag), 10)
		b = append(b, ';')
	}
	// A split packet carries both; otherwise each only when it came with one
	// (a stray PNO is kept as received, not completed with a PNUM of 0).
	if p.Flag.Split() || p.Has(HasPNUM) {
		b = strconv.AppendInt(append(b, "PNUM="...), int64(p.PNUM), 10)
		b = append(b, ';')
	}
	if p.Flag.Split() || p.Has(HasPNO) {
		b = strconv.AppendInt(append(b, "PNO="...), int64(p.PNO), 10)
		b = append(b, ';')
	}
	b = append(b, "CP=&&"...)
	if p.cpRaw != "" {
		return append(append(b, p.cpRaw...), "&&"...), nil
	}
	for i := range p.NumFields() {
		f := p.Field(i)
		if err := checkCPField(f); err != nil {
			return b, err
		}
		if i > 0 {
			if f.Grouped {
				b = append(b, ',')
			} else {
				b = append(b, ';')
			}
		}
		b = append(append(append(b, f.Key...), '='), f.Value...)
	}
	return append(b, "&&"...), nil
}

// Bytes that may not appear in encoded text, by where (bit set = forbidden).
const (
	badInHeader = 1 << iota // header values: ; = CR LF
	badInKey                // CP keys: ; , = & CR LF
	badInValue              // CP values: ; , CR LF ("&&" is checked apart)
)

var badByte = func() (t [256]uint8) {
	for _, c := range ";=\r\n" {
		t[c] |= badInHeader
	}
	for _, c := range ";,=&\r\n" {
		t[c] |= badInKey
	}
	for _, c := range ";,\r\n" {
		t[c] |= badInValue
	}
	return t
}()

func hasBad(s string, where uint8) bool {
	for i := 0; i < len(s); i++ {
		if badByte[s[i]]&where != 0 {
			return true
		}
	}
	return false
}

func badHeaderValue(v string) string {
	if hasBad(v, badInHeader) || strings.Contains(v, "&&") {
		return `contains ";", "=", "&&" or a line break`
	}
	return ""
}

// checkCPField: HJ212-2017 §6.3.3, keys and values may not contain the
// separators ";" "," "&&" (and keys no "=").
func checkCPField(f Field) error {
	switch {
	case f.Key == "" || hasBad(f.Key, badInKey):
		return fmt.Errorf("encode CP key %q: empty or contains a separator: %w", f.Key, ErrField)
	case hasBad(f.Value, badInValue) || strings.Contains(f.Value, "&&") || strings.HasSuffix(f.Value, "&"):
		return fmt.Errorf("encode CP %s=%q: value contains a separator: %w", f.Key, f.Value, ErrField)
	}
	return nil
}

// ParseCP parses "k=v;k=v,k=v" (the CP content, without "CP=&&" and "&&")
// into fields, for building packets from text such as a command line.
func ParseCP(s string) ([]Field, error) {
	var out []Field
	grouped := false
	for s != "" {
		i := strings.IndexAny(s, ";,")
		item := s
		if i >= 0 {
			item = s[:i]
		}
		if item != "" {
			eq := strings.IndexByte(item, '=')
			if eq <= 0 {
				return nil, fmt.Errorf("CP item %q is not key=value: %w", item, ErrSegment)
			}
			out = append(out, Field{Key: item[:eq], Value: item[eq+1:], Grouped: grouped})
		}
		if i < 0 {
			break
		}
		grouped = s[i] == ','
		s = s[i+1:]
	}
	return out, nil
}
