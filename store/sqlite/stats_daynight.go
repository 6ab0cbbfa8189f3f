package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"powerwatch/store"
)

// DayNight returns every enterprise's consumption over [from, to) (Beijing
// days) split into day and night hours (store.DayFrom–store.DayTo), with the
// points no longer in the registry as enterprise 0; enterprises without data
// have zero rows. It reads the summaries of migration 0021: whole months from
// daynight_month, the days at either end from daynight_day, so a year is a
// few thousand rows whatever the district's size. Rows come sorted by id.
func (db *DB) DayNight(ctx context.Context, from, to time.Time) ([]store.DayNightRow, error) {
	from, to = store.Day.Start(from), store.Day.Start(to.Add(-time.Millisecond)).AddDate(0, 0, 1)
	if !to.After(from) {
		return nil, fmt.Errorf("day/night: %w: from %s to %s", store.ErrInvalid, from, to)
	}
	// Whole months inside the range, and the days outside them.
	m0 := store.Month.Start(from)
	if m0.Before(from) {
		m0 = m0.AddDate(0, 1, 0)
	}
	m1 := store.Month.Start(to)
	parts := []struct {
		table    string
		from, to time.Time
	}{{"daynight_day", from, to}}
	if m0.Before(m1) {
		parts = []struct {
			table    string
			from, to time.Time
		}{{"daynight_day", from, m0}, {"daynight_month", m0, m1}, {"daynight_day", m1, to}}
	}
	byID := map[int64]*store.DayNightRow{}
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		names, err := namesOf(ctx, tx, `SELECT id, name FROM enterprises`)
		if err != nil {
			return err
		}
		for id, name := range names {
			if id != 0 {
				byID[id] = &store.DayNightRow{ID: id, Name: name}
			}
		}
		for _, p := range parts {
			if !p.to.After(p.from) {
				continue
			}
			if err := dayNightSums(ctx, tx, p.table, p.from, p.to, names, byID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("day/night from %s to %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), classify(err))
	}
	out := make([]store.DayNightRow, 0, len(byID))
	for _, r := range byID {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// dayNightSums adds the table's rows of [from, to) to byID per enterprise,
// walking the table's points one seek each as consumptionCells does.
func dayNightSums(ctx context.Context, q querier, table string, from, to time.Time, names map[int64]string, byID map[int64]*store.DayNightRow) error {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE ids(id) AS (
			SELECT (SELECT min(point_id) FROM `+table+`)
			UNION ALL
			SELECT (SELECT min(point_id) FROM `+table+` WHERE point_id > ids.id) FROM ids WHERE ids.id IS NOT NULL)
		SELECT coalesce(f.enterprise_id, 0), total(a.day_kwh), total(a.night_kwh)
		FROM ids CROSS JOIN `+table+` a ON a.point_id = ids.id AND a.start >= ? AND a.start < ?`+joinP+joinF+`
		GROUP BY 1`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var day, night float64
		if err := rows.Scan(&id, &day, &night); err != nil {
			return err
		}
		r := byID[id]
		if r == nil {
			r = &store.DayNightRow{ID: id, Name: names[id]}
			byID[id] = r
		}
		r.Day += day
		r.Night += night
	}
	return rows.Err()
}
