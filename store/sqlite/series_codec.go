package sqlite

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"time"

	"powerwatch/store"
)

// A point-day of the series is packed column by column: the slot times as
// delta-of-delta seconds, the flags, then each quantity quantised to a fixed
// number of decimals and delta-encoded as zigzag varints, with a presence
// bitmap when some values are missing. Column order puts similar bytes next to
// each other, and the whole is deflated when that makes it smaller.
//
// Quantisation (decimals kept): P 0.001 kW, I 0.001 A, U 0.1 V, E 0.01 kWh,
// PF 0.001. Meters report no finer than that; the raw frames keep what was
// sent. A column with a value too large to quantise (|v·scale| ≥ 2^50) or
// infinite is stored as raw float64 bits instead, so nothing is ever clipped.
// Times are kept to the second, as DataTime has no finer resolution.

const (
	seriesPlain   = 1 // blob = body
	seriesDeflate = 2 // blob = deflate(body)
)

// Column encodings.
const (
	colNone   = 0 // every value missing
	colAll    = 1 // every value present, quantised deltas follow
	colSome   = 2 // bitmap, then quantised deltas of the present values
	colFloats = 3 // bitmap, then float64 bits of the present values
)

// quantScales are the decimals of P, I, U, E, PF.
var quantScales = [5]float64{1000, 1000, 10, 100, 1000}

const maxQuant = 1 << 50

var errSeriesBlob = errors.New("malformed series blob")

// encodeSeriesDay packs samples of one point and one day starting at day.
// samples must be sorted by At, without two of the same second.
func encodeSeriesDay(day time.Time, samples []store.Sample) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(samples)))
	var prev, prevDelta int64
	for i, s := range samples {
		sec := s.At.Unix() - day.Unix()
		if i == 0 {
			b = binary.AppendUvarint(b, uint64(sec))
		} else {
			d := sec - prev
			b = binary.AppendVarint(b, d-prevDelta)
			prevDelta = d
		}
		prev = sec
	}
	for _, s := range samples {
		b = append(b, s.Flags)
	}
	for q := range 5 {
		b = appendColumn(b, samples, q)
	}
	var z bytes.Buffer
	z.WriteByte(seriesDeflate)
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	w.Write(b)
	w.Close()
	if z.Len() < len(b)+1 {
		return z.Bytes()
	}
	return append([]byte{seriesPlain}, b...)
}

func quantity(s *store.Sample, q int) float64 {
	switch q {
	case 0:
		return s.P
	case 1:
		return s.I
	case 2:
		return s.U
	case 3:
		return s.E
	}
	return s.PF
}

func setQuantity(s *store.Sample, q int, v float64) {
	switch q {
	case 0:
		s.P = v
	case 1:
		s.I = v
	case 2:
		s.U = v
	case 3:
		s.E = v
	default:
		s.PF = v
	}
}

func appendColumn(b []byte, samples []store.Sample, q int) []byte {
	present, floats := 0, false
	for i := range samples {
		v := quantity(&samples[i], q)
		if math.IsNaN(v) {
			continue
		}
		present++
		if math.IsInf(v, 0) || math.Abs(v*quantScales[q]) >= maxQuant {
			floats = true
		}
	}
	switch {
	case present == 0:
		return append(b, colNone)
	case floats:
		b = append(b, colFloats)
		b = appendBitmap(b, samples, q)
	case present == len(samples):
		b = append(b, colAll)
	default:
		b = append(b, colSome)
		b = appendBitmap(b, samples, q)
	}
	var prev int64
	for i := range samples {
		v := quantity(&samples[i], q)
		if math.IsNaN(v) {
			continue
		}
		if floats {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
			continue
		}
		x := int64(math.Round(v * quantScales[q]))
		b = binary.AppendVarint(b, x-prev)
		prev = x
	}
	return b
}

func appendBitmap(b []byte, samples []store.Sample, q int) []byte {
	bm := make([]byte, (len(samples)+7)/8)
	for i := range samples {
		if !math.IsNaN(quantity(&samples[i], q)) {
			bm[i/8] |= 1 << (i % 8)
		}
	}
	return append(b, bm...)
}

// decodeSeriesDay unpacks a blob of encodeSeriesDay, appending to dst.
func decodeSeriesDay(dst []store.Sample, point int64, day time.Time, blob []byte) ([]store.Sample, error) {
	var d seriesDecoder
	return d.decode(dst, point, day, blob)
}

// seriesDecoder keeps the inflater and its buffer between blobs, so that a
// year of one point (365 blobs) is not 365 allocations of deflate state.
type seriesDecoder struct {
	zr  io.ReadCloser
	src bytes.Reader
	buf bytes.Buffer

	secs []int64   // power: the samples' seconds after the day's start
	ps   []float64 // power: their power, NaN when missing
}

func (d *seriesDecoder) inflate(z []byte) ([]byte, error) {
	d.src.Reset(z)
	if d.zr == nil {
		d.zr = flate.NewReader(&d.src)
	} else if err := d.zr.(flate.Resetter).Reset(&d.src, nil); err != nil {
		return nil, err
	}
	d.buf.Reset()
	if _, err := d.buf.ReadFrom(d.zr); err != nil {
		return nil, err
	}
	return d.buf.Bytes(), nil
}

