package judge

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"powerwatch/alarms"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// judgeEvery is the least time between two passes of the engine over new data.
const judgeEvery = time.Second

// maxPendingSamples bounds what waits for the alarm engine. Past it the oldest
// waiting samples are not held in memory: their period is re-judged from the
// store instead (they are durable there), so nothing is lost and memory stays
// bounded when the engine falls behind a backfill storm.
const maxPendingSamples = 2_000_000

// Worker runs the alarm engine off the ingest path: the ingest hands it the
// samples of each committed batch and returns at once (the terminal's 9014 never
// waits for the rules); the worker judges them, reconciles the verdicts with the
// stored alarms and tells the window about new violations.
type Worker struct {
	db     *sqlite.DB
	runID  int64 // the service run now going
	engine *alarms.Engine
	logger *slog.Logger
	now    func() time.Time

	// sweep is when open alarms are re-judged without new data (offline
	// terminals, conditions that end because nothing arrives) and the
	// registry, rules and 限产 baselines reloaded: config schedule.offline_sweep.
	sweepAt  cron.Schedule
	reg      *store.Registry // the registry as last loaded; touched only by the worker goroutine
	reloaded time.Time       // when reload last ran
	regSum   [32]byte        // its fingerprint, to notice edits
	// pointEnt maps each point to its enterprise, for late samples.
	pointEnt map[int64]int64

	mu       sync.Mutex
	busy     bool // judgePending is running (Idle waits for it)
	pending  []store.Sample
	overflow store.AlarmScope // period to re-judge from the store; zero when none
	notify   func(store.Alarm)
	notified map[int64]bool // violation alarms already announced

	wake chan struct{}
	done chan struct{}
}

// Options configure a Worker.
type Options struct {
	// Sweep is the cron schedule (config schedule.offline_sweep) on which
	// open alarms are re-judged without new data and the registry reloaded.
	Sweep  string
	Logger *slog.Logger
	// Run is the id of the service run now going (sqlite.StartServiceRun):
	// offline time counts only while a service ran, this one open-ended.
	Run int64
}

// Start builds the engine from the store (rules, registry, open alarms,
// recent samples) and starts its worker, which runs until ctx is done; Wait
// returns when it has stopped.
func Start(ctx context.Context, db *sqlite.DB, opt Options) (*Worker, error) {
	now := time.Now()
	sweepAt, err := cron.ParseStandard(opt.Sweep)
	if err != nil {
		return nil, fmt.Errorf("alarm sweep schedule %q: %w", opt.Sweep, err)
	}
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	e, ups, err := StartEngine(ctx, db, now, opt.Run)
	if err != nil {
		return nil, fmt.Errorf("start alarm engine: %w", err)
	}
	w := &Worker{db: db, runID: opt.Run, engine: e, sweepAt: sweepAt, logger: logger.With("component", "alarms"), now: time.Now,
		notified: map[int64]bool{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	known, err := w.recentViolations(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("start alarm engine: %w", err)
	}
	for _, a := range known { // announced before the restart
		w.notified[a.ID] = true
	}
	if _, err := SaveUpdates(ctx, db, ups); err != nil {
		return nil, fmt.Errorf("start alarm engine: %w", err)
	}
	if _, err := w.refresh(ctx, now); err != nil {
		return nil, fmt.Errorf("start alarm engine: %w", err)
	}
	go w.run(ctx)
	return w, nil
}

// Wait returns when the worker has stopped (its context is done).
func (w *Worker) Wait() { <-w.done }

// Idle returns once every sample handed to Observe before the call has been
// judged and its verdicts saved (late data re-judged from the store
// included), or when ctx is done. Tests and tools that must read the alarms
// a batch raises — never the ingest — wait on it.
func (w *Worker) Idle(ctx context.Context) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		w.mu.Lock()
		idle := !w.busy && len(w.pending) == 0 && w.overflow.From.IsZero()
		w.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-w.done:
			return fmt.Errorf("alarm worker stopped")
		case <-tick.C:
		}
	}
}

