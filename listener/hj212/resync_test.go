package hj212_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

// TestReaderGarbageTail: garbage that ends in '#' right before a frame must
// not take the frame's "##" with it (the listener's flood test lost 33 of
// 5,000 frames that way).
func TestReaderGarbageTail(t *testing.T) {
	a, b := hj212test.ByName("Std1062").Raw, hj212test.ByName("Realtime2025").Raw
	qa, qb := "20160801085857223", "20260115103000123"
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		tail string
		want []string // nil: only the two frames are checked
	}{
		{"#", "#", []string{"err:framing", qa, qb}},
		{"##", "##", []string{"err:framing", qa, qb}},
		{"###", "###", []string{"err:framing", qa, qb}},
		{"many #", strings.Repeat("#", 5000), []string{"err:framing", qa, qb}},
		{"#CRLF", "#\r\n", []string{"err:framing", qa, qb}},
		{"xx#", "xx#", []string{"err:framing", qa, qb}},
		{"after a frame", a + "#", []string{qa, "err:framing", qa, qb}},
		{"## and a digit", "##0", []string{"err:length", "err:framing", qa, qb}},
		{"## and a length over the frame", "##0123", []string{"err:length", "err:framing", qa, qb}},
		{"## and a length over both frames", "##2000", []string{"err:length", "err:framing", qa, qb}},
		{"random bytes ending in #", string(randomBytes(rng, 40)) + "#", nil},
		{"random bytes ending in ##", string(randomBytes(rng, 40)) + "##", nil},
		{"random bytes ending in ###", string(randomBytes(rng, 300)) + "###", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == nil {
				want = []string{qa, qb}
			}
			for _, mode := range []string{"whole", "one byte"} {
				var src io.Reader = strings.NewReader(tt.tail + a + b)
				if mode == "one byte" {
					src = iotest.OneByteReader(src)
				}
				got := readAll(t, hj212.NewReader(src, 2048))
				if tt.want == nil {
					got = frameQNs(got)
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s reads: got %q, want %q", mode, got, want)
				}
			}
			var got []string
			for _, f := range splitAll(t, []byte(tt.tail+a+b), "scanner") {
				p, err := hj212.Parse(f)
				if err != nil {
					t.Fatalf("SplitFunc frame %q: %v", f, err)
				}
				got = append(got, p.QN)
			}
			if strings.Join(got, " ") != strings.Join(frameQNs(want), " ") {
				t.Errorf("SplitFunc: got %q, want %q", got, frameQNs(want))
			}
		})
	}
}

// TestReaderLengthField: a length field that does not fit the frame is a
// length error, and the frames after it are read.
func TestReaderLengthField(t *testing.T) {
	a, b := hj212test.ByName("Std1062").Raw, hj212test.ByName("Realtime2025").Raw
	qa, qb := "20160801085857223", "20260115103000123"
	length := func(n string) string { return strings.Replace(a, "##0101", "##"+n, 1) }
	badCRC := func(s string) string { return strings.Replace(s, "1C80", "FFFF", 1) }
	tests := []struct {
		name   string
		stream string
		want   []string
	}{
		{"far too short", length("0050") + b, []string{"err:length", qb}},
		{"one short", length("0100") + b, []string{"err:length", qb}},
		{"one long", length("0102") + b, []string{"err:length", qb}},
		{"over-long, frame follows", length("0300") + b, []string{"err:length", qb}},
		{"over-long, garbage and frame follow", length("0300") + "junk" + b, []string{"err:length", "err:framing", qb}},
		{"over-long with a bad CRC, frame follows", badCRC(length("0300")) + b, []string{"err:length", qb}},
		{"over-long, LF only, frame follows", strings.TrimSuffix(length("1900"), "\r\n") + "\n" + b, []string{"err:length", qb}},
		{"over-long, two frames follow", length("1900") + b + a, []string{"err:length", qb, qa}},
		{"over-long twice", length("0900") + length("0900") + b, []string{"err:length", "err:length", qb}},
		{"false header over a frame", "##0300" + a + b, []string{"err:length", "err:framing", qa, qb}},
		{"over-long at the end of the stream", b + badCRC(length("0300")), []string{qb, "err:length", "err:framing"}},
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

// TestReaderLengthNoStall: on a live connection the bytes after a frame with
// an over-long length field may come minutes later. The Reader must decide
// from what has arrived: it may not ask for more before it has returned the
// error and every complete frame after it.
func TestReaderLengthNoStall(t *testing.T) {
	a, b := hj212test.ByName("Std1062").Raw, hj212test.ByName("Realtime2025").Raw
	qa, qb := "20160801085857223", "20260115103000123"
	overLong := strings.Replace(a, "##0101", "##1900", 1)
	tests := []struct {
		name   string
		stream string
		want   []string
	}{
		{"own CRC before the line break", overLong, []string{"err:length"}},
		{"frame follows", overLong + b, []string{"err:length", qb}},
		{"bad CRC, frame follows", strings.Replace(overLong, "1C80", "FFFF", 1) + b, []string{"err:length", qb}},
		{"false header before a frame", "##1900xyz" + a, []string{"err:length", "err:framing", qa}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, size := range []int{1, 7, len(tt.stream)} {
				src := &stallReader{t: t, data: []byte(tt.stream), size: size}
				r := hj212.NewReader(src, 2048)
				var got []string
				for range tt.want {
					p, err := r.ReadPacket()
					var se *hj212.SyntaxError
					switch {
					case errors.As(err, &se):
						got = append(got, "err:"+se.Kind.String())
					case err != nil:
						t.Fatalf("ReadPacket: %v", err)
					default:
						got = append(got, p.QN)
					}
				}
				if strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("reads of %d bytes: got %q, want %q", size, got, tt.want)
				}
			}
		})
	}
}

