package hj212_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

func addSeeds(f *testing.F) {
	for _, fr := range hj212test.Frames {
		f.Add([]byte(fr.Raw))
	}
	f.Add([]byte("##0012abc\r\n##0101" + "x"))
	f.Add(hj212test.Stream("Std1062", "InfoUTF8", "Part1of2"))
}

// FuzzParse: any bytes give a packet or a *SyntaxError, never a panic; a
// packet re-encodes into a frame that parses to the same packet.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := hj212.Parse(b)
		if err != nil {
			var se *hj212.SyntaxError
			if !errors.As(err, &se) || se.Kind < hj212.KindFraming || se.Kind > hj212.KindField {
				t.Fatalf("Parse error %T %v is not a *SyntaxError of a known kind", err, err)
			}
			return
		}
		if p.Raw() != string(b) {
			t.Fatalf("Raw() = %q, want the input", p.Raw())
		}
		_, _ = p.DataTime()
		for i := range p.NumFields() {
			fl := p.Field(i)
			_, _ = p.Float(fl.Code(), fl.Suffix())
		}
		out, err := p.Encode()
		if err != nil {
			return // values the standard forbids (e.g. "&&" inside a header value) are not re-encoded
		}
		q, err := hj212.Parse(out)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if diff := cmp.Diff(p, q, ignorePrivate, cmpopts.IgnoreFields(hj212.Packet{}, "Warnings"), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("re-parse mismatch (-first +second):\n%s", diff)
		}
		if diff := cmp.Diff(p.Fields(), q.Fields(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("re-parse CP mismatch (-first +second):\n%s", diff)
		}
	})
}

// FuzzSplit: the Reader and the SplitFunc agree on the good frames of any
// stream, however it is cut into reads, and never panic.
func FuzzSplit(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var viaScanner [][]byte
		sc := bufio.NewScanner(iotest.HalfReader(bytes.NewReader(b)))
		sc.Split(hj212.SplitFunc(2048))
		for sc.Scan() {
			viaScanner = append(viaScanner, bytes.Clone(sc.Bytes()))
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("Scanner: %v", err)
		}
		var viaReader [][]byte
		r := hj212.NewReader(iotest.OneByteReader(bytes.NewReader(b)), 2048)
		for i := 0; ; i++ {
			if i > len(b)+10 {
				t.Fatal("Reader makes no progress")
			}
			fr, err := r.ReadFrame()
			if err == io.EOF {
				break
			}
			var se *hj212.SyntaxError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("ReadFrame: %v", err)
			}
			if err == nil {
				viaReader = append(viaReader, bytes.Clone(fr))
			}
		}
		if len(viaReader) != len(viaScanner) {
			t.Fatalf("Reader found %d frames, SplitFunc %d", len(viaReader), len(viaScanner))
		}
		for i := range viaReader {
			if !bytes.Equal(viaReader[i], viaScanner[i]) {
				t.Fatalf("frame %d: Reader %q, SplitFunc %q", i, viaReader[i], viaScanner[i])
			}
			if !bytes.Contains(b, viaReader[i]) {
				t.Fatalf("frame %q is not in the stream", viaReader[i])
			}
			if _, err := hj212.Parse(viaReader[i]); err != nil && (errors.Is(err, hj212.ErrChecksum) || errors.Is(err, hj212.ErrLength)) {
				t.Fatalf("split frame %q fails Parse framing: %v", viaReader[i], err)
			}
		}
	})
}

// FuzzRoundTrip: a packet built from arbitrary header values and CP pairs
// either fails to encode or encodes to a frame that parses to the same fields.
func FuzzRoundTrip(f *testing.F) {
	f.Add("20260115103000123", "44", "2011", "123456", "3A1B2C3D4E5F60718293A4B5", uint8(9), "d20105-Rtd", "220.20", "清洗", true)
	f.Fuzz(func(t *testing.T, qn, st, cn, pw, mn string, flag uint8, k, v, text string, grouped bool) {
		p := &hj212.Packet{QN: qn, ST: st, CN: cn, PW: pw, MN: mn, Flag: hj212.Flag(flag),
			Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag}
		p.SetFields([]hj212.Field{{Key: k, Value: v}, {Key: "i11001-Info", Value: text, Grouped: grouped}})
		if p.Flag.Split() {
			p.PNUM, p.PNO = 1, 1
		}
		b, err := p.Encode()
		if err != nil {
			return
		}
		q, err := hj212.Parse(b)
		if err != nil {
			var se *hj212.SyntaxError
			if errors.As(err, &se) && se.Kind == hj212.KindField {
				return // Encode frames any grammar-safe text; Parse then checks QN, ST, CN…
			}
			t.Fatalf("Parse(Encode()) = %v for %q", err, b)
		}
		want := p.Fields()
		if v == "" && k == "" {
			want = want[1:]
		}
		if diff := cmp.Diff(want, q.Fields(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("CP mismatch for %q (-want +got):\n%s", b, diff)
		}
		if q.QN != qn || q.ST != st || q.CN != cn || q.PW != pw || q.MN != mn || q.Flag != p.Flag {
			t.Fatalf("header mismatch for %q", b)
		}
	})
}
