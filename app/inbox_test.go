package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// TestInboxCommand: uploads the tables refused at open are listed by
// `powerwatch inbox list`, exported with their frames, stay listed after a
// retry that fails again, and go in with a retry once the cause is gone. The
// backup command opens the database anyway and says what was set aside.
func TestInboxCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pw.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON raw_packets WHEN NEW.mn = 'B'
		BEGIN SELECT RAISE(ABORT, 'B refused'); END`); err != nil {
		t.Fatal(err)
	}
	if err := db.OpenInbox(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 29, 8, 0, 0, 0, store.Beijing)
	frame := func(mn string) []byte { return fixture.Frame(mn, "20261129080000001", at, 40)[:200] }
	b := &store.Batch{Packets: []store.RawPacket{
		{MN: "A", ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: frame("A")},
		{MN: "B", ST: "44", CN: "2011", DataTime: at, ReceivedAt: at, Frame: frame("B")}}}
	if err := db.Append(ctx, b); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := runCLI(t, "backup", "--db", path, "--to", filepath.Join(dir, "backups"))
	if code != 0 || !strings.Contains(errOut, "refused 1 acknowledged uploads of B") {
		t.Fatalf("backup = %d, %q, %q; want a backup and a note naming B", code, out, errOut)
	}
	code, out, _ = runCLI(t, "inbox", "list", "--db", path)
	if code != 0 || !strings.Contains(out, "\tB\t1 packets\t") || !strings.Contains(out, "B refused") {
		t.Fatalf("inbox list = %d, %q", code, out)
	}
	exported := filepath.Join(dir, "failed.hj212")
	if code, out, errOut = runCLI(t, "inbox", "export", exported, "--db", path); code != 0 {
		t.Fatalf("inbox export = %d, %q, %q", code, out, errOut)
	}
	body, _ := os.ReadFile(exported)
	if !strings.Contains(string(body), "mn=B") || !strings.Contains(string(body), string(frame("B"))+"\r\n") {
		t.Errorf("export = %q, want B's header line and frame", body)
	}
	if code, _, errOut = runCLI(t, "inbox", "retry", "--all", "--db", path); code == 0 || !strings.Contains(errOut, "B refused") {
		t.Errorf("retry while the cause persists = %d, %q; want an error naming it", code, errOut)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.SQL().Exec(`DROP TRIGGER refuse_b`)
	db.Close()
	if code, out, errOut = runCLI(t, "inbox", "retry", "--all", "--db", path); code != 0 || !strings.Contains(out, "1 packets moved in (1 new)") {
		t.Errorf("retry = %d, %q, %q", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "inbox", "list", "--db", path); code != 0 || !strings.Contains(out, "no uploads set aside") {
		t.Errorf("list after the retry = %d, %q", code, out)
	}
	if code, _, errOut = runCLI(t, "inbox", "frobnicate", "--db", path); code != 2 || !strings.Contains(errOut, "frobnicate") {
		t.Errorf("unknown action = %d, %q; want usage error", code, errOut)
	}
}
