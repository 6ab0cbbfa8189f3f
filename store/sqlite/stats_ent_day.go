package sqlite

import (
	"context"
	"fmt"
	"time"

	"powerwatch/store"
)

// enterpriseDays reports whether consumption by group by can be summed from
// the enterprises' daily totals (agg_ent_day): every point of an enterprise
// is in the enterprise's group.
func enterpriseDays(by store.StatsBy) bool {
	return by == store.ByEnterprise || by == store.ByIndustry || by == store.ByRegion
}

// enterpriseDayCells adds to cells what consumptionCells adds from agg_day
// for the days of ranges (which must not overlap) by enterprise, industry or
// region, reading agg_ent_day: one row per enterprise-day (about 180,000 a
// year for a district) instead of one per point-day (730,000). The points
// whose facility is not registered are in no enterprise's total; their
// agg_day rows are added to group 0 (未登记), as the points' path adds them.
//
// Every row of both tables starts at a Beijing day, so the cells are the
// rows' days: a cell's rows add up, points too (the count of point rows the
// totals were summed from).
func enterpriseDayCells(ctx context.Context, q querier, cells cellMap, by store.StatsBy, ranges [][2]time.Time) error {
	groupOf, err := enterpriseGroups(ctx, q, by)
	if err != nil {
		return err
	}
	unregistered, err := unregisteredPoints(ctx, q)
	if err != nil {
		return err
	}
	var slab []cell // cells allocated a few thousand at a time
	add := func(id, start int64, energy, runMin float64, points int) {
		if c := cells.get(id, start); c != nil {
			c.energy += energy
			c.runMin += runMin
			c.points += points
			return
		}
		if len(slab) == cap(slab) {
			slab = make([]cell, 0, 4096)
		}
		slab = append(slab, cell{energy: energy, runMin: runMin, points: points})
		cells.put(id, start, &slab[len(slab)-1])
	}
	for _, r := range ranges {
		if err := enterpriseDayRows(ctx, q, groupOf, r[0], r[1], add); err != nil {
			return err
		}
		if err := unregisteredRows(ctx, q, unregistered, r[0], r[1], add); err != nil {
			return err
		}
	}
	return nil
}

// enterpriseDayRows passes to add the rows of agg_ent_day in [from, to), each
// with its enterprise's group (groupOf, the enterprise itself when nil).
func enterpriseDayRows(ctx context.Context, q querier, groupOf map[int64]int64, from, to time.Time,
	add func(id, start int64, energy, runMin float64, points int)) error {
	// A range of days alone would scan the whole table, keyed by enterprise
	// first: a loose index scan walks its enterprises, one seek each, as
	// consumptionCells walks agg_day's points.
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE ids(id) AS (
			SELECT (SELECT min(enterprise_id) FROM agg_ent_day)
			UNION ALL
			SELECT (SELECT min(enterprise_id) FROM agg_ent_day WHERE enterprise_id > ids.id) FROM ids WHERE ids.id IS NOT NULL)
		SELECT a.enterprise_id, a.start, a.energy, a.run_min, a.points
		FROM ids CROSS JOIN agg_ent_day a ON a.enterprise_id = ids.id AND a.start >= ? AND a.start < ?`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return fmt.Errorf("read enterprises' days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ent, start int64
		var energy, runMin float64
		var points int
		if err := rows.Scan(&ent, &start, &energy, &runMin, &points); err != nil {
			return fmt.Errorf("read enterprises' days: %w", err)
		}
		id := ent
		if groupOf != nil {
			id = groupOf[ent] // an enterprise not registered is in group 0
		}
		add(id, start, energy, runMin, points)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read enterprises' days: %w", err)
	}
	return nil
}

// unregisteredPoints lists the points with daily rows whose facility is not
// registered (a point removed from the registry keeps its rows), which the
// points' path counts as 未登记. A loose index scan walks agg_day's points.
func unregisteredPoints(ctx context.Context, q querier) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE ids(id) AS (
			SELECT (SELECT min(point_id) FROM agg_day)
			UNION ALL
			SELECT (SELECT min(point_id) FROM agg_day WHERE point_id > ids.id) FROM ids WHERE ids.id IS NOT NULL)
		SELECT id FROM ids WHERE id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM points p JOIN facilities f ON f.id = p.facility_id WHERE p.id = ids.id)`)
	if err != nil {
		return nil, fmt.Errorf("find unregistered points: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find unregistered points: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// unregisteredRows passes to add, in group 0, the daily rows of points in
// [from, to).
func unregisteredRows(ctx context.Context, q querier, points []int64, from, to time.Time,
	add func(id, start int64, energy, runMin float64, points int)) error {
	for _, p := range points {
		if err := func() error {
			rows, err := q.QueryContext(ctx, `SELECT start, energy, run_min FROM agg_day WHERE point_id = ? AND start >= ? AND start < ?`,
				p, from.UnixMilli(), to.UnixMilli())
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var start int64
				var energy, runMin float64
				if err := rows.Scan(&start, &energy, &runMin); err != nil {
					return err
				}
				add(0, start, energy, runMin, 1)
			}
			return rows.Err()
		}(); err != nil {
			return fmt.Errorf("read unregistered point %d's days: %w", p, err)
		}
	}
	return nil
}

// enterpriseGroups maps every registered enterprise to its industry or
// region (0 when unset) for by ByIndustry or ByRegion; nil for ByEnterprise,
// whose group is the enterprise itself.
func enterpriseGroups(ctx context.Context, q querier, by store.StatsBy) (map[int64]int64, error) {
	var col string
	switch by {
	case store.ByIndustry:
		col = "industry_id"
	case store.ByRegion:
		col = "region_id"
	default:
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id, coalesce(`+col+`, 0) FROM enterprises`)
	if err != nil {
		return nil, fmt.Errorf("read enterprises' %s: %w", by, err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var ent, id int64
		if err := rows.Scan(&ent, &id); err != nil {
			return nil, fmt.Errorf("read enterprises' %s: %w", by, err)
		}
		out[ent] = id
	}
	return out, rows.Err()
}
