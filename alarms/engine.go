package alarms

import (
	"slices"
	"sort"
	"sync"
	"time"

	"powerwatch/store"
)

// An Update is the engine's current verdict on one enterprise: every alarm of
// Scope as now computed. The app hands both to the store's reconciliation,
// which inserts new alarms, updates changed ones and withdraws disproved ones.
type Update struct {
	Scope  store.AlarmScope
	Alarms []store.Alarm
}

// Engine evaluates the rules incrementally as samples arrive. It keeps a
// window of recent samples per point and re-judges only the enterprises that
// received data, with the same code as Evaluate, so incremental and full
// evaluation agree. It is safe for concurrent use.
type Engine struct {
	// Lookback is how far back each re-judgement reaches (default 3 h, and
	// never less than the longest minimum duration of the rules plus the gap
	// allowance, so no episode can start unseen before the window); the window
	// also reaches back to the start of every open alarm and of the running
	// 管控时段 of every 限产 order.
	Lookback time.Duration

	mu        sync.Mutex
	rules     store.RuleSet
	x         *index
	baselines []Baseline
	runs      []store.ServiceRun
	runsKnown bool
	buf       map[int64][]store.Sample // point → samples in the window, by time
	clock     map[int64][]ClockOffset  // terminal → observations in the window
	openFrom  map[int64]time.Time      // enterprise → earliest open alarm start
	last      map[int64][]store.Alarm  // enterprise → last verdict returned
	prior     map[int64][]store.Alarm  // enterprise → recent alarms of PriorTypes (Input.Prior)
}

// NewEngine returns an engine judging with rs over facts f.
func NewEngine(rs store.RuleSet, f Facts) *Engine {
	return &Engine{Lookback: 3 * time.Hour, rules: rs, x: newIndex(&f),
		buf: map[int64][]store.Sample{}, clock: map[int64][]ClockOffset{},
		openFrom: map[int64]time.Time{}, last: map[int64][]store.Alarm{}, prior: map[int64][]store.Alarm{}}
}

// Recall tells the engine about stored alarms of PriorTypes from the
// SilenceWindow before now (see Input.Prior), at start-up or when it adopts
// an enterprise; the engine keeps its own verdicts' from then on.
func (e *Engine) Recall(as []store.Alarm) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range as {
		if slices.Contains(PriorTypes(), a.Type) && !slices.ContainsFunc(e.prior[a.EnterpriseID], func(b store.Alarm) bool {
			return b.Type == a.Type && b.TreatmentID == a.TreatmentID && b.Start.Equal(a.Start)
		}) {
			e.prior[a.EnterpriseID] = append(e.prior[a.EnterpriseID], a)
		}
	}
}

// remember keeps the alarms of PriorTypes of a verdict over [from, …) in
// place of those remembered from there on, and forgets what is older than
// the SilenceWindow.
func (e *Engine) remember(ent int64, from, now time.Time, got []store.Alarm) {
	var keep []store.Alarm
	for _, a := range e.prior[ent] {
		if a.Start.Before(from) && a.Start.After(now.Add(-SilenceWindow-24*time.Hour)) {
			keep = append(keep, a)
		}
	}
	for _, a := range got {
		if slices.Contains(PriorTypes(), a.Type) {
			keep = append(keep, a)
		}
	}
	if len(keep) == 0 {
		delete(e.prior, ent)
		return
	}
	e.prior[ent] = keep
}

// SetRules replaces the rule set; it applies from the next Observe or Sweep.
func (e *Engine) SetRules(rs store.RuleSet) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rules = rs
	clear(e.last)
}

// SetFacts replaces the registry facts (after an edit or an import).
func (e *Engine) SetFacts(f Facts) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.x = newIndex(&f)
	clear(e.last)
}

// SetBaselines replaces the 限产 baselines (the app recomputes them when an
// order is created or imported).
func (e *Engine) SetBaselines(bs []Baseline) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.baselines = bs
}

// SetRuns replaces the spans in which the receiving service ran (see
// Input.Runs); the run now going has a zero Alive.
func (e *Engine) SetRuns(runs []store.ServiceRun, known bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runs, e.runsKnown = runs, known
}

