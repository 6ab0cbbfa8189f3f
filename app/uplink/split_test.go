package uplink

import (
	"fmt"
	"strings"
	"testing"

	"powerwatch/listener/hj212"
)

// frameWith builds a stored upload of n factors, each with Rtd and Flag
// (Flag grouped with its Rtd by ",", HJ212-2017 §6.3.3).
func frameWith(t *testing.T, pw string, n int, extra string) []byte {
	t.Helper()
	p := &hj212.Packet{QN: "20261205100000123", ST: "44", CN: "2011", PW: pw, MN: "010000A8900016F000169DC0", Flag: 5}
	p.Add("DataTime", "20261205100000")
	fs := p.Fields()
	for j := range n {
		fs = append(fs, hj212.Field{Key: fmt.Sprintf("e1%04d-Rtd", j), Value: "12.5"},
			hj212.Field{Key: fmt.Sprintf("e1%04d-Flag", j), Value: "N", Grouped: true})
	}
	if extra != "" {
		fs = append(fs, hj212.Field{Key: "big-Info", Value: extra})
	}
	b, err := p.SetFields(fs).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b[:len(b)-2]
}

// TestPrepareSplit ensures frames go as received up to 1,024 bytes of data
// segment and as parts above it (after a rewrite or stored whole): each
// part with its own QN, Flag bit D, PNUM/PNO, the same DataTime and whole
// factors, together all of the frame's; a factor too big for any part is an
// error, not an oversize frame.
func TestPrepareSplit(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		up      Upstream
		parts   int // 0: an error
	}{
		{"small, as received", frameWith(t, "123456", 3, ""), Upstream{}, 1},
		{"just under the limit (1,010 bytes)", frameWith(t, "123456", 30, ""), Upstream{}, 1},
		{"a longer password pushes it over", frameWith(t, "123456", 30, ""), Upstream{Password: "city-password-2026-district"}, 2},
		{"reassembled upload stored whole (3,010 bytes)", frameWith(t, "123456", 100, ""), Upstream{}, 4},
		{"a terminal's part, as received", partOf(t, frameWith(t, "123456", 20, "")), Upstream{}, 1},
		{"one factor over the limit", frameWith(t, "123456", 1, strings.Repeat("x", 1100)), Upstream{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig, err := hj212.Parse(append([]byte(string(tt.payload)), '\r', '\n'))
			if err != nil {
				t.Fatal(err)
			}
			frs, err := tt.up.prepare(tt.payload)
			if tt.parts == 0 {
				if err == nil {
					t.Fatalf("prepare = %d frames, want an error", len(frs))
				}
				return
			}
			if err != nil || len(frs) != tt.parts {
				t.Fatalf("prepare = %d frames, %v; want %d", len(frs), err, tt.parts)
			}
			if tt.parts == 1 && tt.up.Password == "" && string(frs[0].bytes) != string(tt.payload)+"\r\n" {
				t.Errorf("frame changed: %q", frs[0].bytes)
			}
			checkParts(t, orig, frs)
		})
	}
}

func checkParts(t *testing.T, orig *hj212.Packet, frs []outFrame) {
	t.Helper()
	seen := map[string]bool{}
	qns := map[string]bool{}
	var all []string
	for i, fr := range frs {
		p, err := hj212.Parse(fr.bytes)
		if err != nil {
			t.Fatalf("part %d does not parse: %v", i+1, err)
		}
		if n := len(p.Segment()); n > hj212.MaxSegment {
			t.Errorf("part %d: data segment of %d bytes", i+1, n)
		}
		if qns[p.QN] || p.QN != fr.qn || !fr.wantAck {
			t.Errorf("part %d: QN %q (recorded %q, wants answer %v), want its own", i+1, p.QN, fr.qn, fr.wantAck)
		}
		qns[p.QN] = true
		if dt, _ := p.Get("DataTime"); dt != "20261205100000" {
			t.Errorf("part %d: DataTime %q", i+1, dt)
		}
		if len(frs) > 1 && (!p.Flag.Split() || p.PNUM != len(frs) || p.PNO != i+1 || p.CN != orig.CN || p.ST != orig.ST) {
			t.Errorf("part %d: Flag %d PNUM %d PNO %d CN %s, want split %d of %d", i+1, p.Flag, p.PNUM, p.PNO, p.CN, i+1, len(frs))
		}
		codes := map[string]bool{}
		for _, f := range p.Fields() {
			if f.Key == "DataTime" {
				continue
			}
			if seen[f.Code()] && !codes[f.Code()] {
				t.Errorf("part %d: factor %s is also in an earlier part", i+1, f.Code())
			}
			codes[f.Code()], seen[f.Code()] = true, true
			all = append(all, fmt.Sprintf("%s=%s/%v", f.Key, f.Value, f.Grouped))
		}
	}
	var want []string
	for _, f := range orig.Fields() {
		if f.Key != "DataTime" {
			want = append(want, fmt.Sprintf("%s=%s/%v", f.Key, f.Value, f.Grouped))
		}
	}
	if strings.Join(all, ";") != strings.Join(want, ";") {
		t.Errorf("parts carry\n%v\nwant\n%v", all, want)
	}
}

// partOf marks a stored frame as part 1 of 2 of a split upload (Flag bit D,
// PNUM, PNO), as a terminal sends it.
func partOf(t *testing.T, payload []byte) []byte {
	t.Helper()
	p, err := hj212.Parse(append([]byte(string(payload)), '\r', '\n'))
	if err != nil {
		t.Fatal(err)
	}
	q := &hj212.Packet{QN: p.QN, ST: p.ST, CN: p.CN, PW: p.PW, MN: p.MN, Flag: p.Flag | hj212.FlagD, PNUM: 2, PNO: 1}
	b, err := q.SetFields(p.Fields()).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b[:len(b)-2]
}
