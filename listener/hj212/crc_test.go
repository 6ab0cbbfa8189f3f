package hj212

import (
	"math/rand/v2"
	"testing"
)

// crcBitwise is HJ212-2017 Appendix A written out bit by bit, the reference
// for the table-driven Checksum.
func crcBitwise(b []byte) uint16 {
	r := uint16(0xFFFF)
	for _, c := range b {
		r = r>>8 ^ uint16(c)
		for range 8 {
			lsb := r & 1
			r >>= 1
			if lsb == 1 {
				r ^= 0xA001
			}
		}
	}
	return r
}

func TestChecksumVectors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want uint16
	}{
		{"Appendix A data segment (MODBUS would give 0759)", "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&", 0x1C80},
		{"check string (MODBUS would give 4B37)", "123456789", 0x2F80},
		{"empty", "", 0xFFFF},
		{"one byte", "A", 0x7080},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Checksum([]byte(tt.in)); got != tt.want {
				t.Errorf("Checksum(%q) = %04X, want %04X", tt.in, got, tt.want)
			}
			if got := checksumString(tt.in); got != tt.want {
				t.Errorf("checksumString(%q) = %04X, want %04X", tt.in, got, tt.want)
			}
			if got := crcBitwise([]byte(tt.in)); got != tt.want {
				t.Errorf("crcBitwise(%q) = %04X, want %04X", tt.in, got, tt.want)
			}
		})
	}
}

// TestChecksumMatchesBitwise checks the slicing-by-8 tables against the
// definition on every length up to 64 and on random data, including bytes ≥ 0x80.
func TestChecksumMatchesBitwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		b := make([]byte, n%64+n/64)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		want := crcBitwise(b)
		if got := Checksum(b); got != want {
			t.Fatalf("Checksum(% x) = %04X, want %04X", b, got, want)
		}
		if got := checksumString(string(b)); got != want {
			t.Fatalf("checksumString(% x) = %04X, want %04X", b, got, want)
		}
		// hj212.md §2: the low byte is always one of 00 01 40 41 80 81 C0 C1.
		if lo := want & 0xFF; len(b) > 0 && lo&^0xC1 != 0 {
			t.Fatalf("crcBitwise(% x) = %04X: low byte outside the 8 possible values", b, want)
		}
	}
}

func FuzzChecksum(f *testing.F) {
	f.Add([]byte("123456789"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Checksum(b), crcBitwise(b); got != want {
			t.Fatalf("Checksum(% x) = %04X, want %04X", b, got, want)
		}
	})
}

func TestModbusChecksum(t *testing.T) {
	tests := []struct {
		in   string
		want uint16
	}{
		{"123456789", 0x4B37}, // CRC-16/MODBUS check value
		{"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&", 0x0759},
		{"", 0xFFFF},
	}
	for _, tt := range tests {
		if got := ModbusChecksum([]byte(tt.in)); got != tt.want {
			t.Errorf("ModbusChecksum(%q) = %04X, want %04X", tt.in, got, tt.want)
		}
	}
}
