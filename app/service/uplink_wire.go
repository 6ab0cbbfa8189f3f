package service

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	"powerwatch/app/uplink"
	"powerwatch/store"
)

// UplinkConfig is the relay to the city platform (README "Uplink to the
// city platform"). The command line of serve replaces hj212 and http.
type UplinkConfig struct {
	HJ212 []UpstreamConfig `json:"hj212"` // HJ 212 upstreams: "host:port" or an object
	HTTP  []string         `json:"http"`  // URLs that receive the shared-data JSON by POST
	// Folder, when set, receives the shared-data JSON documents as files
	// (a shared network folder the city collects from).
	Folder   string `json:"folder"`
	District string `json:"district"` // the sender's name in every JSON document
	// AckTimeout is how long a frame waits for the upstream's 9014 before it
	// is sent again, for upstreams that set none.
	AckTimeout Duration `json:"ack_timeout"`
	// MaxPending is the queue length per upstream above which the status
	// and the log warn; nothing is ever dropped.
	MaxPending int      `json:"max_pending"`
	Window     int      `json:"window"`          // frames awaiting their 9014 at once, per upstream
	Interval   Duration `json:"export_interval"` // how often the shared data is checked for changes
	// MaxBackoff caps the wait between failed attempts (connections and
	// pushes), which doubles from 1 s (JSON: 5 s).
	MaxBackoff Duration `json:"max_backoff"`
	// Multiplex sends every terminal's frames over one connection per
	// upstream; by default each terminal has its own (README "Uplink").
	Multiplex bool `json:"multiplex"`
	// MaxConns bounds the connections open at once per upstream (one per
	// terminal with frames to send); 0 means 500.
	MaxConns int `json:"max_conns"`
	// ConnIdle closes a terminal's connection after this long with nothing
	// to send; 0 means 3 minutes.
	ConnIdle Duration `json:"conn_idle"`
	// AckFallback is how many frames in a row may go without a matching
	// 9014 before the relay writes and counts instead; 0 means 10.
	AckFallback int `json:"ack_fallback"`
}

// UpstreamConfig is one HJ 212 upstream. In the file it is either the
// address as a string or an object with the options.
type UpstreamConfig struct {
	Addr       string            `json:"addr"`
	MN         map[string]string `json:"mn,omitempty"`       // local MN → the city's MN
	Password   string            `json:"password,omitempty"` // replaces every frame's PW
	NoAck      bool              `json:"no_ack,omitempty"`   // the platform never answers 9014
	AckTimeout Duration          `json:"ack_timeout,omitempty"`
	Multiplex  bool              `json:"multiplex,omitempty"` // one connection for all terminals (else uplink.multiplex)
	MaxConns   int               `json:"max_conns,omitempty"` // else uplink.max_conns
}

// UnmarshalJSON accepts "host:port" or {"addr": …, …}.
func (u *UpstreamConfig) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		*u = UpstreamConfig{}
		return json.Unmarshal(b, &u.Addr)
	}
	type plain UpstreamConfig // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(u))
}

func (c UplinkConfig) validate() error {
	for _, u := range c.HJ212 {
		if _, _, err := net.SplitHostPort(u.Addr); err != nil {
			return fmt.Errorf("uplink hj212 %q: want HOST:PORT: %w", u.Addr, err)
		}
	}
	for _, s := range c.HTTP {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("uplink http %q: want an http:// or https:// URL", s)
		}
	}
	if c.MaxPending < 0 || c.Window < 0 || c.MaxConns < 0 || c.AckFallback < 0 || c.ConnIdle < 0 {
		return fmt.Errorf("uplink: max_pending, window, max_conns, ack_fallback and conn_idle may not be negative")
	}
	for _, u := range c.HJ212 {
		if u.MaxConns < 0 {
			return fmt.Errorf("uplink hj212 %q: max_conns may not be negative", u.Addr)
		}
	}
	return nil
}

// targets are the outbox targets the ingest queues each upload for.
func (c UplinkConfig) targets() []string {
	out := make([]string, len(c.HJ212))
	for i, u := range c.HJ212 {
		out[i] = u.Addr
	}
	return out
}

// Override replaces the file's upstreams by those given on serve's command
// line (--uplink-hj212, --uplink-http); an empty list keeps the file's.
func (c *UplinkConfig) Override(hj212, http []string) {
	if len(hj212) > 0 {
		c.HJ212 = nil
		for _, a := range hj212 {
			c.HJ212 = append(c.HJ212, UpstreamConfig{Addr: a})
		}
	}
	if len(http) > 0 {
		c.HTTP = append([]string(nil), http...)
	}
}

