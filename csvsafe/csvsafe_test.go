package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"powerwatch/csvsafe"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"北京恒达铸造", "北京恒达铸造"},
		{"e10101", "e10101"},
		{"a=b", "a=b"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"-", "'-"},
		{"-cmd", "'-cmd"},
		{"-Inf", "'-Inf"},
		{"-NaN", "'-NaN"},
		{"-0x1p-2", "'-0x1p-2"},
		{"-1_000", "'-1_000"},
		{"-1e", "'-1e"},
		{"-.", "'-."},
		// numbers the app writes stay numbers
		{"-1.5", "-1.5"},
		{"+3", "+3"},
		{"-2.5e-3", "-2.5e-3"},
		{"-.5", "-.5"},
		{"-7.", "-7."},
		{"-1E+10", "-1E+10"},
		{"0", "0"},
		{"'=already", "''=already"},
		{"'abc", "'abc"},
	}
	for _, tt := range tests {
		if got := csvsafe.Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := csvsafe.Unescape(csvsafe.Cell(tt.in)); got != tt.in {
			t.Errorf("Unescape(Cell(%q)) = %q, want it back", tt.in, got)
		}
	}
}

// TestUnescapeLeavesTypedApostrophes: an apostrophe a person typed before
// ordinary text, or before a number, is kept.
func TestUnescapeLeavesTypedApostrophes(t *testing.T) {
	for _, s := range []string{"'abc", "'", "'-1.5", "'a=b"} {
		if got := csvsafe.Unescape(s); got != s {
			t.Errorf("Unescape(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestWriter writes a record with a hostile cell and reads it back with
// encoding/csv: the cell starts with the apostrophe, the others are intact.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	w.Write([]string{"mn", "value"})
	w.Write([]string{"=cmd|' /C calc'!A0", "-1.5"})
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "'=cmd|' /C calc'!A0" || recs[1][1] != "-1.5" {
		t.Errorf("read back %q", recs)
	}
}

func FuzzCell(f *testing.F) {
	for _, s := range []string{"=1+1", "-1.5", "", "@x", "-", "'=x", "\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := csvsafe.Cell(s)
		if c != "" && c[0] != '\'' && (c[0] == '=' || c[0] == '+' || c[0] == '-' || c[0] == '@' || c[0] == '\t' || c[0] == '\r') && !csvsafe.IsNumber(c) {
			t.Fatalf("Cell(%q) = %q starts with a formula character", s, c)
		}
		if csvsafe.Unescape(c) != s {
			t.Fatalf("Unescape(Cell(%q)) = %q", s, csvsafe.Unescape(c))
		}
	})
}

func TestCheck(t *testing.T) {
	tests := []struct {
		data string
		ok   bool
	}{
		{"a,b\n1,-1.5\n", true},
		{"a,b\n'=x,'@y\n", true},
		{"\xef\xbb\xbfa\n=1+1\n", false},
		{"a,b\nx,\"@SUM(A1)\"\n", false},
		{"a\n\"\t=1\"\n", false},
		{"a\n\"unterminated\n", false},
	}
	for _, tt := range tests {
		if err := csvsafe.Check([]byte(tt.data)); (err == nil) != tt.ok {
			t.Errorf("Check(%q) = %v, want ok %v", tt.data, err, tt.ok)
		}
	}
}
