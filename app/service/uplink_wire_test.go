package service

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/uplink"
	"powerwatch/listener"
	"powerwatch/store"
)

// TestServiceRelaysDistrict runs Main with an HJ 212 upstream and a shared
// folder: what terminals send reaches the fake city platform (a real
// listener.Server) byte for byte, in order per terminal, and the registry
// lands in the folder as a shared-data document.
func TestServiceRelaysDistrict(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	city := &listener.Server{
		Directory: listener.DirectoryFunc(func(_ context.Context, mn string) (*listener.Registration, error) {
			return &listener.Registration{Terminal: store.Terminal{ID: 1, MN: mn, Password: fixture.PW}}, nil
		}),
		Recorder: listener.RecorderFunc(func(_ context.Context, batch []*listener.Upload) error {
			mu.Lock()
			defer mu.Unlock()
			for _, u := range batch {
				got = append(got, []byte(u.Packet.Raw()))
			}
			return nil
		}),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go city.Serve(ctx, ln)

	m := NewMain()
	m.FS = afero.NewMemMapFs()
	m.Config.DB, m.Config.Listen = filepath.Join(t.TempDir(), "relay.db"), "127.0.0.1:0"
	m.Config.Uplink.HJ212 = []UpstreamConfig{{Addr: ln.Addr().String()}}
	m.Config.Uplink.Folder, m.Config.Uplink.Interval = "/share/city", Duration(50*time.Millisecond)
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	defer m.Close()
	fixture.Register(t, m.DB, 3)
	sent := map[string][][]byte{}
	c := fixture.Dial(t, m.Addr().String())
	for slot := range 5 {
		for i := range 3 {
			f := fixture.Frame(fixture.MN(i), fixture.QN(i, slot), fixture.T0.Add(time.Duration(slot)*5*time.Minute), 50)
			c.Write(f)
			sent[fixture.MN(i)] = append(sent[fixture.MN(i)], f)
		}
	}
	fixture.WaitUntil(t, "15 frames at the city", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 15 })
	mu.Lock()
	perMN := map[string][][]byte{}
	for _, f := range got {
		mn := f[strings.Index(string(f), "MN=")+3:][:24]
		perMN[string(mn)] = append(perMN[string(mn)], f)
	}
	mu.Unlock()
	for mn, want := range sent {
		if !slices.EqualFunc(perMN[mn], want, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Errorf("%s: city got %q, want %q (byte-identical, in order)", mn, perMN[mn], want)
		}
	}
	// The terminal re-sends slot 0 (its 9014 was lost): stored once, relayed once.
	c.Write(fixture.Frame(fixture.MN(0), fixture.QN(0, 99), fixture.T0, 50))
	for {
		p, err := c.Read(10 * time.Second)
		if err != nil {
			t.Fatalf("waiting for the 9014 of the re-send: %v", err)
		}
		if p.QN == fixture.QN(0, 99) {
			break
		}
	}
	fixture.WaitUntil(t, "an empty outbox", func() bool { n, _, _ := m.DB.PendingCount(t.Context(), ln.Addr().String()); return n == 0 })
	mu.Lock()
	if len(got) != 15 {
		t.Errorf("city got %d frames, want 15: a terminal's re-send of a stored packet is not relayed", len(got))
	}
	mu.Unlock()
	fixture.WaitUntil(t, "a shared-data document", func() bool {
		st, _ := m.UplinkStatus(t.Context())
		return len(st) == 2 && st[1].Pending == 0 && !st[1].LastOK.IsZero()
	})
	files, _ := afero.ReadDir(m.FS, "/share/city")
	entities := map[string]int{}
	for _, f := range files {
		b, _ := afero.ReadFile(m.FS, "/share/city/"+f.Name())
		var d uplink.Document
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		for _, r := range d.Records {
			entities[r.Entity]++
		}
	}
	if entities["enterprise"] != 1 || entities["facility"] != 3 || entities["terminal"] != 3 || entities["point"] != 3 {
		t.Errorf("shared documents hold %v, want 1 enterprise, 3 facilities, terminals and points", entities)
	}
	st, err := m.UplinkStatus(t.Context())
	if err != nil || st[0].Kind != "hj212" || !st[0].Connected || st[0].Pending != 0 {
		t.Errorf("UplinkStatus = %+v, %v", st, err)
	}
}

