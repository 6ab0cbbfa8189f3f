package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/evidence"
	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestPackageService starts the laptop's service on a review package and
// refuses an ordinary database or a missing file (never creating one).
func TestPackageService(t *testing.T) {
	path := fixture.AlarmDB(t)
	if code, _, errOut := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28", "--to", "2026-11-29"); code != 0 {
		t.Fatal(errOut)
	}
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(t.TempDir(), "p.pwreview")
	if _, err := db.ExportReviewPackage(t.Context(), "office", pkg, store.AlarmFilter{}, time.Hour); err != nil {
		t.Fatal(err)
	}
	db.Close()

	keys := t.TempDir()
	svc := &packageService{path: pkg, keyDir: keys}
	if err := svc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := svc.UIDeps()
	if d.Review == nil || d.Alarms == nil || d.Commands != nil || d.Quarantine != nil {
		t.Errorf("package deps: review %v alarms %v commands %v quarantine %v; want the store only", d.Review != nil, d.Alarms != nil, d.Commands != nil, d.Quarantine != nil)
	}
	if as, err := d.Alarms.FindAlarms(t.Context(), store.AlarmFilter{}); err != nil || len(as) == 0 {
		t.Errorf("alarms in the package: %d, %v", len(as), err)
	}
	// Evidence exported on the laptop is signed with the laptop's key, kept
	// in its data folder and not next to the package.
	as, _ := d.Alarms.FindAlarms(t.Context(), store.AlarmFilter{})
	folder, err := d.Evidence.ExportEvidence(t.Context(), as[0].ID, t.TempDir(), "field7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(keys, evidence.KeyFile)); err != nil {
		t.Errorf("laptop signing key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(pkg), evidence.KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a signing key next to the package: %v", err)
	}
	if code, out, errOut := runCLI(t, "alarms", "verify", folder, "--db", filepath.Join(keys, "powerwatch.db")); code != 0 || !strings.Contains(out, "signed by key") {
		t.Errorf("verify of laptop evidence against the laptop key = %d, %q %q", code, out, errOut)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := (&packageService{path: path}).Start(t.Context()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("start on the office database = %v, want not a package", err)
	}
	if err := (&packageService{path: filepath.Join(t.TempDir(), "none.pwreview")}).Start(t.Context()); err == nil {
		t.Error("start on a missing file succeeded")
	}
}
