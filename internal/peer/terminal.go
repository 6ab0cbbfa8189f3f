package peer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// Field terminals (数采仪) as deployed ones behave, for the listener's
// end-to-end tests: a terminal that splits long uploads and waits for each
// part's 9014 before it sends the next (HJ212-2017 Table C.50), a device
// that sends one frame per meter with the same DataTime, and a terminal
// that computes CRC-16/MODBUS instead of HJ 212's checksum.

// A TerminalCRC is the checksum a terminal puts in its frames.
type TerminalCRC int

// Checksums.
const (
	// TerminalCRCHJ212 is HJ212-2017 Appendix A: r = (r >> 8) XOR byte.
	TerminalCRCHJ212 TerminalCRC = iota
	// TerminalCRCModbus is CRC-16/MODBUS (r XOR byte), which several peer
	// implementations send and call "Annex A" (hj212.md §2).
	TerminalCRCModbus
)

// terminalMaxSegment is the standard's limit on a data segment
// (HJ212-2017 Table 2: 0–1024 bytes).
const terminalMaxSegment = 1024

// A Terminal is one field device connected to a centre. Its fields are set
// before Dial; a Terminal is not safe for concurrent use.
type Terminal struct {
	MN, PW string
	ST     string      // system code; "" means 44 (electricity, 2025 peers)
	CRC    TerminalCRC // the checksum it computes
	// MaxSegment is the longest data segment it sends; a longer upload is
	// split into parts. 0 means the standard's 1,024 bytes.
	MaxSegment int
	// AckTimeout is how long it waits for each 9014; 0 means 10 s. A
	// terminal following Table C.50 sends no further part without it.
	AckTimeout time.Duration

	conn net.Conn
	rd   *bufio.Reader
	mu   sync.Mutex // guards qn
	qn   time.Time
	// Other holds frames read while waiting for a 9014 that were not it
	// (commands from the centre), as their data segments.
	Other []string
}

// ErrNoAck means the centre did not answer an upload within AckTimeout.
var ErrNoAck = errors.New("no 9014 from the centre")

// Dial connects t to the centre at addr.
func (t *Terminal) Dial(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("terminal %s: dial %s: %w", t.MN, addr, err)
	}
	t.conn, t.rd = c, bufio.NewReader(c)
	return nil
}

// Close closes the connection (the device hangs up or loses its link).
func (t *Terminal) Close() error {
	if t.conn == nil {
		return nil
	}
	return t.conn.Close()
}

// A TerminalPart is one frame of an upload: its QN, PNO (0 when the
// upload was not split) and data segment.
type TerminalPart struct {
	QN      string
	PNO     int
	Segment string
}

// Parts builds the frames of one upload of cn at DataTime at with CP
// fields ("code-Suffix=value", in order): one frame when its data segment
// fits MaxSegment, else parts with their own QNs, Flag bit D, PNUM/PNO, the
// same DataTime and disjoint factors (a factor's fields stay together).
func (t *Terminal) Parts(cn string, at time.Time, fields []string) ([]TerminalPart, error) {
	maxSeg := t.MaxSegment
	if maxSeg <= 0 {
		maxSeg = terminalMaxSegment
	}
	dt := "DataTime=" + at.Format("20060102150405")
	whole := t.segment(t.nextQN(), cn, 5, 0, 0, dt, fields)
	if len(whole) <= maxSeg {
		return []TerminalPart{{QN: qnOf(whole), Segment: whole}}, nil
	}
	// Group fields by factor (the code before "-"), then fill parts greedily,
	// measuring with the widest header (PNUM=9999;PNO=9999).
	var groups [][]string
	for _, f := range fields {
		code, _, _ := strings.Cut(f, "-")
		if n := len(groups); n > 0 && strings.HasPrefix(groups[n-1][0], code+"-") {
			groups[n-1] = append(groups[n-1], f)
			continue
		}
		groups = append(groups, []string{f})
	}
	var sets [][]string
	var cur []string
	for _, g := range groups {
		try := append(append([]string(nil), cur...), g...)
		if len(t.segment("00000000000000000", cn, 7, 9999, 9999, dt, try)) > maxSeg {
			if len(cur) == 0 {
				return nil, fmt.Errorf("terminal %s: factor %q alone does not fit %d bytes", t.MN, g[0], maxSeg)
			}
			sets, cur = append(sets, cur), append([]string(nil), g...)
			continue
		}
		cur = try
	}
	sets = append(sets, cur)
	parts := make([]TerminalPart, len(sets))
	for i, set := range sets {
		qn := t.nextQN()
		parts[i] = TerminalPart{QN: qn, PNO: i + 1, Segment: t.segment(qn, cn, 7, len(sets), i+1, dt, set)}
	}
	return parts, nil
}

// segment writes a data segment in the standard's field order.
func (t *Terminal) segment(qn, cn string, flag, pnum, pno int, dt string, fields []string) string {
	st := t.ST
	if st == "" {
		st = "44"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "QN=%s;ST=%s;CN=%s;PW=%s;MN=%s;Flag=%d;", qn, st, cn, t.PW, t.MN, flag)
	if pnum > 0 {
		fmt.Fprintf(&b, "PNUM=%d;PNO=%d;", pnum, pno)
	}
	b.WriteString("CP=&&" + dt)
	for _, f := range fields {
		b.WriteString(";" + f)
	}
	b.WriteString("&&")
	return b.String()
}

