package hj212_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"powerwatch/listener/hj212"
	"powerwatch/listener/hj212/hj212test"
)

// BenchmarkParse parses a typical ST=44 real-time upload: 8 factors with
// Rtd and Flag, 360-byte segment. Goal: ≥ 1,000,000 packets/s, ≤ 4 allocs.
func BenchmarkParse(b *testing.B) {
	frame := []byte(hj212test.ByName("Realtime2025").Raw)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		p, err := hj212.Parse(frame)
		if err != nil || p.NumFields() != 17 {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAndRead adds what a consumer such as listener.Readings does:
// DataTime, and every factor's value with its flag as a number.
func BenchmarkParseAndRead(b *testing.B) {
	frame := []byte(hj212test.ByName("Realtime2025").Raw)
	b.ReportAllocs()
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		p, err := hj212.Parse(frame)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = p.DataTime()
		n := 0
		for i := range p.NumFields() {
			f := p.Field(i)
			if f.Suffix() != "Rtd" {
				continue
			}
			if _, err := strconv.ParseFloat(f.Value, 64); err != nil {
				b.Fatal(err)
			}
			if _, ok := p.DataFlag(f.Code()); ok {
				n++
			}
		}
		if n != 8 {
			b.Fatalf("%d flags, want 8", n)
		}
	}
}

// mixedStream is n bytes of good frames with garbage between them: random
// bytes, lone '#', false "##" headers and frames with bad CRCs.
func mixedStream(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	var frames [][]byte
	for _, f := range hj212test.Frames {
		frames = append(frames, []byte(f.Raw))
	}
	junk := [][]byte{[]byte("##12ab"), []byte("#"), []byte("##0012abc\r\n"), []byte("\r\n\x00\xff")}
	out := make([]byte, 0, n+2048)
	for len(out) < n {
		out = append(out, frames[rng.IntN(len(frames))]...)
		if rng.IntN(4) == 0 {
			out = append(out, junk[rng.IntN(len(junk))]...)
			for range rng.IntN(64) {
				out = append(out, byte('a'+rng.IntN(26)))
			}
		}
	}
	return out[:n]
}

// BenchmarkSplit runs Reader.ReadFrame and SplitFunc over mixed streams of
// 1, 10 and 100 MB. Goal: linear, ≥ 300 MB/s.
func BenchmarkSplit(b *testing.B) {
	for _, mb := range []int{1, 10, 100} {
		stream := mixedStream(mb << 20)
		b.Run(fmt.Sprintf("Reader/%dMB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			for b.Loop() {
				r := hj212.NewReader(bytes.NewReader(stream), 0)
				for {
					if _, err := r.ReadFrame(); err == io.EOF {
						break
					}
				}
			}
		})
		b.Run(fmt.Sprintf("SplitFunc/%dMB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			defer reportCPU(b, cpuTime())
			for b.Loop() {
				sc := bufio.NewScanner(bytes.NewReader(stream))
				sc.Split(hj212.SplitFunc(0))
				for sc.Scan() {
				}
			}
		})
	}
}

// BenchmarkEncode frames the same 8-factor upload and its 9014 answer into a reused buffer.
func BenchmarkEncode(b *testing.B) {
	p, err := hj212.Parse([]byte(hj212test.ByName("Realtime2025").Raw))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Upload", func(b *testing.B) {
		buf := make([]byte, 0, 512)
		b.ReportAllocs()
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			buf, _ = p.AppendFrame(buf[:0])
		}
	})
	b.Run("DataAck", func(b *testing.B) {
		buf := make([]byte, 0, 512)
		b.ReportAllocs()
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			buf, _ = hj212.DataAck(p).AppendFrame(buf[:0])
		}
	})
}
