package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"powerwatch/store"
)

// UplinkChanges returns up to limit entities of the shared-data export that
// changed after seq, oldest change first, each with its current data as a
// JSON object (see exportQueries), or Deleted when it no longer exists.
func (db *DB) UplinkChanges(ctx context.Context, after int64, limit int) ([]store.Change, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT seq, entity, entity_id, at FROM uplink_changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("uplink changes after %d: %w", after, classify(err))
	}
	var out []store.Change
	for rows.Next() {
		var c store.Change
		var at int64
		if err := rows.Scan(&c.Seq, &c.Entity, &c.ID, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("uplink changes after %d: %w", after, err)
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("uplink changes after %d: %w", after, err)
	}
	for i := range out {
		if err := db.loadChange(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) loadChange(ctx context.Context, c *store.Change) error {
	q, ok := exportQueries[c.Entity]
	if !ok {
		return fmt.Errorf("uplink change %d: unknown entity %q", c.Seq, c.Entity)
	}
	var data string
	err := db.db.QueryRowContext(ctx, q, c.ID).Scan(&data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		c.Deleted = true
	case err != nil:
		return fmt.Errorf("uplink change %d (%s %d): %w", c.Seq, c.Entity, c.ID, classify(err))
	default:
		c.Data = []byte(data)
	}
	return nil
}

// UplinkBacklog counts the changes after seq and returns the time of the
// oldest of them (zero when none).
func (db *DB) UplinkBacklog(ctx context.Context, after int64) (int, time.Time, error) {
	var n int
	var oldest int64
	err := db.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(at), 0) FROM uplink_changes WHERE seq > ?`, after).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("uplink backlog after %d: %w", after, classify(err))
	}
	return n, fromMS(oldest), nil
}

// SyncCursor returns the export target's cursor; a target never synced has
// the zero cursor (Seq 0), not an error.
func (db *DB) SyncCursor(ctx context.Context, target string) (store.SyncCursor, error) {
	c := store.SyncCursor{Target: target}
	var ok, errAt int64
	err := db.db.QueryRowContext(ctx, `SELECT seq, last_ok_at, last_error, last_error_at, sent FROM uplink_cursors WHERE target = ?`, target).
		Scan(&c.Seq, &ok, &c.LastError, &errAt, &c.Sent)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("sync cursor of %s: %w", target, classify(err))
	}
	c.LastOK, c.LastErrorAt = fromMS(ok), fromMS(errAt)
	return c, nil
}

// SaveSyncCursor stores c. A cursor never moves back: a Seq below the
// stored one is kept at the stored one, so a late writer cannot cause a
// resend of what was delivered.
func (db *DB) SaveSyncCursor(ctx context.Context, c store.SyncCursor) error {
	if c.Target == "" {
		return fmt.Errorf("save sync cursor: %w: target is required", store.ErrInvalid)
	}
	_, err := db.db.ExecContext(ctx, `INSERT INTO uplink_cursors(target, seq, last_ok_at, last_error, last_error_at, sent) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(target) DO UPDATE SET seq = max(seq, excluded.seq), last_ok_at = excluded.last_ok_at,
			last_error = excluded.last_error, last_error_at = excluded.last_error_at, sent = excluded.sent`,
		c.Target, c.Seq, ms(c.LastOK), c.LastError, ms(c.LastErrorAt), c.Sent)
	if err != nil {
		return fmt.Errorf("save sync cursor of %s: %w", c.Target, classify(err))
	}
	return nil
}

// PendingOutboxAfter returns up to limit undelivered items for target with
// an id above after, in id order: the relay's next frames to send while the
// ones before are awaiting their acknowledgement.
func (db *DB) PendingOutboxAfter(ctx context.Context, target string, after int64, limit int) ([]store.OutboxItem, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, target, kind, key, payload, created_at, attempts, last_error
		FROM outbox WHERE target = ? AND sent_at = 0 AND id > ? ORDER BY id LIMIT ?`, target, after, limit)
	if err != nil {
		return nil, fmt.Errorf("pending outbox of %s after %d: %w", target, after, classify(err))
	}
	defer rows.Close()
	var out []store.OutboxItem
	for rows.Next() {
		var it store.OutboxItem
		var created int64
		if err := rows.Scan(&it.ID, &it.Target, &it.Kind, &it.Key, &it.Payload, &created, &it.Attempts, &it.LastError); err != nil {
			return nil, fmt.Errorf("pending outbox of %s: %w", target, err)
		}
		it.CreatedAt = fromMS(created)
		out = append(out, it)
	}
	return out, rows.Err()
}

