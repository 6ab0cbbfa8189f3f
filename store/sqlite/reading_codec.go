package sqlite

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"time"

	"powerwatch/store"
)

// A terminal-day of raw packets is packed as deflate(meta ‖ frame streams):
// first the count, then per packet its DataTime as a delta from the previous
// one, its receive time as a delta from its DataTime, CRC status, ST and CN
// (one byte when unchanged) and QN unless the frame holds it as QN=…; then the frames, transformed by
// frameStreams (reading_frames.go) into a few streams of small numbers.

const rawDeflate = 2

// rawRecord is a packet with its identity in stored form.
type rawRecord struct {
	p         store.RawPacket
	dt        int64 // DataTime ms, or ReceivedAt ms when the packet has none
	hasDT     bool
	qnInFrame bool // decoding: QN is to be read from the frame
}

func newRawRecord(p store.RawPacket) rawRecord {
	if p.DataTime.IsZero() {
		return rawRecord{p: p, dt: p.ReceivedAt.UnixMilli()}
	}
	return rawRecord{p: p, dt: p.DataTime.UnixMilli(), hasDT: true}
}

func (r rawRecord) key() rawKey { return rawKey{r.p.MN, r.p.ST, r.p.CN, r.dt} }

type rawKey struct {
	mn, st, cn string
	dt         int64
}

// encodeRawDay packs a terminal-day in the current format (raw_codec.go).
func encodeRawDay(recs []rawRecord) []byte { return encodeRawColumns(recs) }

// encodeRawDeflate packs a terminal-day in format 2, which blobs written
// before format 3 hold; kept so that tests can make such blobs.
func encodeRawDeflate(recs []rawRecord) []byte {
	sort.Slice(recs, func(i, j int) bool { return recs[i].dt < recs[j].dt })
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(recs)))
	var prevDT int64
	var prevST, prevCN string
	for i, r := range recs {
		b = binary.AppendVarint(b, r.dt-prevDT)
		prevDT = r.dt
		b = binary.AppendVarint(b, r.p.ReceivedAt.UnixMilli()-r.dt)
		var fl byte
		if r.p.CRCOK {
			fl |= 1
		}
		if r.hasDT {
			fl |= 2
		}
		qnInFrame := frameQN(r.p.Frame) == r.p.QN
		if qnInFrame {
			fl |= 4
		}
		b = append(b, fl)
		b = appendSameOrString(b, i > 0 && r.p.ST == prevST, r.p.ST)
		b = appendSameOrString(b, i > 0 && r.p.CN == prevCN, r.p.CN)
		prevST, prevCN = r.p.ST, r.p.CN
		if !qnInFrame {
			b = appendString(b, r.p.QN)
		}
	}
	var fs frameStreams
	var prev frameTokens
	for _, r := range recs {
		fs.add(&prev, r.p.Frame)
	}
	for _, s := range [][]byte{fs.modes, fs.lens, fs.vals, fs.lits} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	var z bytes.Buffer
	z.WriteByte(rawDeflate)
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// frameQN returns the value of the frame's QN=… field, "" when it has none.
func frameQN(f []byte) string {
	i := bytes.Index(f, []byte("QN="))
	if i < 0 {
		return ""
	}
	v := f[i+3:]
	if j := bytes.IndexByte(v, ';'); j >= 0 {
		return string(v[:j])
	}
	return ""
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendSameOrString(b []byte, same bool, s string) []byte {
	if same {
		return append(b, 0)
	}
	b = append(b, 1)
	return appendString(b, s)
}

// openRawDay checks a raw day blob's version byte, inflates its body and
// reads its record count, the start both formats share. A count larger than
// the body marks the reader failed (n is then 0).
func openRawDay(mn string, blob []byte, version byte) (*byteReader, int, error) {
	if len(blob) == 0 || blob[0] != version {
		return nil, 0, fmt.Errorf("raw day of %s: %w", mn, errSeriesBlob)
	}
	body, err := io.ReadAll(flate.NewReader(bytes.NewReader(blob[1:])))
	if err != nil {
		return nil, 0, fmt.Errorf("raw day of %s: %w: %w", mn, errSeriesBlob, err)
	}
	r := &byteReader{b: body}
	n := int(r.uvarint())
	if n < 0 || n > len(body) {
		r.fail()
		n = 0
	}
	return r, n, nil
}

// decodeRawDay unpacks a raw day blob of either format for terminal mn.
func decodeRawDay(mn string, blob []byte) ([]rawRecord, error) {
	if len(blob) > 0 && blob[0] == rawColumns {
		return decodeRawColumns(mn, blob)
	}
	r, n, err := openRawDay(mn, blob, rawDeflate)
	if err != nil {
		return nil, err
	}
	recs := make([]rawRecord, 0, n)
	var dt int64
	var st, cn string
	for i := 0; i < n && r.err == nil; i++ {
		dt += r.varint()
		rec := rawRecord{dt: dt}
		rec.p.MN = mn
		rec.p.ReceivedAt = time.UnixMilli(dt + r.varint()).UTC()
		fl := r.byte()
		rec.p.CRCOK, rec.hasDT = fl&1 != 0, fl&2 != 0
		if rec.hasDT {
			rec.p.DataTime = time.UnixMilli(dt).UTC()
		}
		st, cn = r.sameOrString(st), r.sameOrString(cn)
		rec.p.ST, rec.p.CN = st, cn
		if fl&4 == 0 {
			rec.p.QN = r.string()
		} else {
			rec.qnInFrame = true
		}
		recs = append(recs, rec)
	}
	stream := func() *byteReader { return &byteReader{b: r.bytes(int(r.uvarint()))} }
	fr := &frameReader{modes: stream(), lens: stream(), vals: stream(), lits: stream()}
	for i := range recs {
		if r.err != nil || fr.err() != nil {
			break
		}
		recs[i].p.Frame = fr.next()
		if recs[i].qnInFrame {
			recs[i].p.QN = frameQN(recs[i].p.Frame)
		}
	}
	if r.err == nil {
		r.err = fr.err()
	}
	if r.err != nil {
		return nil, fmt.Errorf("raw day of %s: %w", mn, r.err)
	}
	return recs, nil
}

func (r *byteReader) string() string {
	return string(r.bytes(int(r.uvarint())))
}

func (r *byteReader) sameOrString(prev string) string {
	if r.byte() == 0 {
		return prev
	}
	return r.string()
}
