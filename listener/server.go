package listener

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"powerwatch/listener/hj212"
	"powerwatch/store"
)

// A Recorder keeps what terminals uploaded. Record stores the whole batch in
// one transaction and must not return nil before it is durable: the listener
// acknowledges every upload of the batch (9014) as soon as it returns nil, and
// none of them when it returns an error (the terminals will send again).
// Whether an upload was a re-send of one already stored is the store's
// business: it may learn it only later (powerwatch moves batches from a
// durable inbox into its tables after the acknowledgement).
type Recorder interface {
	Record(ctx context.Context, batch []*Upload) error
}

// RecorderFunc adapts a function to Recorder.
type RecorderFunc func(ctx context.Context, batch []*Upload) error

// Record calls f.
func (f RecorderFunc) Record(ctx context.Context, batch []*Upload) error { return f(ctx, batch) }

// A Registration is what the listener needs to know of a registered terminal.
type Registration struct {
	Terminal store.Terminal
	Points   []store.Point
	// RatedKW is the rated power (额定功率) of each point's facility, by
	// facility ID, for the ingest's plausibility check; may be nil.
	RatedKW map[int64]float64
}

// A Directory finds registered terminals. Lookup returns an error wrapping
// store.ErrNotFound for an MN that is not registered.
type Directory interface {
	Lookup(ctx context.Context, mn string) (*Registration, error)
}

// DirectoryFunc adapts a function to Directory.
type DirectoryFunc func(ctx context.Context, mn string) (*Registration, error)

// Lookup calls f.
func (f DirectoryFunc) Lookup(ctx context.Context, mn string) (*Registration, error) {
	return f(ctx, mn)
}

// A Journal keeps the listener's own records: terminal state and events, the
// quarantine and the command log. *sqlite.DB implements it.
type Journal interface {
	// SaveTerminalStates replaces the stored state of each MN given.
	SaveTerminalStates(ctx context.Context, states []store.TerminalState) error
	// TerminalStates returns every stored state (read once, by Restore).
	TerminalStates(ctx context.Context) ([]store.TerminalState, error)
	// AddTerminalEvents appends events.
	AddTerminalEvents(ctx context.Context, events []store.TerminalEvent) error
	// AddQuarantined merges entries per (MN, reason): counts add up, first
	// seen keeps the earliest, the rest the newest.
	AddQuarantined(ctx context.Context, ps []store.QuarantinedPacket) error
	// Quarantined returns the quarantine list, newest first.
	Quarantined(ctx context.Context) ([]store.QuarantinedPacket, error)
	// DeleteQuarantined removes mn's entries; store.ErrNotFound when none.
	DeleteQuarantined(ctx context.Context, mn string) error
	// SaveCommand inserts c (ID 0) and returns its ID, or updates it;
	// store.ErrNotFound for an unknown ID.
	SaveCommand(ctx context.Context, c store.Command) (int64, error)
	// Commands returns mn's commands (all when mn is empty), newest first.
	Commands(ctx context.Context, mn string, limit int) ([]store.Command, error)
	// OpenCommands returns the commands not final, oldest first.
	OpenCommands(ctx context.Context) ([]store.Command, error)
}

// A GapFinder tells which upload slots of a terminal are missing from the
// store, for the gap detector. Slots are the starts of step-long periods in
// [from, to).
type GapFinder interface {
	MissingSlots(ctx context.Context, mn string, from, to time.Time, step time.Duration) ([]time.Time, error)
}

// An Upload is one data packet of a registered terminal on its way to the store.
type Upload struct {
	Conn     ConnInfo
	Terminal *Registration
	// Packet is the upload; for a split message, the merged one (its Raw is
	// empty: it was never sent as one frame).
	Packet     *hj212.Packet
	ReceivedAt time.Time
	// Part is set on one part of a split upload (HJ212-2017 Table C.50): keep
	// its frame (evidence, relay) but not its values, which come with the
	// whole message (Assembled).
	Part bool
	// Assembled is set on a split message joined from its stored parts: its
	// values are the reading; its frames are the parts'. Conn is zero.
	Assembled bool
	// Incomplete is set on an Assembled message that never got all its parts
	// (Limits.SplitMaxAge): the values of the parts received, to be marked so.
	Incomplete bool

	c     *conn
	acks  [][]byte // 9014 frames to send once durable
	split splitKey // of an Assembled message
}

// ConnInfo describes the connection a packet came on.
type ConnInfo struct {
	ID     uint64
	Remote string // host:port
}

