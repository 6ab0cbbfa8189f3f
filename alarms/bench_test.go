package alarms

import (
	"testing"
	"time"

	"powerwatch/store"
)

// benchDistrict is n enterprises of 10 points each: 4 production lines with
// one treatment unit each, a 产治一体 unit and the total-supply point.
func benchDistrict(n int) Facts {
	var f Facts
	for e := int64(1); e <= int64(n); e++ {
		f.Terminals = append(f.Terminals, store.Terminal{ID: e, EnterpriseID: e, MinInterval: 5 * time.Minute})
		f.Orders = append(f.Orders, store.Order{ID: e, EnterpriseID: e, Kind: store.Shutdown, Level: store.Red,
			Start: bj("2026-03-01 00:00"), End: bj("2026-03-04 00:00")})
		for k := int64(0); k < 10; k++ {
			id := e*100 + k
			kind := store.Production
			switch {
			case k >= 4 && k < 8:
				kind = store.Treatment
				f.Links = append(f.Links, store.Link{ProductionID: e*100 + k - 4, TreatmentID: id, Role: store.Active})
			case k == 8:
				kind = store.Integrated
			case k == 9:
				kind = store.Total
			}
			rated := 100.0
			if kind == store.Total {
				rated = 600
			}
			f.Facilities = append(f.Facilities, store.Facility{ID: id, EnterpriseID: e, Kind: kind, RatedKW: rated})
			f.Points = append(f.Points, store.Point{ID: id, TerminalID: e, FacilityID: id})
		}
	}
	return f
}

// benchValue is a day-shift pattern: production 08:00–20:00 Beijing, the
// treatment following it but off for an hour every fifth day; meters jitter
// as real ones do (an exactly repeated value is a frozen-meter alarm).
func benchValue(point int64, at time.Time) float64 {
	h := at.In(store.Beijing).Hour()
	day := at.Unix() / 86400
	k := point % 100
	on := h >= 8 && h < 20
	switch {
	case k == 9:
		if on {
			return 520 + float64(at.Unix()/300%7)
		}
		return 12 + float64(at.Unix()/300%3)
	case k >= 4 && k < 8 && on && !(day%5 == 0 && h == 10):
		return 40 + float64(at.Unix()/300%5)
	case k < 4 && on, k == 8 && on:
		return 60 + float64(at.Unix()/300%5)
	}
	return 1 + 0.01*float64(at.Unix()/300%3) // idle load, never exactly repeated
}

// benchSeries fills into with the series of enterprises ents, reusing the
// arrays of other enterprises' points so that memory stays at len(ents)
// enterprises.
func benchSeries(f *Facts, ents []int64, from time.Time, slots int, into map[int64][]store.Sample) {
	want := map[int64]bool{}
	for _, e := range ents {
		want[e] = true
	}
	var pool [][]store.Sample
	for id, ss := range into {
		if !want[id/100] {
			pool = append(pool, ss[:0])
			delete(into, id)
		}
	}
	for _, p := range f.Points {
		if !want[p.TerminalID] {
			continue
		}
		ss := into[p.ID][:0]
		if ss == nil && len(pool) > 0 {
			ss, pool = pool[len(pool)-1], pool[:len(pool)-1]
		}
		for i := 0; i < slots; i++ {
			at := from.Add(time.Duration(i) * 5 * time.Minute)
			s := store.Sample{PointID: p.ID, At: at, P: benchValue(p.ID, at), I: store.Missing, U: 380, E: store.Missing, PF: store.Missing}
			ss = append(ss, s)
		}
		into[p.ID] = ss
	}
}

