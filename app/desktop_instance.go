package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"powerwatch/ui"
)

// instanceFile names the running desktop app next to its database: the
// address of its loopback socket and a token. A second start reads it, asks
// the running app to bring its window to the front, and exits, instead of
// failing on the database or the listener's port in use.
const instanceFile = "powerwatch.instance"

// instance is the running app's end: it serves raise requests.
type instance struct {
	ln    net.Listener
	path  string
	token string

	mu      sync.Mutex
	raise   func()
	pending bool // a raise came before the window existed
	done    sync.WaitGroup
}

// claimInstance makes this process the desktop app of dir, or, when one
// runs already, asks it to show its window and reports raised. A file left
// by an app that ended without removing it is taken over.
func claimInstance(ctx context.Context, dir string) (inst *instance, raised bool, err error) {
	path := filepath.Join(dir, instanceFile)
	if raiseRunning(ctx, path) {
		return nil, true, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, false, fmt.Errorf("single instance: listen on loopback: %w", err)
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		ln.Close()
		return nil, false, fmt.Errorf("single instance: token: %w", err)
	}
	inst = &instance{ln: ln, path: path, token: hex.EncodeToString(b)}
	if err := os.MkdirAll(dir, 0o755); err == nil {
		err = os.WriteFile(path, []byte(ln.Addr().String()+" "+inst.token+"\n"), 0o600)
	}
	if err != nil {
		ln.Close()
		return nil, false, fmt.Errorf("single instance: write %s: %w", path, err)
	}
	inst.done.Add(1)
	go inst.serve()
	return inst, false, nil
}

// raiseRunning asks the app named in path to raise its window; false when
// there is none (no file, or nobody answers: a stale file).
func raiseRunning(ctx context.Context, path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	addr, token, ok := strings.Cut(strings.TrimSpace(string(data)), " ")
	if !ok {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	c.SetDeadline(deadline)
	if _, err := fmt.Fprintf(c, "raise %s\n", token); err != nil {
		return false
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.TrimSpace(reply) == "ok"
}

func (in *instance) serve() {
	defer in.done.Done()
	for {
		c, err := in.ln.Accept()
		if err != nil {
			return // closed
		}
		in.answer(c)
	}
}

// answer handles one request; only the token of the file is obeyed, so
// another local program cannot pop the window up.
func (in *instance) answer(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "raise "+in.token {
		return
	}
	in.mu.Lock()
	raise := in.raise
	if raise == nil {
		in.pending = true
	}
	in.mu.Unlock()
	if raise != nil {
		raise()
	}
	fmt.Fprintln(c, "ok")
}

// OnRaise sets what a raise request does (show the window and focus it).
func (in *instance) OnRaise(fn func()) {
	in.mu.Lock()
	in.raise = fn
	pending := in.pending
	in.pending = false
	in.mu.Unlock()
	if pending {
		fn()
	}
}

// Close stops serving and removes the file.
func (in *instance) Close() error {
	err := in.ln.Close()
	in.done.Wait()
	if rmErr := os.Remove(in.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) && err == nil {
		err = rmErr
	}
	return err
}

// instanceMain is the office's service with its single-instance end, so
// runDesktop can route raise requests to the window.
type instanceMain struct {
	desk
	inst    *instance
	restart *atomic.Bool // a backup was restored in 设置: start again
}

// UIDeps adds 设置's 备份与恢复, which only the office app offers: it stops
// this service to restore.
func (m instanceMain) UIDeps() ui.Deps {
	d := m.desk.UIDeps()
	d.Backups = backupDesk{m: m.Main, restart: m.restart}
	return d
}

func (m instanceMain) OnRaise(fn func()) { m.inst.OnRaise(fn) }
