package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"powerwatch/store"
)

// groupings maps StatsBy to the SQL expression of the group id over
// agg_* a ⟕ points p ⟕ facilities f ⟕ enterprises e, the joins it needs, and
// the query of the groups' names.
var groupings = map[store.StatsBy]struct{ key, joins, names string }{
	store.ByPoint:      {"a.point_id", "", "SELECT id, name FROM points"},
	store.ByFacility:   {"coalesce(p.facility_id, 0)", joinP, "SELECT id, name FROM facilities"},
	store.ByEnterprise: {"coalesce(f.enterprise_id, 0)", joinP + joinF, "SELECT id, name FROM enterprises"},
	store.ByIndustry:   {"coalesce(e.industry_id, 0)", joinP + joinF + joinE, "SELECT id, name FROM industries"},
	store.ByRegion:     {"coalesce(e.region_id, 0)", joinP + joinF + joinE, "SELECT id, name FROM regions"},
}

const (
	joinP = " LEFT JOIN points p ON p.id = a.point_id"
	joinF = " LEFT JOIN facilities f ON f.id = p.facility_id"
	joinE = " LEFT JOIN enterprises e ON e.id = f.enterprise_id"
)

// Consumption returns energy per group and period over [q.From, q.To), each
// row with the same period a year earlier (同比) and the period before (环比).
// It reads the daily (Period day) or monthly aggregates, so years of a
// district are a scan of a few thousand rows. Groups are listed for every
// period of the range once they have any data in it; rows come sorted by
// group id and period.
//
// By enterprise, industry or region per day it reads each enterprise's daily
// totals (agg_ent_day, migration 0027: a row per enterprise-day rather than
// per point-day); by facility or point, or per month or year, the points'
// rows.
func (db *DB) Consumption(ctx context.Context, q store.StatsQuery) ([]store.StatsRow, error) {
	return db.consumptionStats(ctx, q, false)
}

// consumptionStats is Consumption; pointRows makes it read the points' rows
// (agg_day) where it would read the enterprises' totals, which the tests hold
// equal to them.
func (db *DB) consumptionStats(ctx context.Context, q store.StatsQuery, pointRows bool) ([]store.StatsRow, error) {
	rows, err := db.consumption(ctx, q, pointRows)
	if err != nil {
		return nil, err
	}
	var per []store.StatsRow
	switch q.By {
	case store.ByEnterprise, store.ByIndustry:
		if per = rows; q.By != store.ByEnterprise || len(q.IDs) > 0 {
			eq := q
			eq.By, eq.IDs = store.ByEnterprise, nil
			if per, err = db.consumption(ctx, eq, pointRows); err != nil {
				return nil, err
			}
		}
	}
	industryOf := map[int64]int64{}
	if per != nil {
		if industryOf, err = db.industryOf(ctx); err != nil {
			return nil, fmt.Errorf("consumption by %s per %s: %w", q.By, q.Period, err)
		}
	}
	store.SetIndustryAverages(q.By, rows, per, industryOf)
	return rows, nil
}

// industryOf maps every enterprise to its industry.
func (db *DB) industryOf(ctx context.Context) (map[int64]int64, error) {
	rs, err := db.db.QueryContext(ctx, `SELECT id, industry_id FROM enterprises`)
	if err != nil {
		return nil, fmt.Errorf("read industries of enterprises: %w", err)
	}
	defer rs.Close()
	out := map[int64]int64{}
	for rs.Next() {
		var id int64
		var ind sql.NullInt64
		if err := rs.Scan(&id, &ind); err != nil {
			return nil, fmt.Errorf("read industries of enterprises: %w", err)
		}
		out[id] = ind.Int64
	}
	return out, rs.Err()
}

func (db *DB) consumption(ctx context.Context, q store.StatsQuery, pointRows bool) ([]store.StatsRow, error) {
	g, ok := groupings[q.By]
	if !ok || !q.Period.Valid() || !q.To.After(q.From) {
		return nil, fmt.Errorf("consumption: %w: by %q, period %q, from %s to %s", store.ErrInvalid, q.By, q.Period, q.From, q.To)
	}
	from, to := q.Period.Start(q.From), q.Period.Start(q.To.Add(-time.Millisecond))
	to = q.Period.Add(to, 1)
	// The periods asked for with the one before the first (环比), and the
	// same periods a year earlier (同比): two ranges, one when they meet.
	ranges := [][2]time.Time{{q.Period.Add(from, -1), to}, {from.AddDate(-1, 0, 0), to.AddDate(-1, 0, 0)}}
	if !ranges[1][1].Before(ranges[0][0]) {
		ranges = [][2]time.Time{{ranges[1][0], to}}
	}
	table := "agg_month"
	if q.Period == store.Day {
		table = "agg_day"
	}
	var rows []store.StatsRow
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		cells := cellMap{}
		if q.Period == store.Day && enterpriseDays(q.By) && !pointRows {
			if err := enterpriseDayCells(ctx, tx, cells, q.By, ranges); err != nil {
				return err
			}
		} else {
			for _, r := range ranges {
				if err := consumptionCells(ctx, tx, cells, g.key, g.joins, table, q.Period, r[0], r[1]); err != nil {
					return err
				}
			}
		}
		names, err := namesOf(ctx, tx, g.names)
		if err != nil {
			return err
		}
		rows = consumptionRows(cells, names, q, from, to)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("consumption by %s per %s: %w", q.By, q.Period, classify(err))
	}
	return rows, nil
}

