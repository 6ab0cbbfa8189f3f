package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"powerwatch/store"
)

// The ingest path updates the aggregates of all points of a batch together:
// a few statements per batch, each over the batch's points, instead of a few
// per point. Live terminals that wait for their acknowledgement put every
// point into every batch once, so per-point statements were the cost of a
// commit. The arithmetic is the same as the per-point path's (hourAgg.add,
// rollSQL), so the rows equal what RecomputeAggregates builds.

// pointRun is one point's fresh samples in a batch, oldest first.
type pointRun struct {
	point int64
	ss    []store.Sample
}

// splitByPoint cuts fresh (sorted by point and time) into runs per point.
func splitByPoint(fresh []store.Sample) []pointRun {
	var out []pointRun
	for i := 0; i < len(fresh); {
		j := i
		for j < len(fresh) && fresh[j].PointID == fresh[i].PointID {
			j++
		}
		out = append(out, pointRun{fresh[i].PointID, fresh[i:j]})
		i = j
	}
	return out
}

// aggregate updates the aggregates for new samples (sorted by point and time).
// Samples newer than everything stored for their point are folded into their
// hour rows; older ones (backfill) make the touched hours, and the next hour
// with data, be recomputed from the series. Day and month rows of every
// touched hour are then rolled up again from the finer rows.
func (w *writer) aggregate(fresh []store.Sample) error {
	runs := splitByPoint(fresh)
	if len(runs) == 0 {
		return nil
	}
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.point
	}
	cfgs, err := loadPointCfgs(w.ctx, w.tx, ids)
	if err != nil {
		return err
	}
	latest, err := latestOfAll(w.ctx, w.tx, ids)
	if err != nil {
		return err
	}
	stored, err := w.storedHours(runs, latest, cfgs)
	if err != nil {
		return err
	}
	ru := rollups{}
	var rows []pointHour
	for _, r := range runs {
		cfg := cfgs[r.point]
		prev, ok := latest[r.point]
		packed, err := w.intoPackedDay(r, prev, ok)
		if err != nil {
			return err
		}
		if packed {
			if err := w.recomputePacked(r, cfg, &ru); err != nil {
				return fmt.Errorf("point %d: %w", r.point, err)
			}
			continue
		}
		if ok && !r.ss[0].At.After(prev.At) {
			hours := map[int64]bool{}
			for _, s := range r.ss {
				hours[s.At.UnixMilli()/hourMS*hourMS] = true
			}
			if err := recomputeTouched(w.ctx, w.tx, r.point, hours, cfg); err != nil {
				return fmt.Errorf("point %d: %w", r.point, err)
			}
			for h := range hours {
				ru.add(r.point, h, cfg)
			}
			continue
		}
		rows = foldRun(rows, prev, ok, r, cfg, stored)
	}
	for _, h := range rows {
		ru.add(h.point, h.h.start, cfgs[h.point])
	}
	if err := storeHours(w.ctx, w.tx, rows); err != nil {
		return err
	}
	last := make([]store.Sample, 0, len(runs))
	for _, r := range runs {
		// A sample dated ahead of its arrival (a fast terminal clock) is
		// stored, but is never the point's latest value: it would pin it.
		for k := len(r.ss) - 1; k >= 0; k-- {
			if !r.ss[k].At.After(w.now.Add(store.MaxAhead)) {
				last = append(last, r.ss[k])
				break
			}
		}
	}
	if err := setLatestAll(w.ctx, w.tx, last); err != nil {
		return fmt.Errorf("latest samples: %w", err)
	}
	return ru.roll(w.ctx, w.tx)
}

