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

// Curve returns the active power of a point over [from, to) downsampled to
// width columns of equal time. Each column keeps the min and max of its
// samples, so a spike of one slot stays visible at any zoom; columns without
// data are left out, so gaps show as gaps.
//
// A column of two hours or more (months on a screen) is folded from the
// hourly aggregates, which keep each hour's min, max and mean. Where a
// column would span six hours or more (a year on a screen), no column can
// show a day and its night apart anyway: the curve has a column per Beijing
// day, from the stored daily aggregates — 365 rows a year, where the hours
// of packed days are unpacked from the series (a year of 5 points was about
// 0.3 s of CPU).
func (db *DB) Curve(ctx context.Context, pointID int64, from, to time.Time, width int) ([]store.CurvePoint, error) {
	if width > 0 && to.Sub(from)/time.Duration(width) >= dailyColumns {
		first := store.Day.Start(from)
		days := 0
		for d := first; d.Before(to); d = store.Day.Add(d, 1) {
			days++
		}
		aggs, err := db.DailyAggregates(ctx, pointID, first, to)
		if err != nil {
			return nil, fmt.Errorf("curve: %w", err)
		}
		out := downsampleHours(aggs, first, store.Day.Add(first, days), days)
		for i := range out { // the first day starts before the range
			if out[i].At.Before(from) {
				out[i].At = from
			}
		}
		return out, nil
	}
	if width > 0 && to.Sub(from)/time.Duration(width) >= hourlyColumns {
		aggs, err := db.HourlyAggregates(ctx, pointID, from.Truncate(time.Hour), to)
		if err != nil {
			return nil, fmt.Errorf("curve: %w", err)
		}
		return downsampleHours(aggs, from, to, width), nil
	}
	ss, err := db.Samples(ctx, pointID, from, to)
	if err != nil {
		return nil, fmt.Errorf("curve: %w", err)
	}
	return downsample(ss, from, to, width), nil
}

// FacilityCurve is Curve for a facility: the sum, slot by slot, of the active
// power of its points (a facility fed by several circuits).
func (db *DB) FacilityCurve(ctx context.Context, facilityID int64, from, to time.Time, width int) ([]store.CurvePoint, error) {
	var sum []store.Sample
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		points, err := facilityPoints(ctx, tx, facilityID)
		if err != nil {
			return err
		}
		bySlot := map[int64]float64{}
		for _, p := range points {
			ss, err := readSeries(ctx, tx, p, ms(from), ms(to))
			if err != nil {
				return err
			}
			for _, s := range ss {
				if !math.IsNaN(s.P) {
					bySlot[s.At.Unix()] += s.P
				}
			}
		}
		sum = make([]store.Sample, 0, len(bySlot))
		for sec, p := range bySlot {
			s := store.NewSample(facilityID, time.Unix(sec, 0).UTC())
			s.P = p
			sum = append(sum, s)
		}
		sort.Slice(sum, func(i, j int) bool { return sum[i].At.Before(sum[j].At) })
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("curve of facility %d: %w", facilityID, classify(err))
	}
	return downsample(sum, from, to, width), nil
}

func facilityPoints(ctx context.Context, q querier, facility int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM points WHERE facility_id = ? ORDER BY id`, facility)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// hourlyColumns is the column length from which Curve reads hourly
// aggregates, dailyColumns the one from which it draws a column a day.
const (
	hourlyColumns = 2 * time.Hour
	dailyColumns  = 6 * time.Hour
)

// downsampleHours folds hourly (or daily) aggregates (sorted) into width
// columns over [from, to) as downsample folds slots: an aggregate goes to the
// column its start falls in, its mean weighs by the slots it received.
func downsampleHours(aggs []store.Aggregate, from, to time.Time, width int) []store.CurvePoint {
	span := to.Sub(from).Milliseconds()
	var out []store.CurvePoint
	col := -1
	var sum float64
	for _, a := range aggs {
		if math.IsNaN(a.AvgP) || math.IsNaN(a.MinP) || math.IsNaN(a.MaxP) || a.Received <= 0 {
			continue
		}
		c := int(max(a.Start.Sub(from).Milliseconds(), 0) * int64(width) / span)
		if c >= width {
			continue
		}
		if c != col {
			if col >= 0 {
				out[len(out)-1].Mean = sum / float64(out[len(out)-1].N)
			}
			col, sum = c, 0
			at := from.Add(time.Duration(span*int64(c)/int64(width)) * time.Millisecond)
			out = append(out, store.CurvePoint{At: at, Min: a.MinP, Max: a.MaxP})
		}
		cp := &out[len(out)-1]
		cp.Min, cp.Max = min(cp.Min, a.MinP), max(cp.Max, a.MaxP)
		cp.N += a.Received
		sum += a.AvgP * float64(a.Received)
	}
	if col >= 0 {
		out[len(out)-1].Mean = sum / float64(out[len(out)-1].N)
	}
	return out
}

// downsample folds ss (sorted) into width columns over [from, to).
func downsample(ss []store.Sample, from, to time.Time, width int) []store.CurvePoint {
	span := to.Sub(from)
	if width <= 0 || span < time.Millisecond {
		return nil
	}
	var out []store.CurvePoint
	col := -1
	var sum float64
	for _, s := range ss {
		if math.IsNaN(s.P) {
			continue
		}
		c := int(s.At.Sub(from).Milliseconds() * int64(width) / span.Milliseconds())
		if c < 0 || c >= width {
			continue
		}
		if c != col {
			if col >= 0 {
				out[len(out)-1].Mean = sum / float64(out[len(out)-1].N)
			}
			col, sum = c, 0
			at := from.Add(time.Duration(span.Milliseconds()*int64(c)/int64(width)) * time.Millisecond)
			out = append(out, store.CurvePoint{At: at, Min: s.P, Max: s.P})
		}
		cp := &out[len(out)-1]
		cp.Min, cp.Max = min(cp.Min, s.P), max(cp.Max, s.P)
		cp.N++
		sum += s.P
	}
	if col >= 0 {
		out[len(out)-1].Mean = sum / float64(out[len(out)-1].N)
	}
	return out
}
