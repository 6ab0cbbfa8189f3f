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
	asked, askedHours [][2]time.Time
}

// TotalEnergyHours: today's hours so far 500 kWh, last week's same hours 400.
func (f *totalFake) TotalEnergyHours(_ context.Context, from, to time.Time) (float64, error) {
	f.askedHours = append(f.askedHours, [2]time.Time{from, to})
	if from.Equal(dayStart(demoNow)) {
		return 500, nil
	}
	return 400, nil
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
	// Today so far against the same whole hours (00:00–16:00) a week ago.
	if want := "上周同日 00:00–16:00 400 kWh，今日同时段 +25.0 %"; tile.detail.Text != want {
		t.Errorf("consumption detail = %q, want %q", tile.detail.Text, want)
	}
	today := dayStart(demoNow)
	if want := [2]time.Time{today, demoNow}; len(f.asked) != 1 || f.asked[0] != want {
		t.Errorf("TotalEnergy asked for %v, want %v", f.asked, want)
	}
	until := today.Add(16 * time.Hour)
	wantHours := [][2]time.Time{{today, until}, {today.AddDate(0, 0, -7), until.AddDate(0, 0, -7)}}
	if len(f.askedHours) != 2 || f.askedHours[0] != wantHours[0] || f.askedHours[1] != wantHours[1] {
		t.Errorf("TotalEnergyHours asked for %v, want %v", f.askedHours, wantHours)
	}
}

// TestDashboardEarlyMorning: before 01:00 there is no whole hour to compare,
// and the tile says so instead of −100 %.
func TestDashboardEarlyMorning(t *testing.T) {
	now := dayStart(demoNow).Add(40 * time.Minute)
	f := &totalFake{fakeStore: demoDistrict(now)}
	d := demoDeps(f.fakeStore, now)
	d.Stats = f
	s, _ := mustShell(t, d)
	if got, want := s.dash.tiles["consumption"].detail.Text, s.tr.T("dash.consumption.early"); got != want {
		t.Errorf("consumption detail at 00:40 = %q, want %q", got, want)
	}
	if len(f.askedHours) != 0 {
		t.Errorf("hours asked at 00:40: %v", f.askedHours)
	}
}
