package store

import (
	"errors"
	"math"
	"testing"
	"time"
)

// TestValidCut: the boundaries the store (0–100), the import ((0, 100]) and
// the form ((0, 100)) used to disagree on.
func TestValidCut(t *testing.T) {
	tests := []struct {
		c  float64
		ok bool
	}{
		{-1, false}, {0, false}, {0.01, true}, {30, true}, {50, true}, {99.99, true}, {100, false}, {150, false}, {math.NaN(), false}, {math.Inf(1), false},
	}
	for _, tc := range tests {
		err := ValidCut(tc.c)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidCut(%g) = %v, want ok %v", tc.c, err, tc.ok)
		}
	}
}

func TestOrderValidate(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, Beijing)
	ok := Order{Kind: Cut, CutPercent: 30, Level: Orange, Start: t0, End: t0.Add(time.Hour)}
	tests := []struct {
		name string
		edit func(*Order)
		ok   bool
	}{
		{"a valid cut", func(*Order) {}, true},
		{"a shutdown needs no percentage", func(o *Order) { o.Kind, o.CutPercent = Shutdown, 0 }, true},
		{"a 100 % cut is a shutdown", func(o *Order) { o.CutPercent = 100 }, false},
		{"a 0 % cut orders nothing", func(o *Order) { o.CutPercent = 0 }, false},
		{"unknown kind", func(o *Order) { o.Kind = "slowdown" }, false},
		{"unknown level", func(o *Order) { o.Level = "purple" }, false},
		{"no level is fine", func(o *Order) { o.Level = "" }, true},
		{"ends at its start", func(o *Order) { o.End = o.Start }, false},
	}
	for _, tc := range tests {
		o := ok
		tc.edit(&o)
		if err := o.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	f := Filing{Kind: PlannedStop, Start: t0, End: t0.Add(time.Hour)}
	if err := f.Validate(); err != nil {
		t.Errorf("valid filing: %v", err)
	}
	f.Kind = "holiday"
	if err := f.Validate(); err == nil {
		t.Error("a filing of unknown kind validated")
	}
}
