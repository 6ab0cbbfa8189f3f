package hj212

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// scan looks at the start of data for one frame. It returns how many bytes
// to consume and, when a whole good frame (framing, length, CRC, terminator)
// starts at data[0], its length n. When something is wrong it returns the
// error (Offset relative to data) and how far to skip to resynchronise.
// Bytes before the first "##" are garbage: (adv, 0, nil). It returns
// (0, 0, nil) when it needs more data; at EOF it always makes progress.
//
// Resynchronisation (hj212.md §1): on any failure move past that "##" and
// look for the next one, because "##" also occurs inside garbage.
func scan(data []byte, atEOF bool, limit int) (adv, n int, err *SyntaxError) {
	return scanFrame(data, atEOF, limit, false)
}

// errSkipped stands for every error when scanFrame runs quiet: SplitFunc
// drops errors, and formatting them would cost allocations.
var errSkipped = &SyntaxError{Kind: KindFraming, Detail: "skipped", Err: ErrFraming}

func scanFrame(data []byte, atEOF bool, limit int, quiet bool) (adv, n int, err *SyntaxError) {
	i := bytes.Index(data, []byte("##"))
	if i != 0 {
		if i < 0 {
			i = len(data)
			if !atEOF && i > 0 && data[i-1] == '#' {
				i-- // the first '#' of a "##" that is still arriving
			}
		}
		return i, 0, nil // garbage: the caller reports a run of it once
	}
	if len(data) < 6 {
		if atEOF {
			if quiet {
				return len(data), 0, errSkipped
			}
			return len(data), 0, syntaxErr(KindFraming, 0, "", "stream ends inside a frame header")
		}
		return 0, 0, nil
	}
	seg, ok := parseLength(data)
	if !ok {
		if quiet {
			return 2, 0, errSkipped
		}
		return 2, 0, syntaxErr(KindLength, 2, "", "length field %q is not 4 digits", data[2:6])
	}
	end := 6 + seg + 4 // end of the CRC
	if end+2 > limit {
		if quiet {
			return 2, 0, errSkipped
		}
		e := syntaxErr(KindLength, 2, "", "length field says %d bytes, over the limit of %d per frame", seg, limit)
		e.Err = ErrTooLarge
		return 2, 0, e
	}
	if len(data) < end+1 || (data[end] == '\r' && len(data) < end+2) {
		if atEOF {
			if quiet {
				return 2, 0, errSkipped
			}
			return 2, 0, syntaxErr(KindLength, 2, "", "stream ends inside a frame whose length field says %d bytes", seg)
		}
		return 0, 0, nil
	}
	switch {
	case data[end] == '\n' && data[end-1] != '\r':
		n = end + 1
	case data[end] == '\r' && data[end+1] == '\n':
		n = end + 2
	default:
		return misframed(data, seg, end, atEOF, limit, quiet)
	}
	want, ok := parseCRC(data[6+seg : end])
	if !ok {
		if quiet {
			return skipBad(data, n), 0, errSkipped
		}
		return skipBad(data, n), 0, syntaxErr(KindCRC, 6+seg, "", "CRC field %q is not 4 hex digits", data[6+seg:end])
	}
	if got := Checksum(data[6 : 6+seg]); got != want {
		if quiet {
			return skipBad(data, n), 0, errSkipped
		}
		return skipBad(data, n), 0, syntaxErr(KindCRC, 6+seg, "", "frame says %04X, data segment gives %04X", want, got)
	}
	return n, n, nil
}

// skipBad skips a whole bad frame of length n, unless another "##" starts
// inside it, which may be the real frame.
func skipBad(data []byte, n int) int {
	if bytes.Index(data[2:n], []byte("##")) >= 0 {
		return 2
	}
	return n
}

// misframeWait is how many bytes past the expected terminator misframed
// waits for a line break before it gives up on classifying the frame.
const misframeWait = 64

// misframed classifies a frame without CR LF where its length field says. If a
// line break ends it before any other "##", the length field is wrong and the
// whole line is skipped; otherwise only the "##" is.
func misframed(data []byte, seg, end int, atEOF bool, limit int, quiet bool) (int, int, *SyntaxError) {
	look := data[2:min(len(data), limit)]
	nl := bytes.IndexByte(look, '\n')
	next := bytes.Index(look, []byte("##"))
	switch {
	case nl >= 0 && (next < 0 || nl < next) && crcAt(data, seg):
		if quiet {
			return nl + 3, 0, errSkipped
		}
		return nl + 3, 0, syntaxErr(KindTerminator, end, "", "%d bytes between the CRC and the line break", nl+2-end)
	case nl >= 0 && (next < 0 || nl < next):
		actual := nl + 2 - 6 - 4
		if nl > 0 && look[nl-1] == '\r' {
			actual--
		}
		if quiet {
			return nl + 3, 0, errSkipped
		}
		return nl + 3, 0, syntaxErr(KindLength, 2, "", "length field says %d bytes, data segment has %d", seg, max(actual, 0))
	case nl < 0 && next < 0 && !atEOF && len(data) < min(limit, end+misframeWait):
		return 0, 0, nil // the line may end a little later: wait, within bounds
	}
	// Give up waiting for a line break: rescanning on every read costs
	// O(len(data)), so the wait is bounded. Skipping "##" loses nothing: the
	// rest of the line has no "##" and becomes garbage.
	if quiet {
		return 2, 0, errSkipped
	}
	return 2, 0, syntaxErr(KindTerminator, end, "", "no CR LF after the CRC (found %q)", head(data[end:], 2))
}

