package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"powerwatch/store"
)

func TestParseLocalTime(t *testing.T) {
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	eight := time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	tests := []struct {
		in       string
		want     time.Time
		wantEnd  time.Time
		wantFail bool
	}{
		{in: "2026-11-28", want: day, wantEnd: day.AddDate(0, 0, 1)},
		{in: " 2026/11/28 ", want: day, wantEnd: day.AddDate(0, 0, 1)},
		{in: "2026-11-28T08:00", want: eight, wantEnd: eight},
		{in: "2026-11-28 08:00", want: eight, wantEnd: eight},
		{in: "2026-11-28 08:00:00", want: eight, wantEnd: eight},
		{in: "2026-11-28T00:00:00Z", want: eight, wantEnd: eight},
		{in: "28.11.2026", wantFail: true},
		{in: "2026-13-01", wantFail: true},
		{in: "", wantFail: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := store.ParseLocalTime(tt.in)
			end, errEnd := store.ParseLocalEnd(tt.in)
			if tt.wantFail {
				if err == nil || !errors.Is(err, store.ErrInvalid) || errEnd == nil {
					t.Fatalf("ParseLocalTime(%q) = %v, %v; want ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseLocalTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if errEnd != nil || !end.Equal(tt.wantEnd) {
				t.Errorf("ParseLocalEnd(%q) = %v, %v; want %v", tt.in, end, errEnd, tt.wantEnd)
			}
		})
	}
}

// TestParseLocalPeriod: a date alone as the end includes that day; a
// missing bound, a bound that cannot be read and an end not after the
// start are refused.
func TestParseLocalPeriod(t *testing.T) {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, store.Beijing) }
	for _, c := range []struct {
		from, to string
		f, t     time.Time
		ok       bool
	}{
		{"2026-11-01", "2026-11-28", day(1, 0), day(29, 0), true},
		{"2026-11-01 08:00", "2026-11-01T09:00", day(1, 8), day(1, 9), true},
		{"2026-11-28", "2026-11-28", day(28, 0), day(29, 0), true}, // one whole day
		{"2026-11-28T08:00", "2026-11-28T08:00", time.Time{}, time.Time{}, false},
		{"2026-11-02", "2026-11-01", time.Time{}, time.Time{}, false},
		{"", "2026-11-01", time.Time{}, time.Time{}, false},
		{"2026-11-01", " ", time.Time{}, time.Time{}, false},
		{"yesterday", "2026-11-01", time.Time{}, time.Time{}, false},
	} {
		f, to, err := store.ParseLocalPeriod(c.from, c.to)
		if (err == nil) != c.ok || c.ok && (!f.Equal(c.f) || !to.Equal(c.t)) {
			t.Errorf("ParseLocalPeriod(%q, %q) = %v, %v, %v; want %v, %v, ok %v", c.from, c.to, f, to, err, c.f, c.t, c.ok)
		}
	}
}

// TestParseLocalBounds: either bound may be left open; a bound that cannot
// be read is named.
func TestParseLocalBounds(t *testing.T) {
	f, to, err := store.ParseLocalBounds("2026-11-01", "")
	if err != nil || !f.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, store.Beijing)) || !to.IsZero() {
		t.Errorf("from only = %v, %v, %v", f, to, err)
	}
	if f, to, err := store.ParseLocalBounds("", ""); err != nil || !f.IsZero() || !to.IsZero() {
		t.Errorf("open = %v, %v, %v", f, to, err)
	}
	for _, c := range [][3]string{{"x", "", "from: "}, {"", "2026-13-01", "to: "}} {
		if _, _, err := store.ParseLocalBounds(c[0], c[1]); err == nil || !strings.HasPrefix(err.Error(), c[2]) {
			t.Errorf("ParseLocalBounds(%q, %q) = %v; want an error starting %q", c[0], c[1], err, c[2])
		}
	}
}
