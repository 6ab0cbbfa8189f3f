package hj212_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

// TestDecodeLines: one JSON line per input line, whatever ends it (LF, CR
// LF, the frame's own CR LF, nothing at the end of input); a line longer
// than MaxDecodeLine is one error line and the next line is read again.
func TestDecodeLines(t *testing.T) {
	frame := strings.TrimSuffix(hj212test.ByName("Std1062").Raw, "\r\n")
	long := strings.Repeat("#", hj212.MaxDecodeLine+10)
	for _, c := range []struct {
		name, in string
		want     []string // each line's start
	}{
		{"empty input", "", nil},
		{"LF", frame + "\n", []string{`{"ok":true`}},
		{"CR LF", frame + "\r\n", []string{`{"ok":true`}},
		{"no LF at the end", frame + "\n" + frame, []string{`{"ok":true`, `{"ok":true`}},
		{"garbage between", frame + "\nxyz\n" + frame + "\n", []string{`{"ok":true`, `{"ok":false,"error":"framing:`, `{"ok":true`}},
		{"too long, then a frame", long + "\n" + frame + "\n", []string{`{"ok":false,"error":"length: line longer than 65536 bytes"}`, `{"ok":true`}},
	} {
		var out strings.Builder
		if err := hj212.DecodeLines(t.Context(), strings.NewReader(c.in), &out); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if out.Len() == 0 {
			got = nil
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %d lines, want %d:\n%s", c.name, len(got), len(c.want), out.String())
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], c.want[i]) {
				t.Errorf("%s: line %d = %.80s, want it to start %s", c.name, i+1, got[i], c.want[i])
			}
		}
	}
}

// TestFrames: a packet that fits is one frame; one over MaxSegment is
// refused, or split into parts that each fit; what cannot be encoded or
// would not decode is an error of its own kind.
func TestFrames(t *testing.T) {
	packet := func(qn, cn, mn string, factors int) *hj212.Packet {
		p := &hj212.Packet{QN: qn, ST: "44", CN: cn, MN: mn, PW: "123456", Flag: 5,
			Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag}
		cp := "DataTime=20260302100000"
		for i := range factors {
			cp += fmt.Sprintf(";d2%04d-Rtd=%d.25,d2%04d-Flag=N", i, i, i)
		}
		fields, err := hj212.ParseCP(cp)
		if err != nil {
			t.Fatal(err)
		}
		p.SetFields(fields)
		return p
	}
	const qn, mn = "20260302100000000", "010000A8900016F000169DC0"
	for _, c := range []struct {
		name    string
		p       *hj212.Packet
		split   bool
		frames  int
		wantErr error
	}{
		{"fits", packet(qn, "2011", mn, 3), false, 1, nil},
		{"fits, split asked", packet(qn, "2011", mn, 3), true, 1, nil},
		{"too long", packet(qn, "2011", mn, 40), false, 0, hj212.ErrSegmentTooLong},
		{"too long, split", packet(qn, "2011", mn, 40), true, 2, nil},
		{"split, QN the parts cannot follow", packet("2026", "2011", mn, 40), true, 0, hj212.ErrUnencodable},
		{"separator in MN", packet(qn, "2011", "A;B", 1), false, 0, hj212.ErrUnencodable},
		{"CN not 4 digits", packet(qn, "20", mn, 1), false, 0, errors.New("the frame would not decode")},
	} {
		fs, err := c.p.Frames(c.split)
		switch {
		case c.wantErr == nil && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantErr != nil && err == nil:
			t.Errorf("%s: %d frames, want an error", c.name, len(fs))
		case c.wantErr != nil && !errors.Is(err, c.wantErr) && !strings.Contains(err.Error(), c.wantErr.Error()):
			t.Errorf("%s: error %v, want %v", c.name, err, c.wantErr)
		case len(fs) != c.frames:
			t.Errorf("%s: %d frames, want %d", c.name, len(fs), c.frames)
		}
		for i, f := range fs {
			p, err := hj212.Parse(f)
			if err != nil || len(p.Segment()) > hj212.MaxSegment {
				t.Errorf("%s: frame %d: %v", c.name, i+1, err)
			}
			if want, _ := hj212.NextQN(qn, i); c.frames > 1 && (p.QN != want || p.PNO != i+1 || p.PNUM != c.frames) {
				t.Errorf("%s: part %d: QN %s PNO %d PNUM %d", c.name, i+1, p.QN, p.PNO, p.PNUM)
			}
		}
	}
}
