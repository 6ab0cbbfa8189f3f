package sqlite

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"powerwatch/store"
)

// randomFrame builds a frame of the kinds terminals send and of the kinds
// they should not: decimal values that cross a unit, carry or lose digits,
// negative values, leading zeros, digit runs longer than an int64, stamps
// that are not times, bytes that are not text.
func randomFrame(rng *rand.Rand, at time.Time, i int, skel int) []byte {
	num := func() string {
		switch rng.IntN(9) {
		case 0:
			return fmt.Sprintf("%d", rng.Int64())
		case 1:
			return fmt.Sprintf("-%d.%02d", rng.IntN(50), rng.IntN(100))
		case 2:
			return fmt.Sprintf("%07.3f", rng.Float64()*20)
		case 3:
			return "1234567890123456789012345.5"
		case 4:
			return fmt.Sprintf("%d.", rng.IntN(10))
		case 5:
			return fmt.Sprintf("0.%018d", rng.Int64N(1e17))
		default:
			return fmt.Sprintf("%.3f", 9.9+float64(i%7)*0.05+rng.Float64()/100)
		}
	}
	qn := at.Add(time.Duration(rng.IntN(15000)) * time.Millisecond).In(store.Beijing).Format("20060102150405.000")
	qn = qn[:14] + qn[15:]
	if rng.IntN(20) == 0 {
		qn = "20261399250000123" // digits, not a time
	}
	seg := fmt.Sprintf("QN=%s;ST=44;CN=2011;PW=123456;MN=0100A89000000000010000%02d;Flag=%d;CP=&&DataTime=%s;",
		qn, skel, 4+rng.IntN(2)*5, at.In(store.Beijing).Format("20060102150405"))
	for k := range 2 + skel%3 {
		seg += fmt.Sprintf("d2%d501-Rtd=%s;d2%d501-Flag=N;d2%d601-Rtd=%.2f;", k, num(), k, k, 2353.24+float64(i)*0.21)
	}
	seg += "&&"
	f := appendCRC(fmt.Appendf(nil, "##%04d%s", len(seg), seg))
	switch rng.IntN(30) {
	case 0:
		f = bytes.ToLower(f)
	case 1:
		f = append(f, 0xFF, '7')
	case 2:
		f = f[:rng.IntN(len(f))]
	case 3:
		f[len(f)-1] = 'X' // a wrong CRC stays as received
	}
	return f
}

// TestRawColumnsRoundTripProperty: every terminal-day of random frames comes
// back exactly (frame bytes, QN, DataTime, receive time, CRC status, ST, CN)
// from format 3, and a day packed in format 2 still reads.
func TestRawColumnsRoundTripProperty(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 7))
		day := time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing).AddDate(0, 0, int(seed))
		var recs []rawRecord
		n := rng.IntN(300)
		skel := 0
		for i := range n {
			if rng.IntN(40) == 0 {
				skel = rng.IntN(5)
			}
			at := day.Add(time.Duration(i) * 5 * time.Minute)
			p := store.RawPacket{MN: "M", ST: "44", CN: "2011", DataTime: at, CRCOK: rng.IntN(10) != 0}
			p.Frame = randomFrame(rng, at, i, skel)
			p.QN = frameQN(p.Frame)
			switch rng.IntN(12) {
			case 0:
				p.QN = "20261101000000123" // a QN beside the frame's
			case 1:
				p.DataTime = time.Time{}
			case 2:
				p.CN, p.ST = "9014", "91"
			}
			p.ReceivedAt = at.Add(time.Duration(rng.IntN(20000)-2000) * time.Millisecond)
			if rng.IntN(3) == 0 && i > 0 { // a second frame of the same time
				p.DataTime = recs[len(recs)-1].p.DataTime
			}
			recs = append(recs, newRawRecord(p))
		}
		for _, enc := range []struct {
			name string
			f    func([]rawRecord) []byte
		}{{"format 3", encodeRawColumns}, {"format 2", encodeRawDeflate}} {
			in := append([]rawRecord(nil), recs...)
			blob := enc.f(in) // sorts in by time, stably for format 3
			got, err := decodeRawDay("M", blob)
			if err != nil {
				t.Fatalf("seed %d, %s: %v", seed, enc.name, err)
			}
			if len(got) != len(in) {
				t.Fatalf("seed %d, %s: %d frames back, want %d", seed, enc.name, len(got), len(in))
			}
			want := map[string]int{}
			for _, r := range in {
				want[packetString(r.p)]++
			}
			for _, r := range got {
				s := packetString(r.p)
				if want[s] == 0 {
					t.Fatalf("seed %d, %s: decoded a packet not packed: %s", seed, enc.name, s)
				}
				want[s]--
			}
		}
	}
}