// intoPackedDay reports whether run r needs the hours of a packed day (one
// before the watermark, whose agg_hour rows Compact dropped): late data for
// such a day, or in-order data continuing the day of the point's newest
// sample when that day's rows are gone. Those runs recompute their packed
// days whole from the series (recomputePacked); every other run folds into
// the live hour rows as before. Bulk loads of new past days continue hours
// that are still in agg_hour and so keep the fast path.
func (w *writer) intoPackedDay(r pointRun, prev store.Sample, ok bool) (bool, error) {
	first := dayStart(r.ss[0].At)
	if !ok {
		return false, nil
	}
	if !r.ss[0].At.After(prev.At) { // backfill: does it touch a packed day?
		return slices.ContainsFunc(r.ss, func(s store.Sample) bool { return dayStart(s.At) < w.compacted }), nil
	}
	if first >= w.compacted || dayStart(prev.At) != first {
		return false, nil
	}
	var n int
	err := w.tx.QueryRowContext(w.ctx, `SELECT count(*) FROM agg_hour WHERE point_id = ? AND start >= ? AND start < ?`,
		r.point, first, first+dayMS).Scan(&n)
	return n == 0, err
}

// recomputePacked rebuilds from the series the hour rows of every packed day
// r touches and of the day holding the next sample after each of them (its
// first sample has a new predecessor), and the live hours r touches as
// recomputeTouched does, and marks their days and months for rolling up. The
// packed days' hour rows stay in agg_hour until the next Compact drops them.
func (w *writer) recomputePacked(r pointRun, cfg *pointCfg, ru *rollups) error {
	days, hours := map[int64]bool{}, map[int64]bool{}
	for _, s := range r.ss {
		if d := dayStart(s.At); d < w.compacted {
			days[d] = true
		} else {
			hours[s.At.UnixMilli()/hourMS*hourMS] = true
		}
	}
	for _, d := range setKeys(days) {
		if days[d+dayMS] {
			continue
		}
		next, ok, err := nextSampleAt(w.ctx, w.tx, r.point, d+dayMS)
		if err != nil {
			return err
		}
		switch nd := dayOfMS(next); {
		case !ok:
		case nd < w.compacted:
			days[nd] = true
		default:
			hours[next/hourMS*hourMS] = true
		}
	}
	for d := range days {
		if err := recomputeHours(w.ctx, w.tx, r.point, d, d+dayMS, cfg); err != nil {
			return err
		}
		ru.add(r.point, d, cfg)
	}
	if len(hours) > 0 {
		if err := recomputeTouched(w.ctx, w.tx, r.point, hours, cfg); err != nil {
			return err
		}
	}
	for h := range hours {
		ru.add(r.point, h, cfg)
	}
	return nil
}

// pointHour is an agg_hour row of a point.
type pointHour struct {
	point int64
	h     *hourAgg
}

type hourKey struct{ point, start int64 }

// foldRun folds r, whose samples all follow prev (ok false: the point has no
// sample yet), into hour rows appended to out. Only the hour of the newest
// stored sample can have a row yet; stored holds those rows.
func foldRun(out []pointHour, prev store.Sample, ok bool, r pointRun, cfg *pointCfg, stored map[hourKey]*hourAgg) []pointHour {
	var h *hourAgg
	for _, s := range r.ss {
		start := s.At.UnixMilli() / hourMS * hourMS
		if h == nil || h.start != start {
			if h != nil {
				out = append(out, pointHour{r.point, h})
			}
			if h = stored[hourKey{r.point, start}]; h == nil {
				h = newHourAgg(start, cfg)
			}
		}
		h.add(prev, ok, s, cfg)
		prev, ok = s, true
	}
	return append(out, pointHour{r.point, h})
}

