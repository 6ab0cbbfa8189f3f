package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"time"

	"powerwatch/store"
)

// nullable turns the store's NaN for "not sent" into SQL NULL.
func nullable(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	return v
}

func fromNull(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// samples stores the samples whose slot (point, second) is not stored yet and
// returns them, sorted by point and time, for the aggregates.
func (w *writer) samples(ss []store.Sample, res *store.IngestResult) ([]store.Sample, error) {
	var fresh, live []store.Sample
	late := map[seriesDayKey][]store.Sample{}
	for _, s := range ss {
		s.At = s.At.Truncate(time.Second).UTC()
		// The last guard before arithmetic, whatever the batch came from.
		store.Sanitize(&s)
		if day := dayStart(s.At); day < w.compacted {
			k := seriesDayKey{s.PointID, day}
			late[k] = append(late[k], s)
			continue
		}
		live = append(live, s)
	}
	// In key order each point's rows land on the same few b-tree pages.
	sortSamples(live)
	for _, n := range rowChunks(len(live)) {
		added, revised, err := w.insertSamples(live[:n])
		if err != nil {
			return nil, err
		}
		res.DupSamples += n - len(added) - len(revised)
		res.NewSamples += len(added)
		fresh = withRevisions(append(fresh, added...), revised)
		res.Revised = append(res.Revised, revised...)
		live = live[n:]
	}
	// In key order, so that the revisions are reported in a stable order.
	days := slices.SortedFunc(maps.Keys(late), func(a, b seriesDayKey) int {
		return cmp.Or(cmp.Compare(a.point, b.point), cmp.Compare(a.day, b.day))
	})
	for _, k := range days {
		add := late[k]
		added, revised, err := w.mergeSeriesDay(k, add)
		if err != nil {
			return nil, fmt.Errorf("point %d, day %s: %w", k.point, fromMS(k.day).In(store.Beijing).Format(time.DateOnly), err)
		}
		res.DupSamples += len(add) - len(added) - len(revised)
		res.NewSamples += len(added)
		fresh = withRevisions(append(fresh, added...), revised)
		res.Revised = append(res.Revised, revised...)
	}
	sortSamples(fresh)
	return fresh, nil
}

// insertSamples inserts ss (a rowChunks size: one statement per row costs
// more in database/sql and the driver than SQLite's own work) into the hot tier with one
// statement and returns those that were new, learnt through RETURNING, which
// yields only the rows that DO NOTHING did not skip.
func (w *writer) insertSamples(ss []store.Sample) ([]store.Sample, []store.SampleRevision, error) {
	args := make([]any, 0, 8*len(ss))
	for _, s := range ss {
		args = append(args, s.PointID, s.At.UnixMilli(), nullable(s.P), nullable(s.I), nullable(s.U), nullable(s.E), nullable(s.PF), s.Flags)
	}
	// Live data has no stored slot: the plain insert then needs nothing read
	// back. A stored slot fails it (the statement alone is undone) and the
	// rows are inserted again, learning which were new.
	if _, err := w.tx.ExecContext(w.ctx, sampleNewSQL(len(ss)), args...); err == nil {
		return ss, nil, nil
	} else if !errors.Is(classify(err), store.ErrConflict) {
		return nil, nil, fmt.Errorf("insert %d samples from point %d at %s: %w", len(ss), ss[0].PointID, ss[0].At.Format(time.RFC3339), err)
	}
	rows, err := w.tx.QueryContext(w.ctx, sampleInsertSQL(len(ss)), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("insert %d samples from point %d at %s: %w", len(ss), ss[0].PointID, ss[0].At.Format(time.RFC3339), err)
	}
	defer rows.Close()
	type key struct{ point, at int64 }
	inserted := make(map[key]bool, len(ss))
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.point, &k.at); err != nil {
			return nil, nil, err
		}
		inserted[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("insert %d samples from point %d: %w", len(ss), ss[0].PointID, err)
	}
	var added, again []store.Sample
	for _, s := range ss {
		// A slot twice in one batch was inserted once: the first one counts.
		if k := (key{s.PointID, s.At.UnixMilli()}); inserted[k] {
			delete(inserted, k)
			added = append(added, s)
		} else {
			again = append(again, s)
		}
	}
	rows.Close()
	revised, err := w.reviseSamples(again)
	return added, revised, err
}

