package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"powerwatch/store"
)

// DefaultRawRetention is how long raw packets are kept unless configured
// otherwise; packets pinned as evidence (KeepRaw) are kept for good.
const DefaultRawRetention = 3 * 365 * 24 * time.Hour

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

type rawDayKey struct {
	mn  string
	day int64
}

// insertRaw inserts the packets ps[idx] into the hot tier with one statement
// and marks in dup those that were stored already. When the statement added
// every row — live data, nearly always — nothing more is read; otherwise the
// rows it added are those after the table's previous end.
func (w *writer) insertRaw(ps []store.RawPacket, idx []int, res *store.IngestResult) error {
	var top int64
	if err := w.tx.QueryRowContext(w.ctx, rawTopSQL).Scan(&top); err != nil {
		return fmt.Errorf("insert packets: %w", err)
	}
	args := make([]any, 0, 9*len(idx))
	for _, i := range idx {
		r := newRawRecord(ps[i])
		args = append(args, r.p.MN, r.p.ST, r.p.CN, r.dt, r.hasDT, r.p.QN, ms(r.p.ReceivedAt), r.p.CRCOK, r.p.Frame)
	}
	r, err := w.tx.ExecContext(w.ctx, rawInsertSQL(len(idx)), args...)
	if err != nil {
		return fmt.Errorf("insert %d packets from %s: %w", len(idx), ps[idx[0]].MN, err)
	}
	if n, err := r.RowsAffected(); err == nil && n == int64(len(idx)) {
		return nil // dup[i] stays false
	}
	rows, err := w.tx.QueryContext(w.ctx, rawAfterSQL, top)
	if err != nil {
		return fmt.Errorf("insert %d packets from %s: %w", len(idx), ps[idx[0]].MN, err)
	}
	defer rows.Close()
	inserted := make(map[rawKey]bool, len(idx))
	for rows.Next() {
		var k rawKey
		if err := rows.Scan(&k.mn, &k.st, &k.cn, &k.dt); err != nil {
			return err
		}
		inserted[k] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert %d packets from %s: %w", len(idx), ps[idx[0]].MN, err)
	}
	var again []int
	for _, i := range idx {
		// The same packet twice in one batch was inserted once: the first is new.
		k := newRawRecord(ps[i]).key()
		if !inserted[k] {
			again = append(again, i)
		}
		delete(inserted, k)
	}
	rows.Close()
	return w.sameTimeRaw(ps, again, res)
}

// sameTime is what is stored under one (MN, ST, CN, DataTime).
type sameTime struct {
	top int64    // highest revision number
	cps [][]byte // the frames' CPs (rawCP)
}

