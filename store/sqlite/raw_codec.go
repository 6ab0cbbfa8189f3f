package sqlite

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"time"

	"powerwatch/store"
)

// Raw day format 3 (rawColumns). Format 2 (reading_codec.go) spent about 26
// bytes a frame on 5-minute frames of two points, most of it on things the
// day says twice or that deflate cannot see:
//   - a decimal value was two digit runs ("2.906" → 2 and 906), so a change
//     of 0.01 across a unit showed as two unrelated jumps;
//   - the receive time was coded against DataTime, although it follows the
//     frame's QN (the terminal's send time) to within a few milliseconds, and
//     QN and DataTime were coded as numbers whose deltas carry calendar
//     carries (…0555 → …1000);
//   - the changes of every value of a frame were interleaved in one stream,
//     so deflate's Huffman table mixed the noise of the power with the
//     constant step of the time.
//
// Format 3 splits a frame into a skeleton and tokens as before, but a token
// is a decimal number (digits, optionally '.' digits: one integer with its
// fraction width in the skeleton) or a timestamp (14 digits yyyyMMddHHmmss
// or 17 with milliseconds, Beijing time, coded as its distance from the
// record's DataTime). The receive time is coded against the QN's time. Every
// token position of the skeleton is its own column (the changes of the same
// field of the frame, one after the other), and each column is cut into its
// low bytes and its high bytes, so the Huffman codes fit each. The frames
// come back byte for byte; every input that does not fit (a frame holding
// 0xFF, a malformed time, a very long digit run) is stored literally.

const (
	rawColumns = 3

	tokNum    = 0x00 // + fraction digits (0 … maxRunLen)
	tokTime14 = 0x40 // yyyyMMddHHmmss
	tokTime17 = 0x41 // yyyyMMddHHmmssSSS
)

// rawToken is one token of a frame.
type rawToken struct {
	kind   byte  // tokNum+frac, tokTime14, tokTime17
	intLen int   // digits before the point (numbers)
	val    int64 // the digits as one integer; times: ms from the record's dt
}

type rawTokens struct {
	skel []byte // marker + kind per token
	toks []rawToken
}

const beijingStamp = "20060102150405"

// tokenizeRaw splits f; ok false when f cannot be tokenized (it holds the
// marker byte).
func tokenizeRaw(f []byte, dt int64) (rawTokens, bool) {
	var t rawTokens
	for i := 0; i < len(f); {
		c := f[i]
		if c == runMark {
			return t, false
		}
		if c < '0' || c > '9' {
			t.skel = append(t.skel, c)
			i++
			continue
		}
		j := digitsEnd(f, i, maxRunLen)
		tok := rawToken{kind: tokNum, intLen: j - i}
		end := j
		// A fraction joins its integer when both fit one int64.
		if j+1 < len(f) && f[j] == '.' && f[j+1] >= '0' && f[j+1] <= '9' {
			k := digitsEnd(f, j+1, maxRunLen)
			if k-(j+1)+(j-i) <= maxRunLen && (k == len(f) || f[k] < '0' || f[k] > '9') {
				tok.kind = tokNum + byte(k-(j+1))
				end = k
			}
		}
		if tok.kind == tokNum && (j-i == 14 || j-i == 17) && (j == len(f) || f[j] < '0' || f[j] > '9') {
			if v, ok := stampOffset(f[i:j], dt); ok {
				tok = rawToken{kind: tokTime14, val: v}
				if j-i == 17 {
					tok.kind = tokTime17
				}
			}
		}
		if tok.kind < tokTime14 {
			tok.val = digitsValue(f[i:end])
		}
		t.skel = append(t.skel, runMark, tok.kind)
		t.toks = append(t.toks, tok)
		i = end
	}
	return t, true
}

func digitsEnd(f []byte, i, max int) int {
	j := i
	for j < len(f) && j-i < max && f[j] >= '0' && f[j] <= '9' {
		j++
	}
	return j
}

// digitsValue reads the digits of b, skipping one '.'.
func digitsValue(b []byte) int64 {
	var v int64
	for _, c := range b {
		if c != '.' {
			v = v*10 + int64(c-'0')
		}
	}
	return v
}

// stampOffset reads a 14- or 17-digit Beijing timestamp and returns its
// distance from dt in ms, ok only when formatting it back gives the digits.
func stampOffset(d []byte, dt int64) (int64, bool) {
	t, err := time.ParseInLocation(beijingStamp, string(d[:14]), store.Beijing)
	if err != nil {
		return 0, false
	}
	ms := t.UnixMilli()
	if len(d) == 17 {
		ms += digitsValue(d[14:])
	}
	if !bytes.Equal(appendStamp(nil, ms, len(d)), d) {
		return 0, false
	}
	return ms - dt, true
}

