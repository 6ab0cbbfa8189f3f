package main

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestWindowSize(t *testing.T) {
	fit := fyne.NewSize(1350, 697)
	tests := []struct {
		saved, want fyne.Size
	}{
		{fyne.Size{}, fit}, // first start
		{fyne.NewSize(1100, 650), fyne.NewSize(1100, 650)}, // last size fits
		{fyne.NewSize(1900, 1000), fit},                    // from a bigger screen
		{fyne.NewSize(1900, 600), fyne.NewSize(1350, 600)}, // too wide only
		{fyne.NewSize(20, 10), fit},                        // nonsense
	}
	for _, tt := range tests {
		if got := windowSize(tt.saved, fit); got != tt.want {
			t.Errorf("windowSize(%v) = %v, want %v", tt.saved, got, tt.want)
		}
	}
}
