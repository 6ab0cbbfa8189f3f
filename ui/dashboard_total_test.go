package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"powerwatch/store"
)

// totalFake is a store that sums the district's energy itself: the
// dashboard asks it, not Consumption (which fails here).
type totalFake struct {
	*fakeStore
	asked [][2]time.Time
}

func (f *totalFake) TotalEnergy(_ context.Context, from, to time.Time) (float64, error) {
	f.asked = append(f.asked, [2]time.Time{from, to})
	if from.Equal(dayStart(demoNow)) {
		return 1250, nil
	}
	return 1000, nil
}

func (f *totalFake) Consumption(context.Context, store.StatsQuery) ([]store.StatsRow, error) {
	return nil, errors.New("the dashboard should not need 同比 rows")
}

func TestDashboardTotalEnergy(t *testing.T) {
	f := &totalFake{fakeStore: demoDistrict(demoNow)}
	d := demoDeps(f.fakeStore, demoNow)
	d.Stats = f
	s, _ := mustShell(t, d)
	tile := s.dash.tiles["consumption"]
	if got := tile.value.Text; got != "1250 kWh" {
		t.Errorf("consumption tile = %q (%s), want 1250 kWh", got, tile.detail.Text)
	}
	if want := s.tr.T("dash.consumption.detail", 1000.0, 25.0); tile.detail.Text != want {
		t.Errorf("consumption detail = %q, want %q", tile.detail.Text, want)
	}
	today := dayStart(demoNow)
	want := [][2]time.Time{{today, demoNow}, {today.AddDate(0, 0, -7), today.AddDate(0, 0, -6)}}
	if len(f.asked) < 2 || f.asked[0] != want[0] || f.asked[1] != want[1] {
		t.Errorf("TotalEnergy asked for %v, want %v", f.asked, want)
	}
}