func sortSamples(ss []store.Sample) {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].PointID != ss[j].PointID {
			return ss[i].PointID < ss[j].PointID
		}
		return ss[i].At.Before(ss[j].At)
	})
}

type seriesDayKey struct {
	point int64
	day   int64
}

// mergeSeriesDay adds late samples to a packed point-day and returns those
// that were new there (and not in the hot table, which a running compaction
// may not have emptied yet).
func (w *writer) mergeSeriesDay(k seriesDayKey, add []store.Sample) ([]store.Sample, []store.SampleRevision, error) {
	old, err := loadSeriesDay(w.ctx, w.tx, k.point, k.day)
	if err != nil {
		return nil, nil, err
	}
	hot, err := readHot(w.ctx, w.tx, k.point, k.day, k.day+dayMS)
	if err != nil {
		return nil, nil, err
	}
	at := map[int64]int{} // slot → index in old, -1 for the hot tier's (during a compaction)
	for i, s := range old {
		at[s.At.Unix()] = i
	}
	for _, s := range hot {
		at[s.At.Unix()] = -1
	}
	var added []store.Sample
	var revised []store.SampleRevision
	for _, s := range add {
		i, ok := at[s.At.Unix()]
		switch {
		case !ok:
			at[s.At.Unix()] = len(old)
			old = append(old, s)
			added = append(added, s)
		case i >= 0:
			// A later frame of the same time: its values complete or revise the slot.
			if m, changed := mergeSample(old[i], s); changed {
				revised = append(revised, store.SampleRevision{Before: old[i], After: m})
				old[i] = m
			}
		default:
			r, changed, err := w.reviseSample(s)
			if err != nil {
				return nil, nil, err
			}
			if changed {
				revised = append(revised, r)
			}
		}
	}
	if len(added) == 0 && !slices.ContainsFunc(revised, func(r store.SampleRevision) bool { return at[r.After.At.Unix()] >= 0 }) {
		return nil, revised, nil
	}
	merged, _ := mergeSamples(old, nil)
	return added, revised, storeSeriesDay(w.ctx, w.tx, k.point, k.day, merged)
}

// withRevisions returns fresh with the revised slots: a slot already in
// fresh (first stored by this batch) takes its revised values, another one
// is added, so that the aggregates see each slot once, as now stored.
func withRevisions(fresh []store.Sample, revised []store.SampleRevision) []store.Sample {
	if len(revised) == 0 {
		return fresh
	}
	type key struct{ point, at int64 }
	at := make(map[key]int, len(fresh))
	for i, s := range fresh {
		at[key{s.PointID, s.At.Unix()}] = i
	}
	for _, r := range revised {
		k := key{r.After.PointID, r.After.At.Unix()}
		if i, ok := at[k]; ok {
			fresh[i] = r.After
			continue
		}
		at[k] = len(fresh)
		fresh = append(fresh, r.After)
	}
	return fresh
}

