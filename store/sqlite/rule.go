package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"powerwatch/store"
)

// SaveRuleSet stores rs as the next version of the rule parameters, created by
// who now, and sets rs.Version and rs.CreatedAt. Versions are never changed:
// every alarm keeps the version it was raised under.
func (db *DB) SaveRuleSet(ctx context.Context, who string, rs *store.RuleSet) error {
	if err := rs.Validate(); err != nil {
		return fmt.Errorf("save rule set: %w", err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM rule_sets`).Scan(&v); err != nil {
			return fmt.Errorf("save rule set: %w", err)
		}
		next := *rs
		next.Version, next.CreatedAt, next.CreatedBy = v, norm(db.Now()), who
		b, err := json.Marshal(next)
		if err != nil {
			return fmt.Errorf("save rule set: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rule_sets(version, params, created_at, created_by, note) VALUES (?, ?, ?, ?, ?)`,
			v, string(b), ms(next.CreatedAt), who, rs.Note); err != nil {
			return fmt.Errorf("save rule set v%d: %w", v, err)
		}
		if err := db.audit(ctx, tx, who, "create", "rule_set", int64(v), nil, next); err != nil {
			return err
		}
		*rs = next
		return nil
	})
}

// CurrentRuleSet returns the newest rule set, or store.ErrNotFound when none
// was saved (the caller then uses alarms.DefaultRules).
func (db *DB) CurrentRuleSet(ctx context.Context) (store.RuleSet, error) {
	return db.ruleSet(ctx, `SELECT params FROM rule_sets ORDER BY version DESC LIMIT 1`, "current")
}

// RuleSetVersion returns rule set version v.
func (db *DB) RuleSetVersion(ctx context.Context, v int) (store.RuleSet, error) {
	return db.ruleSet(ctx, `SELECT params FROM rule_sets WHERE version = ?`, v, v)
}

func (db *DB) ruleSet(ctx context.Context, q string, args ...any) (store.RuleSet, error) {
	key := args[len(args)-1]
	var params string
	if err := notFound(db.db.QueryRowContext(ctx, q, args[:len(args)-1]...).Scan(&params), "rule set", key); err != nil {
		return store.RuleSet{}, err
	}
	var rs store.RuleSet
	if err := json.Unmarshal([]byte(params), &rs); err != nil {
		return store.RuleSet{}, fmt.Errorf("rule set %v: %w: %v", key, store.ErrCorrupt, err)
	}
	return rs, nil
}

// RuleSetHistory returns every rule set, newest first.
func (db *DB) RuleSetHistory(ctx context.Context) ([]store.RuleSet, error) {
	out, err := queryAll(ctx, db.db, func(s scanner) (store.RuleSet, error) {
		var params string
		var rs store.RuleSet
		if err := s.Scan(&params); err != nil {
			return rs, err
		}
		err := json.Unmarshal([]byte(params), &rs)
		return rs, err
	}, `SELECT params FROM rule_sets ORDER BY version DESC`)
	if err != nil {
		return nil, fmt.Errorf("rule set history: %w", err)
	}
	return out, nil
}
