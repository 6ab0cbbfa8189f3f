package uplink

import (
	"fmt"
	"strings"

	"powerwatch/listener/hj212"
)

// outFrame is one frame ready for an upstream.
type outFrame struct {
	bytes   []byte // the frame with its CR LF
	mn, qn  string // as sent, for matching the upstream's 9014
	wantAck bool   // Flag bit A set and QN present (HJ212-2017 §6.5.3)
}

// prepare turns a stored frame (as received, without its CR LF) into what is
// sent to u: usually one frame. Without a rewrite the bytes are the received
// ones. With an MN or password rewrite only that header field changes, and
// the frame gets a new length and CRC (HJ212-2017 §6.3.2: both cover the data
// segment). A data segment over the standard's 1,024 bytes (HJ212-2017
// Table 2) — after a rewrite, or a split upload stored whole — goes as
// several parts (split.go).
func (u *Upstream) prepare(payload []byte) ([]outFrame, error) {
	frame := append(append(make([]byte, 0, len(payload)+2), payload...), '\r', '\n')
	p, err := hj212.Parse(frame)
	if err != nil {
		return nil, fmt.Errorf("parse stored frame: %w", err)
	}
	out := outFrame{bytes: frame, mn: p.MN, qn: p.QN, wantAck: p.Flag.Answer() && p.QN != ""}
	mn, pw := p.MN, p.PW
	if m, ok := u.MN[p.MN]; ok && m != "" {
		mn = m
	}
	if u.Password != "" {
		pw = u.Password
	}
	seg := p.Segment()
	if mn != p.MN || pw != p.PW {
		if seg, err = rewriteHeader(seg, map[string]string{"MN": mn, "PW": pw}); err != nil {
			return nil, err
		}
	}
	if len(seg) > hj212.MaxSegment {
		return split(p, mn, pw)
	}
	if seg == p.Segment() {
		return []outFrame{out}, nil
	}
	if out.bytes, err = hj212.Wrap(nil, []byte(seg)); err != nil {
		return nil, fmt.Errorf("re-frame after rewrite: %w", err)
	}
	out.mn = mn
	return []outFrame{out}, nil
}

// rewriteHeader replaces header fields (those before "CP=&&") of a data
// segment; fields absent from the segment stay absent.
func rewriteHeader(seg string, set map[string]string) (string, error) {
	cp := strings.Index(seg, "CP=&&")
	if cp < 0 {
		return "", fmt.Errorf("rewrite header: no CP=&& in the data segment")
	}
	fields := strings.Split(seg[:cp], ";")
	for i, f := range fields {
		k, _, ok := strings.Cut(f, "=")
		if v, hit := set[k]; ok && hit {
			fields[i] = k + "=" + v
		}
	}
	return strings.Join(fields, ";") + seg[cp:], nil
}