func appendStamp(b []byte, ms int64, digits int) []byte {
	t := time.UnixMilli(ms).In(store.Beijing)
	if t.Year() < 1000 || t.Year() > 9999 {
		return append(b, '!') // never equal to digits
	}
	b = t.AppendFormat(b, beijingStamp)
	if digits == 17 {
		b = appendPadded(b, ms-ms/1000*1000, 3)
	}
	return b
}

// appendToken writes tok as text.
func appendToken(b []byte, tok rawToken, dt int64) ([]byte, bool) {
	switch {
	case tok.kind == tokTime14 || tok.kind == tokTime17:
		n := 14
		if tok.kind == tokTime17 {
			n = 17
		}
		return appendStamp(b, dt+tok.val, n), true
	case tok.kind <= maxRunLen:
		frac := int(tok.kind)
		if tok.intLen < 1 || tok.intLen+frac > maxRunLen || tok.val < 0 {
			return b, false
		}
		d := appendPadded(nil, tok.val, tok.intLen+frac)
		if len(d) != tok.intLen+frac {
			return b, false
		}
		b = append(b, d[:tok.intLen]...)
		if frac > 0 {
			b = append(b, '.')
			b = append(b, d[tok.intLen:]...)
		}
		return b, true
	}
	return b, false
}

// rawCols collects the streams of a format 3 day.
type rawCols struct {
	meta  []byte   // per record: flags, ST/CN/QN strings
	dts   []byte   // DataTime deltas
	recv  []byte   // receive time offsets
	modes []byte   // per frame: literal or delta, CRC dropped
	lens  []byte   // integer width changes, delta frames
	lits  []byte   // literal frames
	cols  [][]byte // per token position: value changes, low bytes
	highs [][]byte // per token position: the rest of each value, as uvarint
}

func (c *rawCols) value(k int, v int64) {
	for len(c.cols) <= k {
		c.cols = append(c.cols, nil)
		c.highs = append(c.highs, nil)
	}
	z := uint64(v<<1) ^ uint64(v>>63)
	c.cols[k] = append(c.cols[k], byte(z))
	c.highs[k] = binary.AppendUvarint(c.highs[k], z>>8)
}

// Record flags of format 3.
const (
	rfCRCOK     = 1
	rfHasDT     = 2
	rfQNInFrame = 4
	rfRecvQN    = 8  // the receive time is coded against the QN's time
	rfSameST    = 16 // ST as the previous record's
	rfSameCN    = 32
)

// qnTime returns the QN as a time (ms) when it is a 17-digit Beijing stamp.
func qnTime(qn string) (int64, bool) {
	if len(qn) != 17 {
		return 0, false
	}
	for i := range len(qn) {
		if qn[i] < '0' || qn[i] > '9' {
			return 0, false
		}
	}
	v, ok := stampOffset([]byte(qn), 0)
	return v, ok
}

