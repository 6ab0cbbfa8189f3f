package service

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/store/sqlite"
)

// TestOneServicePerDatabase: a second service on the same database file is
// refused with a clear error, while the first keeps receiving.
func TestOneServicePerDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.db")
	first := svcRunMain(t, path, nil)
	second := NewMain()
	second.Config.DB, second.Config.Listen = path, "127.0.0.1:0"
	err := second.Run(context.Background())
	second.Close()
	if !errors.Is(err, sqlite.ErrInboxBusy) {
		t.Fatalf("second Run = %v, want ErrInboxBusy", err)
	}
	pts := fixture.Register(t, first.DB, 1)
	c := fixture.Dial(t, first.Addr().String())
	c.Write(fixture.Frame(fixture.MN(0), fixture.QN(0, 0), fixture.T0, 42))
	if p, err := c.Read(10 * time.Second); err != nil || p.CN != "9014" {
		t.Fatalf("first service's reply = %v, %v", p, err)
	}
	if err := first.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	ss, err := first.DB.Samples(t.Context(), pts[fixture.MN(0)], fixture.T0, fixture.T0.Add(time.Minute))
	if err != nil || len(ss) != 1 || ss[0].P != 42 {
		t.Fatalf("samples = %+v, %v; want the upload's", ss, err)
	}
}

// TestIndexerMovesWithoutFlush: without anyone waiting, an acknowledged upload
// reaches the tables within about indexGather.
func TestIndexerMovesWithoutFlush(t *testing.T) {
	m := svcRunMain(t, filepath.Join(t.TempDir(), "idx.db"), nil)
	pts := fixture.Register(t, m.DB, 1)
	c := fixture.Dial(t, m.Addr().String())
	c.Write(fixture.Frame(fixture.MN(0), fixture.QN(0, 0), fixture.T0, 42))
	if _, err := c.Read(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second) // generous: the machine may be loaded
	for {
		ss, err := m.DB.Samples(t.Context(), pts[fixture.MN(0)], fixture.T0, fixture.T0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// The counter follows the move's commit (and the inbox's fsynced
		// delete): wait for both.
		moved, _ := m.IngestStats()
		if len(ss) == 1 && moved == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %d samples in the tables, IngestStats moved = %d; want 1 and 1", len(ss), moved)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
