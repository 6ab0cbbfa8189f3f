package service

import (
	"context"
	"testing"

	"powerwatch/app/internal/fixture"
	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
)

type batchCatcher struct{ b *store.Batch }

func (c *batchCatcher) Append(_ context.Context, b *store.Batch) error { c.b = b; return nil }

// TestRecordSplitUploads: a part of a split upload is stored as a frame (and
// relayed as it came) without values; the assembled message gives the values
// without a frame of its own; one closed incomplete gives them marked so.
func TestRecordSplitUploads(t *testing.T) {
	mn := fixture.MN(0)
	reg := &listener.Registration{Terminal: store.Terminal{MN: mn, RtdInterval: 300e9},
		Points: []store.Point{{ID: 7, PowerCode: "d20505", CurrentCode: "d20405"}}}
	parse := func(qn string, pno int, f hj212.Field) *hj212.Packet {
		p := &hj212.Packet{QN: qn, ST: "44", CN: "2011", PW: fixture.PW, MN: mn, Flag: 7, PNUM: 2, PNO: pno,
			Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag | hj212.HasPNUM | hj212.HasPNO}
		b, err := p.SetFields([]hj212.Field{{Key: "DataTime", Value: hj212.FormatN14(fixture.T0)}, f}).Encode()
		if err != nil {
			t.Fatal(err)
		}
		q, err := hj212.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	p1 := parse("20260302080000001", 1, hj212.Field{Key: "d20505-Rtd", Value: "42"})
	p2 := parse("20260302080000002", 2, hj212.Field{Key: "d20405-Rtd", Value: "70"})
	whole := hj212.Merge([]*hj212.Packet{p1, p2})
	tests := []struct {
		name            string
		u               listener.Upload
		packets, outbox int
		samples         int
		flags           uint8
		wantP, wantI    float64
	}{
		{"part", listener.Upload{Packet: p1, Part: true}, 1, 1, 0, 0, 0, 0},
		{"assembled", listener.Upload{Packet: whole, Assembled: true}, 0, 0, 1, 0, 42, 70},
		{"incomplete", listener.Upload{Packet: hj212.Merge([]*hj212.Packet{p1}), Assembled: true, Incomplete: true}, 0, 0, 1, store.FlagIncomplete, 42, 0},
	}
	for _, tt := range tests {
		c := &batchCatcher{}
		in := &ingest{db: c, uplink: func() []string { return []string{"city:9212"} }}
		u := tt.u
		u.Terminal, u.ReceivedAt = reg, fixture.T0.Add(3e9)
		if err := in.Record(t.Context(), []*listener.Upload{&u}); err != nil {
			t.Fatal(err)
		}
		b := c.b
		if len(b.Packets) != tt.packets || len(b.Outbox) != tt.outbox || len(b.Samples) != tt.samples {
			t.Fatalf("%s: %d packets, %d outbox items, %d samples; want %d, %d, %d", tt.name, len(b.Packets), len(b.Outbox), len(b.Samples), tt.packets, tt.outbox, tt.samples)
		}
		if tt.packets > 0 && (!b.Packets[0].CRCOK || string(b.Packets[0].Frame)+"\r\n" != p1.Raw()) {
			t.Errorf("%s: stored frame %q (CRC ok %v), want the part as received", tt.name, b.Packets[0].Frame, b.Packets[0].CRCOK)
		}
		if tt.samples > 0 {
			s := b.Samples[0]
			if s.P != tt.wantP || (tt.wantI != 0 && s.I != tt.wantI) || s.Flags != tt.flags {
				t.Errorf("%s: sample %+v, want P %v, I %v, flags %d", tt.name, s, tt.wantP, tt.wantI, tt.flags)
			}
		}
	}
}
