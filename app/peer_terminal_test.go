package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/service"
	"powerwatch/internal/peer"
	"powerwatch/store"
)

// End-to-end tests of the real service (Main: listener, inbox, indexer,
// SQLite file) against the field terminals of internal/peer, over loopback
// TCP (issue 17).

// peerFields are the 8 factors of fixture.Frame as CP fields, one terminal's
// real-time upload of about 360 bytes.
func peerFields(power float64) []string {
	return []string{"d20105-Rtd=220.1", "d20105-Flag=N", "d20205-Rtd=221.3", "d20305-Rtd=219.8",
		fmt.Sprintf("d20405-Rtd=%.2f", power/0.38/1.732/0.92), fmt.Sprintf("d20505-Rtd=%.2f", power), "d20505-Flag=N",
		"d20605-Rtd=1234.5", "d20705-Rtd=0.92", "d20805-Rtd=1"}
}

// peerTerminal is a registered terminal of the peer test bed, connected to m.
func peerTerminal(tb testing.TB, m *service.Main, mn string, edit func(*peer.Terminal)) *peer.Terminal {
	tb.Helper()
	t := &peer.Terminal{MN: mn, PW: fixture.PW}
	if edit != nil {
		edit(t)
	}
	if err := t.Dial(tb.Context(), m.Addr().String()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { t.Close() })
	return t
}

// waitSample polls until point's slot at has been moved into the tables
// with every quantity, and returns it.
func waitSample(tb testing.TB, m *service.Main, point int64, at time.Time, ok func(store.Sample) bool) store.Sample {
	tb.Helper()
	for range 1000 {
		ss, err := m.DB.Samples(context.Background(), point, at, at.Add(time.Second))
		if err != nil {
			tb.Fatal(err)
		}
		if len(ss) == 1 && ok(ss[0]) {
			return ss[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("point %d at %s: no complete sample in the tables", point, at)
	return store.Sample{}
}

func complete(s store.Sample) bool {
	return !math.IsNaN(s.P) && !math.IsNaN(s.I) && !math.IsNaN(s.U) && !math.IsNaN(s.E) && !math.IsNaN(s.PF)
}

// TestPeerSplitUpload: a terminal that splits its upload into parts of at
// most 200 bytes and waits for each part's 9014 before it sends the next is
// answered part by part and its upload is stored whole — in one connection,
// across a reconnect, and across a restart of the service. Every part's
// frame is kept as sent.
func TestPeerSplitUpload(t *testing.T) {
	for _, how := range []string{"one connection", "reconnect", "restart"} {
		t.Run(how, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "split.db")
			m := service.NewMain()
			m.Config.DB, m.Config.Listen = dbPath, "127.0.0.1:0"
			if err := m.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			pts := fixture.Register(t, m.DB, 1)
			mn, point := fixture.MN(0), pts[fixture.MN(0)]
			small := func(p *peer.Terminal) { p.MaxSegment = 200 }
			term := peerTerminal(t, m, mn, small)
			parts, err := term.Parts("2011", fixture.T0, peerFields(42))
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) < 3 {
				t.Fatalf("%d parts, want the upload split into at least 3", len(parts))
			}
			if err := term.Send(t.Context(), parts[0]); err != nil {
				t.Fatalf("part 1: %v", err)
			}
			switch how {
			case "reconnect":
				term.Close()
				term = peerTerminal(t, m, mn, small)
			case "restart":
				term.Close()
				if err := m.Close(); err != nil {
					t.Fatal(err)
				}
				m = service.NewMain()
				m.Config.DB, m.Config.Listen = dbPath, "127.0.0.1:0"
				if err := m.Run(context.Background()); err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				term = peerTerminal(t, m, mn, small)
			}
			for _, p := range parts[1:] {
				if err := term.Send(t.Context(), p); err != nil {
					t.Fatalf("part %d: %v", p.PNO, err)
				}
			}
			s := waitSample(t, m, point, fixture.T0, complete)
			if s.P != 42 || s.Flags&store.FlagIncomplete != 0 {
				t.Errorf("sample = %+v, want P 42, not marked incomplete", s)
			}
			raw, err := m.DB.RawPackets(t.Context(), mn, fixture.T0, fixture.T0.Add(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) != len(parts) {
				t.Errorf("%d raw frames stored, want the %d parts", len(raw), len(parts))
			}
			for _, r := range raw {
				if !r.CRCOK || !strings.Contains(string(r.Frame), ";PNUM=") {
					t.Errorf("stored frame %q (CRC ok %v), want a part as sent", r.Frame, r.CRCOK)
				}
			}
		})
	}
}

// TestPeerSameTimeFrames: a device sending one frame per meter with the same
// DataTime has both frames acknowledged, stored and in `export readings`
// (with ST and CN), and each meter's values in its point's series.
func TestPeerSameTimeFrames(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "same.db")
	m := svcRunMain(t, dbPath, nil)
	pts := fixture.Register(t, m.DB, 1)
	mn := fixture.MN(0)
	term0, err := m.DB.TerminalByMN(t.Context(), mn)
	if err != nil {
		t.Fatal(err)
	}
	f := &store.Facility{EnterpriseID: term0.EnterpriseID, Name: "除尘器", Kind: store.Treatment, RatedKW: 30}
	if err := m.DB.CreateFacility(t.Context(), "test", f); err != nil {
		t.Fatal(err)
	}
	treat := &store.Point{TerminalID: term0.ID, FacilityID: f.ID, Name: "治污电表", PowerCode: "d30506"}
	if err := m.DB.CreatePoint(t.Context(), "test", treat); err != nil {
		t.Fatal(err)
	}
	m.Listener.Invalidate(mn)
	term := peerTerminal(t, m, mn, nil)
	if err := term.SameTime(t.Context(), "2011", fixture.T0, peerFields(42), []string{"d30506-Rtd=17.5", "d30506-Flag=N"}); err != nil {
		t.Fatalf("same-time frames: %v", err)
	}
	waitSample(t, m, pts[mn], fixture.T0, complete)
	if s := waitSample(t, m, treat.ID, fixture.T0, func(s store.Sample) bool { return s.P == 17.5 }); s.P != 17.5 {
		t.Errorf("treatment point = %+v, want P 17.5", s)
	}
	code, out, stderr := runCLI(t, "export", "readings", "--db", dbPath, "--mn", mn, "--from", "2026-03-02T08:00", "--to", "2026-03-02T08:01")
	if code != 0 {
		t.Fatalf("export readings: exit %d: %s", code, stderr)
	}
	for _, want := range []string{mn + ",44,2011,d20505,Rtd,2026-03-02 08:00:00,42.00,N", mn + ",44,2011,d30506,Rtd,2026-03-02 08:00:00,17.5,N"} {
		if !strings.Contains(out, want) {
			t.Errorf("export readings lacks %q:\n%s", want, out)
		}
	}
}

