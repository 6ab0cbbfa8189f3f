package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"powerwatch/store"
)

const hourMS = 60 * 60 * 1000

// defaultInterval is the slot length when a terminal has none configured: the
// Beijing guideline's 5 minutes.
const defaultInterval = 5 * 60 * 1000

// pointCfg is what aggregation needs to know about a point.
type pointCfg struct {
	interval   int64 // slot length, ms
	ratedKW    float64
	thresholds []store.Threshold
}

// loadPointCfg reads the point's slot interval — the terminal's minute-data
// interval, else its real-time interval when that is at least a minute (ST=44
// sends its 5-minute data as real-time data), else 5 minutes — and its
// facility's thresholds. An unregistered point gets the defaults.
func loadPointCfg(ctx context.Context, q querier, point int64) (pointCfg, error) {
	cfg := pointCfg{interval: defaultInterval}
	var minS, rtdS, facility int64
	err := q.QueryRowContext(ctx, `SELECT t.min_interval_s, t.rtd_interval_s, p.facility_id, f.rated_kw
		FROM points p JOIN terminals t ON t.id = p.terminal_id JOIN facilities f ON f.id = p.facility_id
		WHERE p.id = ?`, point).Scan(&minS, &rtdS, &facility, &cfg.ratedKW)
	if err == sql.ErrNoRows {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("point %d: %w", point, err)
	}
	cfg.interval = slotInterval(minS, rtdS)
	rows, err := q.QueryContext(ctx, `SELECT basis, stop, run, effective_from FROM thresholds WHERE facility_id = ?`, facility)
	if err != nil {
		return cfg, fmt.Errorf("thresholds of facility %d: %w", facility, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t store.Threshold
		var from int64
		if err := rows.Scan(&t.Basis, &t.Stop, &t.Run, &from); err != nil {
			return cfg, err
		}
		t.EffectiveFrom = time.UnixMilli(from)
		cfg.thresholds = append(cfg.thresholds, t)
	}
	return cfg, rows.Err()
}

// slotInterval is a terminal's slot length in ms from its configured
// minute-data and real-time intervals in seconds (see loadPointCfg).
func slotInterval(minS, rtdS int64) int64 {
	switch {
	case minS > 0:
		return minS * 1000
	case rtdS >= 60:
		return rtdS * 1000
	}
	return defaultInterval
}

// running reports whether s counts as running: at or above the running
// threshold in force, or drawing power at all when no threshold is known.
func (c *pointCfg) running(s store.Sample) bool {
	t, ok := store.ThresholdAt(c.thresholds, s.At)
	if !ok {
		t, ok = store.DefaultThreshold(c.ratedKW)
	}
	switch {
	case !ok && !math.IsNaN(s.P):
		return s.P > 0
	case !ok:
		return s.I > 0
	case t.Basis == store.ByCurrent:
		return s.I >= t.Run
	}
	return s.P >= t.Run
}

// hourAgg is one row of agg_hour being built.
type hourAgg struct {
	start          int64
	energy, runMin float64
	minP, maxP     float64 // NaN until a power value is seen
	sumP           float64
	nP             int
	received       int
	expected       int
	resets         int
	lastAt         int64 // 0 before the first sample
	lastE, lastP   float64
}

func newHourAgg(start int64, cfg *pointCfg) *hourAgg {
	return &hourAgg{start: start, minP: math.NaN(), maxP: math.NaN(), lastE: math.NaN(), lastP: math.NaN(),
		expected: int(hourMS / cfg.interval)}
}

// add folds s, which follows prev (ok false: no earlier sample exists), into h.
// Energy is the counter difference from the previous sample; a counter that
// went backwards counts as a reset and that interval falls back to ∫P, as does
// a point without a counter. Running minutes and ∫P count at most one slot per
// sample, so a gap is not assumed to have run.
func (h *hourAgg) add(prev store.Sample, ok bool, s store.Sample, cfg *pointCfg) {
	// Rows stored before values were checked at the door may hold ±Inf or
	// values whose sum overflows: they must not make an aggregate NaN, which
	// SQLite stores as NULL into a NOT NULL column.
	store.Sanitize(&prev)
	store.Sanitize(&s)
	at := s.At.UnixMilli()
	if h.lastAt == 0 || at/cfg.interval > h.lastAt/cfg.interval {
		h.received++
	}
	span := cfg.interval
	if ok {
		span = min(max(at-prev.At.UnixMilli(), 0), cfg.interval)
	}
	hours := float64(span) / hourMS
	if !math.IsNaN(s.P) {
		h.sumP += s.P
		h.nP++
		if h.nP == 1 || s.P < h.minP {
			h.minP = s.P
		}
		if h.nP == 1 || s.P > h.maxP {
			h.maxP = s.P
		}
	}
	if cfg.running(s) {
		h.runMin += float64(span) / 60000
	}
	integral := 0.0
	if !math.IsNaN(s.P) && s.P > 0 {
		integral = s.P * hours
	}
	switch {
	case ok && !math.IsNaN(s.E) && !math.IsNaN(prev.E) && s.E >= prev.E:
		h.energy += s.E - prev.E
	case ok && !math.IsNaN(s.E) && !math.IsNaN(prev.E):
		h.resets++
		h.energy += integral
	case math.IsNaN(s.E):
		h.energy += integral
	}
	h.lastAt, h.lastE, h.lastP = at, s.E, s.P
}

func storeHour(ctx context.Context, q querier, point int64, h *hourAgg) error {
	_, err := q.ExecContext(ctx, `INSERT INTO agg_hour(point_id, start, energy, run_min, min_p, max_p, sum_p, n_p,
			received, expected, resets, last_at, last_e, last_p) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (point_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min,
			min_p = excluded.min_p, max_p = excluded.max_p, sum_p = excluded.sum_p, n_p = excluded.n_p,
			received = excluded.received, expected = excluded.expected, resets = excluded.resets,
			last_at = excluded.last_at, last_e = excluded.last_e, last_p = excluded.last_p`,
		point, h.start, h.energy, h.runMin, nullable(h.minP), nullable(h.maxP), h.sumP, h.nP,
		h.received, h.expected, h.resets, h.lastAt, nullable(h.lastE), nullable(h.lastP))
	return err
}

// recomputeTouched recomputes the hours touched by a backfill, adding to
// hours, for each touched hour, the next hour with data when it is not
// touched itself: its first sample now has a nearer predecessor.
func recomputeTouched(ctx context.Context, q querier, point int64, hours map[int64]bool, cfg *pointCfg) error {
	var ends []int64 // touched hours whose following hour is not touched
	for h := range hours {
		if !hours[h+hourMS] {
			ends = append(ends, h)
		}
	}
	for _, h := range ends {
		var next int64
		err := q.QueryRowContext(ctx, `SELECT start FROM agg_hour WHERE point_id = ? AND start > ? ORDER BY start LIMIT 1`, point, h).Scan(&next)
		if err == nil {
			hours[next] = true
		} else if err != sql.ErrNoRows {
			return err
		}
	}
	for h := range hours {
		if err := recomputeHours(ctx, q, point, h, h+hourMS, cfg); err != nil {
			return err
		}
	}
	return nil
}

// recomputeHours rebuilds the agg_hour rows of point in [from, to) ms (whole
// hours) from the series.
func recomputeHours(ctx context.Context, q querier, point, from, to int64, cfg *pointCfg) error {
	hs, err := computeHours(ctx, q, point, from, to, cfg)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM agg_hour WHERE point_id = ? AND start >= ? AND start < ?`, point, from, to); err != nil {
		return err
	}
	for _, h := range hs {
		if err := storeHour(ctx, q, point, h); err != nil {
			return err
		}
	}
	return nil
}

// computeHours folds the series of point in [from, to) ms (whole hours) into
// hour rows, as ingest does: the hours of packed days are not stored but
// computed so on demand (see HourlyAggregates).
func computeHours(ctx context.Context, q querier, point, from, to int64, cfg *pointCfg) ([]*hourAgg, error) {
	prev, ok, err := sampleBefore(ctx, q, point, from)
	if err != nil {
		return nil, err
	}
	var out []*hourAgg
	var h *hourAgg
	err = eachSeries(ctx, q, point, from, to, func(ss []store.Sample) {
		for _, s := range ss {
			start := s.At.UnixMilli() / hourMS * hourMS
			if h == nil || h.start != start {
				h = newHourAgg(start, cfg)
				out = append(out, h)
			}
			h.add(prev, ok, s, cfg)
			prev, ok = s, true
		}
	})
	return out, err
}

// nextSampleAt returns the time (ms) of the first sample of point at or after
// t in either tier; ok is false when there is none.
func nextSampleAt(ctx context.Context, q querier, point, t int64) (int64, bool, error) {
	var hot sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT min(at) FROM samples WHERE point_id = ? AND at >= ?`, point, t).Scan(&hot); err != nil {
		return 0, false, err
	}
	rows, err := q.QueryContext(ctx, `SELECT day, blob FROM series_days WHERE point_id = ? AND day >= ? ORDER BY day`, point, dayOfMS(t))
	if err != nil {
		return 0, false, err
	}
	defer rows.Close()
	var dec seriesDecoder
	for rows.Next() {
		var day int64
		var blob sql.RawBytes
		if err := rows.Scan(&day, &blob); err != nil {
			return 0, false, err
		}
		if hot.Valid && day >= hot.Int64 {
			break // the hot sample is the nearer
		}
		ss, err := dec.decode(nil, point, time.UnixMilli(day), blob)
		if err != nil {
			return 0, false, fmt.Errorf("point %d, day %s: %w", point, fromMS(day).In(store.Beijing).Format(time.DateOnly), err)
		}
		for _, s := range ss {
			if at := s.At.UnixMilli(); at >= t {
				if hot.Valid && hot.Int64 < at {
					return hot.Int64, true, nil
				}
				return at, true, nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	return hot.Int64, hot.Valid, nil
}

// rollSQL sums the finer rows of one point and period into the coarser
// table. A period without finer rows is left alone: it never had data, since
// samples are never deleted.
const rollSQL = `INSERT INTO %[1]s(point_id, start, energy, run_min, min_p, max_p, sum_p, n_p, received, expected, resets)
	SELECT point_id, ?, sum(energy), sum(run_min), min(min_p), max(max_p), sum(sum_p), sum(n_p), sum(received), ?, sum(resets)
	FROM %[2]s WHERE point_id = ? AND start >= ? AND start < ? GROUP BY point_id
	ON CONFLICT (point_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min,
		min_p = excluded.min_p, max_p = excluded.max_p, sum_p = excluded.sum_p, n_p = excluded.n_p,
		received = excluded.received, expected = excluded.expected, resets = excluded.resets`

func rollDay(ctx context.Context, q querier, point, day int64, cfg *pointCfg) error {
	_, err := q.ExecContext(ctx, fmt.Sprintf(rollSQL, "agg_day", "agg_hour"), day, dayMS/cfg.interval, point, day, day+dayMS)
	return err
}

func rollMonth(ctx context.Context, q querier, point, month int64, cfg *pointCfg) error {
	end := store.Month.Add(time.UnixMilli(month).In(store.Beijing), 1).UnixMilli()
	expected := (end - month) / cfg.interval
	_, err := q.ExecContext(ctx, fmt.Sprintf(rollSQL, "agg_month", "agg_day"), month, expected, point, month, end)
	return err
}

// RecomputeAggregates rebuilds the hourly, daily and monthly aggregates of
// every point with data in [from, to), widened to whole Beijing days, from the
// stored series: the nightly catch-up, and the fix after a threshold or an
// interval changed. Each point is one transaction.
func (db *DB) RecomputeAggregates(ctx context.Context, from, to time.Time) error {
	f, t := dayStart(from), dayStart(to.Add(-time.Millisecond))+dayMS
	rows, err := db.db.QueryContext(ctx, `SELECT point_id FROM samples WHERE at >= ? AND at < ?
		UNION SELECT point_id FROM series_days WHERE day >= ? AND day < ?
		UNION SELECT point_id FROM agg_hour WHERE start >= ? AND start < ?`, f, t, f, t, f, t)
	if err != nil {
		return fmt.Errorf("recompute aggregates: %w", classify(err))
	}
	var points []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return fmt.Errorf("recompute aggregates: %w", err)
		}
		points = append(points, p)
	}
	rows.Close()
	for _, p := range points {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			return recomputePoint(ctx, tx, p, f, t)
		})
		if err != nil {
			return fmt.Errorf("recompute aggregates of point %d: %w", p, err)
		}
	}
	return nil
}

