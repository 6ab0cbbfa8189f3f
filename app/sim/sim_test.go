package sim_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"powerwatch/app/sim"
	"powerwatch/geo"
	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// t0 is a Monday morning in the past: simulated data never lies in the future.
var t0 = time.Date(2026, 11, 16, 6, 0, 0, 0, store.Beijing)

// recorder is the listener's Recorder over a real database: what app's
// ingest does, minus the uplink and alarms.
type recorder struct{ db *sqlite.DB }

func (r recorder) Record(ctx context.Context, batch []*listener.Upload) error {
	b := &store.Batch{}
	for _, u := range batch {
		p := u.Packet
		if !u.Part { // as the app's ingest: a part's values come with its whole message
			b.Samples = append(b.Samples, listener.Readings(p, u.Terminal.Points)...)
		}
		if u.Assembled {
			continue // its frames are its parts', stored as they came
		}
		frame := []byte(p.Raw())
		if len(frame) == 0 {
			var err error
			if frame, err = p.Encode(); err != nil {
				return err
			}
		}
		dt, _ := p.DataTime()
		b.Packets = append(b.Packets, store.RawPacket{MN: p.MN, ST: p.ST, CN: p.CN, QN: p.QN, DataTime: dt,
			ReceivedAt: u.ReceivedAt, CRCOK: true, Frame: frame[:len(frame)-2]})
	}
	_, err := r.db.Ingest(ctx, b)
	return err
}

// directory is the listener's Directory over the registry tables.
type directory struct{ db *sqlite.DB }

func (d directory) Lookup(ctx context.Context, mn string) (*listener.Registration, error) {
	t, err := d.db.TerminalByMN(ctx, mn)
	if err != nil {
		return nil, err
	}
	pts, err := d.db.PointsByTerminal(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	return &listener.Registration{Terminal: t, Points: pts}, nil
}

// centre is a real listener on 127.0.0.1:0 over a real SQLite file, with
// terms registered.
type centre struct {
	db   *sqlite.DB
	srv  *listener.Server
	addr string
}

func mustCentre(t *testing.T, terms []sim.Terminal) *centre {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "centre.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportRegistry(ctx, "test", sim.Rows(terms, t0.AddDate(0, -1, 0)), false); err != nil {
		t.Fatal(err)
	}
	srv := &listener.Server{Recorder: recorder{db}, Directory: directory{db}, Journal: db,
		Timing: listener.Timing{GapDelay: time.Hour}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		db.Close()
	})
	return &centre{db: db, srv: srv, addr: ln.Addr().String()}
}

// mustStored checks that every slot of [from, to) of each terminal is stored
// exactly once, and returns the number of packets stored.
func (c *centre) mustStored(t *testing.T, terms []sim.Terminal, from, to time.Time, step time.Duration) {
	t.Helper()
	for _, term := range terms {
		ps, err := c.db.RawPackets(context.Background(), term.MN, from, to)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[time.Time]int{}
		messages := 0
		for _, p := range ps {
			pk, err := hj212.Parse(append(p.Frame, '\r', '\n'))
			if err != nil {
				t.Fatalf("stored frame %q: %v", p.Frame, err)
			}
			if pk.PNO > 1 {
				continue // a later part of a split message: the message is counted at its first
			}
			seen[p.DataTime.UTC()]++
			messages++
		}
		bad := 0
		for at := from; at.Before(to); at = at.Add(step) {
			if n := seen[at.UTC()]; n != 1 {
				if bad++; bad <= 3 {
					t.Errorf("%s: slot %s stored %d times, want 1", term.MN, at.Format(time.DateTime), n)
				}
			}
		}
		if want := int(to.Sub(from) / step); messages != want {
			t.Errorf("%s: %d messages stored, want %d", term.MN, messages, want)
		}
	}
}

