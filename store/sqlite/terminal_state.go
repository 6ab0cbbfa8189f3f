package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"powerwatch/store"
)

// SaveTerminalStates writes the listener's view of terminals, replacing what was
// stored for the same MNs, in one transaction.
func (db *DB) SaveTerminalStates(ctx context.Context, states []store.TerminalState) error {
	if len(states) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO terminal_state
			(mn, online, last_seen, last_data, remote_addr, protocol, drift_ms, interval_s, connected_at, outage_from,
			rejected, reject_reason, rejected_at, incomplete)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, s := range states {
			if _, err := stmt.ExecContext(ctx, s.MN, s.Online, ms(s.LastSeen), ms(s.LastData), s.RemoteAddr, s.Protocol,
				s.Drift.Milliseconds(), int64(s.Interval/time.Second), ms(s.ConnectedAt), ms(s.OutageFrom),
				s.Rejected, s.RejectReason, ms(s.RejectedAt), s.Incomplete); err != nil {
				return fmt.Errorf("save state of %s: %w", s.MN, err)
			}
		}
		return nil
	})
}

// TerminalStates returns every stored terminal state, ordered by MN.
func (db *DB) TerminalStates(ctx context.Context) ([]store.TerminalState, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT mn, online, last_seen, last_data, remote_addr, protocol,
		drift_ms, interval_s, connected_at, outage_from, rejected, reject_reason, rejected_at, incomplete
		FROM terminal_state ORDER BY mn`)
	if err != nil {
		return nil, fmt.Errorf("list terminal states: %w", classify(err))
	}
	defer rows.Close()
	var out []store.TerminalState
	for rows.Next() {
		var s store.TerminalState
		var seen, data, drift, interval, conn, outage, rejAt int64
		if err := rows.Scan(&s.MN, &s.Online, &seen, &data, &s.RemoteAddr, &s.Protocol, &drift, &interval, &conn, &outage,
			&s.Rejected, &s.RejectReason, &rejAt, &s.Incomplete); err != nil {
			return nil, fmt.Errorf("list terminal states: %w", err)
		}
		s.LastSeen, s.LastData, s.ConnectedAt, s.OutageFrom = fromMS(seen), fromMS(data), fromMS(conn), fromMS(outage)
		s.Drift = time.Duration(drift) * time.Millisecond
		s.RejectedAt = fromMS(rejAt)
		s.Interval = time.Duration(interval) * time.Second
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list terminal states: %w", classify(err))
	}
	return out, nil
}
