package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"powerwatch/store"
)

// DefaultRawRetention is how long raw packets are kept unless configured
// otherwise; packets pinned as evidence (KeepRaw) are kept for good.
const DefaultRawRetention = 3 * 365 * 24 * time.Hour

// LastSeen returns, per terminal that ever sent a packet, when the newest arrived.
func (db *DB) LastSeen(ctx context.Context) ([]store.Seen, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT mn, received_at, datatime, packets FROM raw_seen ORDER BY mn`)
	if err != nil {
		return nil, fmt.Errorf("last seen: %w", classify(err))
	}
	defer rows.Close()
	var out []store.Seen
	for rows.Next() {
		var s store.Seen
		var recv, dt int64
		if err := rows.Scan(&s.MN, &recv, &dt, &s.Packets); err != nil {
			return nil, fmt.Errorf("last seen: %w", err)
		}
		s.ReceivedAt, s.DataTime = fromMS(recv), fromMS(dt)
		out = append(out, s)
	}
	return out, rows.Err()
}

// RawPackets returns the packets of terminal mn whose DataTime (receive time
// when it has none) is in [from, to), from both tiers, oldest first.
func (db *DB) RawPackets(ctx context.Context, mn string, from, to time.Time) ([]store.RawPacket, error) {
	var recs []rawRecord
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		recs, err = readRaw(ctx, tx, mn, ms(from), ms(to))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("raw packets of %s: %w", mn, err)
	}
	out := make([]store.RawPacket, len(recs))
	for i, r := range recs {
		out[i] = r.p
	}
	return out, nil
}

func readRaw(ctx context.Context, q querier, mn string, from, to int64) ([]rawRecord, error) {
	out, err := readRawDays(ctx, q, mn, from, to)
	if err != nil {
		return nil, err
	}
	hot, err := readRawHot(ctx, q, mn, from, to)
	if err != nil {
		return nil, err
	}
	out = append(out, hot...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].dt < out[j].dt })
	return out, nil
}

// readRawDays returns the packed packets of mn in [from, to) ms.
func readRawDays(ctx context.Context, q querier, mn string, from, to int64) ([]rawRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, blob FROM raw_days WHERE mn = ? AND day >= ? AND day < ? ORDER BY day, part`,
		mn, dayOfMS(from), to)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []rawRecord
	var blob []byte
	cur := int64(-1)
	flush := func() error {
		if blob == nil {
			return nil
		}
		recs, err := decodeRawDay(mn, blob)
		if err != nil {
			return fmt.Errorf("day %s: %w", fromMS(cur).In(store.Beijing).Format(time.DateOnly), err)
		}
		for _, r := range recs {
			if r.dt >= from && r.dt < to {
				out = append(out, r)
			}
		}
		blob = nil
		return nil
	}
	for rows.Next() {
		var day int64
		var part []byte
		if err := rows.Scan(&day, &part); err != nil {
			return nil, err
		}
		if day != cur {
			if err := flush(); err != nil {
				return nil, err
			}
			cur = day
		}
		blob = append(blob, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, flush()
}

// readRawHot returns the live-tier packets of mn in [from, to) ms, oldest first.
func readRawHot(ctx context.Context, q querier, mn string, from, to int64) ([]rawRecord, error) {
	hot, err := q.QueryContext(ctx, `SELECT st, cn, dt, has_dt, qn, received_at, crc_ok, frame FROM raw_packets
		WHERE mn = ? AND dt >= ? AND dt < ? ORDER BY dt, id`, mn, from, to)
	if err != nil {
		return nil, classify(err)
	}
	defer hot.Close()
	var out []rawRecord
	for hot.Next() {
		r := rawRecord{p: store.RawPacket{MN: mn}}
		var recv int64
		if err := hot.Scan(&r.p.ST, &r.p.CN, &r.dt, &r.hasDT, &r.p.QN, &recv, &r.p.CRCOK, &r.p.Frame); err != nil {
			return nil, err
		}
		r.p.ReceivedAt = fromMS(recv)
		if r.hasDT {
			r.p.DataTime = fromMS(r.dt)
		}
		out = append(out, r)
	}
	return out, hot.Err()
}

// readTx runs fn in a read transaction, so that a compaction committing in
// between cannot make a reader see a day twice or not at all.
func (db *DB) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// KeepRaw pins the raw packets of terminal mn in [from, to) as evidence: the
// retention purge never removes them.
func (db *DB) KeepRaw(ctx context.Context, mn string, from, to time.Time) error {
	if mn == "" || !to.After(from) {
		return fmt.Errorf("keep raw packets of %q: %w: need an MN and from < to", mn, store.ErrInvalid)
	}
	_, err := db.db.ExecContext(ctx, `INSERT INTO raw_keep(mn, from_at, to_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		mn, ms(from), ms(to))
	if err != nil {
		return fmt.Errorf("keep raw packets of %s: %w", mn, classify(err))
	}
	return nil
}

// PurgeRaw deletes raw packets older than before (whole Beijing days, both
// tiers) except those pinned by KeepRaw, and returns how many day blobs and
// live packets it removed. The scheduler calls it with now − retention.
// days counts stored blob parts (a terminal-day is one or more).
func (db *DB) PurgeRaw(ctx context.Context, before time.Time) (days, packets int64, err error) {
	cut := dayStart(before)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM raw_days WHERE day < ? AND NOT EXISTS (SELECT 1 FROM raw_keep k
			WHERE k.mn = raw_days.mn AND k.from_at < raw_days.day + ? AND k.to_at > raw_days.day)`, cut, dayMS)
		if err != nil {
			return err
		}
		days, _ = r.RowsAffected()
		r, err = tx.ExecContext(ctx, `DELETE FROM raw_packets WHERE dt < ? AND NOT EXISTS (SELECT 1 FROM raw_keep k
			WHERE k.mn = raw_packets.mn AND k.from_at <= raw_packets.dt AND k.to_at > raw_packets.dt)`, cut)
		if err != nil {
			return err
		}
		packets, _ = r.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("purge raw packets before %s: %w", before.Format(time.DateOnly), err)
	}
	return days, packets, nil
}
