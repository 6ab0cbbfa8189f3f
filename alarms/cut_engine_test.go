package alarms

import (
	"testing"
	"time"

	"powerwatch/store"
)

// TestEngineOpenCutIsQuiet: once a 限产 period's allowance is passed, the open
// cut_ignored alarm stays the same from packet to packet (its evidence is that
// of the passing), so the engine returns no update and the store is not
// rewritten with every packet; the period's end ends it.
func TestEngineOpenCutIsQuiet(t *testing.T) {
	f := district(map[int64]store.FacilityKind{})
	o := store.Order{ID: 8, EnterpriseID: enterpri, Kind: store.Cut, CutPercent: 50, Start: bj("08:00"), End: bj("12:00")}
	f.Orders = []store.Order{o}
	e := NewEngine(DefaultRules(), *f)
	e.SetBaselines([]Baseline{{OrderID: 8, Method: store.BaselineWeekdays,
		Periods: []PeriodBaseline{{Period: Period{o.Start, o.End}, KWh: 200, Used: []Period{{bj("11-21 08:00"), bj("11-21 12:00")}}}}}})
	// allowance 200 × 0.5 × 1.1 = 110 kWh: 50 kW passes it in the 10:10 slot,
	// so the alarm starts at 10:10 and is returned with the 10:10 packet; the
	// 11:55 packet completes the period and ends it
	var updates []string
	for at := bj("08:00"); at.Before(bj("12:30")); at = at.Add(5 * time.Minute) {
		s := store.NewSample(prodA+100, at)
		s.P, s.U = 50+0.01*float64(at.Minute()%3), 380
		ups, _ := e.Observe(at.Add(time.Minute), []store.Sample{s})
		for _, u := range ups {
			for _, a := range u.Alarms {
				if a.Type == store.CutIgnored {
					updates = append(updates, at.In(store.Beijing).Format("15:04")+" "+string(a.Status))
				}
			}
		}
	}
	want := []string{"10:10 open", "11:55 ended"}
	if len(updates) != 2 || updates[0] != want[0] || updates[1] != want[1] {
		t.Errorf("updates carrying cut_ignored = %q, want %q", updates, want)
	}
}
