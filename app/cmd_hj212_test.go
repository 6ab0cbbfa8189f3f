package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

func hj212CLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{ctx: t.Context(), stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}
	code = dispatch(e, args)
	return code, out.String(), errOut.String()
}

func TestHJ212Decode(t *testing.T) {
	realtime := hj212test.ByName("Realtime2025").Raw
	legacy := strings.TrimSuffix(hj212test.ByName("Legacy2005").Raw, "\r\n") // no terminator: allowed
	split := strings.TrimSuffix(hj212test.ByName("Part1of2").Raw, "\r\n") + "\n"
	info := hj212test.ByName("InfoUTF8").Raw
	dup, _ := hj212.Wrap(nil, []byte("ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;Flag=4;CP=&&DataTime=20260115103000;b-Rtd=1;a-Rtd=2;b-Rtd=3&&"))
	badCRC := strings.Replace(hj212test.ByName("Std1062").Raw, "1C80", "1C81", 1)
	badQN, _ := hj212.Wrap(nil, []byte("QN=2026011510300012X;ST=44;CN=2011;MN=3A1B2C3D4E5F60718293A4B5;CP=&&&&"))
	stdin := realtime + legacy + "\n" + split + "garbage\n" + badCRC + info + string(dup) + "##0101" + "\n" + string(badQN)
	code, out, errOut := hj212CLI(t, stdin, "hj212", "decode")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		`{"ok":true,"version":"2025","qn":"20260115103000123","st":"44","cn":"2011","pw":"123456","mn":"3A1B2C3D4E5F60718293A4B5","flag":"9","pnum":null,"pno":null,"cp":{"DataTime":"20260115103000","d20105-Rtd":"220.20","d20105-Flag":"N","d20205-Rtd":"220.90","d20205-Flag":"N","d20305-Rtd":"221.10","d20305-Flag":"N","d20405-Rtd":"12.34","d20405-Flag":"N","d30106-Rtd":"220.20","d30106-Flag":"N","d30406-Rtd":"0.04","d30406-Flag":"N","d20505-Rtd":"8.123","d20505-Flag":"N","d20605-Rtd":"0.95","d20605-Flag":"N"},"warnings":[]}`,
		`{"ok":true,"version":"2005","qn":null,"st":"32","cn":"2011","pw":"123456","mn":"88888880000001","flag":null,"pnum":null,"pno":null,"cp":{"DataTime":"20260115110500","B01-Rtd":"12.5","011-Rtd":"3.2"},"warnings":["MN \"88888880000001\" is not 24 hex digits"]}`,
		`{"ok":true,"version":"2017","qn":"20260115105000001","st":"44","cn":"2011","pw":"123456","mn":"010000A8900016F000169DC0","flag":"7","pnum":"2","pno":"1","cp":{"DataTime":"20260115105000","i33200-Rtd":"10.1","i33200-Flag":"N"},"warnings":[]}`,
		`{"ok":false,"error":"framing: frame does not start with \"##\""}`,
		`{"ok":false,"error":"crc: frame says 1C81, data segment gives 1C80"}`,
		`{"ok":true,"version":"2017","qn":"20160801085857223","st":"32","cn":"3020","pw":"123456","mn":"010000A8900016F000169DC0","flag":"5","pnum":null,"pno":null,"cp":{"DataTime":"20160801085857","PolId":"w01018","i11001-Info":"//清洗管路//"},"warnings":[]}`,
		`{"ok":true,"version":"2017","qn":null,"st":"44","cn":"2011","pw":null,"mn":"3A1B2C3D4E5F60718293A4B5","flag":"4","pnum":null,"pno":null,"cp":{"DataTime":"20260115103000","b-Rtd":"3","a-Rtd":"2"},"warnings":[]}`,
		`{"ok":false,"error":"length: length field says 101 bytes, data segment has 0"}`,
		`{"ok":false,"error":"field: QN: \"2026011510300012X\" is not a number of at most 20 digits"}`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, lines[i], want[i])
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &v); err != nil {
			t.Errorf("line %d is not JSON: %v", i+1, err)
		}
	}
}

func TestHJ212DecodeEveryKind(t *testing.T) {
	good := strings.TrimSuffix(hj212test.ByName("Std1062").Raw, "\r\n")
	tests := map[string]string{
		"framing":    "xx" + good,
		"length":     "##01a1" + good[6:],
		"crc":        strings.Replace(good, "1C80", "1C08", 1),
		"terminator": good + "zz",
		"segment":    mustWrap(t, "ST=44;CN=2011;MN=1"),
		"field":      mustWrap(t, "ST=44;CN=20;MN=1;CP=&&&&"),
	}
	for kind, line := range tests {
		_, out, _ := hj212CLI(t, line+"\n", "hj212", "decode")
		var v struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil || v.OK || !strings.HasPrefix(v.Error, kind+": ") {
			t.Errorf("%s: output %q, want an error starting %q", kind, out, kind+": ")
		}
	}
}