// PendingOutboxOf returns up to limit undelivered items of target with the
// ordering key key (a terminal's MN) and an id above after, in id order: the
// queue of one terminal's relay connection.
func (db *DB) PendingOutboxOf(ctx context.Context, target, key string, after int64, limit int) ([]store.OutboxItem, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, target, kind, key, payload, created_at, attempts, last_error
		FROM outbox INDEXED BY outbox_pending_key WHERE target = ? AND key = ? AND sent_at = 0 AND id > ? ORDER BY id LIMIT ?`,
		target, key, after, limit)
	if err != nil {
		return nil, fmt.Errorf("pending outbox of %s for %q after %d: %w", target, key, after, classify(err))
	}
	defer rows.Close()
	var out []store.OutboxItem
	for rows.Next() {
		var it store.OutboxItem
		var created int64
		if err := rows.Scan(&it.ID, &it.Target, &it.Kind, &it.Key, &it.Payload, &created, &it.Attempts, &it.LastError); err != nil {
			return nil, fmt.Errorf("pending outbox of %s for %q: %w", target, key, err)
		}
		it.CreatedAt = fromMS(created)
		out = append(out, it)
	}
	return out, rows.Err()
}

// PendingKeys returns the ordering keys of target's undelivered items with
// an id above after, the key whose oldest such item is oldest first, each
// with the highest id it has: the terminals whose relay connection has work.
func (db *DB) PendingKeys(ctx context.Context, target string, after int64) ([]store.OutboxKey, error) {
	// By id: the relay asks for what arrived since its last look, which the
	// planner would otherwise find by reading every waiting item in key order.
	rows, err := db.db.QueryContext(ctx, `SELECT key, max(id) FROM outbox INDEXED BY outbox_pending
		WHERE target = ? AND sent_at = 0 AND id > ? GROUP BY key ORDER BY min(id)`, target, after)
	if err != nil {
		return nil, fmt.Errorf("pending keys of %s after %d: %w", target, after, classify(err))
	}
	defer rows.Close()
	var out []store.OutboxKey
	for rows.Next() {
		var k store.OutboxKey
		if err := rows.Scan(&k.Key, &k.Last); err != nil {
			return nil, fmt.Errorf("pending keys of %s: %w", target, err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// PendingCount returns the number of undelivered items for target and the
// creation time of the oldest (zero when none); cheaper than OutboxStats,
// which scans delivered items too.
func (db *DB) PendingCount(ctx context.Context, target string) (int, time.Time, error) {
	var n int
	var oldest int64
	err := db.db.QueryRowContext(ctx, `SELECT count(*), coalesce(min(created_at), 0) FROM outbox WHERE target = ? AND sent_at = 0`, target).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("pending count of %s: %w", target, classify(err))
	}
	return n, fromMS(oldest), nil
}

// localTime renders a millisecond column as ISO 8601 in Beijing time, null for 0.
func localTime(col string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s = 0 THEN NULL ELSE strftime('%%Y-%%m-%%dT%%H:%%M:%%S+08:00', %[1]s / 1000, 'unixepoch', '+8 hours') END`, col)
}

