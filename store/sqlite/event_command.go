package sqlite

import (
	"context"
	"fmt"

	"powerwatch/store"
)

// SaveCommand inserts c when its ID is 0 and updates it otherwise. It returns
// the command's ID; updating an unknown ID returns store.ErrNotFound.
func (db *DB) SaveCommand(ctx context.Context, c store.Command) (int64, error) {
	args := []any{c.MN, c.CN, c.ST, c.QN, c.CP, string(c.Status), c.Tries, c.QnRtn, c.ExeRtn, c.Result, c.Packets,
		c.Origin, ms(c.CreatedAt), ms(c.SentAt), ms(c.DoneAt)}
	if c.ID == 0 {
		res, err := db.db.ExecContext(ctx, `INSERT INTO commands(mn, cn, st, qn, cp, status, tries, qn_rtn, exe_rtn,
			result, packets, origin, created_at, sent_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return 0, fmt.Errorf("add command %s to %s: %w", c.CN, c.MN, classify(err))
		}
		return res.LastInsertId()
	}
	res, err := db.db.ExecContext(ctx, `UPDATE commands SET mn = ?, cn = ?, st = ?, qn = ?, cp = ?, status = ?, tries = ?,
		qn_rtn = ?, exe_rtn = ?, result = ?, packets = ?, origin = ?, created_at = ?, sent_at = ?, done_at = ?
		WHERE id = ?`, append(args, c.ID)...)
	if err != nil {
		return 0, fmt.Errorf("update command %d: %w", c.ID, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("update command %d: %w", c.ID, store.ErrNotFound)
	}
	return c.ID, nil
}

// Commands returns the commands of mn (every terminal's when mn is empty),
// newest first, at most limit of them (all when limit ≤ 0).
func (db *DB) Commands(ctx context.Context, mn string, limit int) ([]store.Command, error) {
	q := `SELECT id, mn, cn, st, qn, cp, status, tries, qn_rtn, exe_rtn, result, packets, origin,
		created_at, sent_at, done_at FROM commands WHERE (? = '' OR mn = ?) ORDER BY id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	return db.queryCommands(ctx, q, mn, mn)
}

// OpenCommands returns the commands not yet finished, oldest first, so that a
// restarted listener picks them up again.
func (db *DB) OpenCommands(ctx context.Context) ([]store.Command, error) {
	return db.queryCommands(ctx, `SELECT id, mn, cn, st, qn, cp, status, tries, qn_rtn, exe_rtn, result, packets,
		origin, created_at, sent_at, done_at FROM commands WHERE status IN ('queued', 'sent', 'accepted') ORDER BY id`)
}

func (db *DB) queryCommands(ctx context.Context, q string, args ...any) ([]store.Command, error) {
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list commands: %w", classify(err))
	}
	defer rows.Close()
	var out []store.Command
	for rows.Next() {
		var c store.Command
		var status string
		var created, sent, done int64
		if err := rows.Scan(&c.ID, &c.MN, &c.CN, &c.ST, &c.QN, &c.CP, &status, &c.Tries, &c.QnRtn, &c.ExeRtn,
			&c.Result, &c.Packets, &c.Origin, &created, &sent, &done); err != nil {
			return nil, fmt.Errorf("list commands: %w", err)
		}
		c.Status = store.CommandStatus(status)
		c.CreatedAt, c.SentAt, c.DoneAt = fromMS(created), fromMS(sent), fromMS(done)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list commands: %w", classify(err))
	}
	return out, nil
}
