package peer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// centreMaxSegment is the standard's limit on a data segment (HJ212-2017
// Table 2: 0–1024 bytes); the strict centre enforces it.
const centreMaxSegment = 1024

// errCentreCRC marks a frame whose checksum does not match its segment.
var errCentreCRC = errors.New("CRC mismatch")

// centreCRC is the HJ 212 CRC16 (HJ212-2017 Appendix A), bit by bit as the
// standard's listing has it: register 0xFFFF, each byte fed as
// r = (r >> 8) XOR byte, then eight shifts with 0xA001.
func centreCRC(b []byte) uint16 {
	r := uint16(0xFFFF)
	for _, c := range b {
		r = r>>8 ^ uint16(c)
		for range 8 {
			if r&1 != 0 {
				r = r>>1 ^ 0xA001
			} else {
				r >>= 1
			}
		}
	}
	return r
}

// centreWrap frames a data segment: "##", its length in four digits, the
// segment, its CRC in four upper-case hex digits and CR LF.
func centreWrap(seg string) []byte {
	return fmt.Appendf(nil, "##%04d%s%04X\r\n", len(seg), seg, centreCRC([]byte(seg)))
}

// centreReadSegment reads the next frame from r and returns its data
// segment. Bytes before "##" are skipped, as a centre resynchronises on
// garbage. A frame with a bad CRC returns its segment and errCentreCRC.
func centreReadSegment(r *bufio.Reader) (string, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return "", err
		}
		if b != '#' {
			continue
		}
		if next, err := r.Peek(1); err != nil {
			return "", err
		} else if next[0] == '#' {
			r.ReadByte()
			break
		}
	}
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return "", err
	}
	n := 0
	for _, d := range head {
		if d < '0' || d > '9' {
			return "", fmt.Errorf("length field %q is not four digits", head)
		}
		n = n*10 + int(d-'0')
	}
	body := make([]byte, n+6) // segment, CRC, CR LF
	if _, err := io.ReadFull(r, body); err != nil {
		return "", err
	}
	seg := string(body[:n])
	crc, err := strconv.ParseUint(string(body[n:n+4]), 16, 16)
	if err != nil || string(body[n+4:]) != "\r\n" {
		return seg, fmt.Errorf("frame of %d bytes has no CRC and CR LF after it", n)
	}
	if uint16(crc) != centreCRC(body[:n]) {
		return seg, errCentreCRC
	}
	return seg, nil
}

// centreHeader returns the header fields of a data segment (those before
// "CP=&&") by name; HJ212-2017 §6.3.2 separates them with ";".
func centreHeader(seg string) map[string]string {
	head, _, _ := strings.Cut(seg, "CP=&&")
	out := map[string]string{}
	for f := range strings.SplitSeq(head, ";") {
		if k, v, ok := strings.Cut(f, "="); ok {
			out[k] = v
		}
	}
	return out
}

// centreCP returns the CP pairs of a data segment in order.
func centreCP(seg string) []string {
	_, cp, ok := strings.Cut(seg, "CP=&&")
	if !ok {
		return nil
	}
	cp = strings.TrimSuffix(cp, "&&")
	if cp == "" {
		return nil
	}
	return strings.FieldsFunc(cp, func(r rune) bool { return r == ';' || r == ',' })
}
