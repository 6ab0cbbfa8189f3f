package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// repackedKey is the settings row saying that no raw day of an older format
// is left.
const repackedKey = "raw.repacked_format3"

// RepackResult counts what a RepackRaw call rewrote.
type RepackResult struct {
	Days      int   // terminal-days rewritten in the current format
	Before    int64 // their blob bytes before
	After     int64 // and after
	Remaining int   // terminal-days still in an older format
}

// RepackRaw rewrites terminal-days packed in an older raw format (format 2:
// about twice the bytes, see raw_codec.go) in the current one, until none is
// left, the budget of time is spent (0: no limit; the batch under way is
// finished) or ctx ends. Every frame is
// decoded, re-encoded and decoded again and compared before its day is
// replaced, so a repack can only lose space. Each batch of days is its own
// transaction; ingest and readers go on between them. The nightly compaction
// calls it with a budget, so that a file from before format 3 shrinks over
// some nights without a long stop (the pages freed are reused by new days).
func (db *DB) RepackRaw(ctx context.Context, budget time.Duration) (RepackResult, error) {
	var res RepackResult
	// Once none is left none comes back (every writer packs format 3): later
	// calls do not scan the table again.
	var done string
	err := db.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, repackedKey).Scan(&done)
	if err == nil && done == "1" {
		return res, nil
	}
	const n = 64 // terminal-days per transaction
	start := time.Now()
	for ctx.Err() == nil {
		done := 0
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			done, err = repackBatch(ctx, tx, n, &res)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("repack raw days: %w", err)
		}
		if done == 0 || budget > 0 && time.Since(start) >= budget {
			break
		}
	}
	err = db.db.QueryRowContext(ctx, `SELECT count(*) FROM raw_days WHERE part = 0 AND substr(blob, 1, 1) <> ?`,
		[]byte{rawColumns}).Scan(&res.Remaining)
	if err != nil && ctx.Err() == nil {
		return res, fmt.Errorf("repack raw days: count the rest: %w", classify(err))
	}
	if err == nil && res.Remaining == 0 {
		_, err = db.db.ExecContext(ctx, `INSERT INTO settings(key, value, updated_at) VALUES (?, '1', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, repackedKey, db.Now().UnixMilli())
		if err != nil {
			return res, fmt.Errorf("repack raw days: %w", classify(err))
		}
	}
	return res, nil
}

// repackBatch rewrites up to n terminal-days of an older format.
func repackBatch(ctx context.Context, tx *sql.Tx, n int, res *RepackResult) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT mn, day FROM raw_days WHERE part = 0 AND substr(blob, 1, 1) <> ? LIMIT ?`,
		[]byte{rawColumns}, n)
	if err != nil {
		return 0, classify(err)
	}
	type key struct {
		mn  string
		day int64
	}
	var keys []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.mn, &k.day); err != nil {
			rows.Close()
			return 0, err
		}
		keys = append(keys, k)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, k := range keys {
		var before int64
		if err := tx.QueryRowContext(ctx, `SELECT sum(length(blob)) FROM raw_days WHERE mn = ? AND day = ?`, k.mn, k.day).Scan(&before); err != nil {
			return 0, err
		}
		recs, err := loadRawDay(ctx, tx, k.mn, k.day)
		if err != nil {
			return 0, fmt.Errorf("%s %s: %w", k.mn, fromMS(k.day).Format(time.DateOnly), err)
		}
		blob := encodeRawDay(append([]rawRecord(nil), recs...))
		if err := sameRecords(k.mn, recs, blob); err != nil {
			return 0, fmt.Errorf("%s %s: %w", k.mn, fromMS(k.day).Format(time.DateOnly), err)
		}
		if err := writeRawDay(ctx, tx, k.mn, k.day, len(recs), blob); err != nil {
			return 0, err
		}
		res.Days++
		res.Before += before
		res.After += int64(len(blob))
	}
	return len(keys), nil
}

// sameRecords checks that blob decodes to recs (in time order, as encoding
// sorted them).
func sameRecords(mn string, recs []rawRecord, blob []byte) error {
	back, err := decodeRawDay(mn, blob)
	if err != nil {
		return err
	}
	if len(back) != len(recs) {
		return fmt.Errorf("re-encoded day holds %d frames, not %d", len(back), len(recs))
	}
	want := make(map[string]int, len(recs))
	for _, r := range recs {
		want[recordString(r)]++
	}
	for _, r := range back {
		s := recordString(r)
		if want[s] == 0 {
			return fmt.Errorf("re-encoded day does not give back frame %q", r.p.Frame)
		}
		want[s]--
	}
	return nil
}

func recordString(r rawRecord) string {
	p := r.p
	return fmt.Sprintf("%s|%s|%s|%s|%d|%v|%d|%v|%q", p.MN, p.ST, p.CN, p.QN, r.dt, r.hasDT, p.ReceivedAt.UnixMilli(), p.CRCOK, p.Frame)
}
