package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"powerwatch/store"
)

// CheckFile opens the database file at path read-only and runs PRAGMA
// quick_check on it, without migrating or changing it: the test a backup
// must pass before older ones are pruned.
func CheckFile(ctx context.Context, path string) error {
	sqldb, err := sql.Open("sqlite", path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	defer sqldb.Close()
	var problems []string
	rows, err := sqldb.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("check %s: %w", path, classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("check %s: %w", path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check %s: %w", path, classify(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("check %s: %w: %s", path, store.ErrCorrupt, strings.Join(problems, "; "))
	}
	var n int
	if err := sqldb.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return fmt.Errorf("check %s: not a powerwatch database: %w", path, classify(err))
	}
	return nil
}