// newUplink builds the relay and the exporters of the config; m.DB must be open.
func (m *Main) newUplink() {
	c := m.Config.Uplink
	fw := &uplink.Forwarder{Outbox: m.DB, Window: c.Window, MaxPending: c.MaxPending, MaxBackoff: time.Duration(c.MaxBackoff),
		ConnIdle: time.Duration(c.ConnIdle), Logger: m.Logger.With("component", "uplink")}
	for _, u := range c.HJ212 {
		fw.Upstreams = append(fw.Upstreams, uplink.Upstream{Addr: u.Addr, MN: u.MN, Password: u.Password, NoAck: u.NoAck,
			AckTimeout: time.Duration(orDuration(u.AckTimeout, c.AckTimeout)), Multiplex: u.Multiplex || c.Multiplex,
			MaxConns: cmp.Or(u.MaxConns, c.MaxConns), AckFallback: c.AckFallback})
	}
	m.Uplink = fw
	m.uplinkNow.Store(fw)
	targets := c.targets()
	m.uplinkTo.Store(&targets)
	m.Exports = nil
	newExporter := func() *uplink.Exporter {
		return &uplink.Exporter{Source: m.DB, District: c.District, Interval: time.Duration(c.Interval),
			MaxBackoff: time.Duration(c.MaxBackoff), Logger: m.Logger.With("component", "export")}
	}
	for _, u := range c.HTTP {
		e := newExporter()
		e.URL = u
		m.Exports = append(m.Exports, e)
	}
	if c.Folder != "" {
		e := newExporter()
		e.FS, e.Dir = m.FS, c.Folder
		m.Exports = append(m.Exports, e)
	}
}

func orDuration(d, def Duration) Duration {
	if d == 0 {
		return def
	}
	return d
}

// startUplink runs the relay and the exporters until Close, or until
// SetUplinkSettings replaces them.
func (m *Main) startUplink(ctx context.Context) {
	m.uplinkMu.Lock()
	m.uplinkCtx = ctx
	m.launchUplink()
	m.uplinkMu.Unlock()
	m.onClose(func() error {
		m.uplinkMu.Lock()
		defer m.uplinkMu.Unlock()
		m.uplinkStop()
		return nil
	})
}

// launchUplink starts the relay and the exporters built by newUplink and
// sets uplinkStop to stop them. The caller holds uplinkMu.
func (m *Main) launchUplink() {
	ctx, cancel := context.WithCancel(m.uplinkCtx)
	var wg sync.WaitGroup
	if len(m.Uplink.Upstreams) > 0 {
		fw := m.Uplink
		wg.Go(func() { fw.Run(ctx) })
	}
	for _, e := range m.Exports {
		wg.Go(func() { e.Run(ctx) })
	}
	m.uplinkStop = func() { cancel(); wg.Wait() }
}

// applyUplink replaces the running relay and exporters by those of c. Items
// queued for an upstream that is gone stay in the outbox and go out again if
// it comes back. Uploads are queued for the new upstreams from the next
// group commit on.
func (m *Main) applyUplink(c UplinkConfig) {
	m.uplinkMu.Lock()
	defer m.uplinkMu.Unlock()
	m.Config.Uplink = c
	if m.uplinkCtx == nil { // not running: the next start reads the file
		return
	}
	m.uplinkStop()
	m.newUplink()
	m.launchUplink()
}

// uplinkTargets are the outbox targets of the upstreams now configured.
func (m *Main) uplinkTargets() []string {
	if t := m.uplinkTo.Load(); t != nil {
		return *t
	}
	return nil
}

// wakeUplink tells the running relay that new items are queued.
func (m *Main) wakeUplink() {
	if fw := m.uplinkNow.Load(); fw != nil {
		fw.Wake()
	}
}

// UplinkStatus reports every upstream: HJ 212 relays first, then the
// shared-data targets. Empty when none is configured or Main is not running.
func (m *Main) UplinkStatus(ctx context.Context) ([]store.UpstreamStatus, error) {
	m.uplinkMu.Lock()
	fw, exports := m.Uplink, m.Exports
	m.uplinkMu.Unlock()
	if fw == nil {
		return nil, nil
	}
	out, err := fw.Status(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range exports {
		s, err := e.Status(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
