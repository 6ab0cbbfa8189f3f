package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"powerwatch/store"
)

// TransmissionRate returns, per point and per Beijing day and month of
// [from, to), the distinct slots received ÷ the slots expected at the point's
// configured interval (see loadPointCfg). pointID 0 means every registered
// point. Slots before the terminal's install date and after now are not
// expected. With excludeFilings, the slots inside 报备 windows that cover the
// point's facility count neither as expected nor as received. Rows are sorted
// by point and time; a month row sums the day rows in the range.
func (db *DB) TransmissionRate(ctx context.Context, pointID int64, from, to time.Time, excludeFilings bool) (days, months []store.Rate, err error) {
	from, to = store.Day.Start(from), store.Day.Start(to.Add(-time.Millisecond)).AddDate(0, 0, 1)
	err = db.readTx(ctx, func(tx *sql.Tx) error {
		points, err := ratePoints(ctx, tx, pointID)
		if err != nil {
			return err
		}
		received, err := receivedByDay(ctx, tx, pointID, from, to)
		if err != nil {
			return err
		}
		var filed []filing
		if excludeFilings {
			if filed, err = filingsIn(ctx, tx, from, to); err != nil {
				return err
			}
		}
		for _, rp := range points {
			d, err := db.pointRates(ctx, tx, rp, received[rp.id], windowsOf(filed, rp), from, to)
			if err != nil {
				return fmt.Errorf("point %d: %w", rp.id, err)
			}
			days = append(days, d...)
			months = append(months, monthRates(d)...)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("transmission rate %s – %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), classify(err))
	}
	return days, months, nil
}

// receivedByDay returns the distinct slots received per point and day start.
func receivedByDay(ctx context.Context, q querier, point int64, from, to time.Time) (map[int64]map[int64]int, error) {
	// agg_day is keyed by (point, start): a range of starts alone scans the
	// whole table (730,000 rows a year on a 2,000-point district, 1.6 s for
	// the dashboard's today), so the registered points (the only ones rated)
	// lead and each reads its own run of the key.
	rows, err := q.QueryContext(ctx, `SELECT a.point_id, a.start, a.received
		FROM points p CROSS JOIN agg_day a ON a.point_id = p.id AND a.start >= ? AND a.start < ?
		WHERE ? = 0 OR p.id = ?`,
		from.UnixMilli(), to.UnixMilli(), point, point)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[int64]int{}
	for rows.Next() {
		var p, start int64
		var n int
		if err := rows.Scan(&p, &start, &n); err != nil {
			return nil, err
		}
		if out[p] == nil {
			out[p] = map[int64]int{}
		}
		out[p][start] = n
	}
	return out, rows.Err()
}

// filing is a 报备 window with the facilities it names (none: all of the enterprise's).
type filing struct {
	enterprise, start, end int64
	facilities             map[int64]bool
}

func filingsIn(ctx context.Context, q querier, from, to time.Time) ([]filing, error) {
	rows, err := q.QueryContext(ctx, `SELECT fl.enterprise_id, fl.start_at, fl.end_at, coalesce(ff.facility_id, 0)
		FROM filings fl LEFT JOIN filing_facilities ff ON ff.filing_id = fl.id
		WHERE fl.end_at > ? AND fl.start_at < ? ORDER BY fl.id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []filing
	var last filing
	for rows.Next() {
		var f filing
		var fac int64
		if err := rows.Scan(&f.enterprise, &f.start, &f.end, &fac); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && f.enterprise == last.enterprise && f.start == last.start && f.end == last.end && fac != 0 {
			out[n-1].facilities[fac] = true
			continue
		}
		f.facilities = map[int64]bool{}
		if fac != 0 {
			f.facilities[fac] = true
		}
		out, last = append(out, f), f
	}
	return out, rows.Err()
}

// windowsOf returns the filed windows covering rp's facility, sorted and
// merged so that overlapping filings are not subtracted twice.
func windowsOf(filed []filing, rp ratePoint) [][2]int64 {
	var ws [][2]int64
	for _, f := range filed {
		if f.enterprise == rp.enterprise && (len(f.facilities) == 0 || f.facilities[rp.facility]) {
			ws = append(ws, [2]int64{f.start, f.end})
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i][0] < ws[j][0] })
	var out [][2]int64
	for _, w := range ws {
		if n := len(out); n > 0 && w[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], w[1])
			continue
		}
		out = append(out, w)
	}
	return out
}

// PointsBelow returns the points whose transmission rate in the Beijing month
// of month, with 报备 windows excluded, is below limit (the guideline's 0.90):
// the monthly maintenance list. Points that expected nothing are left out.
func (db *DB) PointsBelow(ctx context.Context, month time.Time, limit float64) ([]store.Rate, error) {
	start := store.Month.Start(month)
	_, months, err := db.TransmissionRate(ctx, 0, start, store.Month.Add(start, 1), true)
	if err != nil {
		return nil, err
	}
	var out []store.Rate
	for _, r := range months {
		if r.Expected > 0 && r.Rate < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

type ratePoint struct {
	id, facility, enterprise int64
	installed                int64
	interval                 int64 // ms
}

func ratePoints(ctx context.Context, q querier, point int64) ([]ratePoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.facility_id, f.enterprise_id,
		CASE WHEN p.installed_at > 0 THEN p.installed_at ELSE t.installed_at END, t.min_interval_s, t.rtd_interval_s
		FROM points p JOIN facilities f ON f.id = p.facility_id JOIN terminals t ON t.id = p.terminal_id
		WHERE ? = 0 OR p.id = ? ORDER BY p.id`, point, point)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ratePoint
	for rows.Next() {
		var r ratePoint
		var minS, rtdS int64
		if err := rows.Scan(&r.id, &r.facility, &r.enterprise, &r.installed, &minS, &rtdS); err != nil {
			return nil, err
		}
		r.interval = slotInterval(minS, rtdS)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if point != 0 && len(out) == 0 {
		return nil, fmt.Errorf("point %d: %w", point, store.ErrNotFound)
	}
	return out, nil
}

// slotsIn counts the slot starts (multiples of iv) in [a, b) ms.
func slotsIn(a, b, iv int64) int {
	if b <= a {
		return 0
	}
	ceil := func(x int64) int64 { return (x + iv - 1) / iv }
	return int(ceil(b) - ceil(a))
}

func (db *DB) pointRates(ctx context.Context, q querier, rp ratePoint, received map[int64]int, windows [][2]int64, from, to time.Time) ([]store.Rate, error) {
	lo, now := max(from.UnixMilli(), rp.installed), db.Now().UnixMilli()
	var out []store.Rate
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		a, b := max(d.UnixMilli(), lo), min(d.AddDate(0, 0, 1).UnixMilli(), now)
		r := store.Rate{PointID: rp.id, Start: d, Period: store.Day, Expected: slotsIn(a, b, rp.interval),
			Received: received[d.UnixMilli()]}
		for _, w := range windows {
			wa, wb := max(a, w[0]), min(b, w[1])
			if wb <= wa {
				continue
			}
			r.Expected -= slotsIn(wa, wb, rp.interval)
			got, err := distinctSlots(ctx, q, rp.id, wa, wb, rp.interval)
			if err != nil {
				return nil, err
			}
			r.Received -= got
		}
		r.Expected, r.Received = max(r.Expected, 0), max(r.Received, 0)
		out = append(out, finishRate(r))
	}
	return out, nil
}

func finishRate(r store.Rate) store.Rate {
	r.Rate = math.NaN()
	if r.Expected > 0 {
		r.Rate = math.Min(1, float64(r.Received)/float64(r.Expected))
	}
	return r
}

func distinctSlots(ctx context.Context, q querier, point, a, b, iv int64) (int, error) {
	ss, err := readSeries(ctx, q, point, a, b)
	if err != nil {
		return 0, err
	}
	n, last := 0, int64(-1)
	for _, s := range ss {
		if slot := s.At.UnixMilli() / iv; slot != last {
			n, last = n+1, slot
		}
	}
	return n, nil
}

func monthRates(days []store.Rate) []store.Rate {
	var out []store.Rate
	for _, d := range days {
		m := store.Month.Start(d.Start)
		if n := len(out); n == 0 || !out[n-1].Start.Equal(m) {
			out = append(out, store.Rate{PointID: d.PointID, Start: m, Period: store.Month})
		}
		out[len(out)-1].Received += d.Received
		out[len(out)-1].Expected += d.Expected
	}
	for i := range out {
		out[i] = finishRate(out[i])
	}
	return out
}
