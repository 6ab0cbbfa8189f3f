package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"powerwatch/listener/hj212"
)

// defaultInterval is the Beijing guideline's upload interval.
const defaultInterval = 5 * time.Minute

// Config describes a simulation run. Addr and Terminals are required.
type Config struct {
	Addr      string // the centre, HOST:PORT
	Terminals []Terminal
	// Protocol is hj212.Version2025 (ST=44 CN=2011 real-time data every
	// interval; the zero value means it too) or hj212.Version2017 (ST=31
	// CN=2051 minute data).
	Protocol hj212.Version
	// Start is the simulated time of the first slot; zero means now.
	Start time.Time
	// Duration is the simulated span; 0 runs until ctx ends.
	Duration time.Duration
	// Speed is simulated seconds per wall second (300: five minutes a second);
	// 0 means 1. The simulated clock never passes the wall clock, so a run
	// that starts in the past catches up and then goes on in real time.
	Speed float64
	// Interval is the upload interval until the centre sets another; 0 means 5 minutes.
	Interval time.Duration
	// Outages drops each terminal's connection now and then (every 6–42
	// simulated hours, for 10 minutes to 3 hours); it caches what it
	// measures meanwhile and sends it when back.
	Outages bool
	// Script adds outages at given times.
	Script []Outage
	// Drift sets each terminal's clock off by up to ±90 s, drifting by up to
	// ±20 ppm; a terminal more than 60 s off asks for the time (1013) when it connects.
	Drift bool
	// Corrupt is the share of frames first sent damaged: with a bad CRC (the
	// terminal sends it again after the answer timeout) or truncated (the
	// whole frame follows at once).
	Corrupt float64
	// Violations are applied to the terminals they name (see PlanViolations).
	Violations []Violation
	// AckTimeout is how long (wall time) a terminal waits for a 9014 before
	// sending again; 0 means the standard's 10 s (HJ212-2017 Table 1) scaled
	// by Speed, but at least 2 s. The centre's CN 1000 changes it. A
	// terminal waits longer while the centre answers slowly (four times its
	// answer time, doubled after each timeout, at most a minute).
	AckTimeout time.Duration
	// ReCount is how often an unanswered frame is sent again before the
	// terminal parks it for later; 0 means 3 (HJ212-2017 Table 1).
	ReCount int
	// Window is how many frames of one terminal may await their 9014; 0 means 16.
	Window int
	// Drain is how long (wall time) terminals keep sending what is not yet
	// acknowledged after Duration has passed; 0 means 2 minutes.
	Drain time.Duration
	// Redial is the longest wait between connection attempts (they start at
	// a thirtieth of it and double); 0 means 30 s.
	Redial time.Duration
	Seed   uint64
	// Dial connects to Addr; nil means a net.Dialer with a 10 s timeout.
	Dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	Logger *slog.Logger // nil: discard
	// Now is the wall clock; nil means time.Now.
	Now func() time.Time
}

// An Outage is a period during which a terminal (all when MN is empty) has no network.
type Outage struct {
	MN       string
	From, To time.Time
}

// Summary counts what a run did.
type Summary struct {
	Terminals   int
	Records     int // uploads (slots) measured
	Sent        int // frames sent the first time
	Resent      int // frames sent again: unanswered in time, or lost with a connection
	Acked       int // 9014 answers received for our frames
	Backfilled  int // uploads cached during an outage and sent when back
	Unacked     int // uploads still without a 9014 at the end
	Outages     int
	Reconnects  int // connections opened after the first
	Corrupted   int // frames sent damaged
	Commands    int // the centre's requests answered
	HistorySent int // frames sent for history pulls
}

// WriteTo prints s as a short table.
func (s Summary) WriteTo(w io.Writer) (int64, error) {
	n, err := fmt.Fprintf(w, `模拟结束 simulation summary
  终端 terminals        %d
  测量 uploads measured %d
  发送 frames sent      %d
  确认 acknowledged     %d
  重发 re-sent          %d
  补发 backfilled       %d
  未确认 unacknowledged %d
  断网 outages          %d (reconnects %d)
  损坏帧 corrupted      %d
  命令 commands         %d (history frames %d)
`, s.Terminals, s.Records, s.Sent, s.Acked, s.Resent, s.Backfilled, s.Unacked, s.Outages, s.Reconnects,
		s.Corrupted, s.Commands, s.HistorySent)
	return int64(n), err
}