// TestUplinkConfig ensures an upstream is written as an address or as an
// object, unknown keys and bad addresses are refused, and serve's flags
// replace the file's upstreams.
func TestUplinkConfig(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "/c.json", []byte(`{"uplink": {"hj212": ["city:9212", {"addr": "b:1", "mn": {"A": "B"}, "password": "p", "no_ack": true, "ack_timeout": "2m"}],
		"http": ["https://city.example/api"], "folder": "//share/x"}}`), 0o644)
	c, err := LoadConfig(fs, "/c.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []UpstreamConfig{{Addr: "city:9212"}, {Addr: "b:1", MN: map[string]string{"A": "B"}, Password: "p", NoAck: true, AckTimeout: Duration(2 * time.Minute)}}
	if len(c.Uplink.HJ212) != 2 || c.Uplink.HJ212[0].Addr != want[0].Addr || c.Uplink.HJ212[1].MN["A"] != "B" ||
		!c.Uplink.HJ212[1].NoAck || c.Uplink.HJ212[1].AckTimeout != want[1].AckTimeout || c.Uplink.AckTimeout != Duration(time.Minute) {
		t.Errorf("uplink = %+v, want %+v and the default ack time", c.Uplink, want)
	}
	for _, bad := range []string{
		`{"uplink": {"hj212": [{"adr": "x:1"}]}}`,
		`{"uplink": {"hj212": ["no-port"]}}`,
		`{"uplink": {"http": ["ftp://x"]}}`,
		`{"uplink": {"max_conns": -1}}`,
		`{"uplink": {"hj212": [{"addr": "x:1", "max_conns": -5}]}}`,
	} {
		afero.WriteFile(fs, "/bad.json", []byte(bad), 0o644)
		if _, err := LoadConfig(fs, "/bad.json"); err == nil {
			t.Errorf("LoadConfig(%s) succeeded, want an error", bad)
		}
	}
	c.Uplink.Override([]string{"x:1", "y:2"}, nil)
	if got := c.Uplink.targets(); !slices.Equal(got, []string{"x:1", "y:2"}) || len(c.Uplink.HTTP) != 1 {
		t.Errorf("after --uplink-hj212 x:1 y:2: targets %v, http %v; want the flags' upstreams, the file's URL", got, c.Uplink.HTTP)
	}
}

// TestUplinkConnectionOptions ensures the relay gets a connection per
// terminal by default, with the shipped bounds, and the options of the file:
// multiplexed for every upstream or one, MaxConns per upstream or for all.
func TestUplinkConnectionOptions(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "/c.json", []byte(`{"uplink": {"hj212": ["a:1", {"addr": "b:1", "multiplex": true}, {"addr": "c:1", "max_conns": 20}],
		"conn_idle": "30s", "ack_fallback": 4}}`), 0o644)
	c, err := LoadConfig(fs, "/c.json")
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: c, FS: fs, Logger: slog.New(slog.DiscardHandler)}
	m.newUplink()
	ups := m.Uplink.Upstreams
	if len(ups) != 3 || ups[0].Multiplex || !ups[1].Multiplex || ups[0].MaxConns != 500 || ups[2].MaxConns != 20 ||
		ups[0].AckFallback != 4 || m.Uplink.ConnIdle != 30*time.Second {
		t.Errorf("upstreams = %+v, ConnIdle %s; want per terminal (500 connections) but b:1 multiplexed, c:1 with 20, fallback after 4",
			ups, m.Uplink.ConnIdle)
	}
	afero.WriteFile(fs, "/c.json", []byte(`{"uplink": {"hj212": ["a:1"], "multiplex": true}}`), 0o644)
	if m.Config, err = LoadConfig(fs, "/c.json"); err != nil {
		t.Fatal(err)
	}
	m.newUplink()
	if up := m.Uplink.Upstreams[0]; !up.Multiplex || up.AckFallback != 10 {
		t.Errorf("upstream = %+v, want multiplexed by uplink.multiplex, fallback after the default 10", up)
	}
}

