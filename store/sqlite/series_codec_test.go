package sqlite

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	"powerwatch/store"
)

var codecDay = time.Date(2026, 11, 2, 0, 0, 0, 0, store.Beijing)

func TestSeriesCodecRoundTrip(t *testing.T) {
	full := make([]store.Sample, 288)
	for i := range full {
		s := store.NewSample(7, codecDay.Add(time.Duration(i)*5*time.Minute))
		s.P, s.I, s.U, s.E, s.PF = 120.125+float64(i%7), 182.5, 380.4, 123456.78+float64(i)*0.37, 0.912
		s.Flags = uint8(i % 3)
		full[i] = s
	}
	sparse := []store.Sample{store.NewSample(7, codecDay.Add(time.Second)), store.NewSample(7, codecDay.Add(23*time.Hour+59*time.Minute+59*time.Second))}
	sparse[0].P, sparse[1].E = -3.5, 7
	odd := []store.Sample{store.NewSample(7, codecDay), store.NewSample(7, codecDay.Add(time.Minute))}
	odd[0].P, odd[1].P, odd[0].U = math.Inf(1), 1e300, -0.05
	tests := []struct {
		name    string
		samples []store.Sample
	}{
		{"empty", nil},
		{"full day of 5-minute slots", full},
		{"some values missing", sparse},
		{"values too large to quantise kept as floats", odd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blob := encodeSeriesDay(codecDay, tt.samples)
			got, err := decodeSeriesDay(nil, 7, codecDay, blob)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.samples) {
				t.Fatalf("decoded %d samples, want %d", len(got), len(tt.samples))
			}
			for i, w := range tt.samples {
				g := got[i]
				if !g.At.Equal(w.At) || g.Flags != w.Flags || g.PointID != 7 {
					t.Fatalf("sample %d = %+v, want %+v", i, g, w)
				}
				for q := range 5 {
					gv, wv := quantity(&g, q), quantity(&w, q)
					if math.IsNaN(wv) != math.IsNaN(gv) || (!math.IsNaN(wv) && math.Abs(gv-wv) > 0.5/quantScales[q] && gv != wv) {
						t.Errorf("sample %d quantity %d = %v, want %v", i, q, gv, wv)
					}
				}
			}
			if tt.name == "full day of 5-minute slots" && len(blob) > 288*12 {
				t.Errorf("full day blob = %d bytes, want ≤ %d", len(blob), 288*12)
			}
		})
	}
}

func FuzzDecodeSeriesDay(f *testing.F) {
	s := store.NewSample(1, codecDay.Add(time.Hour))
	s.P = 3
	f.Add(encodeSeriesDay(codecDay, []store.Sample{s}))
	f.Add([]byte{seriesPlain, 3, 0, 1})
	f.Fuzz(func(t *testing.T, blob []byte) {
		got, err := decodeSeriesDay(nil, 1, codecDay, blob)
		if err != nil {
			return
		}
		// What decodes must survive a round trip.
		again, err := decodeSeriesDay(nil, 1, codecDay, encodeSeriesDay(codecDay, got))
		if err != nil || len(again) != len(got) {
			t.Fatalf("round trip of %d samples = %d, %v", len(got), len(again), err)
		}
	})
}

func TestRawCodecRoundTrip(t *testing.T) {
	var recs []rawRecord
	for i := range 288 {
		at := codecDay.Add(time.Duration(i) * 5 * time.Minute)
		p := store.RawPacket{MN: "M", ST: "44", CN: "2011", QN: at.Format("20060102150405000"), DataTime: at,
			ReceivedAt: at.Add(time.Duration(i) * time.Millisecond), CRCOK: i%5 != 0}
		seg := fmt.Sprintf("QN=%s123456789012345;ST=44;CN=2011;MN=0100000000A89000000001;CP=&&DataTime=%s;d20501-Rtd=%.3f;d20601-Rtd=-%d.%02d&&",
			at.Format("20060102150405"), at.Format("20060102150405"), 100+float64(i*37%1000)/7, i*i, i%100)
		p.Frame = appendCRC(fmt.Appendf(nil, "##%04d%s", len(seg), seg))
		switch {
		case i%7 == 0: // a peer's lower-case CRC stays as sent
			p.Frame = bytes.ToLower(p.Frame)
		case i%11 == 0: // not even text
			p.Frame = append(p.Frame, 0xFF, 0, '9')
		case i%13 == 0:
			p.Frame = []byte("garbage " + at.String())
		case i%3 == 0: // the usual case: QN only in the frame
			p.QN = at.Format("20060102150405") + "123456789012345"
		}
		if i == 3 {
			p.DataTime, p.CN = time.Time{}, "9015"
		}
		recs = append(recs, newRawRecord(p))
	}
	got, err := decodeRawDay("M", encodeRawDay(append([]rawRecord(nil), recs...)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("decoded %d, want %d", len(got), len(recs))
	}
	byKey := map[rawKey]store.RawPacket{}
	for _, r := range got {
		byKey[r.key()] = r.p
	}
	for _, r := range recs {
		g, ok := byKey[r.key()]
		if !ok || string(g.Frame) != string(r.p.Frame) || !g.ReceivedAt.Equal(r.p.ReceivedAt) || !g.DataTime.Equal(r.p.DataTime) ||
			g.CRCOK != r.p.CRCOK || g.QN != r.p.QN || g.ST != r.p.ST || g.CN != r.p.CN {
			t.Fatalf("packet %+v decoded as %+v", r.p, g)
		}
	}
}

func FuzzDecodeRawDay(f *testing.F) {
	f.Add(encodeRawDay([]rawRecord{newRawRecord(store.RawPacket{MN: "M", ST: "44", ReceivedAt: codecDay, Frame: []byte("##")})}))
	f.Fuzz(func(t *testing.T, blob []byte) {
		decodeRawDay("M", blob) // must not panic
	})
}
