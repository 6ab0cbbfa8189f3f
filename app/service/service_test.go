package service

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/listener"
	"powerwatch/store"
)

// svcRunMain starts Main on 127.0.0.1:0 with a database in a temp folder.
func svcRunMain(tb testing.TB, dbPath string, edit func(*Config)) *Main {
	tb.Helper()
	m := NewMain()
	m.Config.DB = dbPath
	m.Config.Listen = "127.0.0.1:0"
	if edit != nil {
		edit(&m.Config)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return m
}

// TestServiceEndToEnd runs the real wiring (Main: SQLite file, listener on
// 127.0.0.1) and checks the 9014 replies, the stored packets and samples, the
// duplicate handling and the quarantine.
func TestServiceEndToEnd(t *testing.T) {
	m := svcRunMain(t, filepath.Join(t.TempDir(), "e2e.db"), nil)
	pts := fixture.Register(t, m.DB, 1)
	mn := fixture.MN(0)
	c := fixture.Dial(t, m.Addr().String())

	for slot := range 3 {
		c.Write(fixture.Frame(mn, fixture.QN(0, slot), fixture.T0.Add(time.Duration(slot)*5*time.Minute), 50+float64(slot)))
	}
	c.Write(fixture.Frame(fixture.MN(99), fixture.QN(99, 0), fixture.T0, 1))           // unregistered: quarantined, no reply
	c.Write([]byte("##09x9garbage\r\n"))                                               // bad frame: skipped
	c.Write(fixture.Frame(mn, fixture.QN(0, 10), fixture.T0, 50))                      // re-send of slot 0 with a new QN: acknowledged
	c.Write(fixture.Frame(mn, fixture.QN(0, 3), fixture.T0.Add(15*time.Minute), 53.5)) // and one more new slot
	want := []string{fixture.QN(0, 0), fixture.QN(0, 1), fixture.QN(0, 2), fixture.QN(0, 10), fixture.QN(0, 3)}
	for _, qn := range want {
		p, err := c.Read(10 * time.Second)
		if err != nil {
			t.Fatalf("waiting for 9014 %s: %v", qn, err)
		}
		if p.CN != "9014" || p.QN != qn || p.ST != "91" || p.MN != mn {
			t.Fatalf("reply CN=%s QN=%s ST=%s MN=%s, want 9014 QN=%s ST=91", p.CN, p.QN, p.ST, p.MN, qn)
		}
	}

	ctx := t.Context()
	if err := m.Flush(ctx); err != nil { // acknowledged means in the inbox; the tables follow
		t.Fatal(err)
	}
	raw, err := m.DB.RawPackets(ctx, mn, fixture.T0.Add(-time.Hour), fixture.T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 4 {
		t.Errorf("stored %d raw packets, want 4 (the re-send is a duplicate)", len(raw))
	}
	samples, err := m.DB.Samples(ctx, pts[mn], fixture.T0.Add(-time.Hour), fixture.T0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 4 || samples[3].P != 53.5 || samples[0].U != 220.1 || samples[0].PF != 0.92 {
		t.Errorf("samples = %+v, want 4 with P, U and PF from the frames", samples)
	}
	st := m.Listener.Stats()
	if moved, dups := m.IngestStats(); moved != 5 || dups != 1 {
		t.Errorf("moved %d uploads into the tables, %d of them re-sends; want 5 and 1", moved, dups)
	}
	if st.Acked != 5 || st.Quarantined != 1 || st.BadFrames == 0 {
		t.Errorf("Stats = %+v", st)
	}
	q, err := m.Listener.Quarantine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].MN != fixture.MN(99) || !strings.Contains(string(q[0].Sample), "MN="+fixture.MN(99)) {
		t.Errorf("Quarantine = %+v, want the unregistered MN with its frame", q)
	}
	// The officer's one action: register the quarantined MN; its next packet is accepted.
	err = m.Listener.RegisterFromQuarantine(ctx, fixture.MN(99), func(ctx context.Context, q store.QuarantinedPacket) error {
		return m.DB.CreateTerminal(ctx, "officer", &store.Terminal{MN: q.MN, Password: fixture.PW})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Write(fixture.Frame(fixture.MN(99), fixture.QN(99, 1), fixture.T0, 1))
	if p, err := c.Read(10 * time.Second); err != nil || p.CN != "9014" || p.QN != fixture.QN(99, 1) {
		t.Fatalf("after registering from quarantine: reply %v, %v; want 9014", p, err)
	}
	if q, _ := m.Listener.Quarantine(ctx); len(q) != 0 {
		t.Errorf("Quarantine after registering = %+v, want empty", q)
	}
	if err := m.Listener.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if reg, err := m.DB.TerminalByMN(ctx, mn); err != nil || reg.LastSeen.IsZero() || reg.Protocol != "2017" || reg.RemoteAddr == "" {
		t.Errorf("registry terminal after flush = %+v, %v; want last seen, address and protocol", reg, err)
	}
	terms := m.Listener.Terminals()
	if len(terms) != 2 || !terms[0].Online || terms[0].ConnectedAt.IsZero() || terms[0].Protocol != "2017" {
		t.Errorf("Terminals = %+v, want %s online and connected, protocol 2017", terms, mn)
	}
}

// TestServiceRestartKeepsState ensures terminal state and queued commands
// survive a restart: the state is restored, and a command queued for a
// terminal that was away is sent when it connects to the new process.
func TestServiceRestartKeepsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "restart.db")
	m := svcRunMain(t, path, nil)
	fixture.Register(t, m.DB, 2)
	c := fixture.Dial(t, m.Addr().String())
	c.Write(fixture.Frame(fixture.MN(0), fixture.QN(0, 0), fixture.T0, 10))
	if p, err := c.Read(10 * time.Second); err != nil || p.CN != "9014" {
		t.Fatalf("reply %v, %v", p, err)
	}
	cmd, err := listener.SetRealtimeInterval(fixture.MN(1), 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Listener.EnqueueCommand(t.Context(), cmd); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	m2 := svcRunMain(t, path, nil)
	ts := m2.Listener.Terminals()
	if len(ts) != 1 || ts[0].MN != fixture.MN(0) || ts[0].LastSeen.IsZero() || !ts[0].ConnectedAt.IsZero() {
		t.Errorf("Terminals after restart = %+v, want %s with its last seen and no connection", ts, fixture.MN(0))
	}
	c2 := fixture.Dial(t, m2.Addr().String())
	c2.Write(fixture.Frame(fixture.MN(1), fixture.QN(1, 0), fixture.T0, 10))
	got := map[string]bool{}
	for range 2 {
		p, err := c2.Read(10 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		got[p.CN] = true
	}
	if !got["1062"] || !got["9014"] {
		t.Errorf("after restart the terminal got %v, want its 9014 and the queued 1062", got)
	}
	cs, err := m2.Listener.Commands(t.Context(), fixture.MN(1))
	if err != nil || len(cs) != 1 || cs[0].Status != store.CommandSent {
		t.Errorf("Commands = %+v, %v; want the 1062 sent", cs, err)
	}
}