func packetString(p store.RawPacket) string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%d|%v|%q", p.MN, p.ST, p.CN, p.QN, p.DataTime.UnixMilli(), p.ReceivedAt.UnixMilli(), p.CRCOK, p.Frame)
}

// TestRawColumnsSmaller: on frames like the generator's (two points, values
// with noise), format 3 is well below format 2.
func TestRawColumnsSmaller(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing)
	var recs []rawRecord
	e := 2353.24
	for i := range 288 {
		at := day.Add(time.Duration(i) * 5 * time.Minute)
		qt := at.Add(time.Duration(3000+rng.IntN(12000)) * time.Millisecond)
		p := 2.5 + rng.Float64()/2
		e += p / 12
		seg := fmt.Sprintf("QN=%s;ST=44;CN=2011;PW=123456;MN=0100A8900000000001000001;Flag=9;CP=&&DataTime=%s;d20501-Rtd=%.3f;d20501-Flag=N;d20401-Rtd=%.2f;d20101-Rtd=%.1f;d20601-Rtd=%.2f;d20701-Rtd=0.350&&",
			qt.In(store.Beijing).Format("20060102150405")+fmt.Sprintf("%03d", qt.Nanosecond()/1e6), at.In(store.Beijing).Format("20060102150405"),
			p, p*4.3, 380+rng.Float64()*4, e)
		f := appendCRC(fmt.Appendf(nil, "##%04d%s", len(seg), seg))
		recs = append(recs, newRawRecord(store.RawPacket{MN: "M", ST: "44", CN: "2011", QN: frameQN(f), DataTime: at,
			ReceivedAt: qt.Add(time.Second), CRCOK: true, Frame: f}))
	}
	v2 := len(encodeRawDeflate(append([]rawRecord(nil), recs...)))
	v3 := len(encodeRawColumns(append([]rawRecord(nil), recs...)))
	t.Logf("288 frames: format 2 %d bytes, format 3 %d bytes", v2, v3)
	if v3*10 > v2*7 {
		t.Fatalf("format 3 takes %d bytes, format 2 %d: expected at most 70%%", v3, v2)
	}
}

func FuzzDecodeRawColumns(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 4))
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing)
	var recs []rawRecord
	for i := range 5 {
		at := day.Add(time.Duration(i) * 5 * time.Minute)
		fr := randomFrame(rng, at, i, 1)
		recs = append(recs, newRawRecord(store.RawPacket{MN: "M", ST: "44", CN: "2011", QN: frameQN(fr), DataTime: at, ReceivedAt: at, Frame: fr}))
	}
	f.Add(encodeRawColumns(recs))
	f.Fuzz(func(t *testing.T, blob []byte) {
		got, err := decodeRawDay("M", blob) // must not panic
		if err != nil {
			return
		}
		back, err := decodeRawDay("M", encodeRawColumns(append([]rawRecord(nil), got...)))
		if err != nil || len(back) != len(got) {
			t.Fatalf("round trip of %d frames = %d, %v", len(got), len(back), err)
		}
	})
}