// cellMap holds each group's cells by period start. consumptionRows looks a
// group's periods up together, and a small map per group keeps them close:
// one map of a year of 500 enterprises by day missed the cache on most
// lookups.
type cellMap map[int64]map[int64]*cell

func (m cellMap) get(id, start int64) *cell { return m[id][start] }

func (m cellMap) put(id, start int64, c *cell) {
	g := m[id]
	if g == nil {
		g = map[int64]*cell{}
		m[id] = g
	}
	g[start] = c
}

type cellKey struct {
	id    int64
	start int64 // period start, ms
}

type cell struct {
	energy, runMin float64
	points         int
}

// consumptionCells adds to cells the aggregate rows of [from, to) summed per
// group and period (ranges of several calls must not overlap). A point has one
// row per period start, so count(*) counts the group's points.
//
// The table is keyed by point, then start, so a range of starts alone is a
// scan of the whole table (730,000 daily rows a year for 2,000 points). ids
// walks the table's distinct points instead, one seek each (a "loose index
// scan": points since removed from the registry included), and each point's
// rows of the range are then one seek and a short run of its key.
func consumptionCells(ctx context.Context, q querier, cells cellMap, key, joins, table string, period store.Period, from, to time.Time) error {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE ids(id) AS (
			SELECT (SELECT min(point_id) FROM `+table+`)
			UNION ALL
			SELECT (SELECT min(point_id) FROM `+table+` WHERE point_id > ids.id) FROM ids WHERE ids.id IS NOT NULL)
		SELECT `+key+`, a.start, sum(a.energy), sum(a.run_min), count(*)
		FROM ids CROSS JOIN `+table+` a ON a.point_id = ids.id AND a.start >= ? AND a.start < ?`+joins+`
		GROUP BY 1, 2`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, start int64
		var c cell
		if err := rows.Scan(&id, &start, &c.energy, &c.runMin, &c.points); err != nil {
			return err
		}
		start = period.Start(time.UnixMilli(start)).UnixMilli()
		if x := cells.get(id, start); x != nil {
			x.energy += c.energy
			x.runMin += c.runMin
			x.points = max(x.points, c.points)
		} else {
			cells.put(id, start, &c)
		}
	}
	return rows.Err()
}

func namesOf(ctx context.Context, q querier, query string) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[int64]string{0: "未登记 unregistered"}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

func consumptionRows(cells cellMap, names map[int64]string, q store.StatsQuery, from, to time.Time) []store.StatsRow {
	var ids []int64
	for id, g := range cells {
		if len(q.IDs) > 0 && !slices.Contains(q.IDs, id) {
			continue
		}
		for start := range g {
			if start >= from.UnixMilli() && start < to.UnixMilli() {
				ids = append(ids, id)
				break
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	// The periods with their 同比 and 环比 bases, worked out once rather than
	// for each group: a year by day of every enterprise is 180,000 rows.
	type span struct {
		start                  time.Time
		ms, lastYear, previous int64
	}
	var spans []span
	for p := from; p.Before(to); p = q.Period.Add(p, 1) {
		spans = append(spans, span{p, p.UnixMilli(), p.AddDate(-1, 0, 0).UnixMilli(), q.Period.Add(p, -1).UnixMilli()})
	}
	out := make([]store.StatsRow, 0, len(ids)*len(spans))
	for _, id := range ids {
		name, g := names[id], cells[id]
		energy := func(start int64) float64 {
			if c := g[start]; c != nil {
				return c.energy
			}
			return 0
		}
		for _, s := range spans {
			r := store.StatsRow{ID: id, Name: name, Start: s.start, LastYear: energy(s.lastYear), Previous: energy(s.previous)}
			if c := g[s.ms]; c != nil {
				r.Energy, r.RunMinutes, r.Points = c.energy, c.runMin, c.points
			}
			r.YoY, r.MoM = change(r.Energy, r.LastYear), change(r.Energy, r.Previous)
			out = append(out, r)
		}
	}
	return out
}

// change is (v − base) ÷ base, NaN when base is not positive.
func change(v, base float64) float64 {
	if !(base > 0) {
		return math.NaN()
	}
	return (v - base) / base
}
