package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/afero"

	"powerwatch/alarms"
	"powerwatch/app/judge"
	"powerwatch/app/uplink"
	"powerwatch/calendar"
	"powerwatch/listener"
	"powerwatch/store"
	"powerwatch/store/sqlite"
)

// Main is the program: its configuration and the parts it wires together. It
// is a type, not code in main, so the end-to-end tests run the same wiring as
// `serve` and the desktop app.
type Main struct {
	Config     Config
	ConfigPath string // the file Config came from; "": powerwatch.json next to the database
	FS         afero.Fs
	Logger     *slog.Logger
	// CheckLater leaves the database's integrity check out of Run (it reads
	// the whole file: seconds on a year's data); the desktop app runs
	// CheckDatabase once its window shows.
	CheckLater bool

	DB       *sqlite.DB
	Listener *listener.Server
	Cron     *cron.Cron         // maintenance jobs and backups (schedule.go)
	Uplink   *uplink.Forwarder  // HJ 212 relay to the city (uplink_wire.go)
	Exports  []*uplink.Exporter // shared-data JSON to the city, one per URL or folder

	// The relay and exporters now running (uplink_wire.go): uplinkMu guards
	// Uplink, Exports and Config.Uplink once running, as 设置 replaces them.
	uplinkMu   sync.Mutex
	uplinkCtx  context.Context // Main's; nil until startUplink
	uplinkStop func()          // stops what launchUplink started
	// What the ingest and the indexer read on every batch, without waiting
	// for uplinkMu while 设置 stops the old relay.
	uplinkTo  atomic.Pointer[[]string]
	uplinkNow atomic.Pointer[uplink.Forwarder]

	alarms  *judge.Worker // the alarm engine fed by the ingest
	indexer *indexer      // moves acknowledged uploads from the inbox into the tables (indexer.go)

	ln      net.Listener
	cancel  context.CancelFunc
	served  chan struct{} // closed when Listener.Serve has returned
	closers []func() error
}

// NewMain returns a Main with the default configuration, the real file
// system and a logger that discards.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), FS: afero.NewOsFs(), Logger: slog.New(slog.DiscardHandler)}
}

