package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"powerwatch/store"
)

// Split uploads (HJ212-2017 Table 3, C.49/C.50): each part is a frame of its
// own, acknowledged and stored on its own. The listener assembles the parts;
// split_parts (migration 0014) keeps those of messages it has not assembled
// yet, so that it can take them up again after a restart.

// splitHeader reads Flag, PNUM and PNO from the header of a stored frame (the
// fields before "CP=&&", by name, in any order). ok is true for a part of a
// split upload: Flag bit D set and 1 ≤ PNO ≤ PNUM, PNUM > 1.
func splitHeader(frame []byte) (pnum, pno int, ok bool) {
	end := bytes.Index(frame, []byte("CP=&&"))
	if end < 6 || !bytes.Contains(frame[6:end], []byte("PNUM=")) {
		return 0, 0, false // nearly every frame: not split
	}
	var flag int
	for _, f := range bytes.Split(frame[6:end], []byte(";")) {
		k, v, found := bytes.Cut(f, []byte("="))
		if !found {
			continue
		}
		n, err := strconv.Atoi(string(v))
		if err != nil {
			continue
		}
		switch string(k) {
		case "Flag":
			flag = n
		case "PNUM":
			pnum = n
		case "PNO":
			pno = n
		}
	}
	return pnum, pno, flag&2 != 0 && pnum > 1 && pno >= 1 && pno <= pnum
}

// keepSplitParts records the new packets of ps that are parts of split
// uploads in split_parts; a part stored already is skipped.
func (w *writer) keepSplitParts(ps []store.RawPacket, dup []bool) error {
	for i, p := range ps {
		if dup[i] || p.DataTime.IsZero() {
			continue
		}
		pnum, pno, ok := splitHeader(p.Frame)
		if !ok {
			continue
		}
		_, err := w.tx.ExecContext(w.ctx, `INSERT INTO split_parts(mn, st, cn, dt, pnum, pno, received_at, frame)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			p.MN, p.ST, p.CN, ms(p.DataTime), pnum, pno, ms(p.ReceivedAt), p.Frame)
		if err != nil {
			return fmt.Errorf("keep part %d/%d of %s CN %s: %w", pno, pnum, p.MN, p.CN, err)
		}
	}
	return nil
}

// PendingSplitParts returns the parts of split uploads the listener has not
// assembled yet, oldest first.
func (db *DB) PendingSplitParts(ctx context.Context) ([]store.SplitPart, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT mn, st, cn, dt, pnum, pno, received_at, frame FROM split_parts
		ORDER BY received_at, mn, pno`)
	if err != nil {
		return nil, fmt.Errorf("pending split parts: %w", classify(err))
	}
	defer rows.Close()
	var out []store.SplitPart
	for rows.Next() {
		var p store.SplitPart
		var dt, recv int64
		if err := rows.Scan(&p.MN, &p.ST, &p.CN, &dt, &p.PNUM, &p.PNO, &recv, &p.Frame); err != nil {
			return nil, fmt.Errorf("pending split parts: %w", err)
		}
		p.DataTime, p.ReceivedAt = fromMS(dt), fromMS(recv)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending split parts: %w", classify(err))
	}
	return out, nil
}

// DoneSplitParts forgets the parts of the messages of ps (by MN, ST, CN,
// DataTime and PNUM; PNO and frame are ignored): the listener assembled
// them, or closed them incomplete. The parts' frames stay in the raw packets.
func (db *DB) DoneSplitParts(ctx context.Context, ps []store.SplitPart) error {
	if len(ps) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, p := range ps {
			if _, err := tx.ExecContext(ctx, `DELETE FROM split_parts WHERE mn = ? AND st = ? AND cn = ? AND dt = ? AND pnum = ?`,
				p.MN, p.ST, p.CN, ms(p.DataTime), p.PNUM); err != nil {
				return fmt.Errorf("forget split parts of %s CN %s: %w", p.MN, p.CN, classify(err))
			}
		}
		return nil
	})
}