func run(t *testing.T, cfg sim.Config) sim.Summary {
	t.Helper()
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestRunStoresEverySlotOnce(t *testing.T) {
	for _, v := range []hj212.Version{hj212.Version2025, hj212.Version2017} {
		t.Run(v.String(), func(t *testing.T) {
			terms := sim.District(8, 1)
			c := mustCentre(t, terms)
			sum := run(t, sim.Config{Addr: c.addr, Terminals: terms, Protocol: v, Start: t0, Duration: 6 * time.Hour,
				Speed: 1e6, Seed: 1, AckTimeout: 5 * time.Second})
			want := 8 * 72
			if sum.Records != want || sum.Sent < want || sum.Acked != sum.Sent || sum.Unacked != 0 || sum.Resent != 0 {
				t.Errorf("Summary = %+v, want %d uploads, each frame sent and acknowledged once", sum, want)
			}
			c.mustStored(t, terms, t0, t0.Add(6*time.Hour), 5*time.Minute)
		})
	}
}

func TestOutageBackfillLeavesNoGap(t *testing.T) {
	terms := sim.District(3, 2)
	c := mustCentre(t, terms)
	out := sim.Outage{MN: terms[1].MN, From: t0.Add(time.Hour), To: t0.Add(2*time.Hour + 30*time.Minute)}
	sum := run(t, sim.Config{Addr: c.addr, Terminals: terms, Start: t0, Duration: 4 * time.Hour, Speed: 1e6,
		Script: []sim.Outage{out}, Corrupt: 0.05, Seed: 2, AckTimeout: time.Second})
	// The outage may come before the first connection: at this speed the
	// simulated clock passes it in microseconds.
	if sum.Outages != 1 || sum.Reconnects > 1 || sum.Backfilled != 18 || sum.Unacked != 0 {
		t.Errorf("Summary = %+v, want 1 outage, at most 1 reconnect, 18 uploads backfilled, none left", sum)
	}
	if sum.Corrupted == 0 || sum.Acked < sum.Records {
		t.Errorf("Summary = %+v, want some corrupted frames and every upload acknowledged", sum)
	}
	c.mustStored(t, terms, t0, t0.Add(4*time.Hour), 5*time.Minute)
}

func TestTerminalAnswersCommands(t *testing.T) {
	start := time.Now().Add(-2 * time.Hour).Truncate(time.Hour)
	hour := func(cn string) store.Command {
		c, err := listener.HistoryPull(sim.MN(0), cn, start, start.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	setRtd, _ := listener.SetRealtimeInterval(sim.MN(0), 10*time.Minute)
	setMin, _ := listener.SetMinuteInterval(sim.MN(0), 10*time.Minute)
	timeout, _ := listener.SetTimeout(sim.MN(0), 20*time.Second, 2)
	tests := []struct {
		name    string
		v       hj212.Version
		cmd     store.Command
		packets int
	}{
		{"2025 history pull answers every cached slot of the hour", hj212.Version2025, hour("2011"), 13},
		{"2025 set real-time interval is executed", hj212.Version2025, setRtd, 0},
		{"read time returns the terminal's clock", hj212.Version2025, listener.ReadTime(sim.MN(0)), 1},
		{"set time is executed", hj212.Version2025, listener.SetTime(sim.MN(0)), 0},
		{"overtime is executed", hj212.Version2025, timeout, 0},
		{"2017 minute history answers every slot of the hour", hj212.Version2017, hour("2051"), 13},
		{"2017 hour history answers the hours touched", hj212.Version2017, hour("2061"), 2},
		{"2017 set minute interval is executed", hj212.Version2017, setMin, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms := sim.District(1, 3)
			terms[0].Points = terms[0].Points[:2] // one frame per upload, also in 2017
			c := mustCentre(t, terms)
			s, err := sim.New(sim.Config{Addr: c.addr, Terminals: terms, Protocol: tt.v, Start: start, Speed: 1e5, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan sim.Summary, 1)
			go func() { sum, _ := s.Run(ctx); done <- sum }()
			defer func() { cancel(); <-done }()
			got := waitUntilCaughtUpAndRun(t, c, s, tt.cmd)
			if got.Status != store.CommandDone || got.Packets != tt.packets {
				t.Errorf("command %s: status %s, %d packets, result %q; want done with %d packets",
					tt.cmd.CN, got.Status, got.Packets, got.Result, tt.packets)
			}
			if sum := s.Summary(); sum.Commands != 1 {
				t.Errorf("Summary.Commands = %d, want 1", sum.Commands)
			}
		})
	}
}

// waitUntilCaughtUpAndRun queues cmd once the simulation has caught up
// with the wall clock and waits for the command to end.
func waitUntilCaughtUpAndRun(t *testing.T, c *centre, s *sim.Sim, cmd store.Command) store.Command {
	t.Helper()
	for s.Summary().Acked < 24 {
		time.Sleep(10 * time.Millisecond)
	}
	q, err := c.srv.EnqueueCommand(t.Context(), cmd)
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		cs, err := c.srv.Commands(t.Context(), cmd.MN)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range cs {
			if x.ID == q.ID && x.Status.Final() {
				return x
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("command %s did not finish", cmd.CN)
	return store.Command{}
}

func ExampleFrames() {
	fs := sim.Frames(sim.MN(0), "123456", t0, 2, hj212.Version2025)
	p, _ := hj212.Parse(fs[1])
	dt, _ := p.Get("DataTime")
	fmt.Println(len(fs), p.ST, p.CN, p.Flag, dt, p.NumFields())
	// Output: 2 44 2011 9 20261116060500 11
}

func TestDriftingClocksAskForTheTime(t *testing.T) {
	terms := sim.District(6, 4)
	c := mustCentre(t, terms)
	sum := run(t, sim.Config{Addr: c.addr, Terminals: terms, Start: t0, Duration: 4 * time.Hour, Speed: 1e4,
		Drift: true, Seed: 4})
	// Seed 4 puts some clocks more than 60 s off: they send 1013, and the
	// listener answers 9013 and sets their time with 1012.
	if sum.Commands == 0 || sum.Unacked != 0 {
		t.Errorf("Summary = %+v, want some 1012 answered and nothing left", sum)
	}
	cs, err := c.srv.Commands(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range cs {
		if cmd.CN != "1012" || cmd.Status != store.CommandDone {
			t.Errorf("command %s to %s: %s (%s), want 1012 done", cmd.CN, cmd.MN, cmd.Status, cmd.Result)
		}
	}
}

// serveOn runs a listener over db on addr until the returned stop is called.
func serveOn(t *testing.T, db *sqlite.DB, addr string) (stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &listener.Server{Recorder: recorder{db}, Directory: directory{db}, Journal: db, Timing: listener.Timing{GapDelay: time.Hour}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}
}

func TestCentreRestartLosesNothing(t *testing.T) {
	terms := sim.District(4, 5)
	c := mustCentre(t, terms)                   // for its database; its own listener stays idle
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a free port, for a listener started twice
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop := serveOn(t, c.db, addr)
	s, err := sim.New(sim.Config{Addr: addr, Terminals: terms, Start: t0, Duration: 6 * time.Hour, Speed: 2e4,
		Seed: 5, AckTimeout: time.Second, Redial: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan sim.Summary, 1)
	go func() { sum, _ := s.Run(t.Context()); done <- sum }()
	for s.Summary().Acked < 100 {
		time.Sleep(5 * time.Millisecond)
	}
	stop() // the centre goes away mid-run: what it acknowledged is stored
	stop = serveOn(t, c.db, addr)
	defer stop()
	sum := <-done
	if sum.Reconnects < 4 || sum.Unacked != 0 {
		t.Errorf("Summary = %+v, want every terminal reconnected and nothing left", sum)
	}
	c.mustStored(t, terms, t0, t0.Add(6*time.Hour), 5*time.Minute)
}

// TestDistrictPositions: every simulated enterprise stands beside one of the
// demo roads of 朝阳区, and the registry rows carry its position.
func TestDistrictPositions(t *testing.T) {
	chaoyang := geo.Box{Min: geo.Point{Lng: 116.34, Lat: 39.81}, Max: geo.Point{Lng: 116.66, Lat: 40.10}}
	terms := sim.District(60, 1)
	for _, tm := range terms {
		if !chaoyang.Contains(tm.Pos) {
			t.Errorf("%s at %v, outside 朝阳区", tm.Enterprise, tm.Pos)
		}
	}
	for _, r := range sim.Rows(terms, time.Time{}) {
		if r.Longitude == 0 || r.Latitude == 0 {
			t.Fatalf("row %d of %s has no position", r.Row, r.Enterprise)
		}
	}
	if back := sim.FromRows(sim.Rows(terms[:1], time.Time{})); back[0].Pos.Lng == 0 {
		t.Error("FromRows drops the position")
	}
}
