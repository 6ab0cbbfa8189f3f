// Package control makes the 管控 figures of a heavy-pollution episode: the
// live board while it runs (each facility under order: its state now, its
// consumption against its allowance, its alarms) and the reduction report
// after it, per facility, enterprise and industry against the baseline of the
// current rule set, written to Excel and PDF.
package control

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"powerwatch/alarms"
	"powerwatch/store"
)

// Source is what a report reads; *sqlite.DB has these methods.
type Source interface {
	LoadRegistry(ctx context.Context) (*store.Registry, error)
	HourlyEnergyOf(ctx context.Context, points []int64, from, to time.Time) (map[int64][]store.HourEnergy, error)
	LatestSamples(ctx context.Context) ([]store.Sample, error)
	FindAlarms(ctx context.Context, f store.AlarmFilter) ([]store.Alarm, error)
	CurrentRuleSet(ctx context.Context) (store.RuleSet, error)
}

// registry is the registry as a report looks it up: one snapshot read
// once, where an episode's hundreds of orders and facilities each asked the
// database for their enterprise, facilities, points and threshold (a sixth
// of the board's time on a district).
type registry struct {
	ents     map[int64]store.Enterprise
	facs     map[int64][]store.Facility // by enterprise, by name (as FindFacilities lists them)
	pts      map[int64][]store.Point    // by facility, by id
	ths      map[int64][]store.Threshold
	industry map[int64]string
}

func newRegistry(r *store.Registry) *registry {
	g := &registry{ents: map[int64]store.Enterprise{}, facs: map[int64][]store.Facility{}, pts: map[int64][]store.Point{},
		ths: map[int64][]store.Threshold{}, industry: map[int64]string{}}
	for _, e := range r.Enterprises {
		g.ents[e.ID] = e
	}
	for _, f := range r.Facilities {
		g.facs[f.EnterpriseID] = append(g.facs[f.EnterpriseID], f)
	}
	for _, fs := range g.facs {
		slices.SortStableFunc(fs, func(a, b store.Facility) int { return strings.Compare(a.Name, b.Name) })
	}
	for _, p := range r.Points {
		g.pts[p.FacilityID] = append(g.pts[p.FacilityID], p)
	}
	for _, t := range r.Thresholds {
		g.ths[t.FacilityID] = append(g.ths[t.FacilityID], t)
	}
	for _, i := range r.Industries {
		g.industry[i.ID] = i.Name
	}
	return g
}

func (g *registry) enterprise(id int64) (store.Enterprise, error) {
	e, ok := g.ents[id]
	if !ok {
		return e, fmt.Errorf("enterprise %d: %w", id, store.ErrNotFound)
	}
	return e, nil
}

// fresh is how old the latest sample may be for the board to call a state.
const fresh = 15 * time.Minute

// Report computes the episode's figures over its span up to now. baselines
// are the rules' baselines of its orders by order ID (judge.OrderBaselines:
// the same usable periods the 限产 rule judges by, orders, 报备, holidays and
// incomplete periods left out); an order without one, under a history
// method, has an unknown baseline on the board.
func Report(ctx context.Context, src Source, ep store.Episode, now time.Time, baselines map[int64]alarms.Baseline) (store.EpisodeReport, error) {
	r := store.EpisodeReport{Episode: ep, From: ep.Start, To: ep.End}
	if now.Before(r.To) {
		r.To = now
	}
	if r.To.Before(r.From) {
		r.To = r.From // not begun: nothing used yet
	}
	fail := func(err error) (store.EpisodeReport, error) {
		return r, fmt.Errorf("report on the %s episode from %s: %w", ep.Level, ep.Start.In(store.Beijing).Format("2006-01-02 15:04"), err)
	}
	rs, err := src.CurrentRuleSet(ctx)
	if errors.Is(err, store.ErrNotFound) {
		rs, err = alarms.DefaultRules(), nil
	}
	if err != nil {
		return fail(err)
	}
	r.Method = rs.CutBaseline
	snap, err := src.LoadRegistry(ctx)
	if err != nil {
		return fail(err)
	}
	reg := newRegistry(snap)
	industry := reg.industry
	latest := map[int64]store.Sample{}
	ss, err := src.LatestSamples(ctx)
	if err != nil {
		return fail(err)
	}
	for _, s := range ss {
		latest[s.PointID] = s
	}
	as, err := src.FindAlarms(ctx, store.AlarmFilter{From: ep.Start, To: ep.End,
		Types:    []store.AlarmType{store.ShutdownIgnored, store.CutIgnored, store.OrderUnjudged},
		Statuses: []store.AlarmStatus{store.Open, store.Ended}, Trial: store.TrialNo})
	if err != nil {
		return fail(err)
	}
	unjudged := map[int64]string{} // order → why the rules cannot judge it
	for _, a := range as {
		if a.Type == store.OrderUnjudged {
			unjudged[a.OrderID] = a.Detail
		}
	}
	// Orders are measured on every core at once: each reads its facilities'
	// hours, and a district's episode has hundreds of orders.
	per := make([][]store.FacilityReduction, len(ep.Orders))
	errs := make([]error, len(ep.Orders))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ep.Orders)) {
		wg.Go(func() {
			for i := range next {
				o := ep.Orders[i]
				var b *alarms.Baseline
				if x, ok := baselines[o.ID]; ok {
					b = &x
				}
				per[i], errs[i] = orderRows(ctx, src, reg, o, b, rs, r.From, r.To, industry, unjudged, as, latest, now)
			}
		})
	}
	for i := range ep.Orders {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range ep.Orders {
		if errs[i] != nil {
			return fail(errs[i])
		}
		r.Facilities = append(r.Facilities, per[i]...)
	}
	sort.SliceStable(r.Facilities, func(i, j int) bool {
		a, b := r.Facilities[i], r.Facilities[j]
		if a.Enterprise != b.Enterprise {
			return a.Enterprise < b.Enterprise
		}
		return a.Facility < b.Facility
	})
	r.Enterprises = sum(r.Facilities, func(f store.FacilityReduction) string { return f.Enterprise })
	r.Industries = sum(r.Facilities, func(f store.FacilityReduction) string { return f.Industry })
	if all := sum(r.Facilities, func(store.FacilityReduction) string { return "合计 total" }); len(all) == 1 {
		r.Total = all[0]
	} else {
		r.Total = store.ReductionRow{Name: "合计 total", Baseline: math.NaN(), Allowance: math.NaN(), Reduction: math.NaN()}
	}
	return r, nil
}