func mustWrap(t *testing.T, seg string) string {
	b, err := hj212.Wrap(nil, []byte(seg))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\r\n")
}

func TestHJ212Encode(t *testing.T) {
	code, out, errOut := hj212CLI(t, "", "hj212", "encode", "--st", "32", "--cn", "1062", "--mn", "010000A8900016F000169DC0",
		"--pw", "100000", "--qn", "20160801085857223", "--cp", "RtdInterval=30")
	if code != 0 || out != hj212test.ByName("Std1062").Raw {
		t.Fatalf("encode = %d %q (stderr %s), want the Appendix A frame", code, out, errOut)
	}
	// QN defaults to now; the frame decodes back to the CP given.
	code, out, errOut = hj212CLI(t, "", "hj212", "encode", "--st", "44", "--cn", "2011", "--mn", "3A1B2C3D4E5F60718293A4B5",
		"--pw", "123456", "--flag", "9", "--cp", "DataTime=20260115103000;d20105-Rtd=220.20,d20105-Flag=N")
	if code != 0 || !strings.HasSuffix(out, "\r\n") {
		t.Fatalf("encode = %d %q (stderr %s)", code, out, errOut)
	}
	_, dec, _ := hj212CLI(t, out, "hj212", "decode")
	if !strings.Contains(dec, `"flag":"9"`) || !strings.Contains(dec, `"d20105-Flag":"N"`) || !strings.Contains(dec, `"version":"2025"`) {
		t.Errorf("decode of encoded frame = %s", dec)
	}
	if p, err := hj212.Parse([]byte(out)); err != nil || len(p.QN) != 17 {
		t.Errorf("default QN: %v, %v", p, err)
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"missing --mn", []string{"--st", "44", "--cn", "2011"}, 2},
		{"CP item without =", []string{"--st", "44", "--cn", "2011", "--mn", "A", "--cp", "abc"}, 2},
		{"separator in MN", []string{"--st", "44", "--cn", "2011", "--mn", "A;B"}, 2},
		{"CN not 4 digits", []string{"--st", "44", "--cn", "20", "--mn", "A"}, 1},
		{"bad DataTime", []string{"--st", "44", "--cn", "2011", "--mn", "A", "--cp", "DataTime=2026"}, 1},
	} {
		code, out, _ := hj212CLI(t, "", append([]string{"hj212", "encode"}, tt.args...)...)
		if code != tt.code || out != "" {
			t.Errorf("%s: exit %d, stdout %q; want exit %d and no frame", tt.name, code, out, tt.code)
		}
	}
}

// TestHJ212EncodeSplit: a CP making a data segment over 1,024 bytes is
// refused, or with --split printed as parts that decode, fit, carry their
// own QNs, PNUM/PNO and the same DataTime, and join back into every field.
func TestHJ212EncodeSplit(t *testing.T) {
	cp := "DataTime=20260302100000"
	for i := range 40 {
		cp += fmt.Sprintf(";d2%04d-Rtd=%d.25,d2%04d-Flag=N", i, i, i)
	}
	args := []string{"hj212", "encode", "--st", "44", "--cn", "2011", "--mn", "010000A8900016F000169DC0", "--pw", "123456",
		"--flag", "5", "--qn", "20260302100000000", "--cp", cp}
	code, out, errOut := hj212CLI(t, "", args...)
	if code != 1 || out != "" || !strings.Contains(errOut, "over the standard's 1024") {
		t.Fatalf("encode of a long segment = exit %d, stdout %q, stderr %q; want it refused", code, out, errOut)
	}
	code, out, errOut = hj212CLI(t, "", append(args, "--split")...)
	if code != 0 {
		t.Fatalf("encode --split = exit %d: %s", code, errOut)
	}
	var asm hj212.Assembler
	var whole *hj212.Packet
	lines := strings.SplitAfter(strings.TrimSuffix(out, "\r\n"), "\r\n")
	for i, l := range lines {
		p, err := hj212.Parse([]byte(strings.TrimSuffix(l, "\r\n") + "\r\n"))
		if err != nil {
			t.Fatalf("part %d: %v", i+1, err)
		}
		if want, _ := hj212.NextQN("20260302100000000", i); p.QN != want || p.PNUM != len(lines) || p.PNO != i+1 || p.Flag != 7 || len(p.Segment()) > 1024 {
			t.Errorf("part %d: QN %s, PNUM %d, PNO %d, Flag %d, %d bytes", i+1, p.QN, p.PNUM, p.PNO, p.Flag, len(p.Segment()))
		}
		whole, _ = asm.Add(p, time.Now())
	}
	if len(lines) != 2 || whole == nil || whole.NumFields() != 81 {
		t.Fatalf("%d parts joined into %v, want 2 parts with DataTime and 80 fields", len(lines), whole)
	}
}
