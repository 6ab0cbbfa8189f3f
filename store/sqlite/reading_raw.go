package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"powerwatch/store"
)

// Raw packets as stored: one row per terminal and Beijing day (the frames
// of a day packed together), a frame with the same MN/ST/CN/DataTime and
// another CP kept beside the first as a revision.

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

func storeRawDay(ctx context.Context, q querier, mn string, day int64, recs []rawRecord) error {
	return writeRawDay(ctx, q, mn, day, len(recs), encodeRawDay(recs))
}
