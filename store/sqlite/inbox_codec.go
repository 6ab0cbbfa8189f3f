package sqlite

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"powerwatch/store"
)

// The inbox keeps each appended batch as one blob: what the batch holds, in
// order, with lengths as uvarints. Times are Unix nanoseconds (a zero time is
// flagged, not encoded), floats their IEEE bits so that NaN ("not sent")
// survives. An outbox item whose payload is its packet's frame — every relayed
// upload — refers to it instead of repeating it.

const inboxFormat = 1

var errInboxBlob = errors.New("damaged inbox entry")

func encodeBatch(b *store.Batch) []byte {
	n := 16
	for _, p := range b.Packets {
		n += 48 + len(p.MN) + len(p.ST) + len(p.CN) + len(p.QN) + len(p.Frame)
	}
	n += 50 * len(b.Samples)
	for _, o := range b.Outbox {
		n += 32 + len(o.Target) + len(o.Kind) + len(o.Key)
	}
	e := make([]byte, 0, n)
	e = append(e, inboxFormat)
	e = binary.AppendUvarint(e, uint64(len(b.Packets)))
	for _, p := range b.Packets {
		e = appendBytes(e, []byte(p.MN))
		e = appendBytes(e, []byte(p.ST))
		e = appendBytes(e, []byte(p.CN))
		e = appendBytes(e, []byte(p.QN))
		e = appendTime(e, p.DataTime)
		e = appendTime(e, p.ReceivedAt)
		e = appendBool(e, p.CRCOK)
		e = appendBytes(e, p.Frame)
	}
	e = binary.AppendUvarint(e, uint64(len(b.Samples)))
	for _, s := range b.Samples {
		e = binary.AppendVarint(e, s.PointID)
		e = appendTime(e, s.At)
		for _, v := range [...]float64{s.P, s.I, s.U, s.E, s.PF} {
			e = binary.LittleEndian.AppendUint64(e, math.Float64bits(v))
		}
		e = append(e, s.Flags)
	}
	e = binary.AppendUvarint(e, uint64(len(b.Outbox)))
	for _, o := range b.Outbox {
		e = appendBytes(e, []byte(o.Target))
		e = appendBytes(e, []byte(o.Kind))
		e = appendBytes(e, []byte(o.Key))
		e = appendTime(e, o.CreatedAt)
		e = binary.AppendUvarint(e, uint64(o.Packet))
		if o.Packet > 0 && o.Packet <= len(b.Packets) && bytes.Equal(o.Payload, b.Packets[o.Packet-1].Frame) {
			e = append(e, 1) // the packet's frame
			continue
		}
		e = append(e, 0)
		e = appendBytes(e, o.Payload)
	}
	return e
}

func appendBytes(e, b []byte) []byte {
	e = binary.AppendUvarint(e, uint64(len(b)))
	return append(e, b...)
}

func appendTime(e []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(e, 0)
	}
	e = append(e, 1)
	return binary.AppendVarint(e, t.UnixNano())
}

func appendBool(e []byte, v bool) []byte {
	if v {
		return append(e, 1)
	}
	return append(e, 0)
}

// batchDecoder reads what encodeBatch wrote; the first error sticks.
type batchDecoder struct {
	b   []byte
	err error
}

func (d *batchDecoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d", errInboxBlob, what, len(d.b))
	}
	d.b = nil
}

func (d *batchDecoder) uvarint(what string) uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *batchDecoder) varint(what string) int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *batchDecoder) byte(what string) byte {
	if len(d.b) < 1 {
		d.fail(what)
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// count reads a length that can be no more than the bytes left, each item
// taking at least min of them, so that a damaged length cannot make the
// decoder allocate more than the blob justifies.
func (d *batchDecoder) count(what string, min int) int {
	n := d.uvarint(what)
	if d.err == nil && n > uint64(len(d.b)/min) {
		d.fail(what + " too large")
		return 0
	}
	return int(n)
}

func (d *batchDecoder) bytes(what string) []byte {
	n := d.count(what, 1)
	if d.err != nil {
		return nil
	}
	v := bytes.Clone(d.b[:n])
	d.b = d.b[n:]
	return v
}

func (d *batchDecoder) string(what string) string { return string(d.bytes(what)) }

func (d *batchDecoder) time(what string) time.Time {
	switch d.byte(what) {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(0, d.varint(what))
	}
	d.fail(what)
	return time.Time{}
}

func (d *batchDecoder) float(what string) float64 {
	if len(d.b) < 8 {
		d.fail(what)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func decodeBatch(blob []byte) (*store.Batch, error) {
	d := &batchDecoder{b: blob}
	if v := d.byte("format"); d.err == nil && v != inboxFormat {
		return nil, fmt.Errorf("%w: format %d, want %d", errInboxBlob, v, inboxFormat)
	}
	b := &store.Batch{}
	if n := d.count("packet count", 8); n > 0 {
		b.Packets = make([]store.RawPacket, n)
	}
	for i := range b.Packets {
		p := &b.Packets[i]
		p.MN, p.ST, p.CN, p.QN = d.string("MN"), d.string("ST"), d.string("CN"), d.string("QN")
		p.DataTime, p.ReceivedAt = d.time("DataTime"), d.time("received time")
		p.CRCOK = d.byte("CRC flag") == 1
		p.Frame = d.bytes("frame")
	}
	if n := d.count("sample count", 43); n > 0 {
		b.Samples = make([]store.Sample, n)
	}
	for i := range b.Samples {
		s := &b.Samples[i]
		s.PointID, s.At = d.varint("point"), d.time("sample time")
		s.P, s.I, s.U, s.E, s.PF = d.float("P"), d.float("I"), d.float("U"), d.float("E"), d.float("PF")
		s.Flags = d.byte("flags")
	}
	if n := d.count("outbox count", 6); n > 0 {
		b.Outbox = make([]store.OutboxItem, n)
	}
	for i := range b.Outbox {
		o := &b.Outbox[i]
		o.Target, o.Kind, o.Key = d.string("target"), d.string("kind"), d.string("key")
		o.CreatedAt = d.time("created time")
		o.Packet = int(d.uvarint("packet"))
		if d.byte("payload kind") == 1 {
			if o.Packet < 1 || o.Packet > len(b.Packets) {
				d.fail("outbox packet")
				break
			}
			o.Payload = b.Packets[o.Packet-1].Frame
			continue
		}
		o.Payload = d.bytes("payload")
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the batch", errInboxBlob, len(d.b))
	}
	return b, nil
}
