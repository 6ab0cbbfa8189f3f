package instance

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSingleInstance: a second start raises the first's window and does not
// run; after the first ends, or with a stale file, a start runs.
func TestSingleInstance(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	first, raised, err := Claim(ctx, dir)
	if err != nil || raised {
		t.Fatalf("first start: raised %v, %v", raised, err)
	}
	raisedN := 0
	first.OnRaise(func() { raisedN++ })
	second, raised, err := Claim(ctx, dir)
	if err != nil || !raised || second != nil {
		t.Fatalf("second start: raised %v, %v", raised, err)
	}
	if raisedN != 1 {
		t.Errorf("the first app was asked to raise %d times, want 1", raisedN)
	}
	// A request without the token is ignored.
	path := filepath.Join(dir, FileName)
	data, _ := os.ReadFile(path)
	forged := filepath.Join(t.TempDir(), FileName)
	addr := string(data[:len(data)-34]) // "addr token\n", the token 32 hex digits
	if err := os.WriteFile(forged, []byte(addr+" 00000000000000000000000000000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if raiseRunning(ctx, forged) || raisedN != 1 {
		t.Error("a request with the wrong token raised the window")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the instance file stays after the app ended: %v", err)
	}
	// A file left by an app that died: nobody answers, the start runs.
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	third, raised, err := Claim(ctx, dir)
	if err != nil || raised {
		t.Fatalf("start over a stale file: raised %v, %v", raised, err)
	}
	third.Close()
}

// TestRaiseBeforeWindow: a raise that comes before the window exists is
// carried out once the window is there.
func TestRaiseBeforeWindow(t *testing.T) {
	dir := t.TempDir()
	first, _, err := Claim(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, raised, _ := Claim(t.Context(), dir); !raised {
		t.Fatal("second start not told of the first")
	}
	n := 0
	first.OnRaise(func() { n++ })
	if n != 1 {
		t.Errorf("pending raise carried out %d times, want 1", n)
	}
}
