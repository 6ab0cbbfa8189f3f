package benchui

import (
	"testing"
	"time"

	"powerwatch/store"
)

// TestNewest: the latest of the points' latest samples, or now when the
// database has no reading.
func TestNewest(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, store.Beijing)
	at := func(h int) store.Sample {
		return store.NewSample(1, time.Date(2026, 11, 30, h, 0, 0, 0, store.Beijing))
	}
	for _, c := range []struct {
		ss   []store.Sample
		want time.Time
	}{
		{nil, now},
		{[]store.Sample{at(8)}, at(8).At},
		{[]store.Sample{at(8), at(23), at(12)}, at(23).At},
	} {
		if got := Newest(c.ss, now); !got.Equal(c.want) {
			t.Errorf("Newest(%d samples) = %v, want %v", len(c.ss), got, c.want)
		}
	}
}