func recomputePoint(ctx context.Context, q querier, point, from, to int64) error {
	cfg, err := loadPointCfg(ctx, q, point)
	if err != nil {
		return err
	}
	if err := recomputeHours(ctx, q, point, from, to, &cfg); err != nil {
		return err
	}
	for d := from; d < to; d += dayMS {
		if err := rollDay(ctx, q, point, d, &cfg); err != nil {
			return err
		}
	}
	for m := store.Month.Start(time.UnixMilli(from)); m.UnixMilli() < to; m = store.Month.Add(m, 1) {
		if err := rollMonth(ctx, q, point, m.UnixMilli(), &cfg); err != nil {
			return err
		}
	}
	return nil
}

// HourlyAggregates returns the hourly aggregates of a point in [from, to).
// The hours of packed days (before the packing watermark, see Compact) are
// not stored: they are folded from the series on demand, which costs a
// series read of the same range; the live days' hours are read from agg_hour.
func (db *DB) HourlyAggregates(ctx context.Context, pointID int64, from, to time.Time) ([]store.Aggregate, error) {
	var out []store.Aggregate
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		packed, err := compactedBefore(ctx, tx)
		if err != nil {
			return err
		}
		f, t := ms(from), ms(to)
		first := (f + hourMS - 1) / hourMS * hourMS // the first hour starting at or after from
		if end := min(t, packed); first < end {
			cfg, err := loadPointCfg(ctx, tx, pointID)
			if err != nil {
				return err
			}
			hs, err := computeHours(ctx, tx, pointID, first, (end+hourMS-1)/hourMS*hourMS, &cfg)
			if err != nil {
				return err
			}
			for _, h := range hs {
				if h.start < end {
					out = append(out, h.aggregate(pointID))
				}
			}
		}
		if t <= packed {
			return nil
		}
		live, err := aggregateRows(ctx, tx, "agg_hour", pointID, max(f, packed), t)
		out = append(out, live...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("hourly aggregates of point %d: %w", pointID, classify(err))
	}
	return out, nil
}

