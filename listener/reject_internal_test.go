package listener

import (
	"bytes"
	"testing"
)

func TestHeaderField(t *testing.T) {
	const f = "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&MN=X;RtdInterval=30&&1C80\r\n"
	tests := []struct{ frame, key, want string }{
		{f, "MN", "010000A8900016F000169DC0"},
		{f, "CN", "1062"},
		{f, "RtdInterval", ""}, // a CP field is not a header field
		{"##0030MN=AB;QN=1", "MN", "AB"},
		{"##00", "MN", ""},
		{"", "MN", ""},
	}
	for _, tt := range tests {
		if got := headerField([]byte(tt.frame), tt.key); got != tt.want {
			t.Errorf("headerField(%q, %s) = %q, want %q", tt.frame, tt.key, got, tt.want)
		}
	}
}

// FuzzHeaderField: any bytes; a value found is in the frame after its name.
func FuzzHeaderField(f *testing.F) {
	f.Add([]byte("##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n"))
	f.Add([]byte("##0000"))
	f.Add([]byte("##00MN=;MN=x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if mn := headerField(b, "MN"); mn != "" && !bytes.Contains(b, []byte("MN="+mn)) {
			t.Fatalf("MN %q not in %q", mn, b)
		}
	})
}