// Server serves HJ 212 over TCP. Set Recorder and Directory before Serve; the
// other fields are optional. A Server serves once.
type Server struct {
	Recorder  Recorder
	Directory Directory
	Journal   Journal   // nil: state, events, quarantine and commands live in memory only
	Gaps      GapFinder // nil: the gap detector asks for the whole outage
	Limits    Limits
	Timing    Timing
	// Cipher holds the HJ 212-2025 SM4 rules we could not read in the
	// standard (padding, text encoding, which CNs); the zero value is the
	// codec's best guess.
	Cipher hj212.CipherOptions
	Logger *slog.Logger     // nil: discard
	Now    func() time.Time // nil: time.Now

	initOnce sync.Once
	lim      Limits
	tim      Timing
	log      *slog.Logger
	stats    counters
	uploads  chan *Upload

	mu        sync.Mutex
	conns     map[*conn]struct{}
	unident   unidentified // connections not yet identified, oldest first (admit.go)
	evicting  int          // dropped by admit, not yet gone
	nextID    uint64
	closing   bool
	restored  bool
	connWG    sync.WaitGroup
	committed chan struct{}

	dir    dirCache
	state  tracker
	quar   quarantine
	cmds   commander
	splits splitter
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.lim, s.tim = s.Limits.withDefaults(), s.Timing.withDefaults()
		s.log = s.Logger
		if s.log == nil {
			s.log = slog.New(slog.DiscardHandler)
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Journal == nil {
			s.Journal = &memJournal{}
		}
		s.conns = map[*conn]struct{}{}
		s.uploads = make(chan *Upload, 2*s.tim.MaxBatch)
		s.committed = make(chan struct{})
		s.dir = dirCache{s: s, m: map[string]dirEntry{}, sem: make(chan struct{}, lookupsAtOnce)}
		s.state = tracker{s: s, m: map[string]*termState{}}
		s.quar = quarantine{s: s, m: map[quarKey]*store.QuarantinedPacket{}}
		s.splits = newSplitter(s)
		s.cmds = commander{s: s, queues: map[string][]*command{}, conns: map[string]*conn{}, pw: map[string]string{}}
	})
}

// Restore loads the terminal states and the unfinished commands kept in the
// Journal. Serve calls it when it was not called before; calling it first
// makes a broken database a startup error.
func (s *Server) Restore(ctx context.Context) error {
	s.init()
	s.mu.Lock()
	done := s.restored
	s.restored = true
	s.mu.Unlock()
	if done {
		return nil
	}
	states, err := s.Journal.TerminalStates(ctx)
	if err != nil {
		return fmt.Errorf("restore terminal states: %w", err)
	}
	s.state.restore(states)
	open, err := s.Journal.OpenCommands(ctx)
	if err != nil {
		return fmt.Errorf("restore commands: %w", err)
	}
	s.cmds.restore(open)
	if err := s.dir.reload(ctx); err != nil {
		return fmt.Errorf("load registry: %w", err)
	}
	return s.restoreSplits(ctx)
}

// Serve accepts connections on ln until ctx is done. It then stops reading,
// waits for the uploads already read to be committed and acknowledged, closes
// every connection, writes the journal and returns nil. It returns an error
// when Restore fails or Accept fails for another reason than ctx.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := s.Restore(ctx); err != nil {
		return err
	}
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { defer bg.Done(); s.commitLoop(ctx) }()
	hkCtx, stopHK := context.WithCancel(context.WithoutCancel(ctx))
	go func() { defer bg.Done(); s.housekeep(context.WithoutCancel(ctx), hkCtx) }()

	stop := context.AfterFunc(ctx, func() { ln.Close(); s.stopReading() })
	defer stop()
	err := s.acceptLoop(ctx, ln)
	if err != nil {
		ln.Close()
		s.stopReading()
	}
	s.connWG.Wait()
	close(s.uploads) // every reader is gone: nothing more is submitted
	<-s.committed
	stopHK()
	bg.Wait()
	s.flush(context.WithoutCancel(ctx))
	return err
}

func (s *Server) acceptLoop(ctx context.Context, ln net.Listener) error {
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errTooManyFiles) {
				// Out of file descriptors or similar: back off, as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.log.Warn("accept", "err", err, "retry_in", delay)
				time.Sleep(delay)
				continue
			}
			return fmt.Errorf("accept: %w", err)
		}
		delay = 0
		c, reason := s.admit(nc)
		if c == nil {
			s.log.Debug("connection refused", "remote", nc.RemoteAddr().String(), "reason", reason)
			nc.Close()
			continue
		}
		s.connWG.Add(1)
		go func() {
			defer s.connWG.Done()
			s.serveConn(ctx, c)
		}()
	}
}

// stopReading makes every reader return, so that shutdown can drain.
func (s *Server) stopReading() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	for c := range s.conns {
		c.stopReading()
	}
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