// Resume tells a new engine about the alarms the store holds open, so that
// their episodes are re-judged from their true start. Call it at start-up
// before the first Observe, with the samples since the earliest start fed
// through Observe (or accept that those episodes are judged from the window).
func (e *Engine) Resume(open []store.Alarm) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range open {
		if a.Status != store.Open {
			continue
		}
		if t, ok := e.openFrom[a.EnterpriseID]; !ok || a.Start.Before(t) {
			e.openFrom[a.EnterpriseID] = a.Start
		}
	}
}

// Observe adds samples received at now (one packet or one batch) and returns
// an Update for every enterprise whose alarms changed. Samples older than the
// engine's window cannot be judged here: they are returned as backfill scopes,
// which the app re-evaluates from stored data with Evaluate.
func (e *Engine) Observe(now time.Time, samples []store.Sample) (updates []Update, backfill []store.AlarmScope) {
	e.mu.Lock()
	defer e.mu.Unlock()
	dirty := map[int64]bool{}
	old := map[int64]time.Time{}
	for _, s := range samples {
		ent, ok := e.x.enterpriseOfPoint(s.PointID)
		if !ok {
			continue
		}
		if s.At.Before(e.windowStart(ent, now).Add(-e.lead())) {
			if t, ok := old[ent]; !ok || s.At.Before(t) {
				old[ent] = s.At
			}
			continue
		}
		e.insert(s)
		e.observeClock(now, s)
		dirty[ent] = true
	}
	for _, ent := range sortedKeys(dirty) {
		if u, ok := e.judge(ent, now); ok {
			updates = append(updates, u)
		}
	}
	for _, ent := range sortedKeys(old) {
		backfill = append(backfill, store.AlarmScope{EnterpriseID: ent,
			From: old[ent].Add(-e.lead()), To: e.windowStart(ent, now)})
	}
	return updates, backfill
}

// Sweep re-judges every enterprise at now without new data: terminals that
// went quiet raise offline, and open episodes whose data stopped end. The
// offline-sweep cron job calls it every few minutes.
func (e *Engine) Sweep(now time.Time) []Update {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ups []Update
	for _, ent := range e.x.enterprises {
		if u, ok := e.judge(ent, now); ok {
			ups = append(ups, u)
		}
	}
	return ups
}

// Horizon is the earliest time the engine wants samples from at now: after
// Resume, the app loads the stored samples from Horizon to now and passes them
// to one Observe, so open alarms are re-judged from their true start.
func (e *Engine) Horizon(now time.Time) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := now
	for _, ent := range e.x.enterprises {
		if t := e.windowStart(ent, now).Add(-e.lead()); t.Before(h) {
			h = t
		}
	}
	return h
}

// HorizonOf is Horizon for one enterprise, so that priming reads no more than
// each enterprise needs (one with a week-old open alarm needs a week).
func (e *Engine) HorizonOf(enterpriseID int64, now time.Time) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.windowStart(enterpriseID, now).Add(-e.lead())
}

func (e *Engine) lead() time.Duration { return 2*time.Hour + e.rules.GapBridge }

// lookback is Lookback, stretched to cover the rules' longest minimum duration.
func (e *Engine) lookback() time.Duration {
	r := e.rules
	need := max(r.TreatmentOffMin, r.ShutdownIgnoredMin, r.CutMin, r.MismatchMin, r.OfflineAfter, r.ConstantFor, time.Hour)
	return max(e.Lookback, need+r.GapBridge+r.Slot)
}

// windowStart is where an enterprise's re-judgement starts: Lookback before
// now, or earlier for an open alarm or a running 限产 order.
func (e *Engine) windowStart(ent int64, now time.Time) time.Time {
	from := now.Add(-e.lookback())
	if t, ok := e.openFrom[ent]; ok && t.Before(from) {
		from = t
	}
	for _, o := range e.x.orders[ent] {
		if o.Kind != store.Cut || !o.Start.Before(from) || !o.End.After(from) {
			continue
		}
		for _, p := range CutPeriods(o) { // the running 管控时段 is judged whole
			if p.Start.Before(from) && p.End.After(from) {
				from = p.Start
			}
		}
	}
	return from.Truncate(e.rules.Slot)
}

