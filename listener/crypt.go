package listener

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"powerwatch/listener/hj212"
)

var errBadPlaintext = errors.New("decrypted CP is not text (wrong key?)")

// decrypt returns p with its HJ 212-2025 SM4-encrypted CP replaced by the
// plaintext, when the terminal has a key and p is a 2025 packet of a command
// the cipher options say is encrypted; otherwise p itself.
func (s *Server) decrypt(reg *Registration, p *hj212.Packet) (*hj212.Packet, error) {
	if reg.Terminal.SM4Key == "" || p.Version() != hj212.Version2025 {
		return p, nil
	}
	key, err := hj212.ParseKey(reg.Terminal.SM4Key)
	if err != nil {
		return nil, fmt.Errorf("registered key of %s: %w", p.MN, err)
	}
	q, err := p.Decrypt(key, s.Cipher)
	if err != nil || q == p {
		return q, err
	}
	// A wrong key yields bytes that may still split into "fields"; real CP
	// text is printable UTF-8, and an upload carries its DataTime.
	cp := q.CPText()
	if !utf8.ValidString(cp) || hasControl(cp) {
		return nil, fmt.Errorf("CN %s from %s: %w", p.CN, p.MN, errBadPlaintext)
	}
	if _, ok := q.DataTime(); isUpload(q.CN) && !ok {
		return nil, fmt.Errorf("CN %s from %s: no DataTime: %w", p.CN, p.MN, errBadPlaintext)
	}
	return q, nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