// orderRows are the board's rows of order o: one per facility it covers,
// measured over its part [from, to) of the episode, or one saying that it
// covers nothing measurable.
func orderRows(ctx context.Context, src Source, reg *registry, o store.Order, b *alarms.Baseline, rs store.RuleSet, epFrom, epTo time.Time,
	industry map[int64]string, unjudged map[int64]string, as []store.Alarm, latest map[int64]store.Sample, now time.Time) ([]store.FacilityReduction, error) {
	ent, err := reg.enterprise(o.EnterpriseID)
	if err != nil {
		return nil, err
	}
	facs := scope(reg, o)
	inScope := map[int64]bool{}
	for _, f := range facs {
		inScope[f.ID] = true
	}
	if len(facs) == 0 {
		// Nothing it covers can be measured: the order is still on the
		// board, saying so, never silently absent.
		return []store.FacilityReduction{{OrderID: o.ID, EnterpriseID: ent.ID, Enterprise: ent.Name,
			Facility: "—", Industry: industry[ent.IndustryID], Kind: o.Kind, CutPercent: o.CutPercent, State: store.StateUnknown,
			PowerKW: math.NaN(), Baseline: math.NaN(), Allowance: math.NaN(),
			Unjudged: cmp.Or(unjudged[o.ID], "管控令未覆盖任何生产设施 / the order covers no production facility")}}, nil
	}
	var out []store.FacilityReduction
	first := true
	for _, f := range facs {
		fr := store.FacilityReduction{OrderID: o.ID, EnterpriseID: ent.ID, FacilityID: f.ID, Enterprise: ent.Name,
			Facility: f.Name, Industry: industry[ent.IndustryID], Kind: o.Kind, CutPercent: o.CutPercent}
		from, to := later(epFrom, o.Start), earlier(epTo, o.End)
		if to.Before(from) {
			to = from
		}
		if err := measure(ctx, src, reg, &fr, f, rs, b, from, to, latest, now); err != nil {
			return nil, fmt.Errorf("%s %s: %w", ent.Name, f.Name, err)
		}
		fr.Unjudged = unjudged[o.ID]
		for _, a := range as {
			if a.Type == store.OrderUnjudged {
				continue
			}
			// An alarm counts on its facility, or on the first row when that is not a row.
			if a.OrderID == o.ID && (a.ProductionID == f.ID || (!inScope[a.ProductionID] && first)) {
				fr.Alarms++
			}
		}
		first = false
		out = append(out, fr)
	}
	return out, nil
}

// scope is what order o is measured on, as the rules judge it
// (alarms.OrderScope): the listed facilities, or for a whole-enterprise order
// its production, 产治一体 and 间接用电 facilities, less the exempted ones;
// never treatment (it must keep running) nor the total-supply meter.
func scope(reg *registry, o store.Order) []store.Facility {
	facs := reg.facs[o.EnterpriseID]
	ids, _ := alarms.OrderScope(o, facs) // what the rules judge, exemptions and all
	out := make([]store.Facility, 0, len(ids))
	for _, f := range facs {
		if slices.Contains(ids, f.ID) {
			out = append(out, f)
		}
	}
	return out
}

