package hj212

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm4"
)

// Padding is how plaintext is brought to a multiple of SM4's 16-byte block.
type Padding uint8

// Paddings. 2025 (peers) says "SM4-ECB, no padding", which can only work for
// CPs of whole blocks; devices must pad somehow, and we do not know how.
const (
	PadZero  Padding = iota // append 0x00 bytes; trailing 0x00 are removed on decryption
	PadPKCS7                // RFC 5652 §6.3
	PadNone                 // plaintext must be whole blocks
)

// TextEncoding is how the ciphertext is written between "CP=&&" and "&&".
type TextEncoding uint8

// Ciphertext encodings.
const (
	EncodeHex    TextEncoding = iota // upper-case hex; either case is read
	EncodeBase64                     // standard base64 with padding
)

// CipherOptions are the rules of HJ 212-2025 CP encryption that we could not
// read in the standard. The zero value is our best guess: zero padding,
// upper-case hex, and the commands DefaultEncrypted names.
type CipherOptions struct {
	Padding  Padding
	Encoding TextEncoding
	// Encrypted reports whether the CP of command cn is encrypted; nil means DefaultEncrypted.
	Encrypted func(cn string) bool
}

// DefaultEncrypted reports the commands whose CP 2025 encrypts according to
// peers: data commands 2000–2999, the key change 1014 and field info 3020.
func DefaultEncrypted(cn string) bool {
	return len(cn) == 4 && cn[0] == '2' || cn == "1014" || cn == "3020"
}

func (o CipherOptions) encrypted(cn string) bool {
	if o.Encrypted != nil {
		return o.Encrypted(cn)
	}
	return DefaultEncrypted(cn)
}

// ParseKey reads a terminal's SM4 key: 32 hex digits, or 16 characters used as bytes.
func ParseKey(s string) ([]byte, error) {
	switch len(s) {
	case 32:
		k, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("SM4 key: %w", err)
		}
		return k, nil
	case 16:
		return []byte(s), nil
	}
	return nil, fmt.Errorf("SM4 key: %d characters, want 32 hex digits or 16 characters", len(s))
}

// EncryptCP encrypts CP content (the text between "CP=&&" and "&&") with
// SM4-ECB under key (16 bytes) and returns it encoded as opt says.
func EncryptCP(plain, key []byte, opt CipherOptions) (string, error) {
	c, err := sm4.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("encrypt CP: %w", err)
	}
	const bs = sm4.BlockSize
	buf := bytes.Clone(plain)
	switch pad := bs - len(buf)%bs; opt.Padding {
	case PadZero:
		if pad != bs {
			buf = append(buf, make([]byte, pad)...)
		}
	case PadPKCS7:
		buf = append(buf, bytes.Repeat([]byte{byte(pad)}, pad)...)
	case PadNone:
		if pad != bs {
			return "", fmt.Errorf("encrypt CP of %d bytes without padding: not a multiple of 16: %w", len(plain), ErrSegment)
		}
	}
	for i := 0; i < len(buf); i += bs { // ECB: each block on its own
		c.Encrypt(buf[i:i+bs], buf[i:i+bs])
	}
	if opt.Encoding == EncodeBase64 {
		return base64.StdEncoding.EncodeToString(buf), nil
	}
	return strings.ToUpper(hex.EncodeToString(buf)), nil
}

// DecryptCP reverses EncryptCP.
func DecryptCP(text string, key []byte, opt CipherOptions) ([]byte, error) {
	c, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("decrypt CP: %w", err)
	}
	var buf []byte
	if opt.Encoding == EncodeBase64 {
		buf, err = base64.StdEncoding.DecodeString(text)
	} else {
		buf, err = hex.DecodeString(text)
	}
	if err != nil {
		return nil, fmt.Errorf("decrypt CP: ciphertext encoding: %v: %w", err, ErrSegment)
	}
	const bs = sm4.BlockSize
	if len(buf) == 0 || len(buf)%bs != 0 {
		return nil, fmt.Errorf("decrypt CP: %d bytes of ciphertext, not whole 16-byte blocks: %w", len(buf), ErrSegment)
	}
	for i := 0; i < len(buf); i += bs {
		c.Decrypt(buf[i:i+bs], buf[i:i+bs])
	}
	switch opt.Padding {
	case PadZero:
		buf = bytes.TrimRight(buf, "\x00")
	case PadPKCS7:
		n := int(buf[len(buf)-1])
		if n < 1 || n > bs || !bytes.Equal(buf[len(buf)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
			return nil, fmt.Errorf("decrypt CP: bad PKCS#7 padding (wrong key?): %w", ErrSegment)
		}
		buf = buf[:len(buf)-n]
	}
	return buf, nil
}

// Decrypt returns the packet with its CP decrypted and parsed, when opt says
// p's command is encrypted; otherwise p itself. The result's Raw is the frame
// rebuilt around the plaintext (new length and CRC); keep p for the original.
// A wrong key usually shows as a KindSegment or KindField error.
func (p *Packet) Decrypt(key []byte, opt CipherOptions) (*Packet, error) {
	if !opt.encrypted(p.CN) || p.raw == "" || p.CPText() == "" {
		return p, nil
	}
	plain, err := DecryptCP(p.CPText(), key, opt)
	if err != nil {
		return nil, fmt.Errorf("CN %s from %s: %w", p.CN, p.MN, err)
	}
	seg := p.raw[p.seg[0]:p.cp[0]] + string(plain) + "&&"
	frame, err := Wrap(nil, []byte(seg))
	if err != nil {
		return nil, err
	}
	q, err := Parse(frame)
	if err != nil {
		return nil, fmt.Errorf("decrypted CP of CN %s from %s: %w", p.CN, p.MN, err)
	}
	q.Warnings = append(append([]string(nil), p.Warnings...), q.Warnings...)
	return q, nil
}

// Encrypt returns a copy of p whose CP is the ciphertext of its fields, when
// opt says p's command is encrypted; otherwise p itself.
func (p *Packet) Encrypt(key []byte, opt CipherOptions) (*Packet, error) {
	if !opt.encrypted(p.CN) {
		return p, nil
	}
	var plain []byte
	for i := range p.NumFields() {
		f := p.Field(i)
		if err := checkCPField(f); err != nil {
			return nil, err
		}
		if i > 0 {
			plain = append(plain, ";,"[b2i(f.Grouped)])
		}
		plain = append(append(append(plain, f.Key...), '='), f.Value...)
	}
	text, err := EncryptCP(plain, key, opt)
	if err != nil {
		return nil, err
	}
	q := *p
	q.spans, q.fields, q.cpRaw = nil, nil, text
	return &q, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
