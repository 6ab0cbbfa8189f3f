package hj212_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"powerwatch/listener/hj212"
)

// bigUpload is a 2017 real-time upload with n factors (value, flag) of about 32 bytes each.
func bigUpload(n int) *hj212.Packet {
	p := &hj212.Packet{QN: "20260302100000000", ST: "44", CN: "2011", PW: "123456", MN: "010000A8900016F000169DC0", Flag: 5,
		Header: hj212.HasQN | hj212.HasST | hj212.HasCN | hj212.HasPW | hj212.HasMN | hj212.HasFlag}
	p.Add("DataTime", "20260302100000")
	for i := range n {
		p.Add(fmt.Sprintf("d2%04d-Rtd", i), fmt.Sprintf("%d.25", i))
		p.SetFields(append(p.Fields(), hj212.Field{Key: fmt.Sprintf("d2%04d-Flag", i), Value: "N", Grouped: true}))
	}
	return p
}

// TestSplit: an upload over the limit is split into parts that each decode,
// fit, carry the split flag, PNUM/PNO, their own QN, the same DataTime and
// disjoint factors, and that the Assembler joins back into the upload's
// fields; one that fits is returned alone.
func TestSplit(t *testing.T) {
	qn := func(i int) string { q, _ := hj212.NextQN("20260302100000000", i); return q }
	tests := []struct {
		name    string
		n, max  int
		parts   int
		wantErr bool
	}{
		{"fits", 10, 0, 1, false},
		{"two parts", 40, 0, 2, false},
		{"many small parts", 40, 200, 20, false}, // 2 factors after a 130-byte header
		{"a factor alone too long", 2, 90, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := bigUpload(tt.n)
			parts, err := p.Split(tt.max, qn)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Split: %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if len(parts) != tt.parts {
				t.Fatalf("%d parts, want %d", len(parts), tt.parts)
			}
			if tt.parts == 1 {
				if parts[0] != p {
					t.Error("a packet that fits is not returned as is")
				}
				return
			}
			max := tt.max
			if max == 0 {
				max = hj212.MaxSegment
			}
			var asm hj212.Assembler
			var whole *hj212.Packet
			codes := map[string]int{}
			qns := map[string]bool{}
			for i, part := range parts {
				frame, err := part.Encode()
				if err != nil {
					t.Fatal(err)
				}
				got, err := hj212.Parse(frame)
				if err != nil {
					t.Fatalf("part %d does not decode: %v", i+1, err)
				}
				dt, _ := got.Get("DataTime")
				if seg := len(got.Segment()); seg > max || !got.Flag.Split() || got.PNUM != len(parts) || got.PNO != i+1 || qns[got.QN] || dt != "20260302100000" {
					t.Errorf("part %d: %d bytes, Flag %d, PNUM %d, PNO %d, QN %s (seen %v), DataTime %s", i+1, seg, got.Flag, got.PNUM, got.PNO, got.QN, qns[got.QN], dt)
				}
				qns[got.QN] = true
				for _, f := range got.Fields() {
					if f.Key != "DataTime" && codes[f.Code()] != 0 && codes[f.Code()] != i+1 {
						t.Errorf("factor %s in parts %d and %d", f.Code(), codes[f.Code()], i+1)
					}
					codes[f.Code()] = i + 1
				}
				whole, _ = asm.Add(got, time.Now())
			}
			if whole == nil {
				t.Fatal("the Assembler did not join the parts")
			}
			if a, b := fieldsText(whole), fieldsText(p); a != b {
				t.Errorf("joined fields differ:\n%s\nwant\n%s", a, b)
			}
		})
	}
}

func fieldsText(p *hj212.Packet) string {
	var b strings.Builder
	for _, f := range p.Fields() {
		b.WriteString(f.Key + "=" + f.Value + ";")
	}
	return b.String()
}

func TestNextQN(t *testing.T) {
	tests := []struct {
		qn   string
		i    int
		want string
		ok   bool
	}{
		{"20260302100000998", 3, "20260302100001001", true},
		{"20261231235959999", 1, "20270101000000000", true},
		{"2026030210000", 1, "", false},
		{"2026030210000099x", 1, "", false},
	}
	for _, tt := range tests {
		if got, ok := hj212.NextQN(tt.qn, tt.i); got != tt.want || ok != tt.ok {
			t.Errorf("NextQN(%s, %d) = %s, %v; want %s, %v", tt.qn, tt.i, got, ok, tt.want, tt.ok)
		}
	}
}
