package peer

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTerminalCRC checks both checksums against the vectors of hj212.md §2.
func TestTerminalCRC(t *testing.T) {
	const seg = "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
	tests := []struct {
		in         string
		hj, modbus uint16
	}{
		{seg, 0x1C80, 0x0759},
		{"123456789", 0x2F80, 0x4B37},
		{"", 0xFFFF, 0xFFFF},
	}
	for _, tt := range tests {
		if got := terminalCRC(tt.in); got != tt.hj {
			t.Errorf("terminalCRC(%q) = %04X, want %04X", tt.in, got, tt.hj)
		}
		if got := terminalModbus(tt.in); got != tt.modbus {
			t.Errorf("terminalModbus(%q) = %04X, want %04X", tt.in, got, tt.modbus)
		}
	}
}

// TestTerminalParts: a short upload is one frame; a long one is split into
// parts of at most MaxSegment bytes with their own QNs, the split flag,
// PNUM/PNO, the same DataTime and disjoint factors, all fields kept in order.
func TestTerminalParts(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var fields []string
	for i := range 60 {
		fields = append(fields, fmt.Sprintf("d2%04d-Rtd=%d.5", i, i), fmt.Sprintf("d2%04d-Flag=N", i))
	}
	term := &Terminal{MN: "010000A8900016F000169DC0", PW: "123456"}
	tests := []struct {
		name    string
		max     int
		fields  []string
		parts   int
		wantErr bool
	}{
		{"fits", 0, fields[:4], 1, false},
		{"1024 bytes", 0, fields, 3, false},
		{"small parts", 300, fields, 12, false}, // 5 factors of 67 bytes after a 120-byte header
		{"a factor too long", 120, fields[:2], 0, true},
	}
	for _, tt := range tests {
		term.MaxSegment = tt.max
		parts, err := term.Parts("2011", at, tt.fields)
		if (err != nil) != tt.wantErr {
			t.Fatalf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if tt.wantErr {
			continue
		}
		if len(parts) != tt.parts {
			t.Fatalf("%s: %d parts, want %d", tt.name, len(parts), tt.parts)
		}
		max := tt.max
		if max == 0 {
			max = 1024
		}
		var got []string
		qns := map[string]bool{}
		for i, p := range parts {
			h := terminalHeader(p.Segment)
			if len(p.Segment) > max || qns[p.QN] || h["QN"] != p.QN {
				t.Errorf("%s: part %d: %d bytes, QN %s (seen %v)", tt.name, i+1, len(p.Segment), p.QN, qns[p.QN])
			}
			qns[p.QN] = true
			if len(parts) > 1 && (h["Flag"] != "7" || h["PNUM"] != fmt.Sprint(len(parts)) || h["PNO"] != fmt.Sprint(i+1)) {
				t.Errorf("%s: part %d header %v", tt.name, i+1, h)
			}
			_, cp, _ := strings.Cut(p.Segment, "CP=&&")
			items := strings.Split(strings.TrimSuffix(cp, "&&"), ";")
			if items[0] != "DataTime=20260302100000" {
				t.Errorf("%s: part %d starts with %q", tt.name, i+1, items[0])
			}
			got = append(got, items[1:]...)
		}
		if strings.Join(got, ";") != strings.Join(tt.fields, ";") {
			t.Errorf("%s: fields of the parts differ from the upload's", tt.name)
		}
	}
}

// FuzzTerminalReadSegment: the terminal's reader takes any bytes from a
// centre without panicking, and a segment it returns has the HJ 212 CRC.
func FuzzTerminalReadSegment(f *testing.F) {
	f.Add([]byte("##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n"))
	f.Add([]byte("garbage##0004abcd1234\r\n"))
	f.Add([]byte("##9999"))
	f.Fuzz(func(t *testing.T, b []byte) {
		term := &Terminal{MN: "fuzz", rd: bufio.NewReader(bytes.NewReader(b))}
		for range 4 {
			seg, err := term.ReadSegment()
			if err != nil {
				return
			}
			if !strings.Contains(string(b), fmt.Sprintf("%s%04X", seg, terminalCRC(seg))) &&
				!strings.Contains(strings.ToUpper(string(b)), strings.ToUpper(fmt.Sprintf("%s%04X", seg, terminalCRC(seg)))) {
				t.Fatalf("segment %q returned without its CRC", seg)
			}
		}
	})
}
