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

// A terminal-day of raw packets is packed as deflate(meta ‖ frames): first the
// count, then per packet its DataTime as a delta from the previous one, its
// receive time as a delta from its DataTime, CRC status, ST and CN (one byte
// when unchanged) and QN, and after all of that the frames one after another.
// Frames of one terminal differ only in a few digits, so deflate finds each one
// in the previous and keeps little more than the changed digits.

const rawDeflate = 1

// rawRecord is a packet with its identity in stored form.
type rawRecord struct {
	p     store.RawPacket
	dt    int64 // DataTime ms, or ReceivedAt ms when the packet has none
	hasDT bool
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

func encodeRawDay(recs []rawRecord) []byte {
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
		b = append(b, fl)
		b = appendSameOrString(b, i > 0 && r.p.ST == prevST, r.p.ST)
		b = appendSameOrString(b, i > 0 && r.p.CN == prevCN, r.p.CN)
		prevST, prevCN = r.p.ST, r.p.CN
		b = appendString(b, r.p.QN)
	}
	for _, r := range recs {
		b = binary.AppendUvarint(b, uint64(len(r.p.Frame)))
		b = append(b, r.p.Frame...)
	}
	var z bytes.Buffer
	z.WriteByte(rawDeflate)
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(b)
	w.Close()
	return z.Bytes()
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

// decodeRawDay unpacks a blob of encodeRawDay for terminal mn.
func decodeRawDay(mn string, blob []byte) ([]rawRecord, error) {
	if len(blob) == 0 || blob[0] != rawDeflate {
		return nil, fmt.Errorf("raw day of %s: %w", mn, errSeriesBlob)
	}
	body, err := io.ReadAll(flate.NewReader(bytes.NewReader(blob[1:])))
	if err != nil {
		return nil, fmt.Errorf("raw day of %s: %w: %w", mn, errSeriesBlob, err)
	}
	r := &byteReader{b: body}
	n := int(r.uvarint())
	if n < 0 || n > len(body) {
		r.fail()
		n = 0
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
		rec.p.QN = r.string()
		recs = append(recs, rec)
	}
	for i := range recs {
		if r.err != nil {
			break
		}
		recs[i].p.Frame = bytes.Clone(r.bytes(int(r.uvarint())))
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
