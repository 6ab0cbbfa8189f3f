package sqlite_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"powerwatch/store"
)

// TestTerminalStates ensures a saved state reads back unchanged and a second
// save of the same MN replaces the first.
func TestTerminalStates(t *testing.T) {
	db := MustOpenDB(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s := store.TerminalState{MN: "A1", Online: true, LastSeen: at, LastData: at.Add(-time.Minute), RemoteAddr: "1.2.3.4:5",
		Protocol: "2017", Drift: -90 * time.Second, Interval: 5 * time.Minute, ConnectedAt: at.Add(-time.Hour)}
	if err := db.SaveTerminalStates(t.Context(), []store.TerminalState{s}); err != nil {
		t.Fatal(err)
	}
	s.Online, s.OutageFrom = false, at
	if err := db.SaveTerminalStates(t.Context(), []store.TerminalState{s}); err != nil {
		t.Fatal(err)
	}
	got, err := db.TerminalStates(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.TerminalState{s}, got); diff != "" {
		t.Errorf("TerminalStates mismatch (-want +got):\n%s", diff)
	}
}

// TestTerminalEvents ensures events are filtered by MN and kind, newest first.
func TestTerminalEvents(t *testing.T) {
	db := MustOpenDB(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	evs := []store.TerminalEvent{
		{MN: "A", Kind: store.EventConnect, At: at},
		{MN: "A", Kind: store.EventDrift, At: at.Add(time.Minute), Detail: "drift 75s"},
		{MN: "B", Kind: store.EventConnect, At: at.Add(2 * time.Minute)},
	}
	if err := db.AddTerminalEvents(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	got, err := db.TerminalEvents(t.Context(), store.TerminalEventFilter{MN: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Kind != store.EventDrift || got[0].Detail != "drift 75s" || !got[0].At.Equal(evs[1].At) {
		t.Errorf("TerminalEvents(A) = %+v", got)
	}
	got, err = db.TerminalEvents(t.Context(), store.TerminalEventFilter{Kinds: []string{store.EventConnect}, From: at.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].MN != "B" {
		t.Errorf("TerminalEvents(connect, from) = %+v", got)
	}
}

// TestQuarantine ensures repeated packets of one MN merge into one row with the
// earliest first-seen, the newest sample and the summed count.
func TestQuarantine(t *testing.T) {
	db := MustOpenDB(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	q1 := store.QuarantinedPacket{MN: "X", Reason: "unregistered", RemoteAddr: "a:1", FirstSeen: at, LastSeen: at, Count: 2, Sample: []byte("one")}
	q2 := store.QuarantinedPacket{MN: "X", Reason: "unregistered", RemoteAddr: "b:2", FirstSeen: at.Add(time.Hour), LastSeen: at.Add(time.Hour), Count: 1, Sample: []byte("two")}
	for _, q := range []store.QuarantinedPacket{q1, q2} {
		if err := db.AddQuarantined(t.Context(), []store.QuarantinedPacket{q}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Quarantined(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []store.QuarantinedPacket{{MN: "X", Reason: "unregistered", RemoteAddr: "b:2", FirstSeen: at, LastSeen: at.Add(time.Hour), Count: 3, Sample: []byte("two")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Quarantined mismatch (-want +got):\n%s", diff)
	}
	if err := db.DeleteQuarantined(t.Context(), "X"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteQuarantined(t.Context(), "X"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteQuarantined = %v, want ErrNotFound", err)
	}
}

// TestCommands ensures a command is inserted, updated in place, and leaves the
// open list once final.
func TestCommands(t *testing.T) {
	db := MustOpenDB(t)
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c := store.Command{MN: "A", CN: "1062", CP: "RtdInterval=300", Status: store.CommandQueued, Origin: "tester", CreatedAt: at}
	id, err := db.SaveCommand(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	open, err := db.OpenCommands(t.Context())
	if err != nil || len(open) != 1 || open[0].ID != id {
		t.Fatalf("OpenCommands = %+v, %v", open, err)
	}
	c.ID, c.Status, c.QN, c.Tries, c.QnRtn, c.ExeRtn, c.SentAt, c.DoneAt = id, store.CommandDone, "20260301080000000", 1, 1, 1, at, at.Add(time.Second)
	if _, err := db.SaveCommand(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	got, err := db.Commands(t.Context(), "A", 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.Command{c}, got); diff != "" {
		t.Errorf("Commands mismatch (-want +got):\n%s", diff)
	}
	if open, _ := db.OpenCommands(t.Context()); len(open) != 0 {
		t.Errorf("OpenCommands after done = %+v", open)
	}
	if _, err := db.SaveCommand(t.Context(), store.Command{ID: 99, MN: "A", CN: "1", Status: store.CommandDone, CreatedAt: at}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SaveCommand(unknown id) = %v, want ErrNotFound", err)
	}
}
