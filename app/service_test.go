package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

const svcPW = "123456"

var svcT0 = time.Date(2026, 3, 2, 8, 0, 0, 0, store.Beijing)

// svcMN returns the i-th test terminal's MN (24 hex digits).
func svcMN(i int) string { return fmt.Sprintf("0102030405060708%08X", i) }

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

// svcRegister registers n terminals, each with one facility and one point
// whose codes are those svcFrame sends. It returns the point IDs by MN.
func svcRegister(tb testing.TB, db *sqlite.DB, n int) map[string]int64 {
	tb.Helper()
	ctx := context.Background()
	e := &store.Enterprise{Name: "测试企业 Test Co."}
	if err := db.CreateEnterprise(ctx, "test", e); err != nil {
		tb.Fatal(err)
	}
	pts := map[string]int64{}
	for i := range n {
		f := &store.Facility{EnterpriseID: e.ID, Name: fmt.Sprintf("生产线 %d", i), Kind: store.Production, RatedKW: 100}
		if err := db.CreateFacility(ctx, "test", f); err != nil {
			tb.Fatal(err)
		}
		t := &store.Terminal{MN: svcMN(i), Password: svcPW, EnterpriseID: e.ID, RtdInterval: 5 * time.Minute}
		if err := db.CreateTerminal(ctx, "test", t); err != nil {
			tb.Fatal(err)
		}
		p := &store.Point{TerminalID: t.ID, FacilityID: f.ID, Name: "总进线", VoltageCode: "d20105", CurrentCode: "d20405",
			PowerCode: "d20505", EnergyCode: "d20605", PFCode: "d20705", StateCode: "d20805"}
		if err := db.CreatePoint(ctx, "test", p); err != nil {
			tb.Fatal(err)
		}
		pts[t.MN] = p.ID
	}
	return pts
}

// svcFrame is an 8-factor ST=44 real-time upload (HJ 212-2017 framing, Flag 5:
// answer requested) of terminal mn at slot at, about 366 bytes. The energy
// counter runs at a steady 23 kW (the benchmarks' mean power), so that it
// never goes backwards whatever the slots' spacing.
func svcFrame(mn, qn string, at time.Time, power float64) []byte {
	seg := fmt.Sprintf("QN=%s;ST=44;CN=2011;PW=%s;MN=%s;Flag=5;CP=&&DataTime=%s;"+
		"d20105-Rtd=220.1,d20105-Flag=N;d20205-Rtd=221.3,d20205-Flag=N;d20305-Rtd=219.8,d20305-Flag=N;"+
		"d20405-Rtd=%.2f,d20405-Flag=N;d20505-Rtd=%.2f,d20505-Flag=N;d20605-Rtd=%.3f,d20605-Flag=N;"+
		"d20705-Rtd=0.92,d20705-Flag=N;d20805-Rtd=1,d20805-Flag=N&&",
		qn, svcPW, mn, hj212.FormatN14(at), power/0.38/1.732/0.92, power, 1000+23*at.Sub(svcT0).Hours())
	b, err := hj212.Wrap(nil, []byte(seg))
	if err != nil {
		panic(err)
	}
	return b
}

// svcQN is a QN unique per terminal and slot.
func svcQN(i, slot int) string { return fmt.Sprintf("2026030208%03d%04d", i%1000, slot) }

type svcClient struct {
	tb testing.TB
	c  net.Conn
	rd *hj212.Reader
}

func svcDial(tb testing.TB, addr string) *svcClient {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return &svcClient{tb: tb, c: c, rd: hj212.NewReader(c, 0)}
}

func (c *svcClient) write(b []byte) {
	c.tb.Helper()
	if _, err := c.c.Write(b); err != nil {
		c.tb.Fatal(err)
	}
}

func (c *svcClient) read(timeout time.Duration) (*hj212.Packet, error) {
	c.c.SetReadDeadline(time.Now().Add(timeout))
	return c.rd.ReadPacket()
}

