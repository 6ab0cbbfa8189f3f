package sqlite

import "testing"

func TestSplitHeader(t *testing.T) {
	tests := []struct {
		frame     string
		pnum, pno int
		ok        bool
	}{
		{"##0100QN=1;ST=44;CN=2011;PW=1;MN=A;Flag=7;PNUM=3;PNO=2;CP=&&DataTime=20260302100000&&ABCD", 3, 2, true},
		{"##0100QN=1;PNO=1;PNUM=2;Flag=6;CP=&&&&ABCD", 2, 1, true},  // any order; no answer asked
		{"##0100QN=1;Flag=11;PNUM=2;PNO=2;CP=&&&&ABCD", 2, 2, true}, // 2025 flags
		{"##0100QN=1;Flag=5;PNUM=2;PNO=1;CP=&&&&ABCD", 2, 1, false}, // D bit not set
		{"##0100QN=1;Flag=7;PNUM=1;PNO=1;CP=&&&&ABCD", 1, 1, false}, // a whole message
		{"##0100QN=1;Flag=7;PNUM=2;PNO=3;CP=&&&&ABCD", 2, 3, false},
		{"##0100QN=1;Flag=7;PNUM=x;PNO=1;CP=&&PNUM=2&&ABCD", 0, 1, false}, // CP fields do not count
		{"##01", 0, 0, false},
	}
	for _, tt := range tests {
		pnum, pno, ok := splitHeader([]byte(tt.frame))
		if pnum != tt.pnum || pno != tt.pno || ok != tt.ok {
			t.Errorf("splitHeader(%q) = %d, %d, %v; want %d, %d, %v", tt.frame, pnum, pno, ok, tt.pnum, tt.pno, tt.ok)
		}
	}
}

func FuzzSplitHeader(f *testing.F) {
	f.Add([]byte("##0100QN=1;ST=44;CN=2011;PW=1;MN=A;Flag=7;PNUM=3;PNO=2;CP=&&DataTime=20260302100000&&ABCD"))
	f.Add([]byte("##0000CP=&&"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if pnum, pno, ok := splitHeader(b); ok && (pnum < 2 || pno < 1 || pno > pnum) {
			t.Fatalf("splitHeader(%q) = %d, %d, ok", b, pnum, pno)
		}
	})
}
