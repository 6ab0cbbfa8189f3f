package store

import "math"

// SetIndustryAverages fills rows' IndustryAvg: the industry's consumption in
// each period over the number of its enterprises that used any, from
// perEnterprise (the same query grouped by enterprise, every enterprise) and
// each enterprise's industry. The statistics view, export stats and anything
// else read it from the store's Consumption, which calls this: one home.
func SetIndustryAverages(by StatsBy, rows, perEnterprise []StatsRow, industryOf map[int64]int64) {
	type key struct {
		industry int64
		start    int64
	}
	sum, n := map[key]float64{}, map[key]int{}
	for _, r := range perEnterprise {
		if ind := industryOf[r.ID]; ind != 0 && r.Energy > 0 {
			k := key{ind, r.Start.UnixMilli()}
			sum[k] += r.Energy
			n[k]++
		}
	}
	for i := range rows {
		r := &rows[i]
		r.IndustryAvg = math.NaN()
		var k key
		switch by {
		case ByEnterprise:
			k = key{industryOf[r.ID], r.Start.UnixMilli()}
		case ByIndustry:
			k = key{r.ID, r.Start.UnixMilli()}
		default:
			continue
		}
		if k.industry != 0 && n[k] > 0 {
			r.IndustryAvg = sum[k] / float64(n[k])
		}
	}
}
