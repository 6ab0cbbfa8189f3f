package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"powerwatch/store"
)

// The hours of packed days, summarised (hour_days, migration 0026).
//
// Compact drops a packed day's agg_hour rows (0022: they nearly equalled the
// series they summarised), and folding them back from the series costs about
// 0.2 ms a point-day: right for one facility's chart, seconds for the episode
// board's baselines or 总览's comparison, which read the hourly energy of
// every ordered point over weeks. hour_days keeps per point and packed
// Beijing day only what those readers use: each hour's energy, the exact
// float64 of its hour row, and its received and expected slots, about 230
// bytes a point-day (0.2 GB a district-year) against 2.2 KB of hour rows.
//
// A summary is written by Compact from the hour rows it is about to drop.
// Late data, merged frames and catch-ups rebuild a packed day's hour rows
// whole (recomputePacked, RecomputeAggregates), and those rows stay until the
// next compaction summarises them again: while a packed day has hour rows,
// readers take them instead of its summary. Days packed before 0026 have
// none until FillHourDays folds them (the nightly job); readers fold any day
// still without one. So a summary is never read stale, only sometimes
// missing.

// hourDayVersion is the first byte of an hour_days blob. The layout:
//
//	version (1) | hours present, a 24-bit mask (3, little-endian) |
//	counts: 0, received, expected (uvarints) when every present hour has the
//	same, else 1 and a (received, expected) pair per present hour |
//	energy of each present hour, float64 bits (8 each, little-endian)
const hourDayVersion = 1

// hourEnergy is an hour of a point as hour_days keeps it.
type hourEnergy struct {
	start              int64 // Unix ms
	energy             float64
	received, expected int
}

func (h hourEnergy) public() store.HourEnergy {
	return store.HourEnergy{Start: fromMS(h.start), Energy: h.energy, Received: h.received, Expected: h.expected}
}

// encodeHourDay encodes the hours hs (in time order) of the Beijing day
// starting at day (ms).
func encodeHourDay(day int64, hs []hourEnergy) ([]byte, error) {
	var mask uint32
	for _, h := range hs {
		i := (h.start - day) / hourMS
		if h.start < day || i >= 24 || (h.start-day)%hourMS != 0 {
			return nil, fmt.Errorf("hour %s is not an hour of the day %s", fromMS(h.start).Format(time.DateTime), fromMS(day).Format(time.DateOnly))
		}
		if mask&(1<<i) != 0 {
			return nil, fmt.Errorf("hour %s twice", fromMS(h.start).Format(time.DateTime))
		}
		mask |= 1 << i
	}
	b := make([]byte, 0, 8+8*len(hs))
	b = append(b, hourDayVersion, byte(mask), byte(mask>>8), byte(mask>>16))
	same := true
	for _, h := range hs {
		same = same && h.received == hs[0].received && h.expected == hs[0].expected
	}
	switch {
	case len(hs) == 0:
		b = append(b, 0, 0, 0)
	case same:
		b = append(b, 0)
		b = binary.AppendUvarint(b, uint64(hs[0].received))
		b = binary.AppendUvarint(b, uint64(hs[0].expected))
	default:
		b = append(b, 1)
		for _, h := range hs {
			b = binary.AppendUvarint(b, uint64(h.received))
			b = binary.AppendUvarint(b, uint64(h.expected))
		}
	}
	for _, h := range hs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(h.energy))
	}
	return b, nil
}

var errHourDay = errors.New("hour summary damaged")

