package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"powerwatch/store"
)

const dayMS = 24 * 60 * 60 * 1000

// dayStart returns the start of t's Beijing day in UTC Unix milliseconds.
func dayStart(t time.Time) int64 { return store.Day.Start(t).UnixMilli() }

// dayOfMS is dayStart for a millisecond time.
func dayOfMS(v int64) int64 { return dayStart(time.UnixMilli(v)) }

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Ingest writes a batch of the listener's group commit — raw packets, point
// samples, aggregate updates and outbox rows — in one transaction, and reports
// per packet whether it was new. When it returns nil the batch is committed:
// durable against a crash of the process (WAL, synchronous=NORMAL), and against
// power loss too when the database was opened with Options.Synchronous "full".
// A batch is all-or-nothing: on error nothing of it was stored. A full disk or
// read-only file returns an error wrapping store.ErrReadOnly.
func (db *DB) Ingest(ctx context.Context, b *store.Batch) (store.IngestResult, error) {
	if err := validateBatch(b); err != nil {
		return store.IngestResult{}, err
	}
	if err := db.stmts.prepare(ctx, db.db); err != nil {
		return store.IngestResult{}, fmt.Errorf("ingest: prepare statements: %w", classify(err))
	}
	var res store.IngestResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = db.ingestTx(ctx, tx, b)
		return err
	})
	if err != nil {
		return store.IngestResult{}, fmt.Errorf("ingest %d packets, %d samples: %w", len(b.Packets), len(b.Samples), err)
	}
	return res, nil
}

// ingestTx is Ingest's work inside the caller's transaction.
func (db *DB) ingestTx(ctx context.Context, tx *sql.Tx, b *store.Batch) (store.IngestResult, error) {
	res := store.IngestResult{Duplicate: make([]bool, len(b.Packets)), Revision: make([]bool, len(b.Packets))}
	w, err := newWriter(ctx, db, tx)
	if err != nil {
		return res, err
	}
	defer w.close()
	if err := w.packets(b.Packets, &res); err != nil {
		return res, fmt.Errorf("store packets: %w", err)
	}
	fresh, err := w.samples(b.Samples, &res)
	if err != nil {
		return res, fmt.Errorf("store samples: %w", err)
	}
	if err := w.aggregate(fresh); err != nil {
		return res, fmt.Errorf("update aggregates: %w", err)
	}
	if err := w.markRevised(res.Revised, ms(db.Now())); err != nil {
		return res, err
	}
	res.OutboxIDs, err = enqueue(ctx, w.tx, newPacketsOnly(b.Outbox, res.Duplicate), db.Now())
	return res, err
}

// newPacketsOnly leaves out the outbox items of packets that were duplicates.
func newPacketsOnly(items []store.OutboxItem, dup []bool) []store.OutboxItem {
	out := items[:0:0]
	for _, it := range items {
		if it.Packet == 0 || !dup[it.Packet-1] {
			out = append(out, it)
		}
	}
	return out
}

func validateBatch(b *store.Batch) error {
	for i, p := range b.Packets {
		if p.MN == "" || p.ReceivedAt.IsZero() {
			return fmt.Errorf("ingest packet %d: %w: MN and received time are required", i, store.ErrInvalid)
		}
	}
	for i, s := range b.Samples {
		if s.PointID <= 0 || s.At.IsZero() {
			return fmt.Errorf("ingest sample %d: %w: point id and time are required", i, store.ErrInvalid)
		}
	}
	for i, o := range b.Outbox {
		if o.Target == "" || o.Kind == "" {
			return fmt.Errorf("ingest outbox item %d: %w: target and kind are required", i, store.ErrInvalid)
		}
		if o.Packet < 0 || o.Packet > len(b.Packets) {
			return fmt.Errorf("ingest outbox item %d: %w: packet %d of %d", i, store.ErrInvalid, o.Packet, len(b.Packets))
		}
	}
	return nil
}

// writer holds what one ingest transaction reuses.
type writer struct {
	ctx       context.Context
	tx        *stmtCache
	compacted int64     // days before this are in the packed tier
	now       time.Time // of the move: a sample dated after it plus store.MaxAhead is not the latest
}

func newWriter(ctx context.Context, db *DB, tx *sql.Tx) (*writer, error) {
	w := &writer{ctx: ctx, tx: newStmtCache(db, tx), now: db.Now()}
	var err error
	if w.compacted, err = compactedBefore(ctx, tx); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *writer) close() { w.tx.close() }

// packets stores new packets: live days in raw_packets, days already packed
// merged into their blob.
func (w *writer) packets(ps []store.RawPacket, res *store.IngestResult) error {
	late := map[rawDayKey][]int{}
	var live []int
	for i, p := range ps {
		r := newRawRecord(p)
		if dayOfMS(r.dt) < w.compacted {
			k := rawDayKey{p.MN, dayOfMS(r.dt)}
			late[k] = append(late[k], i)
			continue
		}
		live = append(live, i)
	}
	for _, n := range rowChunks(len(live)) {
		if err := w.insertRaw(ps, live[:n], res); err != nil {
			return err
		}
		live = live[n:]
	}
	for k, idx := range late {
		if err := w.mergeRawDay(k, ps, idx, res); err != nil {
			return err
		}
	}
	for i := range ps {
		if !res.Duplicate[i] {
			res.NewPackets++
		}
	}
	if err := w.keepSplitParts(ps, res.Duplicate); err != nil {
		return err
	}
	return w.updateSeen(ps, res.Duplicate)
}

// updateSeen records the newest packet per terminal.
func (w *writer) updateSeen(ps []store.RawPacket, dup []bool) error {
	type seen struct {
		recv, dt time.Time
		n        int
	}
	by := map[string]*seen{}
	for i, p := range ps {
		s := by[p.MN]
		if s == nil {
			s = &seen{}
			by[p.MN] = s
		}
		if p.ReceivedAt.After(s.recv) {
			s.recv = p.ReceivedAt
		}
		if p.DataTime.After(s.dt) && !p.DataTime.After(p.ReceivedAt.Add(store.MaxAhead)) { // a fast clock must not pin it
			s.dt = p.DataTime
		}
		if !dup[i] {
			s.n++
		}
	}
	mns := make([]string, 0, len(by))
	for mn := range by {
		mns = append(mns, mn)
	}
	sort.Strings(mns)
	for _, n := range rowChunks(len(mns)) {
		args := make([]any, 0, 4*n)
		for _, mn := range mns[:n] {
			s := by[mn]
			args = append(args, mn, ms(s.recv), ms(s.dt), s.n)
		}
		_, err := w.tx.ExecContext(w.ctx, seenUpsertSQL(n), args...)
		if err != nil {
			return fmt.Errorf("last seen of %d terminals from %s: %w", n, mns[0], err)
		}
		mns = mns[n:]
	}
	return nil
}
