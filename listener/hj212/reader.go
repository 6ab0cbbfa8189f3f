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
// Bytes before the first "##" that can start a frame are garbage: (adv, 0,
// nil). It returns (0, 0, nil) when it needs more data; at EOF it always
// makes progress. st carries what an earlier call learnt about the frame at
// data[0]; the caller zeroes it whenever it consumes bytes.
//
// Resynchronisation (hj212.md §1): on any failure move past that "##" and
// look for the next one, because "##" also occurs inside garbage. A skip never
// passes a "##", so the earliest "##" that starts a good frame is found.
//
// The outcome depends only on the stream, never on how it was cut into
// reads: every early decision rests on bytes that a whole-buffer read sees too.
func scan(data []byte, atEOF bool, limit int, st *pending) (adv, n int, err *SyntaxError) {
	return scanFrame(data, atEOF, limit, false, st)
}

// errSkipped stands for every error when scanFrame runs quiet: SplitFunc
// drops errors, and formatting them would cost allocations.
var errSkipped = &SyntaxError{Kind: KindFraming, Detail: "skipped", Err: ErrFraming}

// frameStart returns the index of the first "##" in data that may start a
// frame, or, when there is none yet (ok false), how many bytes are garbage
// for sure. A '#' before "##" is garbage: "###0101" starts a frame at 1,
// since no length field starts with '#'.
func frameStart(data []byte, atEOF bool) (i int, ok bool) {
	i = bytes.Index(data, []byte("##"))
	if i < 0 {
		i = len(data)
		if !atEOF && i > 0 && data[i-1] == '#' {
			i-- // the first '#' of a "##" that is still arriving
		}
		return i, false
	}
	for i+2 < len(data) && data[i+2] == '#' {
		i++
	}
	return i, true
}

func scanFrame(data []byte, atEOF bool, limit int, quiet bool, st *pending) (adv, n int, err *SyntaxError) {
	if i, ok := frameStart(data, atEOF); i != 0 || !ok {
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
	if adv, err := st.cut(data, seg, quiet); adv > 0 {
		return adv, 0, err
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
		e := syntaxErr(KindCRC, 6+seg, "", "frame says %04X, data segment gives %04X", want, got)
		e.Frame = bytes.Clone(data[:n])
		return skipBad(data, n), 0, e
	}
	return n, n, nil
}

// pending is what scanFrame learnt about the frame at data[0] inside the
// bytes its length field promises: where the first line break and the first
// "##" are, and whether the CRC before that line break fits the segment.
// Kept between calls, it lets each byte be searched once while a frame
// arrives in small reads (no quadratic rescans). Zero means nothing known.
type pending struct {
	seen int  // data[:seen] has been searched
	nl   int  // first '\n' at or after 6, 0 if none yet
	hash int  // first "##" at or after 2, 0 if none yet
	crc  bool // data[6:nl] is a segment, its CRC and CR LF (or LF)
}

// cut decides, before the promised end has arrived, that the length field
// of the frame at data[0] is wrong, so that a terminal that sends one frame
// every few minutes is not held up for hours by a length field that
// promises thousands of bytes. The signs, all inside the promised frame:
// a line break after which or before which comes "##" (a frame ended and
// another started), or a line break right after the segment's own CRC (a
// frame ended early). A good frame shows neither unless its segment holds a
// line break, which the standard's grammar has no place for. cut returns 0
// while there is no sign.
func (st *pending) cut(data []byte, seg int, quiet bool) (int, *SyntaxError) {
	lim := min(len(data), 6+seg+4)
	if lim > st.seen {
		if st.nl == 0 && lim > 6 {
			if k := bytes.IndexByte(data[max(st.seen, 6):lim], '\n'); k >= 0 {
				st.nl = max(st.seen, 6) + k
				st.crc = ownCRC(data, st.nl)
			}
		}
		if st.hash == 0 && lim > 2 {
			from := max(st.seen-1, 2) // a "##" may straddle the last call's end
			if k := bytes.Index(data[from:lim], []byte("##")); k >= 0 {
				st.hash = from + k
			}
		}
		st.seen = lim
	}
	if st.nl == 0 || (!st.crc && st.hash == 0) {
		return 0, nil
	}
	adv := st.nl + 1
	if st.hash != 0 && st.hash < st.nl {
		adv = 2 // never skip a "##": it may start the real frame
	}
	if quiet {
		return adv, errSkipped
	}
	switch {
	case st.crc:
		q := st.nl - 4 - termCR(data, st.nl)
		return adv, syntaxErr(KindLength, 2, "", "length field says %d bytes, data segment has %d", seg, q-6)
	case adv == 2:
		return adv, syntaxErr(KindLength, 2, "", "length field says %d bytes, but \"##\" comes %d bytes in, before a line break", seg, st.hash)
	}
	return adv, syntaxErr(KindLength, 2, "", "length field says %d bytes, but a line ends %d bytes in and \"##\" follows", seg, st.nl+1)
}

// ownCRC reports whether the line break at data[nl] comes right after the
// CRC of everything between the length field and that CRC.
func ownCRC(data []byte, nl int) bool {
	q := nl - 4 - termCR(data, nl)
	if q < 6 {
		return false
	}
	want, ok := parseCRC(data[q : q+4])
	return ok && Checksum(data[6:q]) == want
}

// termCR is 1 when the line break at data[nl] is preceded by CR.
func termCR(data []byte, nl int) int {
	if data[nl-1] == '\r' {
		return 1
	}
	return 0
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
	pend       pending
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
		adv, n, serr := scan(data, r.err != nil, r.limit, &r.pend)
		if adv > 0 && n == 0 && serr == nil {
			if r.skipped == 0 {
				r.skipOff = r.off
			}
			r.skipped += int64(adv)
			r.consume(adv)
			continue
		}
		// A run of garbage ends at a "##" not followed by '#' (scan skips
		// the others) or at the end of the stream.
		if r.skipped > 0 && (len(data) >= 3 || r.err != nil) {
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
	r.pend = pending{}
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
		se.Frame = bytes.Clone(f)
	}
	return p, err
}

// SplitFunc returns a bufio.SplitFunc that yields good frames (length, CRC
// and terminator checked) and silently skips everything else; use Reader to
// learn what was skipped. The Scanner's buffer must hold max bytes
// (bufio.MaxScanTokenSize, 64 KiB, does). The function remembers what it
// learnt about a frame still arriving, so give each Scanner its own.
func SplitFunc(max int) bufio.SplitFunc {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	max = min(max, maxFrameLimit)
	var st pending // about the frame at data[skipped:], which the next call's data starts with
	return func(data []byte, atEOF bool) (int, []byte, error) {
		skipped := 0
		for skipped < len(data) {
			adv, n, _ := scanFrame(data[skipped:], atEOF, max, true, &st)
			if adv == 0 {
				break
			}
			st = pending{}
			if n > 0 {
				return skipped + adv, data[skipped : skipped+n], nil
			}
			skipped += adv
		}
		return skipped, nil, nil
	}
}