// measure fills fr's state now, energy over [from, to) (its order's part of
// the episode so far), baseline and allowance: the facility's share of the
// rule's baseline b over the same hours.
func measure(ctx context.Context, src Source, reg *registry, fr *store.FacilityReduction, f store.Facility, rs store.RuleSet,
	b *alarms.Baseline, from, to time.Time, latest map[int64]store.Sample, now time.Time) error {
	pts := reg.pts[f.ID]
	// Every measure below — the order's part of the episode, and each
	// candidate period the baseline used, shifted to the same hours — lies
	// in [lo, hi): the facility's points are read once over it.
	lo, hi := from, to
	if b != nil && rs.CutBaseline != store.BaselineRated {
		for _, pb := range b.Periods {
			for _, c := range pb.Used {
				lo = earlier(lo, c.Start)
				hi = later(hi, c.Start.Add(pb.Period.End.Sub(pb.Period.Start)))
			}
		}
	}
	ids := make([]int64, len(pts))
	for i, p := range pts {
		ids[i] = p.ID
	}
	hours, err := src.HourlyEnergyOf(ctx, ids, lo, hi)
	if err != nil {
		return err
	}
	energy := func(a, b time.Time) (float64, bool, error) {
		if a.Before(lo) || b.After(hi) { // outside what was read: never, by the bounds above
			return 0, false, fmt.Errorf("energy %s – %s outside the hours read (%s – %s)", a, b, lo, hi)
		}
		first := a.Truncate(time.Hour)
		if first.Before(a) {
			first = first.Add(time.Hour) // hours starting at or after a, as HourlyEnergy(a, b)
		}
		kwh, seen := 0.0, false
		for _, id := range ids {
			for _, g := range hours[id] {
				if !g.Start.Before(first) && g.Start.Before(b) {
					kwh += g.Energy
					seen = true
				}
			}
		}
		return kwh, seen, nil
	}
	if fr.Energy, _, err = energy(from, to); err != nil {
		return err
	}
	fr.Baseline = math.NaN()
	switch {
	case rs.CutBaseline == store.BaselineRated:
		fr.Baseline = f.RatedKW * rs.CutRatedPercent / 100 * to.Sub(from).Hours()
	case b != nil:
		kwh, ok, err := ruleBaseline(b, from, to, energy)
		if err != nil {
			return err
		}
		if ok {
			fr.Baseline = kwh
		}
	}
	switch fr.Kind {
	case store.Shutdown:
		fr.Allowance = 0
	default:
		fr.Allowance = fr.Baseline * (1 - fr.CutPercent/100)
		fr.Warning = fr.Allowance >= 0 && fr.Energy > fr.Allowance*(1+rs.CutMarginPct/100)
	}
	fr.State, fr.PowerKW = store.StateUnknown, math.NaN()
	for _, p := range pts {
		s, ok := latest[p.ID]
		if !ok || now.Sub(s.At) > fresh || math.IsNaN(s.P) {
			continue
		}
		if math.IsNaN(fr.PowerKW) {
			fr.PowerKW = 0
		}
		fr.PowerKW += s.P
		if s.At.After(fr.SeenAt) {
			fr.SeenAt = s.At
		}
	}
	if math.IsNaN(fr.PowerKW) {
		return nil
	}
	th, ok := store.ThresholdAt(reg.ths[f.ID], now)
	if !ok {
		return nil
	}
	switch {
	case fr.PowerKW >= th.Run:
		fr.State = store.StateRunning
	case fr.PowerKW <= th.Stop:
		fr.State = store.StateStopped
	default:
		fr.State = store.StatePartial
	}
	return nil
}

// ruleBaseline is the facility's normal consumption over [from, to), a part
// of b's periods: for each 管控时段 it overlaps, the mean over the candidate
// periods the rule used of the facility's energy in the same hours (measured
// by energy). ok is false when [from, to) overlaps a period with no usable
// candidate, or none of b's periods: the rule cannot judge it either.
func ruleBaseline(b *alarms.Baseline, from, to time.Time, energy func(a, b time.Time) (float64, bool, error)) (kwh float64, ok bool, err error) {
	if !from.Before(to) {
		return 0, true, nil // not begun: nothing normally used yet either
	}
	for _, pb := range b.Periods {
		s, e := later(pb.Period.Start, from), earlier(pb.Period.End, to)
		if !s.Before(e) {
			continue
		}
		if len(pb.Used) == 0 {
			return 0, false, nil
		}
		off, span := s.Sub(pb.Period.Start), e.Sub(s)
		sum := 0.0
		for _, c := range pb.Used {
			v, _, err := energy(c.Start.Add(off), c.Start.Add(off+span))
			if err != nil {
				return 0, false, err
			}
			sum += v
		}
		kwh += sum / float64(len(pb.Used))
		ok = true
	}
	return kwh, ok, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// sum adds up facilities grouped by name, in the order names first appear.
func sum(fs []store.FacilityReduction, name func(store.FacilityReduction) string) []store.ReductionRow {
	idx := map[string]int{}
	var out []store.ReductionRow
	for _, f := range fs {
		n := name(f)
		i, ok := idx[n]
		if !ok {
			i = len(out)
			idx[n] = i
			out = append(out, store.ReductionRow{Name: n})
		}
		out[i].Energy += f.Energy
		out[i].Baseline += f.Baseline // NaN stays NaN: a part unknown leaves the sum unknown
		out[i].Allowance += f.Allowance
		out[i].Alarms += f.Alarms
	}
	for i := range out {
		out[i].Reduction = math.NaN()
		if b := out[i].Baseline; b > 0 {
			out[i].Reduction = (b - out[i].Energy) / b
		}
	}
	return out
}
