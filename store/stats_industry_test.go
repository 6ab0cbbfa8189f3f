package store

import (
	"math"
	"testing"
	"time"
)

func TestSetIndustryAverages(t *testing.T) {
	m := time.Date(2026, 11, 1, 0, 0, 0, 0, Beijing)
	per := []StatsRow{{ID: 1, Start: m, Energy: 100}, {ID: 2, Start: m, Energy: 300}, {ID: 3, Start: m, Energy: 0}, {ID: 4, Start: m, Energy: 50}}
	industryOf := map[int64]int64{1: 10, 2: 10, 3: 10, 4: 0} // 3 used nothing, 4 has no industry
	rows := append([]StatsRow(nil), per...)
	SetIndustryAverages(ByEnterprise, rows, per, industryOf)
	for i, want := range []float64{200, 200, 200, math.NaN()} {
		if got := rows[i].IndustryAvg; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("enterprise %d: industry average %g, want %g", rows[i].ID, got, want)
		}
	}
	ind := []StatsRow{{ID: 10, Start: m, Energy: 400}, {ID: 11, Start: m, Energy: 9}}
	SetIndustryAverages(ByIndustry, ind, per, industryOf)
	if ind[0].IndustryAvg != 200 || !math.IsNaN(ind[1].IndustryAvg) {
		t.Errorf("by industry: %g, %g; want 200 and NaN (no enterprise of industry 11 used any)", ind[0].IndustryAvg, ind[1].IndustryAvg)
	}
	reg := []StatsRow{{ID: 5, Start: m, Energy: 1}}
	SetIndustryAverages(ByRegion, reg, per, industryOf)
	if !math.IsNaN(reg[0].IndustryAvg) {
		t.Errorf("by region: %g, want NaN", reg[0].IndustryAvg)
	}
}
