package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestReviewCommands goes the officer's way on the command line: evidence of
// the alarm, verified; a review package out, a decision made in it, back in;
// then a second decision on both sides is a conflict until resolved.
func TestReviewCommands(t *testing.T) {
	path := fixture.AlarmDB(t)
	if code, out, errOut := runCLI(t, "alarms", "evaluate", "--db", path, "--from", "2026-11-28", "--to", "2026-11-29"); code != 0 {
		t.Fatalf("alarms evaluate = %d, %q %q", code, out, errOut)
	}
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "alarms", "evidence", "1", "--out", dir, "--zip", "--db", path, "--who", "李四")
	if code != 0 {
		t.Fatalf("alarms evidence = %d, %q %q", code, out, errOut)
	}
	folder := strings.TrimSpace(out)
	if _, err := os.Stat(folder + ".zip"); err != nil {
		t.Errorf("no zip next to %s: %v", folder, err)
	}
	if code, out, errOut := runCLI(t, "alarms", "verify", folder); code != 0 || !strings.Contains(out, "files match") {
		t.Errorf("alarms verify = %d, %q %q", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "alarms", "evidence", "x", "--out", dir, "--db", path); code != 2 {
		t.Errorf("alarms evidence x = %d, want 2 (usage)", code)
	}

	pkg := filepath.Join(t.TempDir(), "review.pwreview")
	if code, out, errOut := runCLI(t, "review", "export", "--out", pkg, "--from", "2026-11-28", "--to", "2026-11-29", "--db", path); code != 0 || !strings.Contains(out, " alarms / 条报警") {
		t.Fatalf("review export = %d, %q %q", code, out, errOut)
	}
	review := func(db string, d store.Disposition, who string) {
		t.Helper()
		x, err := sqlite.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if _, err := x.ReviewAlarm(t.Context(), 1, d, "", who); err != nil {
			t.Fatal(err)
		}
	}
	review(pkg, store.Confirmed, "field7")
	if code, out, errOut := runCLI(t, "review", "import", pkg, "--db", path); code != 0 || !strings.Contains(out, "imported 1 reviews") {
		t.Fatalf("review import = %d, %q %q", code, out, errOut)
	}
	review(pkg, store.Filed, "field7")
	review(path, store.DeviceFault, "office2")
	if code, out, _ := runCLI(t, "review", "import", pkg, "--db", path); code != 1 || !strings.Contains(out, "conflict alarm 1") {
		t.Errorf("review import with a conflict = %d, %q; want 1 and the conflict listed", code, out)
	}
	if code, out, errOut := runCLI(t, "review", "import", pkg, "--db", path, "--keep-office", "1"); code != 0 || !strings.Contains(out, "set aside 1") {
		t.Errorf("review import --keep-office 1 = %d, %q %q", code, out, errOut)
	}
}