// stats are the Summary's counters, updated by every terminal.
type stats struct {
	records, sent, resent, acked, backfilled, unacked atomic.Int64
	outages, reconnects, corrupted, commands, history atomic.Int64
}

// A Sim is a district of simulated terminals. Create it with New, run it
// once with Run; Summary may be called at any time.
type Sim struct {
	cfg   Config
	clock clock
	log   *slog.Logger
	stats stats
	terms []*term
}

// New checks cfg and prepares the terminals.
func New(cfg Config) (*Sim, error) {
	if cfg.Addr == "" {
		return nil, errors.New("simulate: no centre address")
	}
	if len(cfg.Terminals) == 0 {
		return nil, errors.New("simulate: no terminals")
	}
	if cfg.Protocol != hj212.Version2017 {
		cfg.Protocol = hj212.Version2025
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Start.IsZero() {
		cfg.Start = cfg.Now()
	}
	cfg.Speed = max(cfg.Speed, 0)
	if cfg.Speed == 0 {
		cfg.Speed = 1
	}
	if cfg.Interval <= 0 {
		cfg.Interval = defaultInterval
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = max(time.Duration(float64(10*time.Second)/cfg.Speed), 2*time.Second)
	}
	if cfg.ReCount <= 0 {
		cfg.ReCount = 3
	}
	if cfg.Window <= 0 {
		cfg.Window = 16
	}
	if cfg.Drain <= 0 {
		cfg.Drain = 2 * time.Minute
	}
	if cfg.Redial <= 0 {
		cfg.Redial = 30 * time.Second
	}
	if cfg.Dial == nil {
		d := &net.Dialer{Timeout: 10 * time.Second}
		cfg.Dial = d.DialContext
	}
	s := &Sim{cfg: cfg, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.clock = clock{start: cfg.Start, wall0: cfg.Now(), speed: cfg.Speed, now: cfg.Now}
	for i := range cfg.Terminals {
		t, err := newTerm(s, &cfg.Terminals[i], i)
		if err != nil {
			return nil, err
		}
		s.terms = append(s.terms, t)
	}
	return s, nil
}

// Run runs every terminal until Duration has passed and what they measured
// is acknowledged (or Drain has passed), or until ctx ends, and returns the
// summary. Terminals that cannot reach the centre keep trying.
func (s *Sim) Run(ctx context.Context) (Summary, error) {
	s.clock.wall0 = s.cfg.Now()
	var wg sync.WaitGroup
	for _, t := range s.terms {
		wg.Go(func() { t.run(ctx) })
	}
	wg.Wait()
	return s.Summary(), nil
}

// Summary returns the counts so far.
func (s *Sim) Summary() Summary {
	st := &s.stats
	return Summary{Terminals: len(s.terms), Records: int(st.records.Load()), Sent: int(st.sent.Load()),
		Resent: int(st.resent.Load()), Acked: int(st.acked.Load()), Backfilled: int(st.backfilled.Load()),
		Unacked: int(st.unacked.Load()), Outages: int(st.outages.Load()), Reconnects: int(st.reconnects.Load()),
		Corrupted: int(st.corrupted.Load()), Commands: int(st.commands.Load()), HistorySent: int(st.history.Load())}
}

// End is the simulated time at which the run stops measuring; zero when it does not.
func (s *Sim) End() time.Time {
	if s.cfg.Duration <= 0 {
		return time.Time{}
	}
	return s.cfg.Start.Add(s.cfg.Duration)
}

// clock maps wall time to simulated time: Speed times faster from Start,
// but never ahead of the wall clock.
type clock struct {
	start, wall0 time.Time
	speed        float64
	now          func() time.Time
}

func (c *clock) sim() time.Time {
	w := c.now()
	t := c.start.Add(time.Duration(float64(w.Sub(c.wall0)) * c.speed))
	if t.After(w) {
		return w
	}
	return t
}

// until is the wall time left until the simulated clock reaches t.
func (c *clock) until(t time.Time) time.Duration {
	w := c.now()
	fast := time.Duration(float64(t.Sub(c.start))/c.speed) - w.Sub(c.wall0)
	return max(fast, t.Sub(w), 0)
}
