package main

import (
	"errors"
	"fmt"
	"time"

	"powerwatch/listener/hj212"
)

// runHJ212Decode reads one frame per line and writes one JSON object per line,
// in order (hj212.DecodeLines). Bad lines are reported in their own object;
// the exit status stays 0.
func runHJ212Decode(e *env, args []string) error {
	fs := newFlags(e, "hj212 decode", "< frames.txt")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q: frames are read from standard input", pos[0])
	}
	return hj212.DecodeLines(e.ctx, e.stdin, e.stdout)
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
	if *split && (*pnum != 0 || *pno != 0) {
		return usagef("--split builds PNUM and PNO itself: leave out --pnum and --pno")
	}
	frames, err := p.Frames(*split)
	switch {
	case errors.Is(err, hj212.ErrUnencodable):
		return usagef("%v", err)
	case errors.Is(err, hj212.ErrSegmentTooLong):
		return fmt.Errorf("encode: %w; use --split to send it as parts / 数据段超过 %d 字节，可加 --split 分包", err, hj212.MaxSegment)
	case err != nil:
		return fmt.Errorf("encode: %w", err)
	}
	for _, f := range frames {
		if _, err := e.stdout.Write(f); err != nil {
			return err
		}
	}
	return nil
}