// decodeHourDay appends the hours of blob, the summary of the day starting at
// day (ms), to out.
func decodeHourDay(out []hourEnergy, day int64, blob []byte) ([]hourEnergy, error) {
	if len(blob) < 5 || blob[0] != hourDayVersion {
		return out, fmt.Errorf("%w: %d bytes, version %v", errHourDay, len(blob), blob[:min(len(blob), 1)])
	}
	mask := uint32(blob[1]) | uint32(blob[2])<<8 | uint32(blob[3])<<16
	n := bits.OnesCount32(mask)
	mode, rest := blob[4], blob[5:]
	uvarint := func() (int, bool) {
		v, k := binary.Uvarint(rest)
		if k <= 0 || v > math.MaxInt32 {
			return 0, false
		}
		rest = rest[k:]
		return int(v), true
	}
	counts := make([][2]int, n)
	switch mode {
	case 0:
		r, ok1 := uvarint()
		e, ok2 := uvarint()
		if !ok1 || !ok2 {
			return out, fmt.Errorf("%w: counts cut short", errHourDay)
		}
		for i := range counts {
			counts[i] = [2]int{r, e}
		}
	case 1:
		for i := range counts {
			r, ok1 := uvarint()
			e, ok2 := uvarint()
			if !ok1 || !ok2 {
				return out, fmt.Errorf("%w: counts of hour %d cut short", errHourDay, i)
			}
			counts[i] = [2]int{r, e}
		}
	default:
		return out, fmt.Errorf("%w: counts mode %d", errHourDay, mode)
	}
	if len(rest) != 8*n {
		return out, fmt.Errorf("%w: %d bytes of energy for %d hours", errHourDay, len(rest), n)
	}
	k := 0
	for i := range 24 {
		if mask&(1<<i) == 0 {
			continue
		}
		out = append(out, hourEnergy{start: day + int64(i)*hourMS,
			energy:   math.Float64frombits(binary.LittleEndian.Uint64(rest[8*k:])),
			received: counts[k][0], expected: counts[k][1]})
		k++
	}
	return out, nil
}