// aggregate is h as the store reports it.
func (h *hourAgg) aggregate(point int64) store.Aggregate {
	a := store.Aggregate{PointID: point, Start: fromMS(h.start), Energy: h.energy, RunMinutes: h.runMin,
		MinP: h.minP, MaxP: h.maxP, AvgP: math.NaN(), Received: h.received, Expected: h.expected, Resets: h.resets}
	if h.nP > 0 {
		a.AvgP = h.sumP / float64(h.nP)
	}
	return a
}

// DailyAggregates returns the daily (Beijing day) aggregates of a point in [from, to).
func (db *DB) DailyAggregates(ctx context.Context, pointID int64, from, to time.Time) ([]store.Aggregate, error) {
	return db.aggregates(ctx, "agg_day", pointID, from, to)
}

func (db *DB) aggregates(ctx context.Context, table string, point int64, from, to time.Time) ([]store.Aggregate, error) {
	out, err := aggregateRows(ctx, db.db, table, point, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("aggregates of point %d: %w", point, classify(err))
	}
	return out, nil
}

// aggregateRows reads the rows of table (agg_hour, agg_day) of point in [from, to) ms.
func aggregateRows(ctx context.Context, q querier, table string, point, from, to int64) ([]store.Aggregate, error) {
	rows, err := q.QueryContext(ctx, `SELECT start, energy, run_min, min_p, max_p, sum_p, n_p, received, expected, resets
		FROM `+table+` WHERE point_id = ? AND start >= ? AND start < ? ORDER BY start`, point, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Aggregate
	for rows.Next() {
		a := store.Aggregate{PointID: point}
		var start int64
		var minP, maxP sql.NullFloat64
		var sumP float64
		var nP int
		if err := rows.Scan(&start, &a.Energy, &a.RunMinutes, &minP, &maxP, &sumP, &nP, &a.Received, &a.Expected, &a.Resets); err != nil {
			return nil, err
		}
		a.Start, a.MinP, a.MaxP, a.AvgP = fromMS(start), fromNull(minP), fromNull(maxP), math.NaN()
		if nP > 0 {
			a.AvgP = sumP / float64(nP)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
