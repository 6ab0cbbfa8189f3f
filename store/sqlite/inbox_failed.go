package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"powerwatch/store"
)

// part is one terminal's share of an appended batch.
type part struct {
	mn string
	b  *store.Batch
}

// ingestParts moves each terminal's part of each of batches (appended as
// entries seqs) into the tables under its own savepoint; a part the tables
// refuse is rolled back and set aside in inbox_failed. Other errors (a full
// disk) abort: the caller's transaction is rolled back and retried later.
func (db *DB) ingestParts(ctx context.Context, tx *sql.Tx, in *inbox, seqs []int64, batches []*store.Batch) (InboxResult, error) {
	mnOf, err := pointTerminals(ctx, tx)
	if err != nil {
		return InboxResult{}, err
	}
	res := InboxResult{Batches: len(batches)}
	var moved []*store.Batch
	for i, b := range batches {
		for _, p := range splitByTerminal(b, mnOf) {
			r, err := db.ingestSavepoint(ctx, tx, p.b)
			if err == nil {
				moved = append(moved, p.b)
				mergeResult(&res.Result, r)
				continue
			}
			if !errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrConflict) {
				return InboxResult{}, err
			}
			f, serr := in.setAside(ctx, seqs[i], p, err, db.Now())
			if serr != nil {
				return InboxResult{}, serr
			}
			res.SetAside = append(res.SetAside, f)
		}
	}
	if len(moved) > 0 {
		res.Batch = mergeBatches(moved)
	}
	return res, nil
}

// ingestSavepoint is ingestTx undone on error, leaving tx usable.
func (db *DB) ingestSavepoint(ctx context.Context, tx *sql.Tx, b *store.Batch) (store.IngestResult, error) {
	if err := validateBatch(b); err != nil {
		return store.IngestResult{}, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT part`); err != nil {
		return store.IngestResult{}, classify(err)
	}
	r, err := db.ingestTx(ctx, tx, b)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO part`); rerr != nil {
			return r, errors.Join(classify(err), classify(rerr))
		}
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE part`); rerr != nil {
		return r, errors.Join(classify(err), classify(rerr))
	}
	return r, classify(err)
}

func mergeResult(dst *store.IngestResult, r store.IngestResult) {
	dst.Duplicate = append(dst.Duplicate, r.Duplicate...)
	dst.NewPackets += r.NewPackets
	dst.NewSamples += r.NewSamples
	dst.DupSamples += r.DupSamples
	dst.OutboxIDs = append(dst.OutboxIDs, r.OutboxIDs...)
}

// pointTerminals maps every registered point to its terminal's MN.
func pointTerminals(ctx context.Context, q querier) (map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, t.mn FROM points p JOIN terminals t ON t.id = p.terminal_id`)
	if err != nil {
		return nil, fmt.Errorf("terminals of points: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var mn string
		if err := rows.Scan(&id, &mn); err != nil {
			return nil, fmt.Errorf("terminals of points: %w", err)
		}
		out[id] = mn
	}
	return out, rows.Err()
}

// splitByTerminal cuts b into one batch per terminal, in MN order: its
// packets, the samples of its points and the outbox items of its packets.
// Samples of points no terminal has form a part of MN "".
func splitByTerminal(b *store.Batch, mnOf map[int64]string) []part {
	by := map[string]*store.Batch{}
	get := func(mn string) *store.Batch {
		if by[mn] == nil {
			by[mn] = &store.Batch{}
		}
		return by[mn]
	}
	index := make([]int, len(b.Packets)) // packet i's 1-based index in its part
	for i, p := range b.Packets {
		pb := get(p.MN)
		pb.Packets = append(pb.Packets, p)
		index[i] = len(pb.Packets)
	}
	for _, s := range b.Samples {
		pb := get(mnOf[s.PointID])
		pb.Samples = append(pb.Samples, s)
	}
	for _, o := range b.Outbox {
		mn := o.Key
		if o.Packet > 0 {
			mn = b.Packets[o.Packet-1].MN
			o.Packet = index[o.Packet-1]
		}
		pb := get(mn)
		pb.Outbox = append(pb.Outbox, o)
	}
	out := make([]part, 0, len(by))
	for mn, pb := range by {
		out = append(out, part{mn, pb})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].mn < out[j].mn })
	return out
}