// reviseSamples merges each of ss into its stored hot-tier slot (see
// reviseSample), reading the slots with one statement: a terminal re-sending
// its cache makes many, nearly all unchanged.
func (w *writer) reviseSamples(ss []store.Sample) ([]store.SampleRevision, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	type key struct{ point, at int64 }
	stored := make(map[key]store.Sample, len(ss))
	for rest := ss; len(rest) > 0; {
		n := len(rest)
		if cs := rowChunks(n); len(cs) > 0 {
			n = cs[0]
		}
		args := make([]any, 0, 2*n)
		for _, s := range rest[:n] {
			args = append(args, s.PointID, s.At.UnixMilli())
		}
		rest = rest[n:]
		rows, err := w.tx.QueryContext(w.ctx, `SELECT s.point_id, s.at, s.p, s.i, s.u, s.e, s.pf, s.flags
			FROM (VALUES `+placeholders(len(args)/2, 2)+`) AS k CROSS JOIN samples s
			WHERE s.point_id = k.column1 AND s.at = k.column2`, args...)
		if err != nil {
			return nil, fmt.Errorf("read %d stored samples: %w", len(args)/2, err)
		}
		for rows.Next() {
			var at int64
			var p, i, u, e, pf sql.NullFloat64
			var s store.Sample
			if err := rows.Scan(&s.PointID, &at, &p, &i, &u, &e, &pf, &s.Flags); err != nil {
				rows.Close()
				return nil, err
			}
			s.At = fromMS(at)
			s.P, s.I, s.U, s.E, s.PF = fromNull(p), fromNull(i), fromNull(u), fromNull(e), fromNull(pf)
			stored[key{s.PointID, at}] = s
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	var revised []store.SampleRevision
	for _, s := range ss {
		k := key{s.PointID, s.At.UnixMilli()}
		old, ok := stored[k]
		if !ok {
			continue
		}
		m, changed := mergeSample(old, s)
		if !changed {
			continue
		}
		_, err := w.tx.ExecContext(w.ctx, `UPDATE samples SET p = ?, i = ?, u = ?, e = ?, pf = ?, flags = ? WHERE point_id = ? AND at = ?`,
			nullable(m.P), nullable(m.I), nullable(m.U), nullable(m.E), nullable(m.PF), m.Flags, s.PointID, k.at)
		if err != nil {
			return nil, fmt.Errorf("revise sample of point %d at %s: %w", s.PointID, s.At.Format(time.RFC3339), err)
		}
		stored[k] = m // a later sample of the batch merges into this one
		revised = append(revised, store.SampleRevision{Before: old, After: m})
	}
	return revised, nil
}

// reviseSample merges s into the stored hot-tier slot of its point and time:
// quantities the slot lacks are added, and a value that differs replaces the
// stored one (the newest frame is used for curves; the frames themselves all
// stay in the raw packets). changed is false when s adds nothing.
func (w *writer) reviseSample(s store.Sample) (store.SampleRevision, bool, error) {
	old, err := readHot(w.ctx, w.tx, s.PointID, s.At.UnixMilli(), s.At.UnixMilli()+1)
	if err != nil || len(old) == 0 {
		return store.SampleRevision{}, false, err
	}
	m, changed := mergeSample(old[0], s)
	if !changed {
		return store.SampleRevision{}, false, nil
	}
	_, err = w.tx.ExecContext(w.ctx, `UPDATE samples SET p = ?, i = ?, u = ?, e = ?, pf = ?, flags = ? WHERE point_id = ? AND at = ?`,
		nullable(m.P), nullable(m.I), nullable(m.U), nullable(m.E), nullable(m.PF), m.Flags, s.PointID, s.At.UnixMilli())
	if err != nil {
		return store.SampleRevision{}, false, fmt.Errorf("revise sample of point %d at %s: %w", s.PointID, s.At.Format(time.RFC3339), err)
	}
	return store.SampleRevision{Before: old[0], After: m}, true, nil
}

// mergeSample returns old completed and revised by add, a later frame's
// sample of the same slot, and whether anything changed. Flags add up, except
// that a slot received in time stays so, and one made whole stays whole.
func mergeSample(old, add store.Sample) (store.Sample, bool) {
	m := old
	for _, q := range [...]struct {
		dst *float64
		v   float64
	}{{&m.P, add.P}, {&m.I, add.I}, {&m.U, add.U}, {&m.E, add.E}, {&m.PF, add.PF}} {
		if !math.IsNaN(q.v) {
			*q.dst = q.v
		}
	}
	m.Flags |= add.Flags
	if old.Flags&store.FlagBackfill == 0 {
		m.Flags &^= store.FlagBackfill
	}
	// A slot is incomplete (a split upload closed without all its parts)
	// only while every frame of it was: the whole message, arriving before
	// or after, makes it whole.
	if old.Flags&add.Flags&store.FlagIncomplete == 0 {
		m.Flags &^= store.FlagIncomplete
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	changed := !same(m.P, old.P) || !same(m.I, old.I) || !same(m.U, old.U) || !same(m.E, old.E) || !same(m.PF, old.PF) || m.Flags != old.Flags
	return m, changed
}

func loadSeriesDay(ctx context.Context, q querier, point, day int64) ([]store.Sample, error) {
	var blob []byte
	err := q.QueryRowContext(ctx, `SELECT blob FROM series_days WHERE point_id = ? AND day = ?`, point, day).Scan(&blob)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeSeriesDay(nil, point, time.UnixMilli(day), blob)
}

func storeSeriesDay(ctx context.Context, q querier, point, day int64, ss []store.Sample) error {
	_, err := q.ExecContext(ctx, `INSERT INTO series_days(point_id, day, n, blob) VALUES (?, ?, ?, ?)
		ON CONFLICT (point_id, day) DO UPDATE SET n = excluded.n, blob = excluded.blob`,
		point, day, len(ss), encodeSeriesDay(time.UnixMilli(day), ss))
	return err
}

// readHot returns the hot-tier samples of point in [from, to) ms, oldest first.
func readHot(ctx context.Context, q querier, point, from, to int64) ([]store.Sample, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, p, i, u, e, pf, flags FROM samples
		WHERE point_id = ? AND at >= ? AND at < ? ORDER BY at`, point, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Sample
	for rows.Next() {
		var at int64
		var p, i, u, e, pf sql.NullFloat64
		s := store.Sample{PointID: point}
		if err := rows.Scan(&at, &p, &i, &u, &e, &pf, &s.Flags); err != nil {
			return nil, err
		}
		s.At = fromMS(at)
		s.P, s.I, s.U, s.E, s.PF = fromNull(p), fromNull(i), fromNull(u), fromNull(e), fromNull(pf)
		out = append(out, s)
	}
	return out, rows.Err()
}

// readSeries returns the samples of point in [from, to) ms from both tiers,
// oldest first.
func readSeries(ctx context.Context, q querier, point, from, to int64) ([]store.Sample, error) {
	// A modest first guess: callers ask for wide ranges with little data in
	// them (the alarm engine reads days of every point after each batch), and
	// zeroing a capacity sized for the range cost more than growing the slice.
	out := make([]store.Sample, 0, min((to-from)/defaultInterval+1, 1024))
	var dec seriesDecoder
	err := packedDays(ctx, q, point, from, to, func(day int64, blob []byte) error {
		n := len(out)
		var err error
		if out, err = dec.decode(out, point, time.UnixMilli(day), blob); err != nil {
			return err
		}
		out = clip(out, n, from, to)
		return nil
	})
	if err != nil {
		return nil, err
	}
	hot, err := readHot(ctx, q, point, from, to)
	if err != nil {
		return nil, err
	}
	if len(hot) == 0 {
		return out, nil
	}
	sorted := len(out) == 0 || out[len(out)-1].At.Before(hot[0].At)
	out = append(out, hot...)
	if !sorted {
		sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	}
	return out, nil
}

// eachSeries calls fn with the samples of point in [from, to) ms from both
// tiers, oldest first, a packed day at a time and then the hot ones: what
// readSeries returns, without holding a year of a point (8 MB, and most of
// a year's fold spent growing that slice) at once. fn must not keep the
// slice it is given.
func eachSeries(ctx context.Context, q querier, point, from, to int64, fn func([]store.Sample)) error {
	hot, err := readHot(ctx, q, point, from, to)
	if err != nil {
		return err
	}
	if len(hot) > 0 {
		packed, err := compactedBefore(ctx, q)
		if err != nil {
			return err
		}
		if hot[0].At.UnixMilli() < packed { // a hot sample among packed days: merged in order by readSeries
			ss, err := readSeries(ctx, q, point, from, to)
			if err == nil {
				fn(ss)
			}
			return err
		}
	}
	var dec seriesDecoder
	var buf []store.Sample
	err = packedDays(ctx, q, point, from, to, func(day int64, blob []byte) error {
		var err error
		if buf, err = dec.decode(buf[:0], point, time.UnixMilli(day), blob); err != nil {
			return err
		}
		if buf = clip(buf, 0, from, to); len(buf) > 0 {
			fn(buf)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(hot) > 0 {
		fn(hot)
	}
	return nil
}

// packedDays calls fn with the blob of each packed day of point that
// [from, to) ms touches, in day order; the blob is valid only during the call.
func packedDays(ctx context.Context, q querier, point, from, to int64, fn func(day int64, blob []byte) error) error {
	rows, err := q.QueryContext(ctx, `SELECT day, blob FROM series_days WHERE point_id = ? AND day >= ? AND day < ? ORDER BY day`,
		point, dayOfMS(from), to)
	if err != nil {
		return err
	}
	defer rows.Close()
	var blob sql.RawBytes
	for rows.Next() {
		var day int64
		if err := rows.Scan(&day, &blob); err != nil {
			return err
		}
		if err := fn(day, blob); err != nil {
			return fmt.Errorf("point %d, day %s: %w", point, fromMS(day).In(store.Beijing).Format(time.DateOnly), err)
		}
	}
	return rows.Err()
}

// clip removes from out[n:] the samples outside [from, to) ms.
func clip(out []store.Sample, n int, from, to int64) []store.Sample {
	j := n
	for _, s := range out[n:] {
		if t := s.At.UnixMilli(); t >= from && t < to {
			out[j] = s
			j++
		}
	}
	return out[:j]
}

// Samples returns the series of a point in [from, to), oldest first: the raw
// slots the alarm engine evaluates. A quantity not sent is NaN.
func (db *DB) Samples(ctx context.Context, pointID int64, from, to time.Time) ([]store.Sample, error) {
	var out []store.Sample
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = readSeries(ctx, tx, pointID, ms(from), ms(to))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("samples of point %d: %w", pointID, classify(err))
	}
	return out, nil
}

// LatestSamples returns the newest sample of every point that has one.
func (db *DB) LatestSamples(ctx context.Context) ([]store.Sample, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT point_id, at, p, i, u, e, pf, flags FROM latest_samples ORDER BY point_id`)
	if err != nil {
		return nil, fmt.Errorf("latest samples: %w", classify(err))
	}
	defer rows.Close()
	var out []store.Sample
	for rows.Next() {
		var at int64
		var p, i, u, e, pf sql.NullFloat64
		var s store.Sample
		if err := rows.Scan(&s.PointID, &at, &p, &i, &u, &e, &pf, &s.Flags); err != nil {
			return nil, fmt.Errorf("latest samples: %w", err)
		}
		s.At = fromMS(at)
		s.P, s.I, s.U, s.E, s.PF = fromNull(p), fromNull(i), fromNull(u), fromNull(e), fromNull(pf)
		out = append(out, s)
	}
	return out, rows.Err()
}

// sampleBefore returns the newest sample of point strictly before t ms, from
// either tier; ok is false when there is none.
func sampleBefore(ctx context.Context, q querier, point, t int64) (store.Sample, bool, error) {
	var best store.Sample
	found := false
	hot, err := q.QueryContext(ctx, `SELECT at FROM samples WHERE point_id = ? AND at < ? ORDER BY at DESC LIMIT 1`, point, t)
	if err != nil {
		return best, false, err
	}
	var hotAt int64 = -1
	if hot.Next() {
		if err := hot.Scan(&hotAt); err != nil {
			hot.Close()
			return best, false, err
		}
	}
	hot.Close()
	if hotAt >= 0 {
		ss, err := readHot(ctx, q, point, hotAt, hotAt+1)
		if err != nil || len(ss) == 0 {
			return best, false, err
		}
		best, found = ss[0], true
	}
	var day int64
	err = q.QueryRowContext(ctx, `SELECT day FROM series_days WHERE point_id = ? AND day < ? ORDER BY day DESC LIMIT 1`, point, t).Scan(&day)
	if err == sql.ErrNoRows {
		return best, found, nil
	}
	if err != nil {
		return best, false, err
	}
	ss, err := readSeries(ctx, q, point, day, t)
	if err != nil {
		return best, false, err
	}
	if n := len(ss); n > 0 && (!found || ss[n-1].At.After(best.At)) {
		return ss[n-1], true, nil
	}
	return best, found, nil
}
