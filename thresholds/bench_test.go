package thresholds

import (
	"testing"

	"powerwatch/store"
)

// BenchmarkPropose is the pure part of one facility-year: 8,760 hours of a
// two-shift mill binned, smoothed and split into modes.
func BenchmarkPropose(b *testing.B) {
	in := Input{Kind: store.Production, RatedKW: 120, Hours: hours(365, twoShift, 1)}
	b.ResetTimer()
	for b.Loop() {
		if p := Propose(in); p.Status != Proposed {
			b.Fatal(p.Status)
		}
	}
}