// Observe is the ingest's hook: it queues the batch's samples and returns.
func (w *Worker) Observe(_ context.Context, b *store.Batch, res store.IngestResult) {
	if res.NewSamples == 0 || len(b.Samples) == 0 {
		return
	}
	w.mu.Lock()
	w.pending = append(w.pending, b.Samples...)
	if len(w.pending) > maxPendingSamples {
		w.spill()
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// spill turns the waiting samples into a period to re-judge from the store.
// The caller holds w.mu.
func (w *Worker) spill() {
	for _, s := range w.pending {
		if w.overflow.From.IsZero() || s.At.Before(w.overflow.From) {
			w.overflow.From = s.At
		}
		if end := s.At.Add(time.Second); end.After(w.overflow.To) {
			w.overflow.To = end
		}
	}
	w.pending = w.pending[:0]
}

// SetNotify sets the function told about each new violation alarm.
func (w *Worker) SetNotify(fn func(store.Alarm)) {
	w.mu.Lock()
	w.notify = fn
	w.mu.Unlock()
}

func (w *Worker) run(ctx context.Context) {
	defer close(w.done)
	t := time.NewTimer(time.Until(w.sweepAt.Next(time.Now())))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return // what was not judged is in the store; the next start primes from it
		case <-w.wake:
			w.judgePending(ctx)
			// Let the next batches gather: the engine re-judges each
			// enterprise that received data once per pass, so one pass a
			// second costs far less than one per group commit, and an alarm
			// that must hold 15 minutes loses nothing by a second's wait.
			select {
			case <-ctx.Done():
				return
			case <-time.After(judgeEvery):
			}
		case <-t.C:
			w.sweep(ctx)
			t.Reset(time.Until(w.sweepAt.Next(time.Now())))
		}
	}
}

// judgePending feeds the waiting samples to the engine and saves its verdicts.
func (w *Worker) judgePending(ctx context.Context) {
	w.mu.Lock()
	ss, over := w.pending, w.overflow
	w.pending, w.overflow = nil, store.AlarmScope{}
	w.busy = true
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.busy = false
		w.mu.Unlock()
	}()
	if w.unknownPoints(ss) && w.now().Sub(w.reloaded) >= minReloadGap {
		// The registry grew since the last load (an import, a terminal
		// registered from quarantine, simulate --db): load it before judging,
		// or the new points' samples would be passed over for good.
		w.reload(ctx)
	}
	var backfill []store.AlarmScope
	var ups []alarms.Update
	if len(ss) > 0 {
		ups, backfill = w.engine.Observe(w.now(), ss)
	}
	if !over.From.IsZero() {
		backfill = append(backfill, over)
	}
	backfill = append(backfill, w.lateScopes(ss)...)
	w.save(ctx, ups)
	if len(backfill) > 0 {
		if err := Reevaluate(ctx, w.db, backfill); err != nil && ctx.Err() == nil {
			w.logger.Error("re-evaluate late data", "err", err)
		}
		w.adoptOpen(ctx, backfill)
	}
}

// adoptOpen hands the engine the alarms a re-evaluation from the store left
// open from before the engine's window (a terminal offline since hours ago),
// with the stored samples since their start. Without this the engine judges
// only its window and never sees such an alarm, so the data that ends it
// (live or late) would leave it open for good.
func (w *Worker) adoptOpen(ctx context.Context, scopes []store.AlarmScope) {
	if w.reg == nil {
		return
	}
	now := w.now()
	seen := map[int64]bool{}
	for _, sc := range scopes {
		if seen[sc.EnterpriseID] {
			continue
		}
		seen[sc.EnterpriseID] = true
		open, err := w.db.FindAlarms(ctx, store.AlarmFilter{EnterpriseID: sc.EnterpriseID, To: now.Add(time.Minute),
			Statuses: []store.AlarmStatus{store.Open}})
		if err != nil {
			if ctx.Err() == nil {
				w.logger.Error("read open alarms", "enterprise", sc.EnterpriseID, "err", err)
			}
			continue
		}
		prior, err := priorAlarms(ctx, w.db, sc.EnterpriseID, now)
		if err != nil {
			if ctx.Err() == nil {
				w.logger.Error("read recent alarms", "enterprise", sc.EnterpriseID, "err", err)
			}
			continue
		}
		w.engine.Recall(prior)
		before := w.engine.HorizonOf(sc.EnterpriseID, now)
		w.engine.Resume(open)
		if !w.engine.HorizonOf(sc.EnterpriseID, now).Before(before) {
			continue // the engine already judges them
		}
		prime, err := primeSamples(ctx, w.db, w.reg, w.engine, sc.EnterpriseID, now)
		if err != nil {
			if ctx.Err() == nil {
				w.logger.Error("adopt open alarms", "enterprise", sc.EnterpriseID, "err", err)
			}
			continue
		}
		ups, _ := w.engine.Observe(now, prime)
		w.save(ctx, ups)
	}
}

