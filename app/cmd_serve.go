package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"

	"powerwatch/store/sqlite"
)

// runServe is `powerwatch serve`: the service without a window. It logs to
// stderr and to logs/powerwatch.log next to the database, and stops cleanly
// (uploads already read are committed and acknowledged) when e.ctx ends on
// SIGINT or SIGTERM.
func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "[--db PATH] [--config PATH] [--listen ADDR] [--uplink-hj212 HOST:PORT]… [--uplink-http URL]…")
	d := addDataFlags(fs)
	listen := fs.String("listen", "", "HJ 212 listen address HOST:PORT (default from the config: 0.0.0.0:9212)")
	var up uplinkFlags
	fs.Var(&up.hj212, "uplink-hj212", "relay every accepted packet to this city HJ 212 endpoint HOST:PORT (repeatable; replaces the config's uplink.hj212)")
	fs.Var(&up.http, "uplink-http", "push the shared-data JSON to this URL (repeatable; replaces the config's uplink.http)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("serve takes no arguments, got %q", pos)
	}
	m := NewMain()
	if m.Config, err = loadServeConfig(m.FS, d, *listen); err != nil {
		return err
	}
	m.ConfigPath = d.config
	up.apply(&m.Config.Uplink)
	if err := m.Config.Validate(); err != nil {
		return usagef("%v", err)
	}
	logw, err := newRotatingFile(m.FS, filepath.Join(filepath.Dir(m.Config.DB), "logs", "powerwatch.log"),
		int64(m.Config.Log.MaxSizeMB)<<20, m.Config.Log.Keep)
	if err != nil {
		return sqlite.ExplainStart(m.Config.DB, err) // a full disk or a read-only folder, in words
	}
	defer logw.Close()
	m.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(e.stderr, logw), &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The integrity check reads the whole file (seconds on a year's data):
	// run it once terminals can already connect; acknowledged uploads are
	// safe in the inbox whatever it finds.
	m.CheckLater = true
	if err := m.Run(e.ctx); err != nil {
		m.Close()
		return err
	}
	fmt.Fprintf(e.stdout, "powerwatch serving HJ 212 on %s (database %s); Ctrl-C stops\n", m.Addr(), m.Config.DB)
	go func() {
		if err := m.CheckDatabase(e.ctx); err != nil && e.ctx.Err() == nil {
			m.Logger.Error("数据库文件损坏，请按 README 恢复最新备份；上传仍被接收并保存在收件箱中 / the database file is damaged: restore the newest backup (README); uploads are still received into the inbox", "err", err)
		}
	}()
	<-e.ctx.Done()
	m.Logger.Info("stopping")
	if err := m.Close(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	st := m.Listener.Stats()
	_, dups := m.IngestStats()
	m.Logger.Info("stopped", "accepted", st.Accepted, "uploads", st.Uploads, "acked", st.Acked, "duplicates", dups,
		"quarantined", st.Quarantined, "bad_frames", st.BadFrames, "refused", st.RefusedMaxConns+st.RefusedPerIP)
	return nil
}

// loadServeConfig resolves --db and --config and applies --listen.
func loadServeConfig(fsys afero.Fs, d *dataFlags, listen string) (Config, error) {
	db := d.db
	if db == "" {
		db = filepath.Join(dataDir(), "powerwatch.db")
	}
	path := d.config
	if path == "" {
		path = filepath.Join(filepath.Dir(db), "powerwatch.json")
	}
	c, err := LoadConfig(fsys, path)
	if err != nil {
		return c, err
	}
	c.DB = db
	if listen != "" {
		c.Listen = listen
		if err := c.Validate(); err != nil {
			return c, usagef("--listen: %v", err)
		}
	}
	return c, nil
}

// rotatingFile is an io.Writer to path that moves path to path.1 (path.1 to
// path.2 …, keeping keep old files) when it would grow past max bytes.
type rotatingFile struct {
	fs   afero.Fs
	path string
	max  int64
	keep int

	mu   sync.Mutex
	f    afero.File
	size int64
}

func newRotatingFile(fsys afero.Fs, path string, max int64, keep int) (*rotatingFile, error) {
	if err := fsys.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create log folder: %w", err)
	}
	r := &rotatingFile{fs: fsys, path: path, max: max, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *rotatingFile) open() error {
	f, err := r.fs.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log %s: %w", r.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log %s: %w", r.path, err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when the file would exceed its size.
func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.max > 0 && r.size > 0 && r.size+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

func (r *rotatingFile) rotate() error {
	r.f.Close()
	keep := max(r.keep, 1)
	r.fs.Remove(fmt.Sprintf("%s.%d", r.path, keep))
	for i := keep - 1; i >= 1; i-- {
		r.fs.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	if err := r.fs.Rename(r.path, r.path+".1"); err != nil {
		return fmt.Errorf("rotate log %s: %w", r.path, err)
	}
	return r.open()
}

// Close closes the file.
func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}
