package sqlite

import (
	"encoding/binary"
	"strconv"
)

// Frames of one terminal differ from the previous frame in a few digit runs
// (QN, DataTime, the values) and in the CRC. Deflate alone pays a match
// restart for every changed spot, so raw days first go through this
// transform: each frame is split into its skeleton (the non-digit text, one
// marker per digit run) and its digit runs. When the skeleton equals the
// previous frame's, only the runs are written, each as the change of its
// length and of its numeric value against the same run of the previous frame;
// otherwise the frame is written literally. A trailing CRC that is the
// correct upper-case HJ 212 CRC is dropped and recomputed on decoding. The
// frame bytes come back exactly.

const (
	runMark   = 0xFF // skeleton marker of a digit run; frames holding 0xFF go literal
	maxRunLen = 18   // digits per run, so that a run fits an int64
)

// frameModes.
const (
	frameLiteral = 0
	frameDelta   = 1
	frameNoCRC   = 2 // bit: the last 4 bytes were the HJ 212 CRC and were dropped
)

// frameTokens is a frame split into skeleton and digit runs.
type frameTokens struct {
	skel []byte
	lens []int
	vals []int64
}

func tokenize(f []byte) (frameTokens, bool) {
	var t frameTokens
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
		j := i
		for j < len(f) && j-i < maxRunLen && f[j] >= '0' && f[j] <= '9' {
			j++
		}
		v, _ := strconv.ParseInt(string(f[i:j]), 10, 64)
		t.skel = append(t.skel, runMark)
		t.lens = append(t.lens, j-i)
		t.vals = append(t.vals, v)
		i = j
	}
	return t, true
}

// frameStreams are the separate byte streams of the transform; keeping
// like with like lets deflate do well on each.
type frameStreams struct {
	modes, lens, vals, lits []byte
}

// hj212CRC is the HJ 212 checksum (Appendix A; see listener/hj212, which this
// package may not import): register 0xFFFF, each byte fed as r = (r >> 8) ^ b,
// then eight reflected 0xA001 steps — one lookup in crc212Table. Compaction
// and the generator check every frame they pack, so the bitwise form was a
// fifth of their time.
func hj212CRC(b []byte) uint16 {
	r := uint16(0xFFFF)
	for _, c := range b {
		r = crc212Table[byte(r>>8)^c]
	}
	return r
}

// crc212Table[i] is the register after the eight steps from i.
var crc212Table = func() (t [256]uint16) {
	for i := range t {
		r := uint16(i)
		for range 8 {
			if r&1 == 1 {
				r = r>>1 ^ 0xA001
			} else {
				r >>= 1
			}
		}
		t[i] = r
	}
	return t
}()

const hexUpper = "0123456789ABCDEF"

// crcTail reports whether f ends in the correct upper-case CRC of its data
// segment (f = "##" LLLL segment CRC).
func crcTail(f []byte) bool {
	if len(f) < 10 || f[0] != '#' || f[1] != '#' {
		return false
	}
	c := hj212CRC(f[6 : len(f)-4])
	t := f[len(f)-4:]
	return t[0] == hexUpper[c>>12] && t[1] == hexUpper[c>>8&15] && t[2] == hexUpper[c>>4&15] && t[3] == hexUpper[c&15]
}

func appendCRC(f []byte) []byte {
	c := hj212CRC(f[6:])
	return append(f, hexUpper[c>>12], hexUpper[c>>8&15], hexUpper[c>>4&15], hexUpper[c&15])
}

func (s *frameStreams) add(prev *frameTokens, f []byte) {
	mode := byte(frameLiteral)
	if crcTail(f) {
		mode |= frameNoCRC
		f = f[:len(f)-4]
	}
	t, ok := tokenize(f)
	if ok && prev.skel != nil && string(t.skel) == string(prev.skel) {
		mode |= frameDelta
		for i := range t.lens {
			s.lens = binary.AppendVarint(s.lens, int64(t.lens[i]-prev.lens[i]))
			s.vals = binary.AppendVarint(s.vals, t.vals[i]-prev.vals[i])
		}
	} else {
		s.lits = binary.AppendUvarint(s.lits, uint64(len(f)))
		s.lits = append(s.lits, f...)
	}
	s.modes = append(s.modes, mode)
	if ok {
		*prev = t
	} else {
		*prev = frameTokens{}
	}
}

// frameReader undoes frameStreams.add frame by frame.
type frameReader struct {
	modes, lens, vals, lits *byteReader
	prev                    frameTokens
}

func (r *frameReader) next() []byte {
	mode := r.modes.byte()
	var f []byte
	if mode&frameDelta != 0 {
		if r.prev.skel == nil {
			r.modes.fail()
			return nil
		}
		t := frameTokens{skel: r.prev.skel, lens: make([]int, len(r.prev.lens)), vals: make([]int64, len(r.prev.vals))}
		k := 0
		for _, c := range t.skel {
			if c != runMark {
				f = append(f, c)
				continue
			}
			t.lens[k] = r.prev.lens[k] + int(r.lens.varint())
			t.vals[k] = r.prev.vals[k] + r.vals.varint()
			if t.lens[k] < 1 || t.lens[k] > maxRunLen || t.vals[k] < 0 {
				r.lens.fail()
				return nil
			}
			f = appendPadded(f, t.vals[k], t.lens[k])
			k++
		}
		r.prev = t
	} else {
		f = append(f, r.lits.bytes(int(r.lits.uvarint()))...)
		t, ok := tokenize(f)
		r.prev = frameTokens{}
		if ok {
			r.prev = t
		}
	}
	if mode&frameNoCRC != 0 && len(f) >= 6 {
		f = appendCRC(f)
	}
	return f
}

func appendPadded(b []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func (r *frameReader) err() error {
	for _, x := range []*byteReader{r.modes, r.lens, r.vals, r.lits} {
		if x.err != nil {
			return x.err
		}
	}
	return nil
}
