package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/gen"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

func TestBenchStartup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, store.Beijing)
	if _, err := gen.Generate(t.Context(), db, gen.Config{Points: 10, Days: 2, End: end, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"every phase and part", []string{"bench", "startup", "--db", path}, 0,
			[]string{"service started", "window and screens built", "dashboard filled", "sqlite.OpenWith", "QuickCheck", "integrity check", "TransmissionRate", "TotalEnergy"}},
		{"needs --db", []string{"bench", "startup"}, 2, nil},
		{"needs an existing database", []string{"bench", "startup", "--db", filepath.Join(t.TempDir(), "none.db")}, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d: %s%s", code, tt.wantCode, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output has no %q:\n%s", w, out)
				}
			}
		})
	}
}