// lateScopes returns, per enterprise, the span of the samples that arrived
// after their slot's deadline (store.FlagBackfill). They are re-judged from the
// store: late data comes slot by slot, and an episode it completes may have
// started before the engine's window, where the engine raises nothing.
func (w *Worker) lateScopes(ss []store.Sample) []store.AlarmScope {
	spans := map[int64]store.AlarmScope{}
	for _, s := range ss {
		if s.Flags&store.FlagBackfill == 0 {
			continue
		}
		ent := w.pointEnt[s.PointID]
		if ent == 0 {
			continue
		}
		sc, ok := spans[ent]
		if !ok {
			sc = store.AlarmScope{From: s.At, To: s.At, EnterpriseID: ent}
		}
		if s.At.Before(sc.From) {
			sc.From = s.At
		}
		if end := s.At.Add(time.Second); end.After(sc.To) {
			sc.To = end
		}
		spans[ent] = sc
	}
	out := make([]store.AlarmScope, 0, len(spans))
	for _, sc := range spans {
		out = append(out, sc)
	}
	return out
}

// sweep reloads the registry and baselines, then lets the engine close or raise
// what the passing of time decides (terminals gone quiet).
func (w *Worker) sweep(ctx context.Context) {
	now := w.reload(ctx)
	w.save(ctx, w.engine.Sweep(now))
	w.announceRecent(ctx)
}

// unknownPoints reports whether a sample names a point the loaded registry
// does not have.
func (w *Worker) unknownPoints(ss []store.Sample) bool {
	for _, s := range ss {
		if _, ok := w.pointEnt[s.PointID]; !ok {
			return true
		}
	}
	return false
}

// minReloadGap keeps samples of a point that stays unknown (its facility
// removed) from reloading the registry every second.
const minReloadGap = 10 * time.Second

// maxRejudge bounds how far back a registry change is re-judged.
const maxRejudge = 400 * 24 * time.Hour

// reload loads the registry, rules and baselines again and, when they
// changed, re-judges from the store what the change touches: from the engine's
// horizon, or from the earliest order, filing, threshold, installation or
// commissioning date added, removed or edited (an order imported after its
// episode, a threshold back-dated, a terminal registered with its history).
// It returns the time it judged at.
func (w *Worker) reload(ctx context.Context) time.Time {
	now := w.now()
	w.reloaded = now
	old := w.reg
	changed, err := w.refresh(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("reload registry for alarms", "err", err)
		}
		return now
	}
	if ms := filingMonths(old, w.reg); changed && len(ms) > 0 {
		// A 报备 added, edited or withdrawn changes what the months it
		// covers expected: their transmission verdicts follow, as the
		// monthly list does.
		if _, err := JudgeMonths(ctx, w.db, 0, ms); err != nil && ctx.Err() == nil {
			w.logger.Error("re-judge transmission after a filing change", "err", err)
		}
	}
	if changed {
		// An officer changed thresholds, links or orders: re-judge from the
		// store under the new facts, so that the alarms follow the registry
		// in force.
		from := changedFrom(old, w.reg, w.engine.Horizon(now))
		if limit := now.Add(-maxRejudge); from.Before(limit) {
			from = limit
		}
		if _, err := EvaluateStored(ctx, w.db, from, now); err != nil && ctx.Err() == nil {
			w.logger.Error("re-evaluate after a registry change", "err", err)
		}
	}
	return now
}

// announceWindow is how far back alarms raised by a re-evaluation from the
// store (late data, a registry change) are still announced.
const announceWindow = 48 * time.Hour

// recentViolations returns the violation alarms overlapping the last
// announceWindow that are not withdrawn.
func (w *Worker) recentViolations(ctx context.Context, now time.Time) ([]store.Alarm, error) {
	return w.db.FindAlarms(ctx, store.AlarmFilter{From: now.Add(-announceWindow), To: now.Add(time.Minute),
		Types:    []store.AlarmType{store.TreatmentOff, store.ShutdownIgnored, store.CutIgnored},
		Statuses: []store.AlarmStatus{store.Open, store.Ended}})
}