// storedHours loads the hour rows that in-order runs continue: the hour of
// each point's newest stored sample, when the run starts in that hour.
func (w *writer) storedHours(runs []pointRun, latest map[int64]store.Sample, cfgs map[int64]*pointCfg) (map[hourKey]*hourAgg, error) {
	var points []int64
	starts := map[int64]bool{}
	want := map[hourKey]bool{}
	for _, r := range runs {
		prev, ok := latest[r.point]
		if !ok || !r.ss[0].At.After(prev.At) {
			continue
		}
		k := hourKey{r.point, prev.At.UnixMilli() / hourMS * hourMS}
		if r.ss[0].At.UnixMilli()/hourMS*hourMS != k.start {
			continue
		}
		points = append(points, r.point)
		starts[k.start] = true
		want[k] = true
	}
	out := map[hourKey]*hourAgg{}
	if len(points) == 0 {
		return out, nil
	}
	rows, err := w.tx.QueryContext(w.ctx, hourRowsSQL, jsonInts(points), jsonInts(setKeys(starts)))
	if err != nil {
		return nil, fmt.Errorf("hour rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k hourKey
		var minP, maxP, lastE, lastP sql.NullFloat64
		h := &hourAgg{}
		if err := rows.Scan(&k.point, &k.start, &h.energy, &h.runMin, &minP, &maxP, &h.sumP, &h.nP, &h.received,
			&h.resets, &h.lastAt, &lastE, &lastP); err != nil {
			return nil, fmt.Errorf("hour rows: %w", err)
		}
		if !want[k] {
			continue
		}
		h.start = k.start
		h.expected = int(hourMS / cfgs[k.point].interval)
		h.minP, h.maxP, h.lastE, h.lastP = fromNull(minP), fromNull(maxP), fromNull(lastE), fromNull(lastP)
		out[k] = h
	}
	return out, rows.Err()
}

// storeHours upserts the hour rows, several per statement.
func storeHours(ctx context.Context, q querier, hs []pointHour) error {
	for _, n := range rowChunks(len(hs)) {
		args := make([]any, 0, 14*n)
		for _, x := range hs[:n] {
			h := x.h
			args = append(args, x.point, h.start, h.energy, h.runMin, nullable(h.minP), nullable(h.maxP), h.sumP, h.nP,
				h.received, h.expected, h.resets, h.lastAt, nullable(h.lastE), nullable(h.lastP))
		}
		_, err := q.ExecContext(ctx, hourUpsertSQL(n), args...)
		if err != nil {
			return fmt.Errorf("store %d hour rows from point %d: %w", n, hs[0].point, err)
		}
		hs = hs[n:]
	}
	return nil
}

// setLatestAll stores the newest sample of each point (one per point) where
// it is newer than the stored one.
func setLatestAll(ctx context.Context, q querier, ss []store.Sample) error {
	for _, n := range rowChunks(len(ss)) {
		args := make([]any, 0, 8*n)
		for _, s := range ss[:n] {
			args = append(args, s.PointID, s.At.UnixMilli(), nullable(s.P), nullable(s.I), nullable(s.U), nullable(s.E), nullable(s.PF), s.Flags)
		}
		_, err := q.ExecContext(ctx, latestUpsertSQL(n), args...)
		if err != nil {
			return err
		}
		ss = ss[n:]
	}
	return nil
}

// latestOfAll returns the stored latest sample of each of points that has one.
func latestOfAll(ctx context.Context, q querier, points []int64) (map[int64]store.Sample, error) {
	rows, err := q.QueryContext(ctx, latestAllSQL, jsonInts(points))
	if err != nil {
		return nil, fmt.Errorf("latest samples: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]store.Sample, len(points))
	for rows.Next() {
		var at int64
		var p, i, u, e, pf sql.NullFloat64
		var s store.Sample
		if err := rows.Scan(&s.PointID, &at, &p, &i, &u, &e, &pf, &s.Flags); err != nil {
			return nil, fmt.Errorf("latest samples: %w", err)
		}
		s.At = fromMS(at)
		s.P, s.I, s.U, s.E, s.PF = fromNull(p), fromNull(i), fromNull(u), fromNull(e), fromNull(pf)
		out[s.PointID] = s
	}
	return out, rows.Err()
}

// loadPointCfgs is loadPointCfg for many points in two queries. Every point
// of points gets a config; unregistered ones the defaults.
func loadPointCfgs(ctx context.Context, q querier, points []int64) (map[int64]*pointCfg, error) {
	out := make(map[int64]*pointCfg, len(points))
	for _, p := range points {
		out[p] = &pointCfg{interval: defaultInterval}
	}
	rows, err := q.QueryContext(ctx, pointCfgsSQL, jsonInts(points))
	if err != nil {
		return nil, fmt.Errorf("point configuration: %w", err)
	}
	byFacility := map[int64][]*pointCfg{}
	for rows.Next() {
		var id, minS, rtdS, facility int64
		var rated float64
		if err := rows.Scan(&id, &minS, &rtdS, &facility, &rated); err != nil {
			rows.Close()
			return nil, fmt.Errorf("point configuration: %w", err)
		}
		c := out[id]
		c.interval, c.ratedKW = slotInterval(minS, rtdS), rated
		byFacility[facility] = append(byFacility[facility], c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("point configuration: %w", err)
	}
	if len(byFacility) == 0 {
		return out, nil
	}
	facilities := make([]int64, 0, len(byFacility))
	for f := range byFacility {
		facilities = append(facilities, f)
	}
	rows, err = q.QueryContext(ctx, thresholdsSQL, jsonInts(facilities))
	if err != nil {
		return nil, fmt.Errorf("thresholds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t store.Threshold
		var facility, from int64
		if err := rows.Scan(&facility, &t.Basis, &t.Stop, &t.Run, &from); err != nil {
			return nil, fmt.Errorf("thresholds: %w", err)
		}
		t.EffectiveFrom = time.UnixMilli(from)
		for _, c := range byFacility[facility] {
			c.thresholds = append(c.thresholds, t)
		}
	}
	return out, rows.Err()
}

// rollups collects the day and month rows to roll up again, grouped by
// period start and rows expected, so that one statement serves every point
// of a group.
type rollups struct {
	days, months map[rollKey]map[int64]bool
}

type rollKey struct{ start, expected int64 }

func (r *rollups) add(point, hour int64, cfg *pointCfg) {
	if r.days == nil {
		r.days, r.months = map[rollKey]map[int64]bool{}, map[rollKey]map[int64]bool{}
	}
	day := dayOfMS(hour)
	m := store.Month.Start(time.UnixMilli(hour))
	end := store.Month.Add(m.In(store.Beijing), 1).UnixMilli()
	put := func(to map[rollKey]map[int64]bool, k rollKey) {
		if to[k] == nil {
			to[k] = map[int64]bool{}
		}
		to[k][point] = true
	}
	put(r.days, rollKey{day, dayMS / cfg.interval})
	put(r.months, rollKey{m.UnixMilli(), (end - m.UnixMilli()) / cfg.interval})
}

// roll rebuilds the collected day rows from the hour rows, then the month
// rows from the day rows.
func (r *rollups) roll(ctx context.Context, q querier) error {
	for _, k := range sortedRollKeys(r.days) {
		if _, err := q.ExecContext(ctx, rollDaysSQL, k.start, k.expected, jsonInts(setKeys(r.days[k])), k.start, k.start+dayMS); err != nil {
			return fmt.Errorf("roll up day %s: %w", fromMS(k.start).In(store.Beijing).Format(time.DateOnly), err)
		}
	}
	for _, k := range sortedRollKeys(r.months) {
		end := store.Month.Add(time.UnixMilli(k.start).In(store.Beijing), 1).UnixMilli()
		if _, err := q.ExecContext(ctx, rollMonthsSQL, k.start, k.expected, jsonInts(setKeys(r.months[k])), k.start, end); err != nil {
			return fmt.Errorf("roll up month %s: %w", fromMS(k.start).In(store.Beijing).Format("2006-01"), err)
		}
	}
	return nil
}

func sortedRollKeys(m map[rollKey]map[int64]bool) []rollKey {
	out := make([]rollKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start < out[j].start
		}
		return out[i].expected < out[j].expected
	})
	return out
}

func setKeys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// jsonInts is vs as a JSON array, for json_each: one parameter however many
// values, so a statement's text does not depend on the batch.
func jsonInts(vs []int64) string {
	b := make([]byte, 0, 2+8*len(vs))
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return string(append(b, ']'))
}
