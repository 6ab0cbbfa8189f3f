package sqlite_test

import "testing"

// TestMigrationRegistry checks that Open applies 0002 and that its constraints
// hold at the SQL level, independent of the Go methods.
func TestMigrationRegistry(t *testing.T) {
	db := MustOpenDB(t)
	sqldb := db.SQL()
	exec := func(q string, args ...any) error {
		_, err := sqldb.ExecContext(t.Context(), q, args...)
		return err
	}
	mustExec := func(q string, args ...any) {
		t.Helper()
		if err := exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var v int
	if err := sqldb.QueryRow("SELECT count(*) FROM schema_migrations WHERE version = 2").Scan(&v); err != nil || v != 1 {
		t.Fatalf("migration 2 recorded %d times, err %v", v, err)
	}
	mustExec(`INSERT INTO enterprises(id, name) VALUES (1, 'E')`)
	mustExec(`INSERT INTO facilities(id, enterprise_id, name, kind) VALUES (1, 1, 'P', 'production'), (2, 1, 'T', 'treatment')`)
	mustExec(`INSERT INTO terminals(id, mn) VALUES (1, '010000A8900016F000169DC0')`)
	mustExec(`INSERT INTO points(id, terminal_id, facility_id, power_code, current_code) VALUES (1, 1, 1, 'p1', 'i1')`)

	bad := []struct {
		name string
		q    string
	}{
		{"unknown kind", `INSERT INTO facilities(enterprise_id, name, kind) VALUES (1, 'X', 'boiler')`},
		{"duplicate facility name", `INSERT INTO facilities(enterprise_id, name, kind) VALUES (1, 'P', 'production')`},
		{"duplicate MN", `INSERT INTO terminals(mn) VALUES ('010000A8900016F000169DC0')`},
		{"code reused by another point", `INSERT INTO points(terminal_id, facility_id, energy_code) VALUES (1, 2, 'i1')`},
		{"facility of no enterprise", `INSERT INTO facilities(enterprise_id, name, kind) VALUES (9, 'Y', 'treatment')`},
		{"self link", `INSERT INTO links(production_id, treatment_id) VALUES (1, 1)`},
		{"run below stop", `INSERT INTO thresholds(facility_id, stop, run, effective_from) VALUES (1, 5, 1, 0)`},
	}
	for _, b := range bad {
		if err := exec(b.q); err == nil {
			t.Errorf("%s: accepted", b.name)
		}
	}
	// Updating a point moves its codes: the old one is free again.
	mustExec(`UPDATE points SET current_code = 'i2' WHERE id = 1`)
	mustExec(`INSERT INTO points(terminal_id, facility_id, current_code) VALUES (1, 2, 'i1')`)

	mustExec(`INSERT INTO audit_log(at, who, action, entity) VALUES (1, 'test', 'create', 'enterprise')`)
	for _, q := range []string{`UPDATE audit_log SET who = 'x'`, `DELETE FROM audit_log`} {
		err := exec(q)
		if err == nil {
			t.Errorf("%s: accepted on the append-only log", q)
		}
	}
}