// BenchmarkObserve measures the engine per arriving packet: one terminal's
// 10 points for one 5-minute slot, in a 2,000-point district with 6 h of
// history in the window.
func BenchmarkObserve(b *testing.B) {
	f := benchDistrict(200)
	e := NewEngine(DefaultRules(), f)
	start := bj("2026-03-02 02:00")
	warm := 72
	buf := map[int64][]store.Sample{}
	all := make([]int64, 200)
	for i := range all {
		all[i] = int64(i + 1)
	}
	benchSeries(&f, all, start, warm, buf)
	for i := 0; i < warm; i++ {
		var batch []store.Sample
		for _, ss := range buf {
			batch = append(batch, ss[i])
		}
		e.Observe(start.Add(time.Duration(i)*5*time.Minute+time.Minute), batch)
	}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		ent := int64(i%200) + 1
		slot := warm + i/200
		at := start.Add(time.Duration(slot) * 5 * time.Minute)
		batch := make([]store.Sample, 0, 10)
		for k := int64(0); k < 10; k++ {
			pid := ent*100 + k
			batch = append(batch, store.Sample{PointID: pid, At: at, P: benchValue(pid, at), I: store.Missing, U: 380, E: store.Missing, PF: store.Missing})
		}
		e.Observe(at.Add(time.Minute), batch)
	}
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// BenchmarkEvaluateYear re-evaluates one year of a 2,000-point district
// (200 enterprises × 10 points, 5-minute data: 210 million samples), two
// enterprises per Evaluate call so both cores work; generating the series is
// not timed.
func BenchmarkEvaluateYear(b *testing.B) {
	benchEvaluate(b, 200, 365)
}

// BenchmarkEvaluateMonth is the same for one month of 20 enterprises, quick
// enough to run with every benchmark pass.
func BenchmarkEvaluateMonth(b *testing.B) {
	benchEvaluate(b, 20, 30)
}

func benchEvaluate(b *testing.B, ents, days int) {
	f := benchDistrict(ents)
	from := bj("2026-01-01 00:00")
	slots := days * 288
	buf := map[int64][]store.Sample{}
	rs := DefaultRules()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, cpu := 0, time.Duration(0)
		// two enterprises at a time, one per core, as Evaluate spreads them
		for ent := int64(1); ent <= int64(ents); ent += 2 {
			pair := []int64{ent, ent + 1}
			if ent == int64(ents) {
				pair = pair[:1]
			}
			b.StopTimer()
			benchSeries(&f, pair, from, slots, buf)
			b.StartTimer()
			c0 := cpuTime()
			in := Input{From: from, To: from.Add(time.Duration(slots) * 5 * time.Minute), Facts: &f, Series: buf, Enterprises: pair}
			n += len(Evaluate(rs, in))
			cpu += cpuTime() - c0
		}
		b.ReportMetric(float64(n), "alarms")
		b.ReportMetric(cpu.Seconds(), "cpu-s/op") // includes the GC work on the other core
	}
}

// BenchmarkObserveMinute is BenchmarkObserve with minute data: each packet
// is a terminal's 10 points for one minute, and the enterprise is re-judged
// on a 1-minute grid (gridStep) over its window.
func BenchmarkObserveMinute(b *testing.B) {
	f := benchDistrict(200)
	for i := range f.Terminals {
		f.Terminals[i].MinInterval = time.Minute
	}
	e := NewEngine(DefaultRules(), f)
	start := bj("2026-03-02 02:00")
	sample := func(pid int64, at time.Time) store.Sample {
		return store.Sample{PointID: pid, At: at, P: benchValue(pid, at) + 0.001*float64(at.Minute()), I: store.Missing, U: 380,
			E: store.Missing, PF: store.Missing, Flags: store.FlagMinuteValue}
	}
	warm := 360 // 6 h of minutes
	for i := 0; i < warm; i++ {
		at := start.Add(time.Duration(i) * time.Minute)
		var batch []store.Sample
		for _, p := range f.Points {
			batch = append(batch, sample(p.ID, at))
		}
		e.Observe(at.Add(time.Minute), batch)
	}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		ent := int64(i%200) + 1
		at := start.Add(time.Duration(warm+i/200) * time.Minute)
		batch := make([]store.Sample, 0, 10)
		for k := int64(0); k < 10; k++ {
			batch = append(batch, sample(ent*100+k, at))
		}
		e.Observe(at.Add(time.Minute), batch)
	}
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
}
