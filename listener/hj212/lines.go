package hj212

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// The line tools of `powerwatch hj212`: DecodeLines reads frames one per
// line and writes their JSON lines (json.go); Frames encodes a packet as the
// frames to send, split when it is too long for one, each checked by Parse.

// MaxDecodeLine bounds one input line of DecodeLines; a 4-digit length
// field allows frames of 10 011 bytes.
const MaxDecodeLine = 64 << 10

// DecodeLines reads one frame per line from r (LF or CR LF, the frame's own
// CR LF optional) and writes one JSON object per line to w, in order. A line
// that is no frame gets an error object of its own; only reading, writing
// or ctx ending stop it.
func DecodeLines(ctx context.Context, r io.Reader, w io.Writer) error {
	in := bufio.NewReaderSize(r, MaxDecodeLine)
	out := bufio.NewWriter(w)
	defer out.Flush()
	var buf []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, tooLong, err := readLine(in)
		if err == io.EOF {
			return out.Flush()
		}
		if err != nil {
			return fmt.Errorf("read the frames: %w", err)
		}
		buf = decodeLine(buf[:0], line, tooLong)
		if _, err := out.Write(buf); err != nil {
			return fmt.Errorf("write the JSON lines: %w", err)
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
		return AppendJSONError(b, fmt.Sprintf("length: line longer than %d bytes", MaxDecodeLine))
	}
	frame := append(bytes.Clone(line), '\r', '\n') // the terminator is optional on input
	p, err := Parse(frame)
	var se *SyntaxError
	switch {
	case errors.As(err, &se):
		return AppendJSONError(b, se.Message())
	case err != nil:
		return AppendJSONError(b, "framing: "+err.Error())
	}
	return AppendJSON(b, p)
}

// Errors of Frames: ErrUnencodable wraps what is wrong with the packet
// itself (a header value, a QN the parts cannot follow); ErrSegmentTooLong
// is a data segment over MaxSegment when splitting was not asked for.
var (
	ErrUnencodable    = errors.New("packet cannot be encoded")
	ErrSegmentTooLong = errors.New("data segment too long")
)

// Frames encodes p as the frames to send: one, or, when its data segment is
// over the standard's MaxSegment bytes (HJ212-2017 Table 2; common parsers
// reject longer ones) and split is set, the parts of a split upload whose
// QNs follow p's, one millisecond apart. Every frame is parsed back first:
// a frame this package would reject is refused, not returned.
func (p *Packet) Frames(split bool) ([][]byte, error) {
	frame, err := p.Encode()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnencodable, err)
	}
	frames := [][]byte{frame}
	if seg := len(frame) - 12; seg > MaxSegment {
		if !split {
			return nil, fmt.Errorf("the data segment is %d bytes, over the standard's %d: %w", seg, MaxSegment, ErrSegmentTooLong)
		}
		if _, ok := NextQN(p.QN, 0); !ok {
			return nil, fmt.Errorf("%w: split: QN %q is not YYYYMMDDhhmmsszzz; the parts' QNs follow it", ErrUnencodable, p.QN)
		}
		parts, err := p.Split(MaxSegment, func(i int) string { q, _ := NextQN(p.QN, i-1); return q })
		if err != nil {
			return nil, fmt.Errorf("split: %w", err)
		}
		frames = frames[:0]
		for _, part := range parts {
			f, err := part.Encode()
			if err != nil {
				return nil, fmt.Errorf("encode part %d: %w", part.PNO, err)
			}
			frames = append(frames, f)
		}
	}
	for _, f := range frames {
		if _, err := Parse(f); err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("the frame would not decode: %s", se.Message())
			}
			return nil, err
		}
	}
	return frames, nil
}