// nextQN returns a fresh QN: YYYYMMDDhhmmsszzz, one millisecond after the
// previous one at least, as terminals number their frames.
func (t *Terminal) nextQN() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now().Truncate(time.Millisecond)
	if !now.After(t.qn) {
		now = t.qn.Add(time.Millisecond)
	}
	t.qn = now
	return now.Format("20060102150405") + fmt.Sprintf("%03d", now.Nanosecond()/1e6)
}

func qnOf(seg string) string {
	qn, _, _ := strings.Cut(strings.TrimPrefix(seg, "QN="), ";")
	return qn
}

// Upload sends one upload (split when long) and waits for each frame's 9014
// before sending the next, as HJ212-2017 Table C.50 has it. It returns the
// frames sent; ErrNoAck when a part was not answered (the rest were not sent).
func (t *Terminal) Upload(ctx context.Context, cn string, at time.Time, fields []string) ([]TerminalPart, error) {
	parts, err := t.Parts(cn, at, fields)
	if err != nil {
		return nil, err
	}
	for i, p := range parts {
		if err := t.Send(ctx, p); err != nil {
			return parts[:i], err
		}
	}
	return parts, nil
}

// Send writes one frame and waits for the 9014 that echoes its QN.
func (t *Terminal) Send(ctx context.Context, p TerminalPart) error {
	if err := t.Write(p.Segment); err != nil {
		return err
	}
	return t.awaitAck(ctx, p.QN)
}

// SameTime sends one frame per factor set, all with DataTime at (a device
// with one frame per meter), each waiting for its 9014.
func (t *Terminal) SameTime(ctx context.Context, cn string, at time.Time, sets ...[]string) error {
	for _, set := range sets {
		if _, err := t.Upload(ctx, cn, at, set); err != nil {
			return err
		}
	}
	return nil
}

// Write sends one data segment framed with the terminal's checksum.
func (t *Terminal) Write(seg string) error {
	crc := terminalCRC(seg)
	if t.CRC == TerminalCRCModbus {
		crc = terminalModbus(seg)
	}
	frame := fmt.Sprintf("##%04d%s%04X\r\n", len(seg), seg, crc)
	t.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := t.conn.Write([]byte(frame)); err != nil {
		return fmt.Errorf("terminal %s: write: %w", t.MN, err)
	}
	return nil
}

// awaitAck reads frames until the 9014 with QN qn; other frames (commands)
// are kept in Other.
func (t *Terminal) awaitAck(ctx context.Context, qn string) error {
	wait := t.AckTimeout
	if wait <= 0 {
		wait = 10 * time.Second
	}
	deadline := time.Now().Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	t.conn.SetReadDeadline(deadline)
	defer t.conn.SetReadDeadline(time.Time{})
	for {
		seg, err := t.ReadSegment()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return fmt.Errorf("terminal %s: QN %s: %w", t.MN, qn, ErrNoAck)
			}
			return err
		}
		h := terminalHeader(seg)
		if h["CN"] == "9014" && h["QN"] == qn {
			return nil
		}
		t.Other = append(t.Other, seg)
	}
}

// ReadSegment reads the next frame from the centre and returns its data
// segment, checking length, HJ 212 CRC and CR LF.
func (t *Terminal) ReadSegment() (string, error) {
	for {
		b, err := t.rd.ReadByte()
		if err != nil {
			return "", fmt.Errorf("terminal %s: read: %w", t.MN, err)
		}
		if b != '#' {
			continue
		}
		if b, err = t.rd.ReadByte(); err != nil {
			return "", fmt.Errorf("terminal %s: read: %w", t.MN, err)
		}
		if b == '#' {
			break
		}
	}
	var ll [4]byte
	if _, err := readFull(t.rd, ll[:]); err != nil {
		return "", fmt.Errorf("terminal %s: length field: %w", t.MN, err)
	}
	n := 0
	for _, c := range ll {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("terminal %s: length field %q is not 4 digits", t.MN, ll[:])
		}
		n = n*10 + int(c-'0')
	}
	rest := make([]byte, n+6)
	if _, err := readFull(t.rd, rest); err != nil {
		return "", fmt.Errorf("terminal %s: read frame: %w", t.MN, err)
	}
	seg := string(rest[:n])
	if string(rest[n+4:]) != "\r\n" {
		return "", fmt.Errorf("terminal %s: frame not ended by CR LF", t.MN)
	}
	if got := fmt.Sprintf("%04X", terminalCRC(seg)); !strings.EqualFold(got, string(rest[n:n+4])) {
		return "", fmt.Errorf("terminal %s: centre's frame CRC %s, want %s", t.MN, rest[n:n+4], got)
	}
	return seg, nil
}

func readFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// terminalHeader returns the header fields of a data segment by name.
func terminalHeader(seg string) map[string]string {
	head, _, _ := strings.Cut(seg, "CP=&&")
	h := map[string]string{}
	for f := range strings.SplitSeq(head, ";") {
		if k, v, ok := strings.Cut(f, "="); ok {
			h[k] = v
		}
	}
	return h
}

// terminalCRC is HJ212-2017 Appendix A, bit by bit as the standard lists it.
func terminalCRC(s string) uint16 {
	r := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		r = r>>8 ^ uint16(s[i])
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

// terminalModbus is CRC-16/MODBUS: the register XOR the byte, not its high byte.
func terminalModbus(s string) uint16 {
	r := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		r ^= uint16(s[i])
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
