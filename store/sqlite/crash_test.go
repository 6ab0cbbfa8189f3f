//go:build unix

package sqlite_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// The child process of TestKillAtCrashPoints: it receives into the database
// at $CRASH_DB and kills itself with SIGKILL at the $CRASH_AT-th passage of
// crash point $CRASH_POINT, printing "acked N" once batch N was appended
// (the moment the listener sends its 9014).
func TestCrashChild(t *testing.T) {
	path := os.Getenv("CRASH_DB")
	if path == "" {
		t.Skip("run by TestKillAtCrashPoints")
	}
	point := os.Getenv("CRASH_POINT")
	at, _ := strconv.Atoi(os.Getenv("CRASH_AT"))
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.OpenInbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := fixtureOf(t, db)
	seen := 0
	sqlite.SetCrashAt(db, func(p string) bool {
		if p == point {
			if seen++; seen == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL) // no defer, no close: a power cut for the process
			}
		}
		return false
	})
	for i, b := range f.liveBatches(12) {
		if err := db.Append(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("acked %d\n", i)
		if i%3 == 2 {
			indexAll(t, db, 7)
		}
	}
}

// fixtureOf finds the registry mustReadings wrote in db.
func fixtureOf(t *testing.T, db *sqlite.DB) *readingsFixture {
	f := &readingsFixture{db: db, mn: "010000A8900016F000169DC0"}
	for _, row := range queryRows(t, db, `SELECT id, facility_id FROM points ORDER BY id`) {
		f.points = append(f.points, row[0].(int64))
		f.facs = append(f.facs, row[1].(int64))
	}
	return f
}

// TestKillAtCrashPoints: a service process killed (SIGKILL) right after the
// inbox's commit, before the 9014; right after a move's commit, before the
// inbox forgets the entries; or right after that delete, loses nothing it
// acknowledged and stores nothing twice, once the terminals re-send what was
// not acknowledged.
func TestKillAtCrashPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	direct := mustReadings(t, 3)
	batches := direct.liveBatches(12)
	for _, b := range batches {
		mustIngest(t, direct.db, b)
	}
	want := tables(t, direct)
	for _, tt := range []struct {
		point string
		at    int
	}{{"appended", 2}, {"appended", 7}, {"moved", 1}, {"moved", 3}, {"deleted", 2}} {
		t.Run(fmt.Sprintf("%s#%d", tt.point, tt.at), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pw.db")
			db, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			copyRegistry(t, direct, &readingsFixture{db: db})
			db.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
			cmd.Env = append(os.Environ(), "CRASH_DB="+path, "CRASH_POINT="+tt.point, fmt.Sprintf("CRASH_AT=%d", tt.at))
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := -1
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if n, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
					acked, _ = strconv.Atoi(n)
				}
			}
			err = cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child ended with %v, want killed at %s#%d", err, tt.point, tt.at)
			}
			db, err = sqlite.Open(t.Context(), path) // the next start
			if err != nil {
				t.Fatalf("open after the kill: %v", err)
			}
			defer db.Close()
			f := fixtureOf(t, db)
			var stored int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM raw_packets`).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if n := packetsIn(batches[:acked+1]); stored < n {
				t.Errorf("after the kill: %d raw packets, want at least the %d acknowledged", stored, n)
			}
			if err := db.OpenInbox(t.Context()); err != nil {
				t.Fatal(err)
			}
			for _, b := range batches[acked+1:] { // re-sent, as they were not acknowledged
				mustAppend(t, db, b)
			}
			indexAll(t, db, 1000)
			if got := tables(t, f); !slices.Equal(got, want) {
				t.Errorf("after the kill and the re-sends: %d rows, want %d as ingested directly", len(got), len(want))
			}
		})
	}
}

// packetsIn counts the distinct packets of bs (a batch re-sends the previous slot).
func packetsIn(bs []*store.Batch) int {
	seen := map[string]bool{}
	for _, b := range bs {
		for _, p := range b.Packets {
			seen[p.MN+p.DataTime.String()] = true
		}
	}
	return len(seen)
}
