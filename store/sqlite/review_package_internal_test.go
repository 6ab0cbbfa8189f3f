package sqlite

import (
	"bytes"
	"testing"
)

func TestScrubFrame(t *testing.T) {
	tests := []struct{ in, want string }{
		{"##0100QN=1;ST=22;CN=2011;PW=123456;MN=ABC;Flag=4;CP=&&DataTime=1&&4C01", "##0100QN=1;ST=22;CN=2011;PW=******;MN=ABC;Flag=4;CP=&&DataTime=1&&4C01"},
		{"##0100PW=secret;MN=A", "##0100PW=******;MN=A"},
		{"QN=1;CN=1072;PW=old;CP=&&NewPW=new1&&", "QN=1;CN=1072;PW=***;CP=&&NewPW=****&&"},
		{"PW=;MN=A", "PW=;MN=A"},
		{"MN=APW=x", "MN=APW=x"}, // inside a value, not a key
		{"QN=1;CP=&&e10101-Rtd=5&&", "QN=1;CP=&&e10101-Rtd=5&&"},
		{"PW=123456", "PW=******"},
	}
	for _, tt := range tests {
		if got := string(scrubFrame([]byte(tt.in))); got != tt.want {
			t.Errorf("scrubFrame(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzScrubFrame: the frame keeps its length, every byte outside password
// values is kept, and no password field keeps a character of its value.
func FuzzScrubFrame(f *testing.F) {
	for _, s := range []string{"##0100QN=1;PW=123456;MN=A&&", "PW=x", "NewPW=1,PW=2;", "", "PWPW=PW=;"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := scrubFrame(in)
		if len(out) != len(in) {
			t.Fatalf("length %d, want %d", len(out), len(in))
		}
		for i := range in {
			if out[i] != in[i] && out[i] != '*' {
				t.Fatalf("byte %d changed to %q", i, out[i])
			}
		}
		for _, l := range pwKey.FindAllIndex(out, -1) {
			for i := l[1]; i < len(out) && out[i] != ';' && out[i] != ',' && out[i] != '&'; i++ {
				if out[i] != '*' {
					t.Fatalf("password byte %d kept in %q", i, out)
				}
			}
		}
		if !bytes.Equal(scrubFrame(out), out) {
			t.Fatal("not idempotent")
		}
	})
}
