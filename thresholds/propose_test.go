package thresholds

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"powerwatch/store"
)

// level is the power (kW) a generated facility draws in a 5-minute slot.
type level func(t time.Time, r *rand.Rand) float64

// hours generates days of 5-minute power from lv with ±5 % noise and folds it
// into hourly min / mean / max, as the hourly aggregates hold it.
func hours(days int, lv level, seed uint64) []Hour {
	r := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, store.Beijing) // a Monday
	var out []Hour
	for h := 0; h < days*24; h++ {
		t0 := start.Add(time.Duration(h) * time.Hour)
		x := Hour{Start: t0, Min: math.Inf(1), Max: math.Inf(-1)}
		s := 0.0
		for k := 0; k < 12; k++ {
			v := lv(t0.Add(time.Duration(k)*5*time.Minute), r) * (1 + 0.1*(r.Float64()-0.5))
			s += v
			x.Min, x.Max = math.Min(x.Min, v), math.Max(x.Max, v)
		}
		x.Avg = s / 12
		out = append(out, x)
	}
	return out
}

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

// twoShift runs 100 kW 6:00–22:00 on working days, idles at 20 kW in the
// lunch hour and the first hour of each shift, and stops (0.5 kW) at night
// and on weekends.
func twoShift(t time.Time, _ *rand.Rand) float64 {
	h := t.Hour()
	switch {
	case weekend(t) || h < 6 || h >= 22:
		return 0.5
	case h == 6 || h == 12 || h == 14:
		return 20
	}
	return 100
}

// continuous never stops: 150 kW, idling at 30 kW every fourth hour.
func continuous(t time.Time, _ *rand.Rand) float64 {
	if t.Hour()%4 == 0 {
		return 30
	}
	return 150
}

// intermittent runs 80 kW for 15 minutes in every hour and is off (0 kW) otherwise.
func intermittent(t time.Time, _ *rand.Rand) float64 {
	if t.Minute() < 15 {
		return 80
	}
	return 0
}

// treatment is stopped at night, runs empty (8 kW) before production starts
// and loaded (40 kW) while it runs.
func treatment(t time.Time, _ *rand.Rand) float64 {
	h := t.Hour()
	switch {
	case h < 6 || h >= 20:
		return 0
	case h < 9 || h == 12:
		return 8
	}
	return 40
}

func near(got, want float64) bool {
	if want == 0 {
		return got < 0.5
	}
	return math.Abs(got-want) <= 0.1*want
}

func TestProposeRecoversLevels(t *testing.T) {
	cases := []struct {
		name      string
		kind      store.FacilityKind
		rated     float64
		days      int
		lv        level
		status    Status
		levels    map[Role]float64
		floor     bool
		stopKnown bool
	}{
		{"two-shift", store.Production, 120, 60, twoShift, Proposed, map[Role]float64{Stopped: 0.5, Idle: 20, Running: 100}, false, true},
		{"continuous", store.Production, 200, 30, continuous, Proposed, map[Role]float64{Idle: 30, Running: 150}, false, false},
		{"intermittent", store.Production, 100, 21, intermittent, Proposed, map[Role]float64{Stopped: 0, Running: 80}, false, true},
		{"treatment, floor from rated power", store.Treatment, 100, 28, treatment, Proposed, map[Role]float64{Stopped: 0, Idle: 8, Running: 40}, true, true},
		{"treatment, above the floor", store.Treatment, 50, 28, treatment, Proposed, map[Role]float64{Stopped: 0, Idle: 8, Running: 40}, false, true},
		{"unimodal", store.Production, 100, 30, func(time.Time, *rand.Rand) float64 { return 50 }, Unimodal, nil, false, true},
		{"too little data", store.Production, 120, 10, twoShift, TooLittle, nil, false, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Propose(Input{FacilityID: 1, Kind: c.kind, RatedKW: c.rated, Hours: hours(c.days, c.lv, uint64(i))})
			if p.Status != c.status {
				t.Fatalf("status %s (%s), want %s; modes %+v", p.Status, p.Reason(), c.status, p.Modes)
			}
			if c.status != Proposed {
				if p.Reason() == "" {
					t.Error("no reason given for not proposing")
				}
				return
			}
			got := map[Role]float64{}
			for _, m := range p.Modes {
				if m.Role != Other {
					got[m.Role] = m.Level
				}
			}
			if len(got) != len(c.levels) {
				t.Fatalf("modes %+v, want roles %v", p.Modes, c.levels)
			}
			for role, want := range c.levels {
				if lv, ok := got[role]; !ok || !near(lv, want) {
					t.Errorf("%s level %.2f, want %.2f ± 10 %%; modes %+v", role, lv, want, p.Modes)
				}
			}
			// The limits sit in the gaps: stop above the stopped (or below
			// the lowest) level, run above idle and below running.
			if lo, ok := c.levels[Stopped]; ok && !(p.Stop > lo*1.1 && p.Stop < p.Modes[1].Low) {
				t.Errorf("stop limit %.2f not between stopped %.2f and the next level (low %.2f)", p.Stop, lo, p.Modes[1].Low)
			}
			if idle, ok := c.levels[Idle]; ok && !c.floor && !(p.Run > idle*1.1 && p.Run < c.levels[Running]*0.9) {
				t.Errorf("run limit %.2f not between idle %.2f and running %.2f", p.Run, idle, c.levels[Running])
			}
			if p.Run < p.Stop || p.Run >= c.levels[Running]*0.95 {
				t.Errorf("limits stop %.2f, run %.2f: want stop ≤ run below running %.2f", p.Stop, p.Run, c.levels[Running])
			}
			if p.FloorApplied != c.floor || (c.floor && p.Run != store.DefaultRunShare*c.rated) {
				t.Errorf("floor applied %v (run %.2f, floor %.2f), want %v", p.FloorApplied, p.Run, p.Floor, c.floor)
			}
			if p.StopObserved != c.stopKnown {
				t.Errorf("stop observed %v, want %v", p.StopObserved, c.stopKnown)
			}
			if q := Quality(p.RunSeparation); q != "good" {
				t.Errorf("run separation %.2f (%s), want good for clean levels", p.RunSeparation, q)
			}
		})
	}
}

