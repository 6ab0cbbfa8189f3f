package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"powerwatch/store"
)

// HourlyPower returns the power of a point's hours in [from, to) that have a
// power value: Start, MinP, AvgP and MaxP of each, as HourlyAggregates
// reports them (the other fields are zero). The threshold proposal reads a
// year of it for every facility of the district, so it reads no more than
// the power: the hours of packed days (most of a year) are folded from the
// times and power column of one blob per day — the rest of each blob is
// never decoded into samples — and the live days' hours are read from
// agg_hour's power columns.
func (db *DB) HourlyPower(ctx context.Context, pointID int64, from, to time.Time) ([]store.Aggregate, error) {
	return hourlyPower(ctx, func() (*sql.Tx, error) { return db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) }, pointID, from, to)
}

// A PowerReader reads hourly power (as DB.HourlyPower) over a connection of
// its own with SQLite's memory-mapped I/O on: the threshold proposal reads
// every page of a year's series once, and a read call per page was half its
// time. The mapping is switched off again when the reader is closed, so the
// rest of the program keeps plain reads (under a mapping, an I/O error is a
// crash rather than an error). One reader per goroutine.
type PowerReader struct{ conn *sql.Conn }

// proposalMmap is the mapping asked for; SQLite caps it at its build's
// maximum (2 GB), and reads past it as usual.
const proposalMmap = 1 << 32

// PowerReader takes a connection from the pool for reading hourly power.
func (db *DB) PowerReader(ctx context.Context) (*PowerReader, error) {
	c, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("hourly power reader: %w", classify(err))
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA mmap_size = %d", int64(proposalMmap))); err != nil {
		c.Close()
		return nil, fmt.Errorf("hourly power reader: %w", classify(err))
	}
	return &PowerReader{conn: c}, nil
}

// HourlyPower is DB.HourlyPower through the reader's connection.
func (r *PowerReader) HourlyPower(ctx context.Context, pointID int64, from, to time.Time) ([]store.Aggregate, error) {
	return hourlyPower(ctx, func() (*sql.Tx, error) { return r.conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) }, pointID, from, to)
}

// Close switches the mapping off and returns the connection to the pool.
func (r *PowerReader) Close() error {
	_, err := r.conn.ExecContext(context.Background(), "PRAGMA mmap_size = 0")
	if cerr := r.conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close hourly power reader: %w", classify(err))
	}
	return nil
}

func hourlyPower(ctx context.Context, begin func() (*sql.Tx, error), pointID int64, from, to time.Time) ([]store.Aggregate, error) {
	var out []store.Aggregate
	err := func() error {
		tx, err := begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		packed, err := compactedBefore(ctx, tx)
		if err != nil {
			return err
		}
		f, t := ms(from), ms(to)
		first := (f + hourMS - 1) / hourMS * hourMS // the first hour starting at or after from
		out = make([]store.Aggregate, 0, max(t-first, 0)/hourMS+1)
		if end := min(t, packed); first < end {
			if out, err = packedPower(ctx, tx, pointID, first, end, out); err != nil {
				return err
			}
		}
		if t <= packed {
			return nil
		}
		out, err = livePower(ctx, tx, pointID, max(f, packed), t, out)
		return err
	}()
	if err != nil {
		return nil, fmt.Errorf("hourly power of point %d: %w", pointID, classify(err))
	}
	return out, nil
}

// powerAcc is one hour's power being summed.
type powerAcc struct {
	min, max, sum float64
	n             int
}

func (a *powerAcc) add(p float64) {
	// As hourAgg.add after store.Sanitize: a value no meter can measure
	// never reaches an aggregate.
	if math.IsNaN(p) || math.IsInf(p, 0) || math.Abs(p) > store.HardLimit {
		return
	}
	if a.n == 0 || p < a.min {
		a.min = p
	}
	if a.n == 0 || p > a.max {
		a.max = p
	}
	a.sum += p
	a.n++
}

// packedPower appends to out the power of point's hours starting in
// [from, to) ms (from on the hour) of packed days: their series blobs, and
// any sample still in the hot tier (a point caught mid-compaction), folded
// as computeHours folds them.
func packedPower(ctx context.Context, q querier, point, from, to int64, out []store.Aggregate) ([]store.Aggregate, error) {
	end := (to + hourMS - 1) / hourMS * hourMS
	acc := make([]powerAcc, (end-from)/hourMS)
	rows, err := q.QueryContext(ctx, `SELECT day, blob FROM series_days WHERE point_id = ? AND day >= ? AND day < ? ORDER BY day`,
		point, dayOfMS(from), end)
	if err != nil {
		return out, err
	}
	var dec seriesDecoder
	var blob sql.RawBytes // valid until Next
	for rows.Next() {
		var day int64
		if err := rows.Scan(&day, &blob); err != nil {
			rows.Close()
			return out, err
		}
		if err := dec.power(blob); err != nil {
			rows.Close()
			return out, fmt.Errorf("point %d, day %s: %w", point, fromMS(day).In(store.Beijing).Format(time.DateOnly), err)
		}
		for i, sec := range dec.secs {
			if at := day + sec*1000; at >= from && at < end {
				acc[(at-from)/hourMS].add(dec.ps[i])
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	hot, err := q.QueryContext(ctx, `SELECT at, p FROM samples WHERE point_id = ? AND at >= ? AND at < ?`, point, from, end)
	if err != nil {
		return out, err
	}
	defer hot.Close()
	for hot.Next() {
		var at int64
		var p sql.NullFloat64
		if err := hot.Scan(&at, &p); err != nil {
			return out, err
		}
		acc[(at-from)/hourMS].add(fromNull(p))
	}
	if err := hot.Err(); err != nil {
		return out, err
	}
	for i, a := range acc {
		start := from + int64(i)*hourMS
		if a.n > 0 && start < to {
			out = append(out, store.Aggregate{PointID: point, Start: fromMS(start), MinP: a.min, MaxP: a.max, AvgP: a.sum / float64(a.n)})
		}
	}
	return out, nil
}

// livePower appends to out the power of point's agg_hour rows in [from, to) ms.
func livePower(ctx context.Context, q querier, point, from, to int64, out []store.Aggregate) ([]store.Aggregate, error) {
	rows, err := q.QueryContext(ctx, `SELECT start, min_p, max_p, sum_p, n_p
		FROM agg_hour WHERE point_id = ? AND start >= ? AND start < ? AND n_p > 0 ORDER BY start`, point, from, to)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var start int64
		var minP, maxP sql.NullFloat64
		var sumP float64
		var nP int
		if err := rows.Scan(&start, &minP, &maxP, &sumP, &nP); err != nil {
			return out, err
		}
		out = append(out, store.Aggregate{PointID: point, Start: fromMS(start), MinP: fromNull(minP), MaxP: fromNull(maxP),
			AvgP: sumP / float64(nP)})
	}
	return out, rows.Err()
}