// setAside keeps p, the part of entry seq the tables refused with cause, in
// inbox_failed. Setting the same part aside again (a crash repeated the
// move) replaces it.
func (in *inbox) setAside(ctx context.Context, seq int64, p part, cause error, now time.Time) (store.InboxFailure, error) {
	body := encodeBatch(p.b)
	f := store.InboxFailure{Seq: seq, MN: p.mn, Packets: len(p.b.Packets), FailedAt: now, Error: cause.Error(), Bytes: len(body)}
	err := in.db.QueryRowContext(ctx, `INSERT INTO inbox_failed(seq, mn, packets, failed_at, error, body) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (seq, mn) DO UPDATE SET packets = excluded.packets, failed_at = excluded.failed_at,
			error = excluded.error, body = excluded.body
		RETURNING id`, seq, p.mn, f.Packets, now.UnixMilli(), f.Error, body).Scan(&f.ID)
	if err != nil {
		return f, fmt.Errorf("set aside the uploads of %s in inbox entry %d (%v): %w", p.mn, seq, cause, classify(err))
	}
	return f, nil
}

// ensureFailed creates inbox_failed, or converts one of the first layout
// (one row per entry, keyed by seq) to the present one.
func ensureFailed(ctx context.Context, q querier) error {
	var cols, ids int
	if err := q.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'id') FROM pragma_table_info('inbox_failed')`).Scan(&cols, &ids); err != nil {
		return err
	}
	switch {
	case cols == 0:
		_, err := q.ExecContext(ctx, inboxFailedSchema)
		return err
	case ids > 0:
		return nil
	}
	_, err := q.ExecContext(ctx, `BEGIN;
		ALTER TABLE inbox_failed RENAME TO inbox_failed_v1;
		`+inboxFailedSchema+`;
		INSERT INTO inbox_failed(seq, mn, packets, failed_at, error, body)
			SELECT seq, '', 0, failed_at, error, body FROM inbox_failed_v1;
		DROP TABLE inbox_failed_v1;
		COMMIT`)
	if err != nil {
		q.ExecContext(ctx, `ROLLBACK`)
	}
	return err
}

// errNoInbox means the inbox is held by the running service (or was never
// created): its set-aside uploads are reached through that service.
var errNoInbox = errors.New("the inbox is not open here")

// InboxFailed lists the uploads set aside in the inbox's inbox_failed table,
// oldest first. It needs OpenInbox (the running service, or a command when
// no service runs).
func (db *DB) InboxFailed(ctx context.Context) ([]store.InboxFailure, error) {
	in := db.openedInbox()
	if in == nil {
		return nil, fmt.Errorf("list set-aside uploads: %w", errNoInbox)
	}
	rows, err := in.db.QueryContext(ctx, `SELECT id, seq, mn, packets, failed_at, error, length(body) FROM inbox_failed ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list set-aside uploads: %w", classify(err))
	}
	defer rows.Close()
	var out []store.InboxFailure
	for rows.Next() {
		var f store.InboxFailure
		var at int64
		if err := rows.Scan(&f.ID, &f.Seq, &f.MN, &f.Packets, &at, &f.Error, &f.Bytes); err != nil {
			return nil, fmt.Errorf("list set-aside uploads: %w", err)
		}
		f.FailedAt = fromMS(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// InboxFailedBatch returns what set-aside row id holds: its batch, or for a
// damaged entry an error wrapping store.ErrInvalid and the raw body.
func (db *DB) InboxFailedBatch(ctx context.Context, id int64) (*store.Batch, []byte, error) {
	in := db.openedInbox()
	if in == nil {
		return nil, nil, fmt.Errorf("read set-aside upload %d: %w", id, errNoInbox)
	}
	var body []byte
	err := in.db.QueryRowContext(ctx, `SELECT body FROM inbox_failed WHERE id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("set-aside upload %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read set-aside upload %d: %w", id, classify(err))
	}
	b, err := decodeBatch(body)
	if err != nil {
		return nil, body, fmt.Errorf("set-aside upload %d: %w: %w", id, store.ErrInvalid, err)
	}
	return b, body, nil
}

// RetryInboxFailed moves set-aside row id into the tables as Ingest does
// (values are checked again on the way, so what was refused before the
// checks existed goes in now) and deletes it from inbox_failed. When the
// tables refuse it again, the row stays with the new error.
func (db *DB) RetryInboxFailed(ctx context.Context, id int64) (*store.Batch, store.IngestResult, error) {
	b, _, err := db.InboxFailedBatch(ctx, id)
	if err != nil {
		return nil, store.IngestResult{}, err
	}
	res, err := db.Ingest(ctx, b)
	in := db.openedInbox()
	if err != nil {
		in.db.ExecContext(ctx, `UPDATE inbox_failed SET failed_at = ?, error = ? WHERE id = ?`, db.Now().UnixMilli(), err.Error(), id)
		return nil, res, fmt.Errorf("retry set-aside upload %d: %w", id, err)
	}
	if _, err := in.db.ExecContext(ctx, `DELETE FROM inbox_failed WHERE id = ?`, id); err != nil {
		// Moved in; a second retry would find every packet already stored.
		return b, res, fmt.Errorf("retried set-aside upload %d, but could not remove it from the list: %w", id, classify(err))
	}
	return b, res, nil
}