// writeHourDays replaces the summaries of point's packed days in [from, to)
// ms (whole days) with hs, the hours of that range in time order: a day
// without hours loses its summary.
func writeHourDays(ctx context.Context, q querier, point, from, to int64, hs []hourEnergy) error {
	for d := from; d < to; d += dayMS {
		k := 0
		for k < len(hs) && hs[k].start < d+dayMS {
			k++
		}
		day := hs[:k]
		hs = hs[k:]
		for len(day) > 0 && day[0].start < d { // before the range: not ours
			day = day[1:]
		}
		if len(day) == 0 {
			if _, err := q.ExecContext(ctx, `DELETE FROM hour_days WHERE point_id = ? AND day = ?`, point, d); err != nil {
				return err
			}
			continue
		}
		blob, err := encodeHourDay(d, day)
		if err != nil {
			return fmt.Errorf("point %d: %w", point, err)
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO hour_days(point_id, day, hours) VALUES (?, ?, ?)
			ON CONFLICT (point_id, day) DO UPDATE SET hours = excluded.hours`, point, d, blob); err != nil {
			return err
		}
	}
	return nil
}

func energyOf(hs []*hourAgg) []hourEnergy {
	out := make([]hourEnergy, len(hs))
	for i, h := range hs {
		out[i] = hourEnergy{start: h.start, energy: h.energy, received: h.received, expected: h.expected}
	}
	return out
}

// HourlyEnergy returns the energy and slot counts of a point's hours
// starting in [from, to) — the hours HourlyAggregates returns, with only what
// the energy readers need: packed days come from their summaries (folded from
// the series where a day has none yet), live days from agg_hour.
func (db *DB) HourlyEnergy(ctx context.Context, pointID int64, from, to time.Time) ([]store.HourEnergy, error) {
	m, err := db.HourlyEnergyOf(ctx, []int64{pointID}, from, to)
	return m[pointID], err
}

// HourlyEnergyOf is HourlyEnergy for several points, read in one transaction
// with its statements prepared once: the episode board and the 限产
// baselines read the hours of every ordered point, and preparing the
// queries again for each point (modernc.org/sqlite parses every call) was a
// quarter of that work. A point without hours has no entry.
func (db *DB) HourlyEnergyOf(ctx context.Context, points []int64, from, to time.Time) (map[int64][]store.HourEnergy, error) {
	// Prepared before the transaction: preparing on the *sql.DB takes a
	// connection of its own (see stmtPool.prepare).
	if err := db.hourStmts.prepareQueries(ctx, db.db, []string{hourRowsOfSQL, packedDaysOfSQL}); err != nil {
		return nil, fmt.Errorf("hourly energy: %w", classify(err))
	}
	var out map[int64][]store.HourEnergy
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		packed, err := compactedBefore(ctx, tx)
		if err != nil {
			return err
		}
		q := &stmtCache{tx: tx, pool: &db.hourStmts, m: map[string]*sql.Stmt{}}
		defer q.close()
		hs, err := hoursOf(ctx, q, points, ms(from), ms(to), packed)
		if err != nil {
			return err
		}
		out = make(map[int64][]store.HourEnergy, len(hs))
		for p, h := range hs {
			pub := make([]store.HourEnergy, len(h))
			for i := range h {
				pub[i] = h[i].public()
			}
			out[p] = pub
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hourly energy: %w", classify(err))
	}
	return out, nil
}

// The queries of hoursOf: every point's rows in one statement (the points
// as a JSON array), whatever the number of points. CROSS JOIN keeps the
// points the outer loop: the planner of the SQLite in modernc.org/sqlite
// would otherwise scan a whole table for some joins (it did for 总览's).
const (
	hourRowsOfSQL = `SELECT a.point_id, a.start, a.energy, a.received, a.expected FROM json_each(?) j
		CROSS JOIN agg_hour a ON a.point_id = j.value AND a.start >= ? AND a.start < ?`
	packedDaysOfSQL = `SELECT s.point_id, s.day, h.hours FROM json_each(?) j
		CROSS JOIN series_days s ON s.point_id = j.value AND s.day >= ? AND s.day < ?
		LEFT JOIN hour_days h ON h.point_id = s.point_id AND h.day = s.day`
)

// hoursOf returns the hours of points starting in [f, t) ms, in time order
// per point: a packed day's (day < packed) hour rows where it has them
// (rebuilt by late data), else its summary, else folded from its series;
// live days' hour rows.
func hoursOf(ctx context.Context, q querier, points []int64, f, t, packed int64) (map[int64][]hourEnergy, error) {
	ids := slices.Clone(points)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	list := jsonInts(ids)
	first := (f + hourMS - 1) / hourMS * hourMS // the first hour starting at or after f
	end := min(t, packed)                       // packed hours are in [first, end)
	hasPacked := first < end
	lo := max(f, packed)
	if hasPacked {
		lo = dayOfMS(first) // the rebuilt packed days' rows too
	}
	out := map[int64][]hourEnergy{}
	type pointDay struct{ point, day int64 }
	rebuilt := map[pointDay]bool{}
	if t > lo {
		rows, err := q.QueryContext(ctx, hourRowsOfSQL, list, lo, t)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p int64
			var h hourEnergy
			if err := rows.Scan(&p, &h.start, &h.energy, &h.received, &h.expected); err != nil {
				rows.Close()
				return nil, err
			}
			if h.start < packed {
				rebuilt[pointDay{p, dayOfMS(h.start)}] = true
				if h.start < first || h.start >= end {
					continue
				}
			} else if h.start < f {
				continue
			}
			out[p] = append(out[p], h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if !hasPacked {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, packedDaysOfSQL, list, dayOfMS(first), end)
	if err != nil {
		return nil, err
	}
	var missing []pointDay
	var buf []hourEnergy
	for rows.Next() {
		var k pointDay
		var blob sql.RawBytes
		if err := rows.Scan(&k.point, &k.day, &blob); err != nil {
			rows.Close()
			return nil, err
		}
		switch {
		case rebuilt[k]:
		case blob == nil:
			missing = append(missing, k)
		default:
			if buf, err = decodeHourDay(buf[:0], k.day, blob); err != nil {
				rows.Close()
				return nil, fmt.Errorf("point %d, day %s: %w", k.point, fromMS(k.day).In(store.Beijing).Format(time.DateOnly), err)
			}
			for _, h := range buf {
				if h.start >= first && h.start < end {
					out[k.point] = append(out[k.point], h)
				}
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cfgs := map[int64]*pointCfg{}
	for _, k := range missing {
		cfg := cfgs[k.point]
		if cfg == nil {
			c, err := loadPointCfg(ctx, q, k.point)
			if err != nil {
				return nil, fmt.Errorf("point %d: %w", k.point, err)
			}
			cfg = &c
			cfgs[k.point] = cfg
		}
		hs, err := computeHours(ctx, q, k.point, k.day, k.day+dayMS, cfg)
		if err != nil {
			return nil, fmt.Errorf("point %d: %w", k.point, err)
		}
		for _, h := range energyOf(hs) {
			if h.start >= first && h.start < end {
				out[k.point] = append(out[k.point], h)
			}
		}
	}
	for p, hs := range out {
		slices.SortFunc(hs, func(a, b hourEnergy) int { return cmp.Compare(a.start, b.start) })
		out[p] = hs
	}
	return out, nil
}

// hourRows reads point's agg_hour rows starting in [from, to) ms.
func hourRows(ctx context.Context, q querier, point, from, to int64) ([]hourEnergy, error) {
	rows, err := q.QueryContext(ctx, `SELECT start, energy, received, expected FROM agg_hour
		WHERE point_id = ? AND start >= ? AND start < ? ORDER BY start`, point, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []hourEnergy
	for rows.Next() {
		var h hourEnergy
		if err := rows.Scan(&h.start, &h.energy, &h.received, &h.expected); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// hourDaysFilledKey marks in settings that every packed day has its summary:
// FillHourDays then does not look again.
const hourDaysFilledKey = "readings.hour_days_filled"

// FillResult counts what FillHourDays did.
type FillResult struct {
	Days      int // point-days summarised
	Remaining int // packed point-days still without a summary
}

// FillHourDays summarises the packed days that have none (those packed before
// migration 0026), folding each from its series, until none is left or the
// budget is spent (0: no limit). Each batch of days is its own transaction.
// The nightly compaction calls it with a budget; once none is left it is not
// called again.
func (db *DB) FillHourDays(ctx context.Context, budget time.Duration) (FillResult, error) {
	var res FillResult
	var done string
	err := db.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, hourDaysFilledKey).Scan(&done)
	if err == nil && done == "1" {
		return res, nil
	}
	start := time.Now()
	after := struct{ point, day int64 }{-1 << 62, 0}
	for ctx.Err() == nil {
		n := 0
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			n, err = fillBatch(ctx, tx, &after.point, &after.day)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("summarise packed hours: %w", err)
		}
		res.Days += n
		if n == 0 || budget > 0 && time.Since(start) >= budget {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("summarise packed hours: %w", err)
	}
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM series_days s
		WHERE NOT EXISTS (SELECT 1 FROM hour_days h WHERE h.point_id = s.point_id AND h.day = s.day)`).Scan(&res.Remaining); err != nil {
		return res, fmt.Errorf("summarise packed hours: count the rest: %w", classify(err))
	}
	if res.Remaining == 0 {
		_, err = db.db.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, '1', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, hourDaysFilledKey, db.Now().UnixMilli())
		if err != nil {
			return res, fmt.Errorf("summarise packed hours: %w", classify(err))
		}
	}
	return res, nil
}