// sameTimeRaw files the packets ps[idx], whose (MN, ST, CN, DataTime) is
// stored already: a duplicate when a stored frame has the same CP, else the
// next revision of that key, stored beside the others. Nothing acknowledged
// is thrown away: devices send one frame per meter at the same DataTime, and
// the parts of a split upload share theirs. The stored frames are read with
// one statement per chunk: a terminal re-sending its cache makes many.
func (w *writer) sameTimeRaw(ps []store.RawPacket, idx []int, res *store.IngestResult) error {
	stored := make(map[rawKey]*sameTime, len(idx))
	for len(idx) > 0 {
		n := len(idx)
		if cs := rowChunks(n); len(cs) > 0 {
			n = cs[0]
		} else {
			n = min(n, 1)
		}
		chunk := idx[:n]
		idx = idx[n:]
		args := make([]any, 0, 4*len(chunk))
		for _, i := range chunk {
			r := newRawRecord(ps[i])
			args = append(args, r.p.MN, r.p.ST, r.p.CN, r.dt)
		}
		// The keys drive the join, each one a lookup in the unique index.
		rows, err := w.tx.QueryContext(w.ctx, `SELECT r.mn, r.st, r.cn, r.dt, r.rev, r.frame
			FROM (VALUES `+placeholders(len(chunk), 4)+`) AS k CROSS JOIN raw_packets r
			WHERE r.mn = k.column1 AND r.st = k.column2 AND r.cn = k.column3 AND r.dt = k.column4`, args...)
		if err != nil {
			return fmt.Errorf("frames of the same time from %s: %w", ps[chunk[0]].MN, err)
		}
		for rows.Next() {
			var k rawKey
			var rev int64
			var frame []byte
			if err := rows.Scan(&k.mn, &k.st, &k.cn, &k.dt, &rev, &frame); err != nil {
				rows.Close()
				return err
			}
			st := stored[k]
			if st == nil {
				st = &sameTime{top: -1}
				stored[k] = st
			}
			st.top = max(st.top, rev)
			st.cps = append(st.cps, rawCP(frame))
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, i := range chunk {
			p := ps[i]
			r := newRawRecord(p)
			st := stored[r.key()]
			if st == nil { // cannot be: the insert conflicted on this key
				st = &sameTime{top: -1}
				stored[r.key()] = st
			}
			cp := rawCP(p.Frame)
			if slices.ContainsFunc(st.cps, func(o []byte) bool { return bytes.Equal(o, cp) }) {
				res.Duplicate[i] = true
				continue
			}
			st.top++
			st.cps = append(st.cps, cp)
			_, err = w.tx.ExecContext(w.ctx, `INSERT INTO raw_packets(mn, st, cn, dt, has_dt, qn, received_at, crc_ok, frame, rev)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.MN, p.ST, p.CN, r.dt, r.hasDT, p.QN, ms(p.ReceivedAt), p.CRCOK, p.Frame, st.top)
			if err != nil {
				return fmt.Errorf("store frame %d of %s CN %s at %s: %w", st.top+1, p.MN, p.CN, p.DataTime.Format(time.DateTime), err)
			}
			res.Duplicate[i], res.Revision[i] = false, true
		}
	}
	return nil
}

// rawCP is what decides whether two frames of one (MN, ST, CN, DataTime)
// are the same upload: the CP without the CRC after it (the CRC covers the
// QN, which changes between retries).
func rawCP(frame []byte) []byte {
	i := bytes.Index(frame, []byte("CP=&&"))
	end := len(frame) - 4
	if i < 0 || end < i {
		return frame
	}
	return frame[i:end]
}

// sameFrame reports whether a and b are the same upload (see rawCP).
func sameFrame(a, b rawRecord) bool {
	return a.key() == b.key() && bytes.Equal(rawCP(a.p.Frame), rawCP(b.p.Frame))
}

// mergeRawDay adds late packets to a packed terminal-day, skipping those it
// (or the hot table, during a compaction) already holds.
func (w *writer) mergeRawDay(k rawDayKey, ps []store.RawPacket, idx []int, res *store.IngestResult) error {
	recs, err := loadRawDay(w.ctx, w.tx, k.mn, k.day)
	if err != nil {
		return err
	}
	have := make(map[rawKey][]rawRecord, len(recs))
	for _, r := range recs {
		have[r.key()] = append(have[r.key()], r)
	}
	added := 0
	for _, i := range idx {
		r := newRawRecord(ps[i])
		hot, err := readRawKey(w.ctx, w.tx, r)
		if err != nil {
			return err
		}
		same := slices.ContainsFunc(have[r.key()], func(o rawRecord) bool { return sameFrame(o, r) }) ||
			slices.ContainsFunc(hot, func(o rawRecord) bool { return sameFrame(o, r) })
		if same {
			res.Duplicate[i] = true
			continue
		}
		res.Revision[i] = len(have[r.key()])+len(hot) > 0
		have[r.key()] = append(have[r.key()], r)
		recs = append(recs, r)
		added++
	}
	if added == 0 {
		return nil
	}
	return storeRawDay(w.ctx, w.tx, k.mn, k.day, recs)
}

// readRawKey returns the hot-tier frames with r's (MN, ST, CN, DataTime).
func readRawKey(ctx context.Context, q querier, r rawRecord) ([]rawRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT frame FROM raw_packets WHERE mn = ? AND st = ? AND cn = ? AND dt = ?`,
		r.p.MN, r.p.ST, r.p.CN, r.dt)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rawRecord
	for rows.Next() {
		o := r
		if err := rows.Scan(&o.p.Frame); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func loadRawDay(ctx context.Context, q querier, mn string, day int64) ([]rawRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT blob FROM raw_days WHERE mn = ? AND day = ? ORDER BY part`, mn, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var blob []byte
	for rows.Next() {
		var part []byte
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		blob = append(blob, part...)
	}
	if err := rows.Err(); err != nil || blob == nil {
		return nil, err
	}
	return decodeRawDay(mn, blob)
}

// rawPart is the most blob bytes per raw_days row: with the row's other
// columns it stays under the 4,061 bytes a 4 KiB table page holds locally.
const rawPart = 3900

func storeRawDay(ctx context.Context, q querier, mn string, day int64, recs []rawRecord) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM raw_days WHERE mn = ? AND day = ?`, mn, day); err != nil {
		return err
	}
	blob, n := encodeRawDay(recs), len(recs)
	for part := 0; len(blob) > 0; part++ {
		k := min(len(blob), rawPart)
		if _, err := q.ExecContext(ctx, `INSERT INTO raw_days(mn, day, part, n, blob) VALUES (?, ?, ?, ?, ?)`,
			mn, day, part, n, blob[:k]); err != nil {
			return err
		}
		blob, n = blob[k:], 0
	}
	return nil
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
