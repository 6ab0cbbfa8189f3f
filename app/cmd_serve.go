package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/afero"

	"powerwatch/app/service"
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
	m := service.NewMain()
	if m.Config, err = loadServeConfig(m.FS, d, *listen); err != nil {
		return err
	}
	m.ConfigPath = d.config
	m.Config.Uplink.Override(up.hj212, up.http)
	if err := m.Config.Validate(); err != nil {
		return usagef("%v", err)
	}
	logw, err := m.OpenLog()
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
func loadServeConfig(fsys afero.Fs, d *dataFlags, listen string) (service.Config, error) {
	c, err := service.LoadConfigFor(fsys, d.path(), d.config)
	if err != nil {
		return c, err
	}
	if listen != "" {
		c.Listen = listen
		if err := c.Validate(); err != nil {
			return c, usagef("--listen: %v", err)
		}
	}
	return c, nil
}

// uplinkFlags are serve's overrides of the file's upstreams.
type uplinkFlags struct{ hj212, http listFlag }

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