// announceRecent announces the recent violations not yet announced: those a
// re-evaluation from the store raised rather than the engine.
func (w *Worker) announceRecent(ctx context.Context) {
	as, err := w.recentViolations(ctx, w.now())
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("read recent alarms", "err", err)
		}
		return
	}
	w.pin(ctx, w.announce(as))
}

// refresh reloads rules, registry and baselines into the engine and reports
// whether the rules or the registry changed since the last load.
func (w *Worker) refresh(ctx context.Context, now time.Time) (changed bool, err error) {
	rs, err := CurrentRules(ctx, w.db)
	if err != nil {
		return false, err
	}
	reg, err := w.db.LoadRegistry(ctx)
	if err != nil {
		return false, err
	}
	facts := alarms.FactsFrom(reg)
	bs, err := storedBaselines(ctx, w.db, rs, &facts, now.Add(-24*time.Hour), now.Add(24*time.Hour))
	if err != nil {
		return false, err
	}
	sum, err := fingerprint(rs, reg)
	if err != nil {
		return false, err
	}
	changed = w.reg != nil && sum != w.regSum
	w.reg, w.regSum = reg, sum
	w.pointEnt = make(map[int64]int64, len(reg.Points))
	for _, p := range reg.Points {
		if f, ok := reg.Facility(p.FacilityID); ok {
			w.pointEnt[p.ID] = f.EnterpriseID
		}
	}
	w.engine.SetRules(rs)
	w.engine.SetFacts(facts)
	w.engine.SetBaselines(bs)
	runs, known, err := serviceRuns(ctx, w.db, w.engine.Horizon(now).Add(-24*time.Hour), now.Add(time.Minute), w.runID)
	if err != nil {
		return false, err
	}
	w.engine.SetRuns(runs, known)
	return changed, nil
}

// fingerprint sums what the rules judge by; a change of it means past
// verdicts may no longer hold. Terminals' last-seen fields change with every
// packet and are left out.
func fingerprint(rs store.RuleSet, reg *store.Registry) ([32]byte, error) {
	b, err := json.Marshal(struct {
		Rules      store.RuleSet
		Facilities []store.Facility
		Links      []store.Link
		Points     []store.Point
		Thresholds []store.Threshold
		Orders     []store.Order
		Filings    []store.Filing
		Tests      []alarms.TestWindow // a recorded on/off test turns its alarms into 试验
	}{rs, reg.Facilities, reg.Links, reg.Points, reg.Thresholds, reg.Orders, reg.Filings, alarms.TestWindows(reg.Tests, reg.Points)})
	if err != nil {
		return [32]byte{}, fmt.Errorf("fingerprint registry: %w", err)
	}
	return sha256.Sum256(b), nil
}

// save reconciles verdicts with the store and announces new open violations.
func (w *Worker) save(ctx context.Context, ups []alarms.Update) {
	if len(ups) == 0 {
		return
	}
	changed, err := SaveUpdates(ctx, w.db, ups)
	if err != nil && ctx.Err() == nil {
		w.logger.Error("save alarms", "err", err)
	}
	w.pin(ctx, changed)
	w.announce(changed)
}

// announce tells the subscriber of each violation in as not announced
// before, and returns those.
func (w *Worker) announce(as []store.Alarm) []store.Alarm {
	w.mu.Lock()
	notify := w.notify
	var fresh []store.Alarm
	for _, a := range as {
		if a.Type.IsViolation() && a.Status != store.Withdrawn && !w.notified[a.ID] {
			w.notified[a.ID] = true
			fresh = append(fresh, a)
		}
	}
	w.mu.Unlock()
	for _, a := range fresh {
		w.logger.Info("alarm raised", "id", a.ID, "type", a.Type, "enterprise", a.EnterpriseID, "start", a.Start)
		if notify != nil {
			notify(a)
		}
	}
	return fresh
}

// evidenceMargin is how much raw data around a violation is kept with it.
const evidenceMargin = time.Hour

// pin keeps for good the raw packets of every terminal that watches the
// facilities of a violation alarm, from an hour before it to an hour after it
// (to now while it is open): they are its evidence, and the raw-packet
// retention must not purge them.
func (w *Worker) pin(ctx context.Context, as []store.Alarm) {
	if w.reg == nil {
		return
	}
	for _, a := range as {
		if !a.Type.IsViolation() || a.Status == store.Withdrawn {
			continue
		}
		end := a.End
		if end.IsZero() {
			end = w.now()
		}
		for _, mn := range w.terminalsOf(a) {
			if err := w.db.KeepRaw(ctx, mn, a.Start.Add(-evidenceMargin), end.Add(evidenceMargin)); err != nil && ctx.Err() == nil {
				w.logger.Error("keep evidence packets", "alarm", a.ID, "mn", mn, "err", err)
			}
		}
	}
}

