package sqlite

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// TestExportQueries ensures every entity's export query is valid SQL against
// the migrated schema (most run only once such an entity exists).
func TestExportQueries(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for entity, q := range exportQueries {
		var s string
		if err := db.db.QueryRowContext(t.Context(), q, 1).Scan(&s); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("export query of %s on an empty database: %v, want no rows", entity, err)
		}
	}
}