// TestPeerModbusTerminal: a registered terminal that computes CRC-16/MODBUS
// gets no answer (the frame is rejected), but shows up on its terminal page
// data — its stored state and events — with the reason.
func TestPeerModbusTerminal(t *testing.T) {
	m := svcRunMain(t, filepath.Join(t.TempDir(), "modbus.db"), nil)
	fixture.Register(t, m.DB, 1)
	mn := fixture.MN(0)
	term := peerTerminal(t, m, mn, func(p *peer.Terminal) { p.CRC = peer.TerminalCRCModbus; p.AckTimeout = 300 * time.Millisecond })
	if _, err := term.Upload(t.Context(), "2011", fixture.T0, peerFields(42)); !errors.Is(err, peer.ErrNoAck) {
		t.Fatalf("upload with a MODBUS CRC: %v, want no answer", err)
	}
	stranger := peerTerminal(t, m, fixture.MN(7), func(p *peer.Terminal) { p.CRC = peer.TerminalCRCModbus; p.AckTimeout = 300 * time.Millisecond })
	if _, err := stranger.Upload(t.Context(), "2011", fixture.T0, peerFields(1)); !errors.Is(err, peer.ErrNoAck) {
		t.Fatalf("unregistered upload with a MODBUS CRC: %v, want no answer", err)
	}
	if err := m.Listener.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	states, err := m.DB.TerminalStates(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got *store.TerminalState
	for i := range states {
		switch states[i].MN {
		case mn:
			got = &states[i]
		case fixture.MN(7):
			t.Errorf("unregistered MN has a state: %+v", states[i])
		}
	}
	if got == nil || got.Rejected != 1 || !strings.Contains(got.RejectReason, "MODBUS") {
		t.Fatalf("terminal state = %+v, want one rejected frame with the MODBUS reason", got)
	}
	evs, err := m.DB.TerminalEvents(t.Context(), store.TerminalEventFilter{MN: mn, Kinds: []string{store.EventRejected}})
	if err != nil || len(evs) != 1 || !strings.Contains(evs[0].Detail, "疑似使用 MODBUS CRC") {
		t.Errorf("rejected events = %+v (%v), want one naming the MODBUS CRC", evs, err)
	}
}
