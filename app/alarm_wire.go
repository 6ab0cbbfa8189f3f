package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"powerwatch/alarms"
	"powerwatch/listener"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// alarmSweepEvery is how often open alarms are re-judged without new data
// (offline terminals, conditions that end because nothing arrives), the
// registry and 限产 baselines are reloaded.
const alarmSweepEvery = time.Minute

// maxPendingSamples bounds what waits for the alarm engine. Past it the oldest
// waiting samples are not held in memory: their period is re-judged from the
// store instead (they are durable there), so nothing is lost and memory stays
// bounded when the engine falls behind a backfill storm.
const maxPendingSamples = 2_000_000

// alarmWorker runs the alarm engine off the ingest path: the ingest hands it the
// samples of each committed batch and returns at once (the terminal's 9014 never
// waits for the rules); the worker judges them, reconciles the verdicts with the
// stored alarms and tells the window about new violations.
type alarmWorker struct {
	db     *sqlite.DB
	engine *alarms.Engine
	logger *slog.Logger
	now    func() time.Time

	mu       sync.Mutex
	pending  []store.Sample
	overflow store.AlarmScope // period to re-judge from the store; zero when none
	notify   func(store.Alarm)
	notified map[int64]bool // violation alarms already announced

	wake chan struct{}
	done chan struct{}
}

// startAlarms builds the engine from the store (rules, registry, open alarms,
// recent samples) and starts its worker; Close stops it.
func (m *Main) startAlarms(ctx context.Context) error {
	now := time.Now()
	e, ups, err := startAlarmEngine(ctx, m.DB, now)
	if err != nil {
		return fmt.Errorf("start alarm engine: %w", err)
	}
	w := &alarmWorker{db: m.DB, engine: e, logger: m.Logger.With("component", "alarms"), now: time.Now,
		notified: map[int64]bool{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	open, err := m.DB.OpenAlarms(ctx)
	if err != nil {
		return fmt.Errorf("start alarm engine: %w", err)
	}
	for _, a := range open { // announced before the restart
		w.notified[a.ID] = true
	}
	if _, err := saveAlarmUpdates(ctx, m.DB, ups); err != nil {
		return fmt.Errorf("start alarm engine: %w", err)
	}
	m.alarms = w
	go w.run(ctx)
	m.onClose(func() error { <-w.done; return nil })
	return nil
}

// observe is the ingest's hook: it queues the batch's samples and returns.
func (w *alarmWorker) observe(_ context.Context, _ []*listener.Upload, b *store.Batch, res store.IngestResult) {
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
func (w *alarmWorker) spill() {
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

// setNotify sets the function told about each new violation alarm.
func (w *alarmWorker) setNotify(fn func(store.Alarm)) {
	w.mu.Lock()
	w.notify = fn
	w.mu.Unlock()
}

func (w *alarmWorker) run(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(alarmSweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return // what was not judged is in the store; the next start primes from it
		case <-w.wake:
			w.judgePending(ctx)
		case <-t.C:
			w.sweep(ctx)
		}
	}
}

// judgePending feeds the waiting samples to the engine and saves its verdicts.
func (w *alarmWorker) judgePending(ctx context.Context) {
	w.mu.Lock()
	ss, over := w.pending, w.overflow
	w.pending, w.overflow = nil, store.AlarmScope{}
	w.mu.Unlock()
	var backfill []store.AlarmScope
	var ups []alarms.Update
	if len(ss) > 0 {
		ups, backfill = w.engine.Observe(w.now(), ss)
	}
	if !over.From.IsZero() {
		backfill = append(backfill, over)
	}
	w.save(ctx, ups)
	if len(backfill) > 0 {
		if err := reevaluateScopes(ctx, w.db, backfill); err != nil && ctx.Err() == nil {
			w.logger.Error("re-evaluate late data", "err", err)
		}
	}
}

// sweep reloads the registry and baselines, then lets the engine close or raise
// what the passing of time decides (terminals gone quiet).
func (w *alarmWorker) sweep(ctx context.Context) {
	now := w.now()
	if err := w.refresh(ctx, now); err != nil {
		if ctx.Err() == nil {
			w.logger.Error("reload registry for alarms", "err", err)
		}
		return
	}
	w.save(ctx, w.engine.Sweep(now))
}

func (w *alarmWorker) refresh(ctx context.Context, now time.Time) error {
	rs, err := currentRules(ctx, w.db)
	if err != nil {
		return err
	}
	reg, err := w.db.LoadRegistry(ctx)
	if err != nil {
		return err
	}
	facts := alarms.FactsFrom(reg)
	bs, err := storedBaselines(ctx, w.db, rs, &facts, now.Add(-24*time.Hour), now.Add(24*time.Hour))
	if err != nil {
		return err
	}
	w.engine.SetRules(rs)
	w.engine.SetFacts(facts)
	w.engine.SetBaselines(bs)
	return nil
}

// save reconciles verdicts with the store and announces new open violations.
func (w *alarmWorker) save(ctx context.Context, ups []alarms.Update) {
	if len(ups) == 0 {
		return
	}
	changed, err := saveAlarmUpdates(ctx, w.db, ups)
	if err != nil && ctx.Err() == nil {
		w.logger.Error("save alarms", "err", err)
	}
	w.mu.Lock()
	notify := w.notify
	var fresh []store.Alarm
	for _, a := range changed {
		if a.Type.IsViolation() && a.Status == store.Open && !w.notified[a.ID] {
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
}

// alarmMonthlyJob judges the month before at: the monthly transmission rate
// (low_transmission) needs the whole month, so it is judged once it ends.
func (m *Main) alarmMonthlyJob(ctx context.Context, at time.Time) (string, error) {
	t := at.In(store.Beijing)
	to := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, store.Beijing)
	from := to.AddDate(0, -1, 0)
	sum, err := evaluateStored(ctx, m.DB, from, to)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %d alarms, %d changed, %d withdrawn", from.Format("2006-01"), sum.alarms, sum.changed, sum.withdrawn), nil
}