func (e *Engine) insert(s store.Sample) {
	ss := e.buf[s.PointID]
	n := len(ss)
	if n == 0 || ss[n-1].At.Before(s.At) {
		e.buf[s.PointID] = append(ss, s)
		return
	}
	i := sort.Search(n, func(i int) bool { return !ss[i].At.Before(s.At) })
	if i < n && ss[i].At.Equal(s.At) {
		ss[i] = s // a resent slot replaces the earlier copy
		return
	}
	ss = append(ss, store.Sample{})
	copy(ss[i+1:], ss[i:])
	ss[i] = s
	e.buf[s.PointID] = ss
}

// observeClock records how far a real-time sample's slot lies ahead of the
// receiver clock. A slot's data normally arrives within a slot after its
// DataTime, and late data (a buffered upload after an outage) is no sign of a
// slow clock, so only a clock running ahead is judged here; the listener's
// time checks can feed a slow one through Input.Clock.
func (e *Engine) observeClock(now time.Time, s store.Sample) {
	if s.Flags&store.FlagBackfill != 0 {
		return
	}
	off := max(s.At.Sub(now), 0)
	tid := e.x.points[s.PointID].TerminalID
	cs := append(e.clock[tid], ClockOffset{TerminalID: tid, At: s.At, Offset: off})
	if n := len(cs); n > 1 && cs[n-1].At.Before(cs[n-2].At) {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
	}
	e.clock[tid] = cs
}

// judge re-evaluates one enterprise and returns its verdict when it changed.
func (e *Engine) judge(ent int64, now time.Time) (Update, bool) {
	from := e.windowStart(ent, now)
	cut := from.Add(-e.lead())
	in := Input{From: from, To: now.Truncate(e.rules.Slot).Add(e.rules.Slot), Series: map[int64][]store.Sample{},
		Baselines: e.baselines, Runs: e.runs, RunsKnown: e.runsKnown, Enterprises: []int64{ent}, Types: engineTypes,
		Prior: e.prior[ent]}
	for _, fid := range e.x.byEnterprise[ent] {
		for _, pid := range e.x.pointsOf[fid] {
			ss := e.buf[pid]
			k := sort.Search(len(ss), func(i int) bool { return !ss[i].At.Before(cut) })
			if k > 0 {
				ss = append(ss[:0:0], ss[k:]...) // trim, releasing the old array
				e.buf[pid] = ss
			}
			in.Series[pid] = ss
		}
	}
	for _, tid := range e.terminalsOf(ent) {
		cs := e.clock[tid]
		k := sort.Search(len(cs), func(i int) bool { return !cs[i].At.Before(cut) })
		e.clock[tid] = cs[k:]
		in.Clock = append(in.Clock, cs[k:]...)
	}
	got := evaluateEnterprise(e.rules, e.x, &in, ent)
	sortAlarms(got)
	e.remember(ent, in.From, now, got)
	delete(e.openFrom, ent)
	for _, a := range got {
		if a.Status == store.Open {
			if t, ok := e.openFrom[ent]; !ok || a.Start.Before(t) {
				e.openFrom[ent] = a.Start
			}
		}
	}
	scope := store.AlarmScope{From: in.From, To: in.To, EnterpriseID: ent, Types: engineTypes}
	var prev []store.Alarm
	for _, a := range e.last[ent] {
		if scope.Contains(a) {
			prev = append(prev, a)
		}
	}
	e.last[ent] = got
	if equalAlarms(prev, got) {
		return Update{}, false
	}
	return Update{Scope: scope, Alarms: got}, true
}

// engineTypes are the types the engine judges: all but the monthly
// transmission rate, which the monthly job evaluates over whole months.
var engineTypes = []store.AlarmType{store.TreatmentOff, store.ShutdownIgnored, store.CutIgnored,
	store.Offline, store.BadValues, store.CounterReset, store.PowerMismatch, store.ClockDrift, store.SubmeterExcess,
	store.OrderUnjudged, store.TreatmentUnknown, store.TreatmentCut, store.TreatmentCycling}

func (e *Engine) terminalsOf(ent int64) []int64 {
	ev := evaluator{x: e.x, ent: ent}
	return ev.terminals()
}

func equalAlarms(a, b []store.Alarm) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ks := make([]int64, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// ContinuousTypes returns the alarm types judged slot by slot — every type but
// low_transmission, which is judged per whole calendar month. A re-evaluation
// of an arbitrary period reconciles these over the period and
// low_transmission only over its whole months (CompleteMonths).
func ContinuousTypes() []store.AlarmType { return append([]store.AlarmType(nil), engineTypes...) }
