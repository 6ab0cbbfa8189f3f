package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"powerwatch/listener/hj212"
)

// maxDecodeLine bounds one input line of `hj212 decode`; a 4-digit length
// field allows frames of 10 011 bytes.
const maxDecodeLine = 64 << 10

// runHJ212Decode reads one frame per line and writes one JSON object per line,
// in order. Bad lines are reported in their own object; the exit status stays 0.
func runHJ212Decode(e *env, args []string) error {
	fs := newFlags(e, "hj212 decode", "< frames.txt")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q: frames are read from standard input", pos[0])
	}
	in := bufio.NewReaderSize(e.stdin, maxDecodeLine)
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	var buf []byte
	for {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(in)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read standard input: %w", err)
		}
		buf = decodeLine(buf[:0], line, tooLong)
		if _, err := out.Write(buf); err != nil {
			return fmt.Errorf("write standard output: %w", err)
		}
	}
}

// readLine returns the next line without its LF or CR LF. A line longer than
// the reader's buffer is consumed to its end and reported as tooLong.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	line, err = r.ReadSlice('\n')
	for err == bufio.ErrBufferFull {
		tooLong = true
		_, err = r.ReadSlice('\n')
	}
	if err == io.EOF && (len(line) > 0 || tooLong) {
		err = nil // a last line without LF
	}
	if err != nil {
		return nil, false, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), tooLong, nil
}

// decodeLine appends the JSON object for one input line, with its LF.
func decodeLine(b, line []byte, tooLong bool) []byte {
	if tooLong {
		return hj212.AppendJSONError(b, fmt.Sprintf("length: line longer than %d bytes", maxDecodeLine))
	}
	frame := append(bytes.Clone(line), '\r', '\n') // the terminator is optional on input
	p, err := hj212.Parse(frame)
	var se *hj212.SyntaxError
	switch {
	case errors.As(err, &se):
		return hj212.AppendJSONError(b, se.Message())
	case err != nil:
		return hj212.AppendJSONError(b, "framing: "+err.Error())
	}
	return hj212.AppendJSON(b, p)
}

// runHJ212Encode prints one frame built from the flags, with CR LF; a data
// segment over the standard's 1,024 bytes is refused, or with --split sent
// as the parts of a split upload, one frame per line.
func runHJ212Encode(e *env, args []string) error {
	fs := newFlags(e, "hj212 encode", "--st 44 --cn 2011 --mn MN --pw PW [--flag 5] [--qn QN] [--split] --cp 'DataTime=…;code-Rtd=…'")
	st := fs.String("st", "", "system code ST, e.g. 44 (用电监控)")
	cn := fs.String("cn", "", "command number CN, e.g. 2011")
	mn := fs.String("mn", "", "device number MN (24 hex digits)")
	pw := fs.String("pw", "", "access password PW")
	flag := fs.Int("flag", 5, "Flag: 4/5 for 2017, 8/9 for 2025 (+1: answer required, +2: split)")
	qn := fs.String("qn", "", "request number QN (default: now, YYYYMMDDhhmmsszzz in +08:00)")
	cp := fs.String("cp", "", "CP content: key=value pairs separated by ';' (or ',' within one factor)")
	pnum := fs.Int("pnum", 0, "PNUM, total parts (with Flag bit D)")
	pno := fs.Int("pno", 0, "PNO, this part's number (with Flag bit D)")
	split := fs.Bool("split", false, "split a data segment over 1,024 bytes into parts (own QNs, Flag bit D, PNUM/PNO, same DataTime) / 超长时分包")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	for name, v := range map[string]string{"--st": *st, "--cn": *cn, "--mn": *mn} {
		if v == "" {
			return usagef("%s is required", name)
		}
	}
	if *flag < 0 || *flag > 255 {
		return usagef("--flag %d: want 0–255", *flag)
	}
	fields, err := hj212.ParseCP(*cp)
	if err != nil {
		return usagef("--cp: %v", err)
	}
	if *qn == "" {
		*qn = hj212.NewQN(time.Now())
	}
	p := &hj212.Packet{QN: *qn, ST: *st, CN: *cn, PW: *pw, MN: *mn, Flag: hj212.Flag(*flag), PNUM: *pnum, PNO: *pno,
		Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag}
	if *pnum != 0 || *pno != 0 {
		p.Header |= hj212.HasPNUM | hj212.HasPNO
	}
	p.SetFields(fields)
	frame, err := p.Encode()
	if err != nil {
		return usagef("%v", err)
	}
	frames := [][]byte{frame}
	if seg := len(frame) - 12; seg > hj212.MaxSegment {
		// HJ212-2017 Table 2: a data segment is 0–1024 bytes; common parsers
		// reject longer ones.
		if !*split {
			return fmt.Errorf("encode: the data segment is %d bytes, over the standard's %d; use --split to send it as parts / 数据段超过 %d 字节，可加 --split 分包",
				seg, hj212.MaxSegment, hj212.MaxSegment)
		}
		if *pnum != 0 || *pno != 0 {
			return usagef("--split builds PNUM and PNO itself: leave out --pnum and --pno")
		}
		if _, ok := hj212.NextQN(*qn, 0); !ok {
			return usagef("--split: QN %q is not YYYYMMDDhhmmsszzz; the parts' QNs follow it", *qn)
		}
		parts, err := p.Split(hj212.MaxSegment, func(i int) string { q, _ := hj212.NextQN(*qn, i-1); return q })
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		frames = frames[:0]
		for _, part := range parts {
			f, err := part.Encode()
			if err != nil {
				return fmt.Errorf("encode part %d: %w", part.PNO, err)
			}
			frames = append(frames, f)
		}
	}
	for _, f := range frames {
		// Refuse to print a frame our own decoder would reject (bad CN, DataTime…).
		if _, err := hj212.Parse(f); err != nil {
			var se *hj212.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("encode: the frame would not decode: %s", se.Message())
			}
			return fmt.Errorf("encode: %w", err)
		}
	}
	for _, f := range frames {
		if _, err := e.stdout.Write(f); err != nil {
			return err
		}
	}
	return nil
}
