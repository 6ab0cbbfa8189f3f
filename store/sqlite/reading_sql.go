package sqlite

import (
	"fmt"
	"strings"
)

// The ingest's statements. Their texts are fixed (multi-row ones per
// rowChunks size), so stmtPool.prepare can prepare them all before the first
// ingest transaction and every group commit reuses them.

func rawInsertSQL(n int) string {
	return `INSERT INTO raw_packets(mn, st, cn, dt, has_dt, qn, received_at, crc_ok, frame) VALUES ` + placeholders(n, 9) +
		` ON CONFLICT DO NOTHING`
}

// Rows are appended in arrival order (migration 0009), so those an insert
// added are the ones with an id above the largest before it.
const (
	rawTopSQL   = `SELECT ifnull(max(id), 0) FROM raw_packets`
	rawAfterSQL = `SELECT mn, st, cn, dt FROM raw_packets WHERE id > ?`
)

func sampleInsertSQL(n int) string {
	return sampleNewSQL(n) + ` ON CONFLICT DO NOTHING RETURNING point_id, at`
}

// sampleNewSQL fails, and changes nothing, when a slot is stored already.
func sampleNewSQL(n int) string {
	return `INSERT INTO samples(point_id, at, p, i, u, e, pf, flags) VALUES ` + placeholders(n, 8)
}

func seenUpsertSQL(n int) string {
	return `INSERT INTO raw_seen(mn, received_at, datatime, packets) VALUES ` + placeholders(n, 4) + `
		ON CONFLICT (mn) DO UPDATE SET received_at = max(received_at, excluded.received_at),
			datatime = max(datatime, excluded.datatime), packets = packets + excluded.packets`
}

func outboxInsertSQL(n int) string {
	return `INSERT INTO outbox(target, kind, key, payload, created_at) VALUES ` + placeholders(n, 5) + ` RETURNING id`
}

func latestUpsertSQL(n int) string {
	return `INSERT INTO latest_samples(point_id, at, p, i, u, e, pf, flags) VALUES ` + placeholders(n, 8) + `
		ON CONFLICT (point_id) DO UPDATE SET at = excluded.at, p = excluded.p, i = excluded.i, u = excluded.u,
			e = excluded.e, pf = excluded.pf, flags = excluded.flags WHERE excluded.at > latest_samples.at`
}

func hourUpsertSQL(n int) string {
	return `INSERT INTO agg_hour(point_id, start, energy, run_min, min_p, max_p, sum_p, n_p,
			received, expected, resets, last_at, last_e, last_p) VALUES ` + placeholders(n, 14) + `
		ON CONFLICT (point_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min,
			min_p = excluded.min_p, max_p = excluded.max_p, sum_p = excluded.sum_p, n_p = excluded.n_p,
			received = excluded.received, expected = excluded.expected, resets = excluded.resets,
			last_at = excluded.last_at, last_e = excluded.last_e, last_p = excluded.last_p`
}

// The statements over a batch's points take the point ids as one JSON array.
const (
	hourRowsSQL = `SELECT point_id, start, energy, run_min, min_p, max_p, sum_p, n_p, received, resets, last_at, last_e, last_p
		FROM agg_hour WHERE point_id IN (SELECT value FROM json_each(?)) AND start IN (SELECT value FROM json_each(?))`
	latestAllSQL = `SELECT point_id, at, p, i, u, e, pf, flags FROM latest_samples
		WHERE point_id IN (SELECT value FROM json_each(?))`
	pointCfgsSQL = `SELECT p.id, t.min_interval_s, t.rtd_interval_s, p.facility_id, f.rated_kw
		FROM points p JOIN terminals t ON t.id = p.terminal_id JOIN facilities f ON f.id = p.facility_id
		WHERE p.id IN (SELECT value FROM json_each(?))`
	thresholdsSQL = `SELECT facility_id, basis, stop, run, effective_from FROM thresholds
		WHERE facility_id IN (SELECT value FROM json_each(?))`
)

// rollManySQL is rollSQL over a JSON array of points.
const rollManySQL = `INSERT INTO %[1]s(point_id, start, energy, run_min, min_p, max_p, sum_p, n_p, received, expected, resets)
	SELECT point_id, ?, sum(energy), sum(run_min), min(min_p), max(max_p), sum(sum_p), sum(n_p), sum(received), ?, sum(resets)
	FROM %[2]s WHERE point_id IN (SELECT value FROM json_each(?)) AND start >= ? AND start < ? GROUP BY point_id
	ON CONFLICT (point_id, start) DO UPDATE SET energy = excluded.energy, run_min = excluded.run_min,
		min_p = excluded.min_p, max_p = excluded.max_p, sum_p = excluded.sum_p, n_p = excluded.n_p,
		received = excluded.received, expected = excluded.expected, resets = excluded.resets`

var (
	rollDaysSQL   = fmt.Sprintf(rollManySQL, "agg_day", "agg_hour")
	rollMonthsSQL = fmt.Sprintf(rollManySQL, "agg_month", "agg_day")
)

// ingestQueries are the statements stmtPool.prepare prepares.
func ingestQueries() []string {
	out := []string{hourRowsSQL, latestAllSQL, pointCfgsSQL, thresholdsSQL, rollDaysSQL, rollMonthsSQL, rawTopSQL, rawAfterSQL}
	for _, n := range rowSizes {
		out = append(out, rawInsertSQL(n), sampleInsertSQL(n), sampleNewSQL(n), seenUpsertSQL(n), latestUpsertSQL(n), hourUpsertSQL(n),
			outboxInsertSQL(n))
	}
	return out
}

// placeholders is "(?, …), …": rows groups of cols parameters.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}
