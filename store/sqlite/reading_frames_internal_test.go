package sqlite

import (
	"math/rand/v2"
	"testing"
)

// TestHJ212CRC checks the table-driven checksum against the standard's
// Appendix A vectors (the same as listener/hj212's) and the bitwise form.
func TestHJ212CRC(t *testing.T) {
	for in, want := range map[string]uint16{
		"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&": 0x1C80,
		"123456789": 0x2F80,
		"":          0xFFFF,
		"A":         0x7080,
	} {
		if got := hj212CRC([]byte(in)); got != want {
			t.Errorf("hj212CRC(%q) = %04X, want %04X", in, got, want)
		}
	}
	bitwise := func(b []byte) uint16 {
		r := uint16(0xFFFF)
		for _, c := range b {
			r = r>>8 ^ uint16(c)
			for range 8 {
				if r&1 == 1 {
					r = r>>1 ^ 0xA001
				} else {
					r >>= 1
				}
			}
		}
		return r
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		b := make([]byte, rng.IntN(600))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if got, want := hj212CRC(b), bitwise(b); got != want {
			t.Fatalf("hj212CRC(% x) = %04X, bitwise %04X", b, got, want)
		}
	}
}
