package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/benchui"
	"powerwatch/app/gen"
	"powerwatch/app/judge"
	"powerwatch/app/service"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestBenchUI runs every interaction of `bench ui` once on a small generated
// district, so the harness cannot rot: each must run without an error shown
// and leave its screen filled, and the command prints one line for each.
func TestBenchUI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	if _, err := gen.Generate(t.Context(), db, gen.Config{Points: 12, Days: 8, End: end, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	// A 停产 order nobody follows, judged and then deleted: the queue has
	// alarms to open, and the bench its own episode to add.
	ents, err := db.FindEnterprises(t.Context(), store.EnterpriseFilter{})
	if err != nil || len(ents) == 0 {
		t.Fatalf("enterprises: %d, %v", len(ents), err)
	}
	o := store.Order{EnterpriseID: ents[0].ID, Kind: store.Shutdown, Level: store.Red, Start: end.AddDate(0, 0, -3), End: end.AddDate(0, 0, -2)}
	if err := db.CreateOrder(t.Context(), "test", &o); err != nil {
		t.Fatal(err)
	}
	if _, err := judge.EvaluateStored(t.Context(), db, end.AddDate(0, 0, -8), end); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOrder(t.Context(), "test", o.ID); err != nil {
		t.Fatal(err)
	}
	m := service.NewMain()
	m.Config.DB, m.DB = path, db
	rs, err := benchui.Run(t.Context(), benchui.Config{Deps: benchDeps(m), Orders: db, Now: end.Add(-time.Minute), Rounds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 19 {
		t.Errorf("%d interactions ran, want every one of them (19)", len(rs))
	}
	for _, r := range rs {
		if r.Err != "" || !r.Filled || len(r.Times) != 1 {
			t.Errorf("%s: error %q, filled %v, %d rounds; shown %q", r.Name, r.Err, r.Filled, len(r.Times), r.Shown)
		}
	}
	// The bench's own episode is gone again.
	if os, err := db.FindOrders(t.Context(), store.OrderFilter{}); err != nil || len(os) != 0 {
		t.Errorf("orders after the run: %d, %v; want the bench episode deleted", len(os), err)
	}
	db.Close()

	code, out, errs := runCLI(t, "bench", "ui", "--db", path, "--rounds", "1", "--only", "统计")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	for _, w := range []string{"median", "p95", "统计 by month", "统计 by day", "统计 昼夜对比"} {
		if !strings.Contains(out, w) {
			t.Errorf("output has no %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "曲线") {
		t.Errorf("--only 统计 ran other interactions:\n%s", out)
	}
	if code, _, _ := runCLI(t, "bench", "ui"); code != 2 {
		t.Errorf("bench ui without --db: exit %d, want 2", code)
	}
}
