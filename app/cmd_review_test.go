package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"powerwatch/app/evidence"
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
	// Verified against the installation's key (next to --db), against the
	// fingerprint the bureau published, and with no key to compare with.
	if code, out, errOut := runCLI(t, "alarms", "verify", folder, "--db", path); code != 0 || !strings.Contains(out, "files match the manifest signed by key") {
		t.Errorf("alarms verify = %d, %q %q", code, out, errOut)
	}
	pub, err := os.ReadFile(filepath.Join(folder, evidence.FilePublicKey))
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.TrimSpace(strings.SplitN(string(pub), "fingerprint: ", 2)[1])
	if code, out, errOut := runCLI(t, "alarms", "verify", folder, "--fingerprint", fp); code != 0 || !strings.Contains(out, "files match") {
		t.Errorf("alarms verify --fingerprint = %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "alarms", "verify", folder, "--fingerprint", strings.Repeat("ab", 32)); code != 1 || !strings.Contains(errOut, "signed by key") {
		t.Errorf("alarms verify --fingerprint of another key = %d, %q; want 1", code, errOut)
	}
	if code, out, _ := runCLI(t, "alarms", "verify", folder, "--db", filepath.Join(t.TempDir(), "other.db")); code != 0 || !strings.Contains(out, "no trusted key") {
		t.Errorf("alarms verify with no installation key = %d, %q; want 0 and a warning", code, out)
	}
	os.WriteFile(filepath.Join(folder, "added.txt"), []byte("x"), 0o644)
	if code, _, errOut := runCLI(t, "alarms", "verify", folder, "--db", path); code != 1 || !strings.Contains(errOut, "added.txt") {
		t.Errorf("alarms verify of a folder with an added file = %d, %q; want 1 naming it", code, errOut)
	}
	x, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if as, err := x.FindAudit(t.Context(), store.AuditFilter{Action: "export", Entity: "evidence"}); err != nil || len(as) != 1 || as[0].Who != "李四" {
		t.Errorf("audit of the evidence export = %+v, %v; want one entry by 李四", as, err)
	}
	x.Close()
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
	if code, out, errOut := runCLI(t, "review", "import", pkg, "--db", path); code != 1 ||
		!strings.Contains(out, "already imported alarm 1: confirmed by field7") || !strings.Contains(errOut, "imported before") {
		t.Errorf("second review import = %d, %q %q; want 1 and the decision already applied listed", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "review", "import", pkg, "--db", fixture.AlarmDB(t)); code != 1 || !strings.Contains(errOut, "另一个数据库") {
		t.Errorf("review import into another database = %d, %q; want 1, refused", code, errOut)
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