// TestServiceEndToEnd runs the real wiring (Main: SQLite file, listener on
// 127.0.0.1) and checks the 9014 replies, the stored packets and samples, the
// duplicate handling and the quarantine.
func TestServiceEndToEnd(t *testing.T) {
	m := svcRunMain(t, filepath.Join(t.TempDir(), "e2e.db"), nil)
	pts := svcRegister(t, m.DB, 1)
	mn := svcMN(0)
	c := svcDial(t, m.Addr().String())

	for slot := range 3 {
		c.write(svcFrame(mn, svcQN(0, slot), svcT0.Add(time.Duration(slot)*5*time.Minute), 50+float64(slot)))
	}
	c.write(svcFrame(svcMN(99), svcQN(99, 0), svcT0, 1))                // unregistered: quarantined, no reply
	c.write([]byte("##09x9garbage\r\n"))                                // bad frame: skipped
	c.write(svcFrame(mn, svcQN(0, 10), svcT0, 50))                      // re-send of slot 0 with a new QN: acknowledged
	c.write(svcFrame(mn, svcQN(0, 3), svcT0.Add(15*time.Minute), 53.5)) // and one more new slot
	want := []string{svcQN(0, 0), svcQN(0, 1), svcQN(0, 2), svcQN(0, 10), svcQN(0, 3)}
	for _, qn := range want {
		p, err := c.read(10 * time.Second)
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
	raw, err := m.DB.RawPackets(ctx, mn, svcT0.Add(-time.Hour), svcT0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 4 {
		t.Errorf("stored %d raw packets, want 4 (the re-send is a duplicate)", len(raw))
	}
	samples, err := m.DB.Samples(ctx, pts[mn], svcT0.Add(-time.Hour), svcT0.Add(time.Hour))
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
	if len(q) != 1 || q[0].MN != svcMN(99) || !strings.Contains(string(q[0].Sample), "MN="+svcMN(99)) {
		t.Errorf("Quarantine = %+v, want the unregistered MN with its frame", q)
	}
	// The officer's one action: register the quarantined MN; its next packet is accepted.
	err = m.Listener.RegisterFromQuarantine(ctx, svcMN(99), func(ctx context.Context, q store.QuarantinedPacket) error {
		return m.DB.CreateTerminal(ctx, "officer", &store.Terminal{MN: q.MN, Password: svcPW})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.write(svcFrame(svcMN(99), svcQN(99, 1), svcT0, 1))
	if p, err := c.read(10 * time.Second); err != nil || p.CN != "9014" || p.QN != svcQN(99, 1) {
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
	svcRegister(t, m.DB, 2)
	c := svcDial(t, m.Addr().String())
	c.write(svcFrame(svcMN(0), svcQN(0, 0), svcT0, 10))
	if p, err := c.read(10 * time.Second); err != nil || p.CN != "9014" {
		t.Fatalf("reply %v, %v", p, err)
	}
	cmd, err := listener.SetRealtimeInterval(svcMN(1), 60*time.Second)
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
	if len(ts) != 1 || ts[0].MN != svcMN(0) || ts[0].LastSeen.IsZero() || !ts[0].ConnectedAt.IsZero() {
		t.Errorf("Terminals after restart = %+v, want %s with its last seen and no connection", ts, svcMN(0))
	}
	c2 := svcDial(t, m2.Addr().String())
	c2.write(svcFrame(svcMN(1), svcQN(1, 0), svcT0, 10))
	got := map[string]bool{}
	for range 2 {
		p, err := c2.read(10 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		got[p.CN] = true
	}
	if !got["1062"] || !got["9014"] {
		t.Errorf("after restart the terminal got %v, want its 9014 and the queued 1062", got)
	}
	cs, err := m2.Listener.Commands(t.Context(), svcMN(1))
	if err != nil || len(cs) != 1 || cs[0].Status != store.CommandSent {
		t.Errorf("Commands = %+v, %v; want the 1062 sent", cs, err)
	}
}
