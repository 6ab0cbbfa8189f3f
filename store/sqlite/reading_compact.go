package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// compactedKey is the settings row holding the packing watermark: days before
// it are in raw_days and series_days, and late data for them is merged there;
// their hourly aggregates are not stored (see HourlyAggregates).
const compactedKey = "readings.compacted_before"

func compactedBefore(ctx context.Context, q querier) (int64, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, compactedKey).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read compaction watermark: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// CompactResult counts what a compaction packed.
type CompactResult struct {
	SeriesDays int // point-days written
	RawDays    int // terminal-days written
	Samples    int // hot samples moved
	Packets    int // hot packets moved
	HourRows   int // agg_hour rows of packed days dropped
}

// Compact packs the hot samples and raw packets of every Beijing day before
// before's day into one blob per point-day and terminal-day, and moves the
// watermark so that later arrivals for those days are merged into the blobs.
// Readers see each sample exactly once throughout: every point or terminal is
// moved in its own transaction. The scheduler calls it nightly with
// now − 1 day, so that today's and yesterday's data stay in the hot tier.
func (db *DB) Compact(ctx context.Context, before time.Time) (CompactResult, error) {
	var res CompactResult
	cut := dayStart(before)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := compactedBefore(ctx, tx)
		if err != nil || cut <= cur {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			compactedKey, strconv.FormatInt(cut, 10), db.Now().UnixMilli())
		return err
	})
	if err != nil {
		return res, fmt.Errorf("compact before %s: %w", before.Format(time.DateOnly), err)
	}
	if err := db.compactSeries(ctx, cut, &res); err != nil {
		return res, fmt.Errorf("compact series before %s: %w", before.Format(time.DateOnly), err)
	}
	if err := db.compactRaw(ctx, cut, &res); err != nil {
		return res, fmt.Errorf("compact raw packets before %s: %w", before.Format(time.DateOnly), err)
	}
	if err := db.compactHours(ctx, &res); err != nil {
		return res, fmt.Errorf("drop the hour rows of packed days: %w", err)
	}
	return res, nil
}

// compactHours drops the agg_hour rows of packed days: HourlyAggregates
// folds those hours from the packed series on demand, and the day and month
// rows summing them stay. Late data for a packed day brings its rows back
// (recomputePacked) until the next compaction. Every point is its own
// transaction, so that a first run over a large file does not hold ingest.
func (db *DB) compactHours(ctx context.Context, res *CompactResult) error {
	cut, err := compactedBefore(ctx, db.db)
	if err != nil || cut == 0 {
		return err
	}
	points, err := db.distinct(ctx, `SELECT DISTINCT point_id FROM agg_hour WHERE start < ?`, cut)
	if err != nil {
		return err
	}
	for _, p := range points {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			if err := summariseHourRows(ctx, tx, p, cut); err != nil {
				return err
			}
			r, err := tx.ExecContext(ctx, `DELETE FROM agg_hour WHERE point_id = ? AND start < ?`, p, cut)
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			res.HourRows += int(n)
			return nil
		})
		if err != nil {
			return fmt.Errorf("point %v: %w", p, classify(err))
		}
	}
	return nil
}

// summariseHourRows writes the hour_days summaries of point's packed days
// that still have hour rows (the days just packed, or rebuilt by late data)
// from those rows, before compactHours drops them.
func summariseHourRows(ctx context.Context, tx *sql.Tx, point any, cut int64) error {
	id, ok := point.(int64)
	if !ok {
		return fmt.Errorf("point id %v (%T) is not an integer", point, point)
	}
	hs, err := hourRows(ctx, tx, id, math.MinInt64, cut)
	if err != nil {
		return err
	}
	for len(hs) > 0 {
		d := dayOfMS(hs[0].start)
		k := 0
		for k < len(hs) && hs[k].start < d+dayMS {
			k++
		}
		if err := writeHourDays(ctx, tx, id, d, d+dayMS, hs[:k]); err != nil {
			return err
		}
		hs = hs[k:]
	}
	return nil
}

func (db *DB) distinct(ctx context.Context, query string, cut int64) ([]any, error) {
	rows, err := db.db.QueryContext(ctx, query, cut)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (db *DB) compactSeries(ctx context.Context, cut int64, res *CompactResult) error {
	points, err := db.distinct(ctx, `SELECT DISTINCT point_id FROM samples WHERE at < ?`, cut)
	if err != nil {
		return err
	}
	for _, p := range points {
		point := p.(int64)
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			hot, err := readHot(ctx, tx, point, 0, cut)
			if err != nil {
				return err
			}
			for i := 0; i < len(hot); {
				day := dayStart(hot[i].At)
				j := i
				for j < len(hot) && dayStart(hot[j].At) == day {
					j++
				}
				old, err := loadSeriesDay(ctx, tx, point, day)
				if err != nil {
					return err
				}
				merged, _ := mergeSamples(old, hot[i:j])
				if err := storeSeriesDay(ctx, tx, point, day, merged); err != nil {
					return err
				}
				res.SeriesDays++
				i = j
			}
			res.Samples += len(hot)
			_, err = tx.ExecContext(ctx, `DELETE FROM samples WHERE point_id = ? AND at < ?`, point, cut)
			return err
		})
		if err != nil {
			return fmt.Errorf("point %d: %w", point, err)
		}
	}
	return nil
}

func (db *DB) compactRaw(ctx context.Context, cut int64, res *CompactResult) error {
	mns, err := db.distinct(ctx, `SELECT DISTINCT mn FROM raw_packets WHERE dt < ?`, cut)
	if err != nil {
		return err
	}
	for _, v := range mns {
		mn := fmt.Sprint(v)
		if b, ok := v.([]byte); ok {
			mn = string(b)
		}
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			hot, err := readRawHot(ctx, tx, mn, 0, cut)
			if err != nil {
				return err
			}
			for i := 0; i < len(hot); {
				day := dayOfMS(hot[i].dt)
				j := i
				for j < len(hot) && dayOfMS(hot[j].dt) == day {
					j++
				}
				old, err := loadRawDay(ctx, tx, mn, day)
				if err != nil {
					return err
				}
				have := map[rawKey][]rawRecord{}
				for _, r := range old {
					have[r.key()] = append(have[r.key()], r)
				}
				for _, r := range hot[i:j] {
					// Frames of the same time with another CP are revisions: all are kept.
					if !slices.ContainsFunc(have[r.key()], func(o rawRecord) bool { return sameFrame(o, r) }) {
						have[r.key()] = append(have[r.key()], r)
						old = append(old, r)
					}
				}
				if err := storeRawDay(ctx, tx, mn, day, old); err != nil {
					return err
				}
				res.RawDays++
				i = j
			}
			res.Packets += len(hot)
			_, err = tx.ExecContext(ctx, `DELETE FROM raw_packets WHERE mn = ? AND dt < ?`, mn, cut)
			return err
		})
		if err != nil {
			return fmt.Errorf("terminal %s: %w", mn, err)
		}
	}
	return nil
}