// open checks a series blob's format byte, inflates its body and reads its
// sample count: what decode and power both begin with.
func (d *seriesDecoder) open(blob []byte) (*byteReader, int, error) {
	if len(blob) == 0 {
		return nil, 0, errSeriesBlob
	}
	body := blob[1:]
	switch blob[0] {
	case seriesPlain:
	case seriesDeflate:
		var err error
		if body, err = d.inflate(body); err != nil {
			return nil, 0, fmt.Errorf("%w: %w", errSeriesBlob, err)
		}
	default:
		return nil, 0, fmt.Errorf("%w: format %d", errSeriesBlob, blob[0])
	}
	r := &byteReader{b: body}
	n := int(r.uvarint())
	if r.err != nil || n > 1<<20 || n > len(body) {
		return nil, 0, errSeriesBlob
	}
	return r, n, nil
}

func (d *seriesDecoder) decode(dst []store.Sample, point int64, day time.Time, blob []byte) ([]store.Sample, error) {
	r, n, err := d.open(blob)
	if err != nil {
		return dst, err
	}
	base := len(dst)
	var sec, delta int64
	for i := range n {
		if i == 0 {
			sec = int64(r.uvarint())
		} else {
			delta += r.varint()
			sec += delta
		}
		dst = append(dst, store.NewSample(point, time.Unix(day.Unix()+sec, 0).UTC()))
	}
	out := dst[base:]
	for i := range out {
		out[i].Flags = r.byte()
	}
	for q := range 5 {
		r.column(out, q)
	}
	if r.err != nil {
		return dst[:base], r.err
	}
	return dst, nil
}

// power unpacks only the times (seconds after the day's start) and the
// power column of a blob, into d.secs and d.ps (NaN where a sample has no
// power): the threshold proposal's year of hours needs nothing else, and
// building whole samples was most of its time.
func (d *seriesDecoder) power(blob []byte) error {
	r, n, err := d.open(blob)
	if err != nil {
		return err
	}
	d.secs, d.ps = slices.Grow(d.secs[:0], n)[:n], slices.Grow(d.ps[:0], n)[:n]
	var sec, delta int64
	for i := range n {
		if i == 0 {
			sec = int64(r.uvarint())
		} else {
			delta += r.varint()
			sec += delta
		}
		d.secs[i] = sec
		d.ps[i] = math.NaN()
	}
	r.bytes(n) // the flags
	kind := r.byte()
	if kind != colNone && r.err == nil {
		var bm []byte
		switch kind {
		case colSome, colFloats:
			bm = r.bytes((n + 7) / 8)
		case colAll:
		default:
			r.fail()
		}
		var x int64
		for i := 0; i < n && r.err == nil; i++ {
			if bm != nil && bm[i/8]&(1<<(i%8)) == 0 {
				continue
			}
			if kind == colFloats {
				if raw := r.bytes(8); raw != nil {
					d.ps[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw))
				}
				continue
			}
			x += r.varint()
			d.ps[i] = float64(x) / quantScales[0]
		}
	}
	if r.err != nil {
		d.secs, d.ps = d.secs[:0], d.ps[:0]
		return r.err
	}
	return nil
}

// byteReader reads the body of a series blob; the first error sticks.
type byteReader struct {
	b   []byte
	err error
}

func (r *byteReader) fail() {
	if r.err == nil {
		r.err = errSeriesBlob
	}
	r.b = nil
}

func (r *byteReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *byteReader) bytes(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.fail()
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *byteReader) column(out []store.Sample, q int) {
	kind := r.byte()
	if kind == colNone || r.err != nil {
		return
	}
	var bm []byte
	if kind == colSome || kind == colFloats {
		bm = r.bytes((len(out) + 7) / 8)
	} else if kind != colAll {
		r.fail()
		return
	}
	var x int64
	for i := range out {
		if bm != nil && bm[i/8]&(1<<(i%8)) == 0 {
			continue
		}
		if kind == colFloats {
			if raw := r.bytes(8); raw != nil {
				setQuantity(&out[i], q, math.Float64frombits(binary.LittleEndian.Uint64(raw)))
			}
			continue
		}
		x += r.varint()
		setQuantity(&out[i], q, float64(x)/quantScales[q])
	}
}

// mergeSamples returns old with the samples of add whose second is not yet in
// old, sorted by time, and how many were added. Samples of the same second are
// duplicates: the first one stored wins.
func mergeSamples(old, add []store.Sample) ([]store.Sample, int) {
	seen := make(map[int64]bool, len(old)+len(add))
	for _, s := range old {
		seen[s.At.Unix()] = true
	}
	n := 0
	for _, s := range add {
		if !seen[s.At.Unix()] {
			seen[s.At.Unix()] = true
			old = append(old, s)
			n++
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].At.Before(old[j].At) })
	return old, n
}
