package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"powerwatch/app/internal/fixture"
	"powerwatch/app/service"
	"powerwatch/listener/hj212"
	"powerwatch/store/sqlite"
)

// childArgsEnv makes the test binary run `powerwatch ARGS…` instead of the
// tests, so that a test can kill -9 a real serve process.
const childArgsEnv = "POWERWATCH_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsEnv); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := dispatch(&env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, strings.Fields(args))
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

var servingRE = regexp.MustCompile(`serving HJ 212 on (\S+)`)

// startServe runs `powerwatch serve` in a child process and returns it and its address.
func startServe(t *testing.T, db string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"=serve --db "+db+" --listen 127.0.0.1:0")
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
			go func() { // keep draining
				for sc.Scan() {
				}
			}()
			return cmd, m[1]
		}
	}
	t.Fatalf("serve did not start: %v", sc.Err())
	return nil, ""
}

// sendAll writes n uploads of each of the first k terminals, one connection
// per terminal, pipelined, and returns the QNs acknowledged (9014) before
// the connection ended. onAck is called after each acknowledgement.
func sendAll(t *testing.T, addr string, k, n int, onAck func()) map[string]bool {
	t.Helper()
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for i := range k {
		c := fixture.Dial(t, addr)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for slot := range n {
				if _, err := c.Conn.Write(fixture.Frame(fixture.MN(i), fixture.QN(i, slot), fixture.T0.Add(time.Duration(slot)*5*time.Minute), 40)); err != nil {
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range n {
				p, err := c.Read(30 * time.Second)
				if err != nil {
					return
				}
				mu.Lock()
				acked[p.QN] = true
				mu.Unlock()
				if onAck != nil {
					onAck()
				}
			}
		}()
	}
	wg.Wait()
	return acked
}

// TestKillDuringIngest kills a serve process with SIGKILL while terminals
// upload, then checks that every acknowledged packet is in the database, and
// that after a restart the terminals' re-sends store the rest without duplicates.
func TestKillDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const k, n = 5, 400
	db := filepath.Join(t.TempDir(), "kill.db")
	d, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	fixture.Register(t, d, k)
	d.Close()

	cmd, addr := startServe(t, db)
	var once sync.Once
	var count int
	var mu sync.Mutex
	acked := sendAll(t, addr, k, n, func() {
		mu.Lock()
		count++
		c := count
		mu.Unlock()
		if c == 600 {
			once.Do(func() { cmd.Process.Kill() })
		}
	})
	cmd.Wait()
	if len(acked) < 600 || len(acked) == k*n {
		t.Fatalf("%d packets acknowledged before the kill; the test needs the kill in mid-ingest", len(acked))
	}

	stored := storedQNs(t, db, k)
	for qn := range acked {
		if !stored[qn] {
			t.Errorf("packet %s was acknowledged but is not in the database after kill -9", qn)
		}
	}

	cmd2, addr2 := startServe(t, db)
	again := sendAll(t, addr2, k, n, nil) // the terminals re-send everything not acknowledged (here: everything)
	if len(again) != k*n {
		t.Fatalf("after restart %d of %d re-sent packets acknowledged", len(again), k*n)
	}
	cmd2.Process.Signal(syscall.SIGTERM)
	if err := cmd2.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
	d, err = sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := range k {
		raw, err := d.RawPackets(t.Context(), fixture.MN(i), fixture.T0.Add(-time.Hour), fixture.T0.Add(time.Duration(n)*5*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != n {
			t.Errorf("terminal %d: %d packets stored, want %d exactly (no loss, no duplicates)", i, len(raw), n)
		}
	}
}

// storedQNs opens the database after the process died and returns the QNs
// of the stored packets.
func storedQNs(t *testing.T, db string, k int) map[string]bool {
	t.Helper()
	d, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatalf("open after kill -9: %v", err)
	}
	defer d.Close()
	out := map[string]bool{}
	for i := range k {
		raw, err := d.RawPackets(t.Context(), fixture.MN(i), fixture.T0.Add(-time.Hour), fixture.T0.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range raw {
			out[p.QN] = true
		}
	}
	return out
}

// malformed returns a bad frame of a random kind, derived from good.
func malformed(r *rand.Rand, good []byte) []byte {
	b := append([]byte(nil), good...)
	switch r.IntN(6) {
	case 0: // random bytes, "#" and line breaks included
		b = make([]byte, 1+r.IntN(300))
		for i := range b {
			b[i] = "#0123456789ABCDEF;=&\r\n xyz"[r.IntN(26)]
		}
		// Not ending in "#": the codec's Reader then skips the "##" of the
		// next frame with it and loses that frame (reported to the codec).
		if b[len(b)-1] == '#' {
			b[len(b)-1] = ' '
		}
	case 1: // one byte changed: the CRC no longer matches
		b[10+r.IntN(len(b)-20)] ^= 0x01
	case 2: // truncated, then a line break
		b = append(b[:6+r.IntN(len(b)-12)], '\r', '\n')
	case 3: // length field not digits
		b[3] = 'x'
	case 4: // bad CRC text
		copy(b[len(b)-6:], "ZZZZ")
	case 5: // a length field that is too short
		copy(b[2:6], "0050")
	}
	return b
}

// TestMalformedFlood mixes 10,000 malformed frames into valid traffic from 50
// connections: all valid packets are stored and acknowledged, nothing panics,
// and the heap stays bounded.
func TestMalformedFlood(t *testing.T) {
	const conns, perConn = 50, 200
	m := svcRunMain(t, filepath.Join(t.TempDir(), "flood.db"), nil)
	fixture.Register(t, m.DB, conns)
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		c := fixture.Dial(t, m.Addr().String())
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			go func() {
				for slot := range perConn {
					good := fixture.Frame(fixture.MN(i), fixture.QN(i, slot), fixture.T0.Add(time.Duration(slot)*5*time.Minute), 10)
					c.Conn.Write(malformed(r, good))
					c.Conn.Write(good)
				}
			}()
			for slot := range perConn {
				p, err := c.Read(30 * time.Second)
				if err != nil {
					errs <- fmt.Errorf("connection %d: after %d acks: %w", i, slot, err)
					return
				}
				if p.QN != fixture.QN(i, slot) {
					errs <- fmt.Errorf("connection %d: ack %s, want %s", i, p.QN, fixture.QN(i, slot))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := m.Listener.Stats()
	if st.Panics != 0 || st.Acked != conns*perConn || st.BadFrames < conns*perConn {
		t.Errorf("Stats = %+v, want %d acks, ≥ %d bad frames, no panic", st, conns*perConn, conns*perConn)
	}
	if err := m.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range conns {
		raw, err := m.DB.RawPackets(t.Context(), fixture.MN(i), fixture.T0.Add(-time.Hour), fixture.T0.Add(perConn*5*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != perConn {
			t.Errorf("terminal %d: %d packets stored, want %d", i, len(raw), perConn)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > 256<<20 {
		t.Errorf("heap in use %d MiB after the flood, want it bounded (< 256 MiB)", ms.HeapInuse>>20)
	}
}

// TestSlowClientsDoNotStallOthers runs a slowloris client and a client that
// never reads next to ten well-behaved terminals: every packet of those is
// acknowledged, each within a generous bound, and the slowloris is cut off.
func TestSlowClientsDoNotStallOthers(t *testing.T) {
	m := svcRunMain(t, filepath.Join(t.TempDir(), "slow.db"), func(c *service.Config) {
		c.Limits.FrameTimeout = service.Duration(time.Second)
		c.Limits.WriteQueue = 64
	})
	fixture.Register(t, m.DB, 12)
	addr := m.Addr().String()
	stop := make(chan struct{})
	defer close(stop)

	slow := fixture.Dial(t, addr) // slowloris: one byte every 100 ms, forever
	go func() {
		f := fixture.Frame(fixture.MN(10), fixture.QN(10, 0), fixture.T0, 1)
		for i := 0; ; i = (i + 1) % len(f) {
			if _, err := slow.Conn.Write(f[i : i+1]); err != nil {
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	mute := fixture.Dial(t, addr) // never reads its acknowledgements
	go func() {
		for slot := 0; ; slot++ {
			if _, err := mute.Conn.Write(fixture.Frame(fixture.MN(11), fixture.QN(11, slot), fixture.T0.Add(time.Duration(slot)*time.Minute), 1)); err != nil {
				return
			}
			select {
			case <-stop:
				return
			default:
			}
		}
	}()

	var wg sync.WaitGroup
	var mu sync.Mutex
	var worst time.Duration
	for i := range 10 {
		c := fixture.Dial(t, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for slot := range 100 {
				start := time.Now()
				c.Write(fixture.Frame(fixture.MN(i), fixture.QN(i, slot), fixture.T0.Add(time.Duration(slot)*5*time.Minute), 5))
				p, err := c.Read(10 * time.Second)
				if err != nil || p.QN != fixture.QN(i, slot) {
					t.Errorf("terminal %d slot %d: ack %v, %v", i, slot, p, err)
					return
				}
				mu.Lock()
				worst = max(worst, time.Since(start))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("slowest acknowledgement of a well-behaved terminal: %s", worst)
	if worst > 5*time.Second {
		t.Errorf("slowest acknowledgement took %s; the slow clients held the others up", worst)
	}
	deadline := time.Now().Add(10 * time.Second)
	for m.Listener.Stats().ClosedFrameTimeout == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if st := m.Listener.Stats(); st.ClosedFrameTimeout == 0 {
		t.Errorf("Stats = %+v, want the slowloris closed by the frame deadline", st)
	}
	_ = hj212.DefaultMaxFrame
}
