package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"powerwatch/store"
)

// dataRevised marks, once, the detail of a violation alarm whose data a later
// frame of the same time revised: the alarm stays for review (it is never
// withdrawn because of the revision) and both frames are in its evidence.
const dataRevised = " · 数据被修订 / data revised"

// markRevised records the revisions of this ingest against the violation
// alarms (of the revised point's facility) whose time holds the slot.
func (w *writer) markRevised(revs []store.SampleRevision, now int64) error {
	for _, r := range revs {
		at := r.After.At.UnixMilli()
		rows, err := w.tx.QueryContext(w.ctx, `SELECT a.id, t.mn FROM alarms a
			JOIN points p ON p.id = ? JOIN terminals t ON t.id = p.terminal_id
			WHERE a.type IN ('treatment_off', 'shutdown_ignored', 'cut_ignored') AND a.status != 'withdrawn'
			AND (a.production_id = p.facility_id OR a.treatment_id = p.facility_id)
			AND a.start_at <= ? AND (a.end_at = 0 OR a.end_at > ?)`, r.After.PointID, at, at)
		if err != nil {
			return fmt.Errorf("alarms revised at point %d: %w", r.After.PointID, err)
		}
		type hit struct {
			id int64
			mn string
		}
		var hits []hit
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id, &h.mn); err != nil {
				rows.Close()
				return err
			}
			hits = append(hits, h)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, h := range hits {
			if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO alarm_revisions(alarm_id, point_id, at, before, after, marked_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, h.id, r.After.PointID, at, sampleText(r.Before), sampleText(r.After), now); err != nil {
				return fmt.Errorf("mark alarm %d revised: %w", h.id, err)
			}
			if _, err := w.tx.ExecContext(w.ctx, `UPDATE alarms SET detail = detail || ?, updated_at = ? WHERE id = ? AND instr(detail, ?) = 0`,
				dataRevised, now, h.id, dataRevised); err != nil {
				return fmt.Errorf("mark alarm %d revised: %w", h.id, err)
			}
			// Both frames of the slot stay as evidence whatever the retention.
			if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO raw_keep(mn, from_at, to_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				h.mn, at, at+1000); err != nil {
				return fmt.Errorf("keep the frames of alarm %d: %w", h.id, err)
			}
		}
	}
	return nil
}

// sampleText is a slot's values for the revision record.
func sampleText(s store.Sample) string {
	var b strings.Builder
	for _, q := range [...]struct {
		name string
		v    float64
	}{{"P", s.P}, {"I", s.I}, {"U", s.U}, {"E", s.E}, {"PF", s.PF}} {
		if math.IsNaN(q.v) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(q.name + "=" + strconv.FormatFloat(q.v, 'g', -1, 64))
	}
	return b.String()
}

// isRevised reports whether alarm id has data a later frame revised.
func isRevised(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM alarm_revisions WHERE alarm_id = ? LIMIT 1`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// AlarmRevisions returns the revised slots of alarm id, as
// "point N at T: before → after" lines, oldest first, for its evidence.
func (db *DB) AlarmRevisions(ctx context.Context, id int64) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT point_id, at, before, after FROM alarm_revisions WHERE alarm_id = ? ORDER BY at, point_id`, id)
	if err != nil {
		return nil, fmt.Errorf("revisions of alarm %d: %w", id, classify(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var point, at int64
		var before, after string
		if err := rows.Scan(&point, &at, &before, &after); err != nil {
			return nil, fmt.Errorf("revisions of alarm %d: %w", id, err)
		}
		out = append(out, fmt.Sprintf("点位 %d %s: %s → %s", point, fromMS(at).In(store.Beijing).Format("2006-01-02 15:04:05"), before, after))
	}
	return out, rows.Err()
}