// Run opens the database, binds the HJ 212 listener and starts serving. It
// returns once everything runs; a busy port or a damaged database is an
// error here, not a log line. Parts started later (alarm engine, scheduler,
// uplink) add themselves in start order and are stopped by Close in reverse.
func (m *Main) Run(ctx context.Context) (err error) {
	ctx, m.cancel = context.WithCancel(ctx)
	if err := os.MkdirAll(filepath.Dir(m.Config.DB), 0o755); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	if m.DB, err = sqlite.OpenWith(ctx, m.Config.DB, sqlite.Options{Synchronous: m.Config.Sync, SkipCheck: m.CheckLater, Receiver: true}); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.onClose(m.DB.Close)
	m.DB.SetQuarantineCap(m.Config.Limits.MaxQuarantineRows)
	for _, n := range m.DB.Notices() {
		m.Logger.Warn("database opened with a notice / 数据库打开时的提示", "notice", n)
	}
	if err := m.DB.OpenInbox(ctx); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.newUplink()
	run, err := m.startServiceRun(ctx)
	if err != nil {
		return err
	}
	// the 限产 baseline skips public holidays: the officer's calendar in the
	// data folder over the shipped one (a bad file is shown on the curves)
	if m.FS != nil {
		cal, _ := LoadHolidays(m.FS, filepath.Dir(m.Config.DB))
		ctx = judge.WithHolidays(ctx, func(t time.Time) bool { return cal.Day(t).Kind == calendar.Holiday })
	}
	if m.alarms, err = judge.Start(ctx, m.DB, judge.Options{Sweep: m.Config.Schedule.OfflineSweep, Logger: m.Logger, Run: run}); err != nil {
		return err
	}
	m.onClose(func() error { m.alarms.Wait(); return nil })
	m.indexer = newIndexer(m.DB, m.Logger.With("component", "indexer"))
	m.indexer.queued, m.indexer.after = m.wakeUplink, m.alarms.Observe
	go m.indexer.run(ctx)
	m.indexer.notify()         // what a crash left in the inbox goes in now, while the listener already answers
	m.onClose(m.indexer.close) // after the listener has drained: what it acknowledged is moved in
	values, err := m.Config.valuePolicy()
	if err != nil {
		return err
	}
	valuesLog := m.Logger.With("component", "ingest")
	m.Listener = &listener.Server{
		Recorder: &ingest{db: m.DB, uplink: m.uplinkTargets, appended: m.indexer.notify, values: values,
			rejected: func(mn string, reasons []string) {
				valuesLog.Warn("impossible values kept only in the raw frame / 不可能的数值仅保存在原始报文中", "mn", mn, "values", reasons)
			}},
		Directory: directory{m.DB},
		Journal:   journal{m.DB},
		Gaps:      gaps{m.DB},
		Limits:    m.Config.ListenerLimits(),
		Timing:    m.Config.ListenerTiming(),
		Logger:    m.Logger.With("component", "listener"),
	}
	if err := m.Listener.Restore(ctx); err != nil {
		return err
	}
	if m.ln, err = net.Listen("tcp", m.Config.Listen); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Listen, err)
	}
	m.served = make(chan struct{})
	go func() {
		defer close(m.served)
		if err := m.Listener.Serve(ctx, m.ln); err != nil {
			m.Logger.Error("listener stopped", "err", err)
		}
	}()
	m.onClose(func() error { <-m.served; return nil })
	m.startUplink(ctx)
	if m.Cron, err = m.schedule(ctx); err != nil {
		return err
	}
	m.Cron.Start()
	m.onClose(func() error { <-m.Cron.Stop().Done(); return nil }) // running jobs end; their ctx is cancelled
	m.Logger.Info("listening", "addr", m.ln.Addr().String(), "db", m.Config.DB)
	return nil
}

// OnViolation has fn called, from the alarm worker's goroutine, with every
// new violation alarm (the desktop's tray notification). It does nothing
// before Run.
func (m *Main) OnViolation(fn func(store.Alarm)) {
	if m.alarms != nil {
		m.alarms.SetNotify(fn)
	}
}

// Served is closed when the listener has stopped serving; nil before Run.
func (m *Main) Served() <-chan struct{} { return m.served }

// onClose registers fn to run at Close, before what was registered earlier.
func (m *Main) onClose(fn func() error) { m.closers = append(m.closers, fn) }

// Addr is the listener's address (with the real port when Config.Listen used port 0).
func (m *Main) Addr() net.Addr {
	if m.ln == nil {
		return nil
	}
	return m.ln.Addr()
}

// Close stops serving (the listener drains: uploads already read are
// committed and acknowledged), then closes everything in reverse start order.
// It may be called after a failed Run.
func (m *Main) Close() error {
	if m.cancel != nil {
		m.cancel()
	}
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

// startServiceRun records that the service listens from now on and keeps
// the record's heartbeat fresh until Close: the rules count a terminal's
// offline time only while a service ran (alarms.Input.Runs).
func (m *Main) startServiceRun(ctx context.Context) (int64, error) {
	id, err := m.DB.StartServiceRun(ctx, time.Now())
	if err != nil {
		return 0, fmt.Errorf("start service: %w", err)
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(alarms.HeartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				if err := m.DB.ServiceAlive(ctx, id, now); err != nil && ctx.Err() == nil {
					m.Logger.Error("service heartbeat", "err", err)
				}
			}
		}
	}()
	m.onClose(func() error {
		close(done)
		<-stopped
		// The last heartbeat: the run lasted until now. Close stops the
		// database after this (closers run in reverse order).
		return m.DB.ServiceAlive(context.Background(), id, time.Now())
	})
	return id, nil
}
