package winplace

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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

func TestSavedWindowRect(t *testing.T) {
	tests := []struct {
		name   string
		saved  *windowRect
		want   windowRect
		wantOK bool
	}{
		{"nothing saved", nil, windowRect{}, false},
		{"saved", &windowRect{100, 50, 1466, 818}, windowRect{100, 50, 1466, 818}, true},
		{"on a monitor left of the main one", &windowRect{-1800, -20, -400, 900}, windowRect{-1800, -20, -400, 900}, true},
		{"too small to be the window", &windowRect{10, 10, 60, 40}, windowRect{}, false},
		{"upside down", &windowRect{1466, 818, 100, 50}, windowRect{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := test.NewTempApp(t).Preferences()
			if tt.saved != nil {
				p.SetInt(prefWindowLeft, tt.saved.Left)
				p.SetInt(prefWindowTop, tt.saved.Top)
				p.SetInt(prefWindowRight, tt.saved.Right)
				p.SetInt(prefWindowBottom, tt.saved.Bottom)
			}
			got, ok := savedWindowRect(p)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("savedWindowRect = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
