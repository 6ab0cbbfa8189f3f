package hj212

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSONError appends {"ok":false,"error":msg} and a LF: a line that
// did not decode, in the form of `powerwatch hj212 decode`.
func AppendJSONError(b []byte, msg string) []byte {
	b = append(b, `{"ok":false,"error":`...)
	return append(appendJSONString(b, msg), "}\n"...)
}

// AppendJSON appends p as one JSON line, the contract of `powerwatch hj212
// decode`: header fields (null when
// absent), CP as an object in frame order where a repeated key keeps its
// first position and its last value, and the warnings.
func AppendJSON(b []byte, p *Packet) []byte {
	b = append(b, `{"ok":true,"version":`...)
	b = appendJSONString(b, p.Version().String())
	hdr := []struct {
		name string
		val  string
		has  bool
	}{
		{"qn", p.QN, p.Has(HasQN)}, {"st", p.ST, p.Has(HasST)}, {"cn", p.CN, p.Has(HasCN)},
		{"pw", p.PW, p.Has(HasPW)}, {"mn", p.MN, p.Has(HasMN)},
		{"flag", strconv.Itoa(int(p.Flag)), p.Has(HasFlag)},
		{"pnum", strconv.Itoa(p.PNUM), p.Has(HasPNUM)}, {"pno", strconv.Itoa(p.PNO), p.Has(HasPNO)},
	}
	for _, h := range hdr {
		b = append(append(append(b, ",\""...), h.name...), "\":"...)
		if h.has {
			b = appendJSONString(b, h.val)
		} else {
			b = append(b, "null"...)
		}
	}
	b = append(b, `,"cp":{`...)
	seen := map[string]bool{}
	for i := range p.NumFields() {
		k := p.Field(i).Key
		if seen[k] {
			continue
		}
		seen[k] = true
		v, _ := p.Get(k) // the last one wins
		if len(seen) > 1 {
			b = append(b, ',')
		}
		b = append(appendJSONString(b, k), ':')
		b = appendJSONString(b, v)
	}
	b = append(b, `},"warnings":[`...)
	for i, w := range p.Warnings {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, w)
	}
	return append(b, "]}\n"...)
}

// appendJSONString quotes s as a JSON string. Invalid UTF-8 becomes U+FFFD so
// the output is always valid JSON; "<", ">" and "&" stay as they are.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xF])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(b, '"')
}