// stallReader gives data in reads of size bytes, then fails the test: a
// peer that has sent everything and waits.
type stallReader struct {
	t    *testing.T
	data []byte
	size int
}

func (s *stallReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		s.t.Fatal("Reader waits for bytes the peer has not sent")
	}
	n := copy(p, s.data[:min(s.size, len(s.data))])
	s.data = s.data[n:]
	return n, nil
}

// TestReaderResyncProperty: random garbage between N good frames never costs
// a frame, whatever the garbage and however the stream is cut into reads.
// Garbage that itself holds a good frame is excluded by construction.
func TestReaderResyncProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	for i := range 400 {
		stream, frames := garbledStream(t, rng, 1+rng.IntN(6))
		for _, mode := range []string{"whole", "one byte", "scanner"} {
			got := splitAll(t, stream, mode)
			if len(got) != len(frames) {
				t.Fatalf("stream %d, %s reads: %d frames, want %d\nstream %q", i, mode, len(got), len(frames), stream)
			}
			for k := range got {
				if !bytes.Equal(got[k], frames[k]) {
					t.Fatalf("stream %d, %s reads: frame %d = %q, want %q\nstream %q", i, mode, k, got[k], frames[k], stream)
				}
			}
		}
	}
}

// splitAll returns the good frames of stream: by Reader.ReadFrame on whole
// or one-byte reads, or by a Scanner with SplitFunc on one-byte reads.
func splitAll(t *testing.T, stream []byte, mode string) [][]byte {
	t.Helper()
	var out [][]byte
	if mode == "scanner" {
		sc := bufio.NewScanner(iotest.OneByteReader(bytes.NewReader(stream)))
		sc.Split(hj212.SplitFunc(2048))
		for sc.Scan() {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("Scanner: %v", err)
		}
		return out
	}
	var src io.Reader = bytes.NewReader(stream)
	if mode == "one byte" {
		src = iotest.OneByteReader(src)
	}
	r := hj212.NewReader(src, 2048)
	for range len(stream) + 10 {
		f, err := r.ReadFrame()
		var se *hj212.SyntaxError
		switch {
		case err == io.EOF:
			return out
		case errors.As(err, &se):
		case err != nil:
			t.Fatalf("ReadFrame: %v", err)
		default:
			out = append(out, bytes.Clone(f))
		}
	}
	t.Fatal("ReadFrame did not reach EOF")
	return nil
}

// garbledStream puts garbage before, between and after n frames drawn from
// hj212test.Frames, and returns the stream and the frames in order.
func garbledStream(t *testing.T, rng *rand.Rand, n int) ([]byte, [][]byte) {
	t.Helper()
	var stream []byte
	var frames [][]byte
	for i := 0; i <= n; i++ {
		stream = append(stream, garbage(t, rng)...)
		if i < n {
			f := []byte(hj212test.Frames[rng.IntN(len(hj212test.Frames))].Raw)
			frames = append(frames, f)
			stream = append(stream, f...)
		}
	}
	return stream, frames
}

// garbage returns up to a few pieces of what a noisy line carries: random
// bytes, runs of '#', false headers, truncated frames, frames with a byte
// or the length field changed. It never holds a good frame of its own.
func garbage(t *testing.T, rng *rand.Rand) []byte {
	t.Helper()
	for {
		var g []byte
		for range rng.IntN(4) {
			g = append(g, garbagePiece(rng)...)
		}
		if len(splitAll(t, g, "whole")) == 0 {
			return g
		}
	}
}

func garbagePiece(rng *rand.Rand) []byte {
	frame := []byte(hj212test.Frames[rng.IntN(len(hj212test.Frames))].Raw)
	switch rng.IntN(9) {
	case 0:
		return randomBytes(rng, 1+rng.IntN(80))
	case 1:
		return []byte(strings.Repeat("#", 1+rng.IntN(4)))
	case 2:
		return []byte([]string{"#\r\n", "\r\n", "\n", "##\r\n", "&&", ";CP=&&"}[rng.IntN(6)])
	case 3:
		return fmt.Appendf(nil, "##%04d", rng.IntN(2100))
	case 4:
		return fmt.Appendf(nil, "##%04d%s\r\n", rng.IntN(300), randomBytes(rng, rng.IntN(40)))
	case 5:
		return frame[:rng.IntN(len(frame)-1)] // truncated
	case 6:
		// One segment byte changed: CRC16 catches every single-byte error.
		seg := len(frame) - 12
		i := 6 + rng.IntN(seg)
		frame[i] ^= byte(1 + rng.IntN(255))
		return frame
	case 7:
		// Length field changed, the rest as it was.
		real := len(frame) - 12
		l := real
		for l == real {
			l = rng.IntN(min(real*3, 2000))
		}
		return append(fmt.Appendf(nil, "##%04d", l), frame[6:]...)
	}
	return append(randomBytes(rng, rng.IntN(20)), '#')
}

// randomBytes draws n bytes, most of them from the characters a frame is made of.
func randomBytes(rng *rand.Rand, n int) []byte {
	const alphabet = "##########0123456789ABCDEF;=,&&QNSTCP-Rtd\r\n"
	b := make([]byte, n)
	for i := range b {
		if rng.IntN(5) == 0 {
			b[i] = byte(rng.IntN(256))
		} else {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
	}
	return b
}

// frameQNs keeps the QNs of readAll's events and drops the errors.
func frameQNs(events []string) []string {
	var out []string
	for _, e := range events {
		if !strings.HasPrefix(e, "err:") {
			out = append(out, e)
		}
	}
	return out
}
