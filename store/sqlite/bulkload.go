package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"powerwatch/store"
)

// LoadDays stores a batch of past days — samples and raw packets of Beijing
// days before the packing watermark (see Compact) — with the result Ingest
// would give, but writes the packed tier directly: each point-day and
// terminal-day of the batch that holds nothing yet becomes one blob, encoded
// on all cores, instead of being merged into a blob read back for each. Days
// that do hold data already go through Ingest's merge path. Aggregates, latest
// samples and last-seen rows are updated as Ingest updates them.
//
// It is the bulk path of imports and of the demo generator: give it whole
// days of many points at once (a week of a hundred points is a good batch).
// Data at or after the watermark, and outbox items, are refused with
// store.ErrInvalid: live data goes through Ingest.
func (db *DB) LoadDays(ctx context.Context, b *store.Batch) (store.IngestResult, error) {
	if err := validateBatch(b); err != nil {
		return store.IngestResult{}, fmt.Errorf("load days: %w", err)
	}
	if len(b.Outbox) > 0 {
		return store.IngestResult{}, fmt.Errorf("load days: %w: outbox items go through Ingest", store.ErrInvalid)
	}
	if err := db.stmts.prepare(ctx, db.db); err != nil {
		return store.IngestResult{}, fmt.Errorf("load days: prepare statements: %w", classify(err))
	}
	var res store.IngestResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res = store.IngestResult{Duplicate: make([]bool, len(b.Packets)), Revision: make([]bool, len(b.Packets))}
		w, err := newWriter(ctx, db, tx)
		if err != nil {
			return err
		}
		defer w.close()
		l := loader{w}
		if err := l.packets(b.Packets, &res); err != nil {
			return fmt.Errorf("store packets: %w", err)
		}
		fresh, err := l.samples(b.Samples, &res)
		if err != nil {
			return fmt.Errorf("store samples: %w", err)
		}
		if err := w.aggregate(fresh); err != nil {
			return fmt.Errorf("update aggregates: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.IngestResult{}, fmt.Errorf("load days: %d packets, %d samples: %w", len(b.Packets), len(b.Samples), err)
	}
	return res, nil
}

// loader is LoadDays' side of an ingest transaction.
type loader struct{ w *writer }

// beforeWatermark refuses a day the packed tier does not hold yet.
func (l loader) beforeWatermark(day int64, what string) error {
	if day < l.w.compacted {
		return nil
	}
	return fmt.Errorf("%s: %w: day %s is not before the packed days (before %s); use Ingest", what, store.ErrInvalid,
		fromMS(day).In(store.Beijing).Format(time.DateOnly), fromMS(l.w.compacted).In(store.Beijing).Format(time.DateOnly))
}

// packets stores ps: terminal-days without stored packets as new blobs, the
// others merged as Ingest merges late packets.
func (l loader) packets(ps []store.RawPacket, res *store.IngestResult) error {
	groups := map[rawDayKey][]int{}
	var keys []rawDayKey // in order of first appearance
	var mns []string
	span := dayRange{}
	for i, p := range ps {
		k := rawDayKey{p.MN, dayOfMS(newRawRecord(p).dt)}
		if err := l.beforeWatermark(k.day, "packet of "+p.MN); err != nil {
			return err
		}
		if groups[k] == nil {
			keys = append(keys, k)
			if !slices.Contains(mns, p.MN) {
				mns = append(mns, p.MN)
			}
		}
		groups[k] = append(groups[k], i)
		span.add(k.day)
	}
	if len(keys) == 0 {
		return nil
	}
	held, err := l.rawDaysHeld(mns, span)
	if err != nil {
		return err
	}
	type job struct {
		k    rawDayKey
		recs []rawRecord
	}
	var jobs []job
	for _, k := range keys {
		idx := groups[k]
		if held.day[k] || held.hot[k.mn] {
			if err := l.w.mergeRawDay(k, ps, idx, res); err != nil {
				return err
			}
			continue
		}
		have := make(map[rawKey][]rawRecord, len(idx))
		recs := make([]rawRecord, 0, len(idx))
		for _, i := range idx {
			r := newRawRecord(ps[i])
			if slices.ContainsFunc(have[r.key()], func(o rawRecord) bool { return sameFrame(o, r) }) {
				res.Duplicate[i] = true // the first of a packet sent twice counts
				continue
			}
			res.Revision[i] = len(have[r.key()]) > 0 // same time, another CP: kept beside the first
			have[r.key()] = append(have[r.key()], r)
			recs = append(recs, r)
		}
		jobs = append(jobs, job{k, recs})
	}
	err = encodeInOrder(len(jobs), func(i int) []byte { return encodeRawDay(jobs[i].recs) }, func(i int, blob []byte) error {
		return l.insertRawDay(jobs[i].k, len(jobs[i].recs), blob)
	})
	if err != nil {
		return err
	}
	for i := range ps {
		if !res.Duplicate[i] {
			res.NewPackets++
		}
	}
	return l.w.updateSeen(ps, res.Duplicate)
}

// dayRange is the first and last day of a batch.
type dayRange struct {
	first, last int64
	set         bool
}

func (r *dayRange) add(day int64) {
	if !r.set {
		r.first, r.last, r.set = day, day, true
	}
	r.first, r.last = min(r.first, day), max(r.last, day)
}

// rawHeld says which terminal-days have a blob and which terminals have
// packets of packed days still in the live tier (a compaction under way).
type rawHeld struct {
	day map[rawDayKey]bool
	hot map[string]bool
}

func (l loader) rawDaysHeld(mns []string, span dayRange) (rawHeld, error) {
	held := rawHeld{day: map[rawDayKey]bool{}, hot: map[string]bool{}}
	list, err := json.Marshal(mns)
	if err != nil {
		return held, err
	}
	rows, err := l.w.tx.QueryContext(l.w.ctx, `SELECT DISTINCT mn, day FROM raw_days
		WHERE mn IN (SELECT value FROM json_each(?)) AND day >= ? AND day <= ?`, string(list), span.first, span.last)
	if err != nil {
		return held, fmt.Errorf("packed terminal-days: %w", err)
	}
	for rows.Next() {
		var k rawDayKey
		if err := rows.Scan(&k.mn, &k.day); err != nil {
			rows.Close()
			return held, err
		}
		held.day[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return held, fmt.Errorf("packed terminal-days: %w", err)
	}
	rows, err = l.w.tx.QueryContext(l.w.ctx, `SELECT DISTINCT mn FROM raw_packets
		WHERE mn IN (SELECT value FROM json_each(?)) AND dt < ?`, string(list), l.w.compacted)
	if err != nil {
		return held, fmt.Errorf("live packets of packed days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mn string
		if err := rows.Scan(&mn); err != nil {
			return held, err
		}
		held.hot[mn] = true
	}
	return held, rows.Err()
}

// insertRawDay writes a new terminal-day blob in parts, as storeRawDay does.
func (l loader) insertRawDay(k rawDayKey, n int, blob []byte) error {
	if err := insertRawParts(l.w.ctx, l.w.tx, k.mn, k.day, n, blob); err != nil {
		return fmt.Errorf("terminal %s, day %s: %w", k.mn, fromMS(k.day).In(store.Beijing).Format(time.DateOnly), err)
	}
	return nil
}

// samples stores ss: point-days without stored samples as new blobs, the
// others merged as Ingest merges late samples. It returns the samples that
// were new, sorted by point and time, for the aggregates.
func (l loader) samples(ss []store.Sample, res *store.IngestResult) ([]store.Sample, error) {
	all := make([]store.Sample, len(ss))
	for i, s := range ss {
		s.At = s.At.Truncate(time.Second).UTC()
		if err := l.beforeWatermark(dayStart(s.At), fmt.Sprintf("sample of point %d", s.PointID)); err != nil {
			return nil, err
		}
		store.Sanitize(&s) // as Ingest: nothing non-finite reaches the aggregates
		all[i] = s
	}
	// Stable: of two samples of one second, the first given stays first and
	// is the one kept, as in Ingest.
	sortSamples(all)
	var points []int64
	span := dayRange{}
	for i, s := range all {
		if i == 0 || s.PointID != all[i-1].PointID {
			points = append(points, s.PointID)
		}
		span.add(dayStart(s.At))
	}
	if len(points) == 0 {
		return nil, nil
	}
	held, err := l.seriesDaysHeld(points, span)
	if err != nil {
		return nil, err
	}
	type job struct {
		k  seriesDayKey
		ss []store.Sample
	}
	var jobs []job
	fresh := make([]store.Sample, 0, len(all))
	merged := false
	for i := 0; i < len(all); {
		k := seriesDayKey{all[i].PointID, dayStart(all[i].At)}
		j := i
		for j < len(all) && all[j].PointID == k.point && dayStart(all[j].At) == k.day {
			j++
		}
		run := all[i:j]
		i = j
		if held.day[k] || held.hot[k.point] {
			added, revised, err := l.w.mergeSeriesDay(k, run)
			if err != nil {
				return nil, fmt.Errorf("point %d, day %s: %w", k.point, fromMS(k.day).In(store.Beijing).Format(time.DateOnly), err)
			}
			res.DupSamples += len(run) - len(added) - len(revised)
			res.NewSamples += len(added)
			fresh = withRevisions(append(fresh, added...), revised)
			res.Revised = append(res.Revised, revised...)
			merged = true
			continue
		}
		kept := run[:1:1]
		for _, s := range run[1:] {
			last := &kept[len(kept)-1]
			if s.At.Unix() != last.At.Unix() {
				kept = append(kept, s)
				continue
			}
			// The same slot again in the batch: a later frame completes or revises it.
			if m, changed := mergeSample(*last, s); changed {
				res.Revised = append(res.Revised, store.SampleRevision{Before: *last, After: m})
				*last = m
				continue
			}
			res.DupSamples++
		}
		res.NewSamples += len(kept)
		fresh = append(fresh, kept...)
		jobs = append(jobs, job{k, kept})
	}
	err = encodeInOrder(len(jobs), func(i int) []byte { return encodeSeriesDay(time.UnixMilli(jobs[i].k.day), jobs[i].ss) },
		func(i int, blob []byte) error {
			k := jobs[i].k
			if _, err := l.w.tx.ExecContext(l.w.ctx, `INSERT INTO series_days(point_id, day, n, blob) VALUES (?, ?, ?, ?)`,
				k.point, k.day, len(jobs[i].ss), blob); err != nil {
				return fmt.Errorf("point %d, day %s: %w", k.point, fromMS(k.day).In(store.Beijing).Format(time.DateOnly), err)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if merged {
		sortSamples(fresh)
	}
	return fresh, nil
}

// seriesHeld says which point-days have a blob and which points have samples
// of packed days still in the live tier (a compaction under way).
type seriesHeld struct {
	day map[seriesDayKey]bool
	hot map[int64]bool
}

func (l loader) seriesDaysHeld(points []int64, span dayRange) (seriesHeld, error) {
	held := seriesHeld{day: map[seriesDayKey]bool{}, hot: map[int64]bool{}}
	rows, err := l.w.tx.QueryContext(l.w.ctx, `SELECT point_id, day FROM series_days
		WHERE point_id IN (SELECT value FROM json_each(?)) AND day >= ? AND day <= ?`, jsonInts(points), span.first, span.last)
	if err != nil {
		return held, fmt.Errorf("packed point-days: %w", err)
	}
	for rows.Next() {
		var k seriesDayKey
		if err := rows.Scan(&k.point, &k.day); err != nil {
			rows.Close()
			return held, err
		}
		held.day[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return held, fmt.Errorf("packed point-days: %w", err)
	}
	rows, err = l.w.tx.QueryContext(l.w.ctx, `SELECT DISTINCT point_id FROM samples
		WHERE point_id IN (SELECT value FROM json_each(?)) AND at < ?`, jsonInts(points), l.w.compacted)
	if err != nil {
		return held, fmt.Errorf("live samples of packed days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			return held, err
		}
		held.hot[p] = true
	}
	return held, rows.Err()
}

// encodeInOrder runs encode(0) … encode(n−1) on all cores and, in the calling
// goroutine (the one holding the transaction), store(i, blob) in index order
// as each blob is ready: the writes overlap the encoding of the next blobs,
// and the rows go in in the same order on every run.
func encodeInOrder(n int, encode func(i int) []byte, store func(i int, blob []byte) error) error {
	if n == 0 {
		return nil
	}
	blobs := make([][]byte, n)
	done := make([]chan struct{}, n)
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				blobs[i] = encode(i)
				close(done[i])
			}
		})
	}
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()
	for i := range n {
		<-done[i]
		if err := store(i, blobs[i]); err != nil {
			return err
		}
		blobs[i] = nil
	}
	return nil
}