// encodeRawColumns packs a terminal-day in format 3.
func encodeRawColumns(recs []rawRecord) []byte {
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].dt < recs[j].dt })
	var c rawCols
	var prevDT int64
	var prevST, prevCN string
	var prev rawTokens
	havePrev := false
	for i, r := range recs {
		c.dts = binary.AppendVarint(c.dts, r.dt-prevDT)
		prevDT = r.dt
		var fl byte
		if r.p.CRCOK {
			fl |= rfCRCOK
		}
		if r.hasDT {
			fl |= rfHasDT
		}
		qnInFrame := frameQN(r.p.Frame) == r.p.QN
		if qnInFrame {
			fl |= rfQNInFrame
		}
		recv := r.p.ReceivedAt.UnixMilli()
		if qt, ok := qnTime(r.p.QN); ok {
			fl |= rfRecvQN
			c.recv = binary.AppendVarint(c.recv, recv-qt)
		} else {
			c.recv = binary.AppendVarint(c.recv, recv-r.dt)
		}
		if i > 0 && r.p.ST == prevST {
			fl |= rfSameST
		}
		if i > 0 && r.p.CN == prevCN {
			fl |= rfSameCN
		}
		c.meta = append(c.meta, fl)
		if fl&rfSameST == 0 {
			c.meta = appendString(c.meta, r.p.ST)
		}
		if fl&rfSameCN == 0 {
			c.meta = appendString(c.meta, r.p.CN)
		}
		if !qnInFrame {
			c.meta = appendString(c.meta, r.p.QN)
		}
		prevST, prevCN = r.p.ST, r.p.CN

		f := r.p.Frame
		mode := byte(frameLiteral)
		if crcTail(f) {
			mode |= frameNoCRC
			f = f[:len(f)-4]
		}
		t, ok := tokenizeRaw(f, r.dt)
		if ok && havePrev && bytes.Equal(t.skel, prev.skel) {
			mode |= frameDelta
			for k, tok := range t.toks {
				c.lens = binary.AppendVarint(c.lens, int64(tok.intLen-prev.toks[k].intLen))
				v := tok.val
				if tok.kind < tokTime14 {
					v -= prev.toks[k].val
				}
				c.value(k, v)
			}
		} else {
			c.lits = binary.AppendUvarint(c.lits, uint64(len(f)))
			c.lits = append(c.lits, f...)
		}
		c.modes = append(c.modes, mode)
		prev, havePrev = t, ok
	}
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(recs)))
	for _, s := range [][]byte{c.meta, c.dts, c.recv, c.modes, c.lens, c.lits} {
		b = appendString(b, string(s))
	}
	b = binary.AppendUvarint(b, uint64(len(c.cols)))
	for _, s := range c.cols {
		b = appendString(b, string(s))
	}
	for _, s := range c.highs {
		b = appendString(b, string(s))
	}
	var z bytes.Buffer
	z.WriteByte(rawColumns)
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// decodeRawColumns unpacks a format 3 blob (its version byte included).
func decodeRawColumns(mn string, blob []byte) ([]rawRecord, error) {
	r, n, err := openRawDay(mn, blob, rawColumns)
	if err != nil {
		return nil, err
	}
	stream := func() *byteReader { return &byteReader{b: r.bytes(int(r.uvarint()))} }
	meta, dts, recv, modes, lens, lits := stream(), stream(), stream(), stream(), stream(), stream()
	ncol := int(r.uvarint())
	if ncol < 0 || ncol > len(r.b) {
		r.fail()
		ncol = 0
	}
	cols := make([]*byteReader, ncol)
	highs := make([]*byteReader, ncol)
	for k := range cols {
		cols[k] = stream()
	}
	for k := range highs {
		highs[k] = stream()
	}
	all := append([]*byteReader{r, meta, dts, recv, modes, lens, lits}, append(cols, highs...)...)
	failed := func() error {
		for _, x := range all {
			if x.err != nil {
				return x.err
			}
		}
		return nil
	}
	recs := make([]rawRecord, 0, n)
	var dt int64
	var st, cn string
	var prev rawTokens
	havePrev := false
	for i := 0; i < n && failed() == nil; i++ {
		dt += dts.varint()
		rec := rawRecord{dt: dt}
		rec.p.MN = mn
		fl := meta.byte()
		rec.p.CRCOK, rec.hasDT = fl&rfCRCOK != 0, fl&rfHasDT != 0
		if rec.hasDT {
			rec.p.DataTime = time.UnixMilli(dt).UTC()
		}
		if fl&rfSameST == 0 {
			st = meta.string()
		}
		if fl&rfSameCN == 0 {
			cn = meta.string()
		}
		rec.p.ST, rec.p.CN = st, cn
		if fl&rfQNInFrame == 0 {
			rec.p.QN = meta.string()
		}
		off := recv.varint()

		mode := modes.byte()
		var f []byte
		if mode&frameDelta != 0 {
			if !havePrev {
				modes.fail()
				break
			}
			t := rawTokens{skel: prev.skel, toks: make([]rawToken, len(prev.toks))}
			k := 0
			for j := 0; j < len(t.skel); j++ {
				ch := t.skel[j]
				if ch != runMark {
					f = append(f, ch)
					continue
				}
				if k >= ncol {
					lens.fail()
					break
				}
				p := prev.toks[k]
				tok := rawToken{kind: p.kind, intLen: p.intLen + int(lens.varint())}
				z := uint64(cols[k].byte()) | highs[k].uvarint()<<8
				v := int64(z>>1) ^ -int64(z&1)
				if tok.kind < tokTime14 {
					v += p.val
				}
				tok.val = v
				var ok bool
				if f, ok = appendToken(f, tok, dt); !ok {
					lens.fail()
					break
				}
				t.toks[k] = tok
				k++
				j++ // the kind byte
			}
			prev = t
		} else {
			f = append(f, lits.bytes(int(lits.uvarint()))...)
			prev, havePrev = tokenizeRaw(f, dt)
		}
		if mode&frameNoCRC != 0 && len(f) >= 6 {
			f = appendCRC(f)
		}
		rec.p.Frame = f
		if fl&rfQNInFrame != 0 {
			rec.p.QN = frameQN(f)
		}
		base := dt
		if fl&rfRecvQN != 0 {
			qt, ok := qnTime(rec.p.QN)
			if !ok {
				recv.fail()
			}
			base = qt
		}
		rec.p.ReceivedAt = time.UnixMilli(base + off).UTC()
		recs = append(recs, rec)
	}
	if err := failed(); err != nil {
		return nil, fmt.Errorf("raw day of %s: %w", mn, err)
	}
	if len(recs) != n {
		return nil, fmt.Errorf("raw day of %s: %w: %d of %d frames", mn, errSeriesBlob, len(recs), n)
	}
	return recs, nil
}

// rawFormat names a blob's format for messages.
func rawFormat(blob []byte) string {
	if len(blob) == 0 {
		return "empty"
	}
	return strconv.Itoa(int(blob[0]))
}
