package hj212_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

// event is what one ReadPacket call gave: a CN or an error kind.
func readAll(t *testing.T, r *hj212.Reader) []string {
	t.Helper()
	var got []string
	for range 1000 {
		p, err := r.ReadPacket()
		var se *hj212.SyntaxError
		switch {
		case errors.As(err, &se):
			got = append(got, "err:"+se.Kind.String())
		case err == io.EOF:
			return got
		case err != nil:
			t.Fatalf("ReadPacket: %v", err)
		default:
			got = append(got, p.QN)
		}
	}
	t.Fatal("ReadPacket did not reach EOF")
	return nil
}

func TestReader(t *testing.T) {
	a, b := hj212test.ByName("Std1062").Raw, hj212test.ByName("Realtime2025").Raw
	qa, qb := "20160801085857223", "20260115103000123"
	badCRC := strings.Replace(a, "1C80", "1C81", 1)
	tests := []struct {
		name   string
		stream string
		want   []string
	}{
		{"several frames in one read", a + b + a, []string{qa, qb, qa}},
		{"garbage between frames", "xx\x00\xff" + a + "garbage\r\n" + b, []string{"err:framing", qa, "err:framing", qb}},
		// The lone '#' is garbage of its own: "##0012abc" is then a frame start whose terminator is missing.
		{"false ## in garbage", "##zz" + a + "#" + "##0012abc" + b, []string{"err:length", "err:framing", qa, "err:framing", "err:terminator", "err:framing", qb}},
		{"false ## and length before a frame", "x##0012abc" + b, []string{"err:framing", "err:terminator", "err:framing", qb}},
		{"false ## with digits swallowing a frame", "##0030" + a, []string{"err:terminator", "err:framing", qa}},
		{"LF-only terminator", strings.TrimSuffix(a, "\r\n") + "\n" + b, []string{qa, qb}},
		{"bad CRC is reported, next frame read", badCRC + b, []string{"err:crc", qb}},
		{"junk between CRC and CR LF", strings.TrimSuffix(a, "\r\n") + "zz\r\n" + b, []string{"err:terminator", qb}},
		{"wrong length field, line skipped", strings.Replace(a, "##0101", "##0099", 1) + b, []string{"err:length", qb}},
		{"over the frame limit", "##9000" + strings.Repeat("x", 100) + b, []string{"err:length", "err:framing", qb}},
		{"truncated at EOF", b + a[:60], []string{qb, "err:length", "err:framing"}},
		{"lone # at EOF", a + "#", []string{qa, "err:framing"}},
		{"segment error after framing", seg("ST=44;CN=2011;MN=1") + b, []string{"err:segment", qb}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"whole", "one byte"} {
				var src io.Reader = strings.NewReader(tt.stream)
				if mode == "one byte" {
					src = iotest.OneByteReader(src)
				}
				got := readAll(t, hj212.NewReader(src, 2048))
				if strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("%s reads: got %q, want %q", mode, got, tt.want)
				}
			}
		})
	}
}

func TestReaderOffsets(t *testing.T) {
	a := hj212test.ByName("Std1062").Raw
	stream := a + "junk" + strings.Replace(a, "1C80", "FFFF", 1)
	r := hj212.NewReader(strings.NewReader(stream), 0)
	if _, err := r.ReadPacket(); err != nil {
		t.Fatal(err)
	}
	_, err := r.ReadPacket()
	var se *hj212.SyntaxError
	if !errors.As(err, &se) || se.Offset != int64(len(a)) {
		t.Fatalf("garbage error = %v, want framing at offset %d", err, len(a))
	}
	_, err = r.ReadPacket()
	if !errors.As(err, &se) || !errors.Is(err, hj212.ErrChecksum) || se.Offset != int64(len(a)+4+6+101) {
		t.Fatalf("CRC error = %v, want crc at offset %d", err, len(a)+4+6+101)
	}
}

// TestReaderBounded: a peer that sends endless bytes without a frame does
// not make the Reader grow; it keeps reporting and skipping.
func TestReaderBounded(t *testing.T) {
	src := io.LimitReader(repeatReader('#'), 10<<20)
	r := hj212.NewReader(src, 1024)
	errs := 0
	for {
		_, err := r.ReadFrame()
		if err == io.EOF {
			break
		}
		if err == nil {
			t.Fatal("ReadFrame found a frame in a stream of '#'")
		}
		errs++
	}
	if errs == 0 {
		t.Error("no error reported for 10 MB of '#'")
	}
}

type repeatReader byte

func (c repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

func TestSplitFunc(t *testing.T) {
	a, b := hj212test.ByName("Std1062").Raw, hj212test.ByName("InfoUTF8").Raw
	stream := "noise##x" + a + "##0012abc\r\n" + strings.Replace(a, "1C80", "1C81", 1) + b + strings.TrimSuffix(a, "\r\n") + "\n" + "##00"
	sc := bufio.NewScanner(iotest.HalfReader(strings.NewReader(stream)))
	sc.Split(hj212.SplitFunc(0))
	var got []string
	for sc.Scan() {
		got = append(got, string(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("Scanner: %v", err)
	}
	want := []string{a, b, strings.TrimSuffix(a, "\r\n") + "\n"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("frames = %q, want %q", got, want)
	}
}

func TestSplitFuncEveryCut(t *testing.T) {
	// Every split point of a two-frame stream, as two reads.
	stream := []byte("x" + hj212test.ByName("Std1062").Raw + "##" + hj212test.ByName("Realtime2017").Raw)
	for cut := 0; cut <= len(stream); cut++ {
		sc := bufio.NewScanner(io.MultiReader(bytes.NewReader(stream[:cut]), bytes.NewReader(stream[cut:])))
		sc.Split(hj212.SplitFunc(0))
		n := 0
		for sc.Scan() {
			n++
		}
		if n != 2 || sc.Err() != nil {
			t.Fatalf("cut at %d: %d frames, err %v; want 2", cut, n, sc.Err())
		}
	}
}

func TestReadPacketLFOnlyWarns(t *testing.T) {
	a := strings.TrimSuffix(hj212test.ByName("Std1062").Raw, "\r\n") + "\n"
	p, err := hj212.NewReader(strings.NewReader(a), 0).ReadPacket()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(p.Warnings, "|"), "LF only") {
		t.Errorf("Warnings = %q, want the LF-only terminator reported", p.Warnings)
	}
}

func TestLoadCaptured(t *testing.T) {
	path := t.TempDir() + "/captured.hj212"
	body := "# captured 2026-01-15\n" + hj212test.ByName("Std1062").Raw + "\n" + strings.TrimSuffix(hj212test.ByName("InfoUTF8").Raw, "\r\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	frames, err := hj212test.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 || frames[1].Raw != hj212test.ByName("InfoUTF8").Raw {
		t.Fatalf("Load = %d frames %+v, want 2 with CR LF restored", len(frames), frames)
	}
	for _, fr := range frames {
		if _, err := hj212.Parse([]byte(fr.Raw)); err != nil {
			t.Errorf("%s: %v", fr.Name, err)
		}
	}
}