// TestProposeLeavesOutWindows: ten days stopped under an order are not the
// facility's habit; without the window the stop would be learned as a level.
func TestProposeLeavesOutWindows(t *testing.T) {
	from := time.Date(2026, 3, 10, 0, 0, 0, 0, store.Beijing)
	to := from.AddDate(0, 0, 10)
	lv := func(t time.Time, r *rand.Rand) float64 {
		if !t.Before(from) && t.Before(to) {
			return 0
		}
		return continuous(t, r)
	}
	hs := hours(40, lv, 3)
	with := Propose(Input{Kind: store.Production, RatedKW: 200, Hours: hs})
	if !with.StopObserved {
		t.Fatalf("without leaving the order out, the stop should be seen: %+v", with.Modes)
	}
	p := Propose(Input{Kind: store.Production, RatedKW: 200, Hours: hs, Exclude: []Window{{from, to}}})
	if p.Status != Proposed || p.StopObserved || p.Days != 30 {
		t.Errorf("order left out: status %s, stop observed %v, days %d; want proposed, no stop, 30 days; modes %+v",
			p.Status, p.StopObserved, p.Days, p.Modes)
	}
}

// TestProposeNeedsWeekends: two weeks of working days alone are not enough.
func TestProposeNeedsWeekends(t *testing.T) {
	var hs []Hour
	for _, h := range hours(28, twoShift, 5) {
		if !weekend(h.Start) {
			hs = append(hs, h)
		}
	}
	if p := Propose(Input{Kind: store.Production, Hours: hs}); p.Status != TooLittle || p.Days != 20 {
		t.Errorf("weekdays only: status %s over %d days, want too_little over 20", p.Status, p.Days)
	}
}

func TestMisfits(t *testing.T) {
	p := Propose(Input{FacilityID: 9, Kind: store.Production, RatedKW: 120, Hours: hours(30, twoShift, 1)})
	cases := []struct {
		name  string
		th    store.Threshold
		limit []string
	}{
		{"derived run limit inside the idle level", store.Threshold{Stop: 1.5, Run: 20}, []string{"run"}},
		{"both inside", store.Threshold{Stop: 0.5, Run: 100}, []string{"stop", "run"}},
		{"proposal fits", store.Threshold{Stop: p.Stop, Run: p.Run}, nil},
		{"current basis not compared", store.Threshold{Basis: store.ByCurrent, Stop: 0.5, Run: 20}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms := Misfits(p, c.th)
			var got []string
			for _, m := range ms {
				got = append(got, m.Limit)
			}
			if len(got) != len(c.limit) {
				t.Fatalf("misfits %v, want %v", got, c.limit)
			}
			for _, l := range c.limit {
				found := false
				for _, g := range got {
					found = found || g == l
				}
				if !found {
					t.Errorf("misfits %v, want %v", got, c.limit)
				}
			}
			if (Worst(ms) > 0) != (len(c.limit) > 0) {
				t.Errorf("worst %.2f with misfits %v", Worst(ms), got)
			}
		})
	}
}

func TestObserved(t *testing.T) {
	cases := []struct {
		name    string
		samples []float64
		off, on float64
		ok      bool
	}{
		{"off then on", []float64{50, 51, 0.2, 0.1, 0.2, 49, 50}, 0.2, 50, true},
		{"meter reads 0", []float64{0, 0, 0, 30, 31}, 0, 30, true},
		{"never switched", []float64{50, 52, 49, 51}, 0, 0, false},
		{"nothing", []float64{math.NaN()}, 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			off, on, ok := Observed(c.samples)
			if ok != c.ok || (ok && (!near(off, c.off) || !near(on, c.on))) {
				t.Errorf("Observed = %.2f, %.2f, %v; want %.2f, %.2f, %v", off, on, ok, c.off, c.on, c.ok)
			}
		})
	}
}

func TestFromTest(t *testing.T) {
	cases := []struct {
		name             string
		off, on, floor   float64
		stopMax, runWant float64
	}{
		{"production", 0.2, 50, 0, 50, 0},
		{"treatment under its floor", 0, 10, 6, 10, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stop, run := FromTest(c.off, c.on, c.floor)
			if !(stop > c.off && stop <= run && run < c.on || run == c.floor) {
				t.Errorf("FromTest(%g, %g) = %g, %g: want off < stop ≤ run < on", c.off, c.on, stop, run)
			}
			if c.runWant > 0 && run != c.runWant {
				t.Errorf("run %g, want the floor %g", run, c.runWant)
			}
		})
	}
}