// fillBatch summarises up to a batch of packed point-days without a summary
// after (*point, *day) in key order, and moves the cursor past them.
func fillBatch(ctx context.Context, tx *sql.Tx, point, day *int64) (int, error) {
	const n = 256
	rows, err := tx.QueryContext(ctx, `SELECT s.point_id, s.day FROM series_days s
		WHERE (s.point_id, s.day) > (?, ?)
		AND NOT EXISTS (SELECT 1 FROM hour_days h WHERE h.point_id = s.point_id AND h.day = s.day)
		ORDER BY s.point_id, s.day LIMIT ?`, *point, *day, n)
	if err != nil {
		return 0, err
	}
	type key struct{ point, day int64 }
	var todo []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.point, &k.day); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	cfgs := map[int64]*pointCfg{}
	for _, k := range todo {
		cfg := cfgs[k.point]
		if cfg == nil {
			c, err := loadPointCfg(ctx, tx, k.point)
			if err != nil {
				return 0, fmt.Errorf("point %d: %w", k.point, err)
			}
			cfg = &c
			cfgs[k.point] = cfg
		}
		hs, err := computeHours(ctx, tx, k.point, k.day, k.day+dayMS, cfg)
		if err != nil {
			return 0, fmt.Errorf("point %d, day %s: %w", k.point, fromMS(k.day).In(store.Beijing).Format(time.DateOnly), err)
		}
		if err := writeHourDays(ctx, tx, k.point, k.day, k.day+dayMS, energyOf(hs)); err != nil {
			return 0, fmt.Errorf("point %d: %w", k.point, err)
		}
		*point, *day = k.point, k.day
	}
	return len(todo), nil
}