// terminalsOf returns the MNs of the terminals watching a's facilities, or all
// of its enterprise's when the alarm names none.
func (w *Worker) terminalsOf(a store.Alarm) []string {
	facilities := map[int64]bool{a.ProductionID: a.ProductionID != 0, a.TreatmentID: a.TreatmentID != 0}
	whole := a.ProductionID == 0 && a.TreatmentID == 0
	terminals := map[int64]bool{}
	for _, p := range w.reg.Points {
		f, ok := w.reg.Facility(p.FacilityID)
		if ok && (facilities[p.FacilityID] || whole && f.EnterpriseID == a.EnterpriseID) {
			terminals[p.TerminalID] = true
		}
	}
	var mns []string
	for _, t := range w.reg.Terminals {
		if terminals[t.ID] {
			mns = append(mns, t.MN)
		}
	}
	return mns
}

// MonthlyJob judges the month before at: the monthly transmission rate
// (low_transmission) needs the whole month, so it is judged once it ends.
func MonthlyJob(ctx context.Context, db *sqlite.DB, at time.Time) (string, error) {
	t := at.In(store.Beijing)
	to := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, store.Beijing)
	from := store.Month.Add(to, -1)
	sum, err := JudgeMonths(ctx, db, 0, []time.Time{from})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %d alarms, %d changed, %d withdrawn", from.Format("2006-01"), sum.Alarms, sum.Changed, sum.Withdrawn), nil
}

// filingMonths names the months touched by the 报备 filings that differ
// between two loads of the registry (added, removed or changed).
func filingMonths(old, cur *store.Registry) []time.Time {
	if old == nil || cur == nil {
		return nil
	}
	key := func(f store.Filing) string { b, _ := json.Marshal(f); return string(b) } // plain struct: cannot fail
	was := map[string]bool{}
	for _, f := range old.Filings {
		was[key(f)] = true
	}
	is := map[string]bool{}
	var out []time.Time
	for _, f := range cur.Filings {
		k := key(f)
		is[k] = true
		if !was[k] {
			out = append(out, monthsOf(f.Start, f.End)...)
		}
	}
	for _, f := range old.Filings {
		if !is[key(f)] {
			out = append(out, monthsOf(f.Start, f.End)...)
		}
	}
	return out
}

// changedFrom returns the earliest time a registry change between old and cur
// can alter a verdict at, or def when nothing dated changed earlier: the
// start of an order or filing, a threshold's EffectiveFrom, a point's
// installation or a facility's commissioning date, of every entry added,
// removed or edited.
func changedFrom(old, cur *store.Registry, def time.Time) time.Time {
	if old == nil || cur == nil {
		return def
	}
	from := def
	earlier := func(t time.Time) {
		if !t.IsZero() && t.Before(from) {
			from = t
		}
	}
	diffDated(old.Orders, cur.Orders, func(o store.Order) time.Time { return o.Start }, earlier)
	diffDated(old.Filings, cur.Filings, func(f store.Filing) time.Time { return f.Start }, earlier)
	diffDated(old.Thresholds, cur.Thresholds, func(t store.Threshold) time.Time { return t.EffectiveFrom }, earlier)
	diffDated(old.Points, cur.Points, func(p store.Point) time.Time { return p.InstalledAt }, earlier)
	diffDated(old.Facilities, cur.Facilities, func(f store.Facility) time.Time { return f.CommissionedAt }, earlier)
	return from
}

// diffDated calls found with the date of every entry in one list and not the
// other (an edit is both).
func diffDated[T any](old, cur []T, date func(T) time.Time, found func(time.Time)) {
	key := func(v T) string { b, _ := json.Marshal(v); return string(b) } // plain structs: cannot fail
	in := func(xs []T) map[string]T {
		m := make(map[string]T, len(xs))
		for _, x := range xs {
			m[key(x)] = x
		}
		return m
	}
	a, b := in(old), in(cur)
	for k, v := range a {
		if _, ok := b[k]; !ok {
			found(date(v))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			found(date(v))
		}
	}
}