// jsonColumn embeds a JSON text column as JSON (null when empty). Text that
// is not valid JSON goes as a string, so that one bad row cannot stop the export.
func jsonColumn(col string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s = '' THEN NULL WHEN json_valid(%[1]s) THEN json(%[1]s) ELSE %[1]s END`, col)
}

// object builds "SELECT json_object(k1, v1, …) FROM from WHERE id = ?"
// from alternating keys and SQL expressions.
func object(from string, kv ...string) string {
	var b strings.Builder
	b.WriteString("SELECT json_object(")
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "'%s', %s", kv[i], kv[i+1])
	}
	fmt.Fprintf(&b, ") FROM %s WHERE x.id = ?", from)
	return b.String()
}

// exportQueries gives the shared-data JSON of each entity by id. The field
// names are the export schema (README "Shared-data JSON"); changing one is a
// new schema version. Secrets (terminal password, SM4 key) are never exported.
var exportQueries = map[string]string{
	"enterprise": object("enterprises x", "id", "x.id", "name", "x.name", "uscc", "x.uscc",
		"region", "(SELECT name FROM regions WHERE id = x.region_id)",
		"industry_code", "(SELECT code FROM industries WHERE id = x.industry_id)",
		"industry", "(SELECT name FROM industries WHERE id = x.industry_id)",
		"address", "x.address", "longitude", "x.longitude", "latitude", "x.latitude",
		"contact", "x.contact", "phone", "x.phone", "grade", "x.grade", "emergency_plan", "x.emergency_plan",
		"created_at", localTime("x.created_at"), "updated_at", localTime("x.updated_at")),
	"facility": object("facilities x", "id", "x.id", "enterprise_id", "x.enterprise_id", "name", "x.name",
		"kind", "x.kind", "rated_kw", "x.rated_kw", "process", "x.process", "pollutants", "x.pollutants", "outlet", "x.outlet"),
	"relation": object("links x", "id", "x.id", "production_id", "x.production_id", "treatment_id", "x.treatment_id",
		"role", "x.role", "group", "x.grp", "need", "x.need"),
	"terminal": object("terminals x", "id", "x.id", "mn", "x.mn", "enterprise_id", "x.enterprise_id",
		"protocol", "x.protocol", "rtd_interval_s", "x.rtd_interval_s", "min_interval_s", "x.min_interval_s",
		"installed_at", localTime("x.installed_at"), "firmware", "x.firmware"),
	"point": object("points x", "id", "x.id", "terminal_id", "x.terminal_id", "mn", "(SELECT mn FROM terminals WHERE id = x.terminal_id)",
		"facility_id", "x.facility_id", "name", "x.name", "power_code", "x.power_code", "current_code", "x.current_code",
		"voltage_code", "x.voltage_code", "energy_code", "x.energy_code", "pf_code", "x.pf_code", "state_code", "x.state_code",
		"ct_ratio", "x.ct_ratio"),
	"threshold": object("thresholds x", "id", "x.id", "facility_id", "x.facility_id", "basis", "x.basis",
		"stop", "x.stop", "run", "x.run", "min_persist_s", "x.min_persist_s", "effective_from", localTime("x.effective_from"),
		"derived", "json(CASE x.derived WHEN 1 THEN 'true' ELSE 'false' END)", "note", "x.note"),
	"order": object("orders x", "id", "x.id", "enterprise_id", "x.enterprise_id", "kind", "x.kind",
		"cut_percent", "x.cut_percent", "level", "x.level", "start_at", localTime("x.start_at"), "end_at", localTime("x.end_at"),
		"note", "x.note", "facility_ids", "json((SELECT json_group_array(facility_id) FROM order_facilities WHERE order_id = x.id))"),
	"filing": object("filings x", "id", "x.id", "enterprise_id", "x.enterprise_id", "kind", "x.kind",
		"start_at", localTime("x.start_at"), "end_at", localTime("x.end_at"), "note", "x.note",
		"facility_ids", "json((SELECT json_group_array(facility_id) FROM filing_facilities WHERE filing_id = x.id))"),
	"alarm": object("alarms x", "id", "x.id", "type", "x.type", "grade", "x.grade", "status", "x.status",
		"enterprise_id", "x.enterprise_id", "production_id", "x.production_id", "treatment_id", "x.treatment_id",
		"point_id", "x.point_id", "terminal_id", "x.terminal_id", "order_id", "x.order_id", "filing_id", "x.filing_id",
		"start_at", localTime("x.start_at"), "end_at", localTime("x.end_at"), "rule_version", "x.rule_version",
		"thresholds", jsonColumn("x.thresholds"), "detail", "x.detail", "disposition", "x.disposition",
		"created_at", localTime("x.created_at"), "updated_at", localTime("x.updated_at")),
	"alarm_review": object("alarm_reviews x", "id", "x.id", "alarm_id", "x.alarm_id", "disposition", "x.disposition",
		"note", "x.note", "reviewer", "x.reviewer", "at", localTime("x.at")),
	"maintenance_record": object("maintenance_records x", "id", "x.id", "task_id", "x.task_id", "kind", "x.kind",
		"date", localTime("x.date"), "people", "x.people", "enterprise_id", "x.enterprise_id", "point_id", "x.point_id",
		"checks", jsonColumn("x.checks"), "onoff", jsonColumn("x.onoff"), "photos", jsonColumn("x.photos"),
		"problems", "x.problems", "actions", "x.actions", "signed_by", "x.signed_by", "signed_at", localTime("x.signed_at"),
		"created_at", localTime("x.created_at")),
}