// TestSetUpstreams ensures upstreams edited in 设置 are written into
// the config file, keeping its other keys and the options of upstreams that
// stay, and that a bad address is refused without touching the file.
func TestSetUpstreams(t *testing.T) {
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "/data/powerwatch.json", []byte(`{"listen": "0.0.0.0:9300",
		"uplink": {"hj212": [{"addr": "b:1", "password": "pw"}], "district": "朝阳区"}}`), 0o644)
	c, err := LoadConfig(fs, "/data/powerwatch.json")
	if err != nil {
		t.Fatal(err)
	}
	c.DB = "/data/powerwatch.db"
	m := &Main{Config: c, FS: fs}
	if got := m.Upstreams(); len(got.HJ212) != 1 || got.HJ212[0] != "b:1" {
		t.Fatalf("Upstreams = %+v", got)
	}
	err = m.SetUpstreams(Upstreams{HJ212: []string{"b:1", "c:2"}, HTTP: []string{"https://city.example/x"}, Folder: "/share"})
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(fs, "/data/powerwatch.json")
	if err != nil {
		t.Fatalf("config written by 设置 does not load: %v", err)
	}
	u := back.Uplink
	if back.Listen != "0.0.0.0:9300" || u.District != "朝阳区" || len(u.HJ212) != 2 || u.HJ212[0].Password != "pw" ||
		u.HJ212[1].Addr != "c:2" || u.HTTP[0] != "https://city.example/x" || u.Folder != "/share" {
		t.Errorf("config after saving = listen %s, uplink %+v", back.Listen, u)
	}
	before, _ := afero.ReadFile(fs, "/data/powerwatch.json")
	if err := m.SetUpstreams(Upstreams{HJ212: []string{"no-port"}}); err == nil {
		t.Error("SetUpstreams accepted an address without a port")
	}
	if after, _ := afero.ReadFile(fs, "/data/powerwatch.json"); string(after) != string(before) {
		t.Error("a refused setting changed the file")
	}
}

// TestUplinkSettingsApplyLive: upstreams set in 设置 on a running service are
// used at once — uploads after the change reach the new upstream without a
// restart — and removing them stops the relay.
func TestUplinkSettingsApplyLive(t *testing.T) {
	var mu sync.Mutex
	var got []string
	city := &listener.Server{
		Directory: listener.DirectoryFunc(func(_ context.Context, mn string) (*listener.Registration, error) {
			return &listener.Registration{Terminal: store.Terminal{ID: 1, MN: mn, Password: fixture.PW}}, nil
		}),
		Recorder: listener.RecorderFunc(func(_ context.Context, batch []*listener.Upload) error {
			mu.Lock()
			defer mu.Unlock()
			for _, u := range batch {
				got = append(got, u.Packet.QN)
			}
			return nil
		}),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go city.Serve(ctx, ln)

	m := NewMain()
	m.FS = afero.NewMemMapFs()
	m.Config.DB, m.Config.Listen = filepath.Join(t.TempDir(), "live.db"), "127.0.0.1:0"
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	defer m.Close()
	fixture.Register(t, m.DB, 1)
	c := fixture.Dial(t, m.Addr().String())
	send := func(slot int) {
		t.Helper()
		c.Write(fixture.Frame(fixture.MN(0), fixture.QN(0, slot), fixture.T0.Add(time.Duration(slot)*5*time.Minute), 50))
		if p, err := c.Read(10 * time.Second); err != nil || p.CN != "9014" {
			t.Fatalf("9014 of slot %d: %v, %v", slot, p, err)
		}
	}
	send(0) // no upstream yet: not queued
	if st, _ := m.UplinkStatus(t.Context()); len(st) != 0 {
		t.Fatalf("UplinkStatus before any upstream = %+v", st)
	}
	if err := m.SetUpstreams(Upstreams{HJ212: []string{ln.Addr().String()}}); err != nil {
		t.Fatal(err)
	}
	send(1)
	fixture.WaitUntil(t, "slot 1 at the city", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 1 })
	if st, err := m.UplinkStatus(t.Context()); err != nil || len(st) != 1 || st[0].Target != ln.Addr().String() {
		t.Errorf("UplinkStatus after the change = %+v, %v", st, err)
	}
	if err := m.SetUpstreams(Upstreams{}); err != nil {
		t.Fatal(err)
	}
	send(2)
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // a relay still running would send slot 2 now
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != fixture.QN(0, 1) {
		t.Errorf("city got %q, want only slot 1 (queued while it was configured)", got)
	}
	if st, _ := m.UplinkStatus(t.Context()); len(st) != 0 {
		t.Errorf("UplinkStatus after removing the upstream = %+v", st)
	}
}
