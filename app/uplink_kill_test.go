package main

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"powerwatch/app/internal/fixture"
	"powerwatch/listener"
	"powerwatch/listener/hj212"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// gatedListener drops every connection while down: a city platform that is
// unreachable in all but name.
type gatedListener struct {
	net.Listener
	down atomic.Bool
}

func (g *gatedListener) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil || !g.down.Load() {
			return c, err
		}
		c.Close()
	}
}

// startServeArgs runs `powerwatch serve` with extra arguments in a child
// process and returns it and its address.
func startServeArgs(t *testing.T, db, extra string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"=serve --db "+db+" --listen 127.0.0.1:0 "+extra)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd, m[1]
		}
	}
	t.Fatalf("serve did not start: %v", sc.Err())
	return nil, ""
}

// TestKillWithFullOutbox kills serve with SIGKILL while the city platform is
// unreachable and every acknowledged packet waits in the outbox; after a
// restart with the city back, everything arrives, in order per terminal.
func TestKillWithFullOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const k, n = 3, 100
	db := filepath.Join(t.TempDir(), "uplink-kill.db")
	d, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Register(t, d, k)
	d.Close()

	var mu sync.Mutex
	var got []*hj212.Packet
	city := &listener.Server{
		Directory: listener.DirectoryFunc(func(_ context.Context, mn string) (*listener.Registration, error) {
			return &listener.Registration{Terminal: store.Terminal{ID: 1, MN: mn, Password: fixture.PW}}, nil
		}),
		Recorder: listener.RecorderFunc(func(_ context.Context, batch []*listener.Upload) error {
			mu.Lock()
			defer mu.Unlock()
			for _, u := range batch {
				got = append(got, u.Packet)
			}
			return nil
		}),
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gate := &gatedListener{Listener: inner}
	gate.down.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go city.Serve(ctx, gate)

	flags := "--uplink-hj212 " + inner.Addr().String()
	cmd, addr := startServeArgs(t, db, flags)
	if acked := sendAll(t, addr, k, n, nil); len(acked) != k*n {
		t.Fatalf("%d of %d packets acknowledged by serve", len(acked), k*n)
	}
	cmd.Process.Kill()
	cmd.Wait()

	gate.down.Store(false)
	cmd2, _ := startServeArgs(t, db, flags)
	fixture.WaitUntil(t, "every packet at the city", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= k*n
	})
	cmd2.Process.Signal(syscall.SIGTERM)
	cmd2.Wait()

	mu.Lock()
	defer mu.Unlock()
	next := map[string]int{}
	seen := map[string]bool{}
	for _, p := range got {
		if seen[p.MN+p.QN] {
			continue
		}
		seen[p.MN+p.QN] = true
		var i int
		for i = range k {
			if fixture.MN(i) == p.MN {
				break
			}
		}
		if want := fixture.QN(i, next[p.MN]); p.QN != want {
			t.Fatalf("%s: got QN %s, want %s next (in order)", p.MN, p.QN, want)
		}
		next[p.MN]++
	}
	if len(seen) != k*n {
		t.Errorf("city got %d distinct packets, want %d", len(seen), k*n)
	}
	t.Logf("city got %d frames for %d packets (%d re-sends)", len(got), k*n, len(got)-len(seen))
}
