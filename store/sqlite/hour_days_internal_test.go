package sqlite

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"powerwatch/store"
)

func TestHourDayRoundTrip(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, store.Beijing).UnixMilli()
	h := func(i int, e float64, r, x int) hourEnergy {
		return hourEnergy{start: day + int64(i)*hourMS, energy: e, received: r, expected: x}
	}
	tests := []struct {
		name string
		hs   []hourEnergy
	}{
		{"no hour", nil},
		{"one hour", []hourEnergy{h(0, 1.5, 12, 12)}},
		{"last hour only", []hourEnergy{h(23, 0.06000000000000227, 3, 12)}},
		{"a whole day alike", func() (out []hourEnergy) {
			for i := range 24 {
				out = append(out, h(i, float64(i)*12.3+0.1, 12, 12))
			}
			return out
		}()},
		{"counts differ", []hourEnergy{h(2, 0, 0, 12), h(3, 7, 11, 12), h(5, 1e-300, 60, 60)}},
		{"extreme values", []hourEnergy{h(1, math.MaxFloat64, 1<<20, 1<<20), h(4, -0.0, 1, 1), h(9, math.SmallestNonzeroFloat64, 1, 12)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			blob, err := encodeHourDay(day, tc.hs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeHourDay(nil, day, blob)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.hs) {
				t.Fatalf("%d hours back, %d in", len(got), len(tc.hs))
			}
			for i := range got {
				if got[i] != tc.hs[i] || math.Signbit(got[i].energy) != math.Signbit(tc.hs[i].energy) {
					t.Errorf("hour %d: %+v back, %+v in", i, got[i], tc.hs[i])
				}
			}
			if n := 5 + 8*len(tc.hs); len(tc.hs) > 0 && len(blob) > n+2*3*len(tc.hs) {
				t.Errorf("%d bytes for %d hours", len(blob), len(tc.hs))
			}
		})
	}
}

func TestHourDayRefused(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, store.Beijing).UnixMilli()
	for _, tc := range []struct {
		name string
		hs   []hourEnergy
	}{
		{"before the day", []hourEnergy{{start: day - hourMS}}},
		{"the next day", []hourEnergy{{start: day + dayMS}}},
		{"inside an hour", []hourEnergy{{start: day + 90*60000}}},
		{"twice", []hourEnergy{{start: day}, {start: day}}},
	} {
		if _, err := encodeHourDay(day, tc.hs); err == nil {
			t.Errorf("%s: encoded", tc.name)
		}
	}
	good, err := encodeHourDay(day, []hourEnergy{{start: day, energy: 1, received: 12, expected: 12}, {start: day + hourMS, energy: 2, received: 1, expected: 12}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		blob []byte
	}{
		{"empty", nil},
		{"version 2", append([]byte{2}, good[1:]...)},
		{"cut in the energy", good[:len(good)-1]},
		{"a byte too many", append(slices.Clone(good), 0)},
		{"cut in the counts", good[:6]},
		{"unknown counts mode", append(append(slices.Clone(good[:4]), 7), good[5:]...)},
	} {
		if _, err := decodeHourDay(nil, day, tc.blob); !errors.Is(err, errHourDay) {
			t.Errorf("%s: %v, want a damaged-summary error", tc.name, err)
		}
	}
}

// FuzzDecodeHourDay: a damaged summary is an error, never a panic, and what
// decodes encodes back to the same hours.
func FuzzDecodeHourDay(f *testing.F) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, store.Beijing).UnixMilli()
	for _, hs := range [][]hourEnergy{nil, {{start: day, energy: 3, received: 12, expected: 12}},
		{{start: day + 5*hourMS, energy: 1, received: 2, expected: 12}, {start: day + 6*hourMS, energy: 9, received: 12, expected: 12}}} {
		b, err := encodeHourDay(day, hs)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, blob []byte) {
		hs, err := decodeHourDay(nil, day, blob)
		if err != nil {
			return
		}
		again, err := encodeHourDay(day, hs)
		if err != nil {
			t.Fatalf("decoded hours do not encode: %v", err)
		}
		back, err := decodeHourDay(nil, day, again)
		if err != nil || len(back) != len(hs) {
			t.Fatalf("re-encoded: %v, %d hours of %d", err, len(back), len(hs))
		}
		for i := range back {
			if back[i].start != hs[i].start || math.Float64bits(back[i].energy) != math.Float64bits(hs[i].energy) ||
				back[i].received != hs[i].received || back[i].expected != hs[i].expected {
				t.Fatalf("hour %d: %+v, then %+v", i, hs[i], back[i])
			}
		}
	})
}