// A Reader reads frames from one connection's byte stream. It holds at most
// about max+16 KiB, so a peer cannot make it grow. After a *SyntaxError it
// has already resynchronised, so the caller may keep reading.
type Reader struct {
	r          io.Reader
	limit      int
	buf        []byte
	start, end int
	off        int64 // stream offset of buf[start]
	err        error // sticky error of r
	skipped    int64 // garbage bytes not reported yet
	skipOff    int64 // stream offset where they started
}

// NewReader returns a Reader that refuses frames longer than max bytes
// (terminator included). max <= 0 means DefaultMaxFrame.
func NewReader(r io.Reader, max int) *Reader {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	max = min(max, maxFrameLimit)
	return &Reader{r: r, limit: max, buf: make([]byte, max+16<<10)}
}

// Offset is the stream offset of the next unread byte.
func (r *Reader) Offset() int64 { return r.off }

// ReadFrame returns the next frame with a good length, CRC and terminator, as
// it arrived ("##" through CR LF or LF). The slice is valid until the next
// call. Bytes that are not a good frame produce a *SyntaxError whose Offset is
// in the stream. At the end of the stream it returns the reader's error (io.EOF).
func (r *Reader) ReadFrame() ([]byte, error) {
	f, _, err := r.readFrame()
	return f, err
}

func (r *Reader) readFrame() ([]byte, int64, error) {
	for {
		data := r.buf[r.start:r.end]
		adv, n, serr := scan(data, r.err != nil, r.limit)
		if adv > 0 && n == 0 && serr == nil {
			if r.skipped == 0 {
				r.skipOff = r.off
			}
			r.skipped += int64(adv)
			r.consume(adv)
			continue
		}
		// A run of garbage ends at a "##" or at the end of the stream.
		if r.skipped > 0 && (len(data) >= 2 || r.err != nil) {
			e := syntaxErr(KindFraming, 0, "", "%d bytes outside any frame skipped", r.skipped)
			e.Offset = r.skipOff
			r.skipped = 0
			return nil, 0, e
		}
		if n > 0 {
			off := r.off
			r.consume(adv)
			return data[:n], off, nil
		}
		if serr != nil {
			serr.Offset += r.off
			r.consume(adv)
			return nil, 0, serr
		}
		if r.err != nil {
			return nil, 0, r.err
		}
		r.fill()
	}
}

func (r *Reader) consume(n int) {
	r.start += n
	r.off += int64(n)
	if r.start == r.end {
		r.start, r.end = 0, 0
	}
}

// fill reads once into the buffer, first moving unread bytes to the front when needed.
func (r *Reader) fill() {
	if r.start > 0 && r.end == len(r.buf) {
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
	}
	for range 100 {
		n, err := r.r.Read(r.buf[r.end:])
		r.end += n
		if err != nil {
			r.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}

// ReadPacket reads the next frame and parses it. Syntax errors of the
// segment (KindSegment, KindField) come after the frame was consumed.
func (r *Reader) ReadPacket() (*Packet, error) {
	f, off, err := r.readFrame()
	if err != nil {
		return nil, err
	}
	n, _ := parseLength(f)
	p, err := parseChecked(f, n, f[len(f)-2] != '\r')
	var se *SyntaxError
	if errors.As(err, &se) {
		se.Offset += off
	}
	return p, err
}

// SplitFunc returns a bufio.SplitFunc that yields good frames (length, CRC
// and terminator checked) and silently skips everything else; use Reader to
// learn what was skipped. The Scanner's buffer must hold max bytes
// (bufio.MaxScanTokenSize, 64 KiB, does).
func SplitFunc(max int) bufio.SplitFunc {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	max = min(max, maxFrameLimit)
	return func(data []byte, atEOF bool) (int, []byte, error) {
		skipped := 0
		for skipped < len(data) {
			adv, n, _ := scanFrame(data[skipped:], atEOF, max, true)
			if n > 0 {
				return skipped + adv, data[skipped : skipped+n], nil
			}
			if adv == 0 {
				break
			}
			skipped += adv
		}
		return skipped, nil, nil
	}
}
